import type { BackupJobKind } from '../model/naming';

// The backup jobs' roles as data, apart from the constructs that make them (backup-job-roles.ts): the rules
// that check the Terraform read these on the thread that builds the charts, which need not load CDKTF.

/**
 * The folder of restic's lock files below a repository. restic v0.18.1 keeps a repository in S3 as
 * `<prefix>/config`, `keys/<id>`, `snapshots/<id>`, `index/<id>`, `data/<2 hex>/<id>` and `locks/<id>`
 * (internal/backend/layout/layout_default.go), writes each with a plain PutObject, and removes objects
 * only to drop its own lock, to refresh one, or to unlock stale ones (internal/restic/lock.go,
 * internal/repository/lock.go), apart from forget, prune and the like.
 */
export const RESTIC_LOCKS = 'locks/';

/**
 * What each job does in its repository, below the app's prefix, as restic 0.18.1 does it (one sample key per
 * folder; `<id>` stands for any object). The cross-check holds the role of each job to it, so that a role
 * cut too far fails synth rather than the job. Deletes outside `locks/` are retention's alone.
 * Every command opens the repository first: it reads `config` and the `keys/` file its password opens
 * (internal/repository/repository.go SearchKey), then, before taking its lock, every other lock
 * (internal/restic/lock.go checkForOtherLocks, ForAllLocks); a backup, a restore and retention also load the
 * index and the snapshots (LoadIndex, FindSnapshot). Retention removes the keys the rotation replaced.
 */
export const REPOSITORY_NEEDS: Readonly<Record<BackupJobKind, readonly (readonly [action: string, key: string])[]>> = {
  backup: [
    ['s3:GetObject', 'config'],
    ['s3:GetObject', 'keys/<id>'],
    ['s3:GetObject', `${RESTIC_LOCKS}<id>`],
    ['s3:GetObject', 'index/<id>'],
    ['s3:GetObject', 'snapshots/<id>'],
    ['s3:PutObject', 'config'],
    ['s3:PutObject', 'keys/<id>'],
    ['s3:PutObject', 'data/00/<id>'],
    ['s3:PutObject', 'index/<id>'],
    ['s3:PutObject', 'snapshots/<id>'],
    ['s3:PutObject', `${RESTIC_LOCKS}<id>`],
    ['s3:DeleteObject', `${RESTIC_LOCKS}<id>`],
  ],
  check: [
    ['s3:GetObject', 'config'],
    ['s3:GetObject', 'keys/<id>'],
    ['s3:GetObject', `${RESTIC_LOCKS}<id>`],
    ['s3:GetObject', 'snapshots/<id>'],
    ['s3:GetObject', 'data/00/<id>'],
    ['s3:GetObject', 'index/<id>'],
    ['s3:PutObject', `${RESTIC_LOCKS}<id>`],
    ['s3:DeleteObject', `${RESTIC_LOCKS}<id>`],
  ],
  retention: [
    ['s3:GetObject', 'config'],
    ['s3:GetObject', 'keys/<id>'],
    ['s3:GetObject', `${RESTIC_LOCKS}<id>`],
    ['s3:GetObject', 'index/<id>'],
    ['s3:GetObject', 'snapshots/<id>'],
    ['s3:DeleteObject', 'keys/<id>'],
    ['s3:GetObject', 'data/00/<id>'],
    ['s3:PutObject', 'data/00/<id>'],
    ['s3:PutObject', 'index/<id>'],
    ['s3:DeleteObject', 'snapshots/<id>'],
    ['s3:DeleteObject', 'index/<id>'],
    ['s3:DeleteObject', 'data/00/<id>'],
    ['s3:PutObject', `${RESTIC_LOCKS}<id>`],
    ['s3:DeleteObject', `${RESTIC_LOCKS}<id>`],
  ],
  restore: [
    ['s3:GetObject', 'config'],
    ['s3:GetObject', 'keys/<id>'],
    ['s3:GetObject', `${RESTIC_LOCKS}<id>`],
    ['s3:GetObject', 'index/<id>'],
    ['s3:GetObject', 'snapshots/<id>'],
    ['s3:GetObject', 'data/00/<id>'],
    ['s3:PutObject', `${RESTIC_LOCKS}<id>`],
    ['s3:DeleteObject', `${RESTIC_LOCKS}<id>`],
  ],
};

/**
 * The four roles of the apps' restic jobs, one per kind of job, each session in its app's namespace:
 * - `backup`: reads the app's bucket, adds to its repository, and removes only lock files;
 * - `check`: reads its repository and writes and removes only lock files; the live bucket is out of its reach;
 * - `retention`, held by `forget --prune`: the only one that deletes backups, and only in its prefix;
 * - `restore`: reads the repository, holds read locks, and is the only job that writes the live bucket.
 */
export type BackupJobRole = BackupJobKind;
export const BACKUP_JOB_ROLES: readonly BackupJobRole[] = ['backup', 'check', 'retention', 'restore'];

/** The Terraform addresses of the shared job roles, and of an app's Pod Identity associations to them. */
export const backupJobRoleAddressOf = (role: BackupJobRole): string => `apps_${role}_role`;
export const backupJobPodIdentityAddressOf = (app: string, role: BackupJobRole): string => `${role}_pod_identity_${app}`;
