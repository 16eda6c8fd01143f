/** The four restic jobs every app has, and how they are named and labelled. */
export const BACKUP_COMPONENT_LABEL = 'webapps.platform.io/component';

export type BackupJob = 'backup' | 'retention' | 'check' | 'restore';

export const backupJobNameOf = (app: string, job: BackupJob): string => `${app}-${job}`;
