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
 * What each job lists in its repository: the `s3:prefix` of each s3:ListBucket request on the backup bucket,
 * below the app's prefix, as restic 0.18.1 sends it. The cross-check holds each job's role to these too, with
 * the role's conditions on s3:prefix evaluated, so that a listing condition cut too far fails synth.
 *
 * - List is one ListObjectsV2 below `<prefix>/<folder>/`, with the trailing slash (internal/backend/s3/s3.go, List;
 *   `data/` recursively, internal/backend/layout/layout_default.go, Basedir).
 * - Every job lists `keys/` to find the key its password opens (internal/repository/key.go, SearchKey) and
 *   `locks/` before it locks or unlocks (internal/restic/lock.go, checkForOtherLocks; RemoveStaleLocks); it loads
 *   the index (`index/`, internal/repository/index/index_parallel.go, ForAllIndexes) and the snapshots
 *   (`snapshots/`, internal/restic/snapshot.go, ForAllSnapshots); check and prune list the packs
 *   (`data/`, internal/checker/checker.go, internal/repository/prune.go).
 * - `config` is the backup job's first run. `restic init` goes on only if S3 answers NoSuchKey for the missing
 *   `config` (internal/repository/repository.go, Init: any other Stat error ends it; internal/backend/s3/s3.go,
 *   IsNotExist is Code "NoSuchKey", and AccessDenied is a permanent error, not retried). S3 answers 404 to a
 *   GET of a missing key only to a caller that may s3:ListBucket, and 403 AccessDenied to any other (the
 *   GetObject API reference, "Permissions"); with a ListBucket allowed only under an s3:prefix condition, S3
 *   evaluates that condition with the requested key as s3:prefix (the behaviour Ceph RGW copied from AWS,
 *   github.com/ceph/ceph pull 68577 "read_obj_policy() consults s3:prefix when deciding between 403/404";
 *   and a kopia maintainer's test on AWS, github.com/kopia/kopia pull 3072: a prefix-scoped ListBucket gets 404
 *   for a missing object below the prefix). So the first backup of a new app needs its role to list with
 *   s3:prefix `<prefix>config`: without it, init fails with Access Denied on every run and no backup is ever made.
 * - `restic init` then lists `keys/` and `snapshots/` to refuse a repository that has lost its config
 *   (repository.go, Init), and writes `config` and its key (REPOSITORY_NEEDS).
 */
export const REPOSITORY_LISTINGS: Readonly<Record<BackupJobKind, readonly string[]>> = {
  backup: ['config', 'keys/', RESTIC_LOCKS, 'index/', 'snapshots/'],
  check: ['keys/', RESTIC_LOCKS, 'index/', 'snapshots/', 'data/'],
  retention: ['keys/', RESTIC_LOCKS, 'index/', 'snapshots/', 'data/'],
  restore: ['keys/', RESTIC_LOCKS, 'index/', 'snapshots/'],
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
