/** The four restic jobs every app has, and how they are named and labelled. */
export const BACKUP_COMPONENT_LABEL = 'webapps.platform.io/component';

export type BackupJob = 'backup' | 'retention' | 'check' | 'restore';

export const backupJobNameOf = (app: string, job: BackupJob): string => `${app}-${job}`;
/**
 * The container that runs restic and prints the job's report line. The alert rules read the report only from
 * it: the backup pod's init container runs the app's own pre-backup hook, and the app's pods write to the same
 * stream, so either could print a line that looks like a report.
 */
export const BACKUP_CONTAINER = 'restic';
/**
 * The names of the pods of a job's CronJob, and of a Job made from it as the docs say (`<app>-backup-manual`):
 * the Job is `<CronJob>-<n>` and its pod `<Job>-<suffix>`. A CronJob's name is at most 52 characters, so no
 * truncation of a pod's generated name reaches this prefix. No pod of the app's Deployment has it: their
 * names are `<app>-<pod-template-hash>-<suffix>`, the hash of consonants and digits only (k8s.io/apimachinery
 * rand.SafeEncodeString), never `backup`.
 */
export const backupPodPatternOf = (app: string, job: BackupJob): string => `${backupJobNameOf(app, job)}-*`;
