/** The four restic jobs of an app with storage, and how they are named and labelled. */
export const BACKUP_COMPONENT_LABEL = 'webapps.platform.io/component';

export type BackupJob = 'backup' | 'retention' | 'check' | 'restore';

export const backupJobNameOf = (app: string, job: BackupJob): string => `${app}-${job}`;
