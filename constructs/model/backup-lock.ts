import { EXTERNAL_SECRETS_ACCOUNT } from './aws-add-on-accounts';

/*
 * The lock renewal of the offsite backups: a CronJob that moves the Object Lock of every current object
 * version in `<cluster>-backup-offsite` to `objectLockDays` from the day it runs (docs/restore.md, "What
 * keeps a pruned pack"). Both the Kubernetes side (constructs/platform/backup-lock-renewal.ts) and the
 * Terraform side (constructs/cloud/backup-lock-policy.ts) read its names and numbers here.
 */

/**
 * Where it runs and as whom. It has no chart of its own, so it runs in the namespace of External Secrets,
 * an add-on every cluster has (each app's restic password comes through it) whose namespace already lets
 * its pods out to AWS APIs on 443 and to the Pod Identity agent; its own NetworkPolicy narrows that to
 * exactly DNS, 443 and the agent. Its ServiceAccount is its own: the ESO controller's role is not its.
 */
export const BACKUP_LOCK = {
  name: 'backup-lock-renewal',
  namespace: EXTERNAL_SECRETS_ACCOUNT.namespace,
  serviceAccount: 'backup-lock-renewal',
} as const;

/** Its IAM role. App roles end in -app, -backup, -backup-check, -retention or -restore, so no app's can take this name. */
export const backupLockRoleOf = (cluster: string): string => `${cluster}-backup-lock-renewal`;
/** The Terraform addresses of its role (its policy's is `<role>_policy`) and of its Pod Identity association. */
export const BACKUP_LOCK_ROLE_ADDRESS = 'backup_lock_renewal_role';
export const BACKUP_LOCK_POD_IDENTITY_ADDRESS = 'backup_lock_renewal_pod_identity';

/** How many runs fall inside one lock: after a run, two more may fail before any lock it set runs out. */
export const RUNS_PER_LOCK = 3;
/** Weekly where the lock allows it. */
export const MAX_RENEWAL_INTERVAL_DAYS = 7;
/** The shortest lock a renewal every day still fits RUNS_PER_LOCK times. */
export const MIN_OBJECT_LOCK_DAYS = RUNS_PER_LOCK;

/**
 * Days between two runs: weekly, or a third of the lock where that is shorter (a 7-day lock is renewed every
 * 2 days). A current version is then locked at least `objectLockDays - interval` days after any run, which
 * is two intervals or more: a failed run alerts, and the next one can still renew every lock in time.
 */
export const renewalIntervalDaysOf = (objectLockDays: number): number => Math.min(MAX_RENEWAL_INTERVAL_DAYS, Math.floor(objectLockDays / RUNS_PER_LOCK));

/**
 * The CronJob's schedule (UTC): 03:20, after the nightly backups start (02:30 by default) and before the
 * daily prune (05:00). Weekly on Mondays; for a shorter interval, every `n`th day of the month, which never
 * leaves more than `n` days between two runs (the 31st to the 1st is shorter).
 */
export function renewalScheduleOf(objectLockDays: number): string {
  const interval = renewalIntervalDaysOf(objectLockDays);
  if (interval >= MAX_RENEWAL_INTERVAL_DAYS) return '20 3 * * 1';
  return interval <= 1 ? '20 3 * * *' : `20 3 */${interval} * *`;
}

/**
 * The most days of retention the role may set on an object, what its policy caps
 * `s3:object-lock-remaining-retention-days` at: the lock, plus the one day by which the job rounds its
 * date up to the next midnight (constructs/platform/backup-lock-renewal.ts says why).
 */
export const retentionCapDaysOf = (objectLockDays: number): number => objectLockDays + 1;
