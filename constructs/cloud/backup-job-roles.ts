import { Construct } from 'constructs';
import {
  type BackupJobKind,
  backupPrefixOf,
  backupRoleOf,
  backupServiceAccountOf,
  namespaceOf,
  restoreRoleOf,
  restoreServiceAccountOf,
  retentionRoleOf,
  retentionServiceAccountOf,
} from '../model/naming';
import type { EksCluster } from './eks-cluster';
import type { EncryptionKey } from './encryption-key';
import type { PolicyStatement } from './iam-policy';
import { PodIdentityRole } from './pod-identity-role';
import type { SecureBucket } from './secure-bucket';

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
 */
export const REPOSITORY_NEEDS: Readonly<Record<BackupJobKind, readonly (readonly [action: string, key: string])[]>> = {
  backup: [
    ['s3:GetObject', 'config'],
    ['s3:PutObject', 'config'],
    ['s3:PutObject', 'keys/<id>'],
    ['s3:PutObject', 'data/00/<id>'],
    ['s3:PutObject', 'index/<id>'],
    ['s3:PutObject', 'snapshots/<id>'],
    ['s3:PutObject', `${RESTIC_LOCKS}<id>`],
    ['s3:DeleteObject', `${RESTIC_LOCKS}<id>`],
  ],
  check: [
    ['s3:GetObject', 'data/00/<id>'],
    ['s3:GetObject', 'index/<id>'],
    ['s3:PutObject', `${RESTIC_LOCKS}<id>`],
    ['s3:DeleteObject', `${RESTIC_LOCKS}<id>`],
  ],
  retention: [
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
    ['s3:GetObject', 'snapshots/<id>'],
    ['s3:GetObject', 'data/00/<id>'],
    ['s3:PutObject', `${RESTIC_LOCKS}<id>`],
    ['s3:DeleteObject', `${RESTIC_LOCKS}<id>`],
  ],
};

/**
 * The three roles of an app's restic jobs, one per kind of job:
 * - `backup`, held by the backup and the check job: reads the app's bucket, adds to its repository, and
 *   removes only lock files;
 * - `retention`, held by `forget --prune`: the only one that deletes backups, and only in its prefix;
 * - `restore`: reads the repository, holds read locks, and is the only job that writes the live bucket.
 */
export type BackupJobRole = 'backup' | 'retention' | 'restore';
export const BACKUP_JOB_ROLES: readonly BackupJobRole[] = ['backup', 'retention', 'restore'];

/** The Terraform addresses of an app's job roles and their Pod Identity associations. */
export const backupJobRoleAddressOf = (app: string, role: BackupJobRole): string => `${role}_role_${app}`;
export const backupJobPodIdentityAddressOf = (app: string, role: BackupJobRole): string => `${role}_pod_identity_${app}`;

/** Which role name and ServiceAccount each job role has. */
export const BACKUP_JOB_IDENTITIES: Readonly<
  Record<BackupJobRole, { readonly roleOf: (cluster: string, app: string) => string; readonly serviceAccountOf: (app: string) => string }>
> = {
  backup: { roleOf: backupRoleOf, serviceAccountOf: backupServiceAccountOf },
  retention: { roleOf: retentionRoleOf, serviceAccountOf: retentionServiceAccountOf },
  restore: { roleOf: restoreRoleOf, serviceAccountOf: restoreServiceAccountOf },
};

/** What the statements of a job role name. */
export interface BackupJobScope {
  readonly bucket: SecureBucket;
  readonly dataKey: EncryptionKey;
  readonly backup: SecureBucket;
  readonly backupKey: EncryptionKey;
  /** The app's backup prefix, with its trailing slash. */
  readonly prefix: string;
  /** The cluster's region: the keys may be used only through S3 there. */
  readonly region: string;
}

/** Everything one job role may do. */
export function backupJobStatements(role: BackupJobRole, scope: BackupJobScope): PolicyStatement[] {
  const { bucket, backup, prefix, region } = scope;
  const repository = `${prefix}*`;
  const locks = `${prefix}${RESTIC_LOCKS}*`;
  const backupBucket: PolicyStatement[] = [
    // restic's S3 client asks for the bucket's region unless told; the answer reveals no one's data.
    backup.grantBucket('LocateBackupBucket', 's3:GetBucketLocation'),
    backup.grantBucket('ListOwnBackups', 's3:ListBucket', { StringLike: { 's3:prefix': [`${prefix}*`] } }),
    scope.backupKey.grantThroughS3('UseBackupKey', ['kms:Decrypt', 'kms:GenerateDataKey'], region),
  ];
  const listAppBucket = bucket.grantBucket('ListAppBucket', ['s3:ListBucket', 's3:GetBucketLocation']);
  switch (role) {
    case 'backup':
      return [
        listAppBucket,
        bucket.grantObjects('ReadAppObjects', 's3:GetObject'),
        scope.dataKey.grantThroughS3('ReadAppDataKey', 'kms:Decrypt', region),
        ...backupBucket,
        // Adding is a plain PutObject; S3 versioning keeps what an overwrite would replace.
        backup.grantObjects('AddToOwnBackups', ['s3:GetObject', 's3:PutObject'], repository),
        backup.grantObjects('RemoveOwnLocks', 's3:DeleteObject', locks),
      ];
    case 'retention':
      return [...backupBucket, backup.grantObjects('PruneOwnBackups', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], repository)];
    case 'restore':
      return [
        listAppBucket,
        // tar unlinks a file before it writes it again: on the versioned bucket a delete adds a delete
        // marker and keeps the version. No DeleteObjectVersion: a restore never erases history.
        bucket.grantObjects('RestoreAppObjects', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']),
        scope.dataKey.grantThroughS3('UseAppDataKey', ['kms:Decrypt', 'kms:GenerateDataKey'], region),
        ...backupBucket,
        backup.grantObjects('ReadOwnBackups', 's3:GetObject', repository),
        // restore, dump and snapshots hold a read lock; unlock removes stale ones.
        backup.grantObjects('HoldOwnLocks', ['s3:PutObject', 's3:DeleteObject'], locks),
      ];
  }
}

export interface BackupJobRolesProps {
  readonly cluster: EksCluster;
  readonly app: string;
  readonly region: string;
  /** The app's data bucket, and the key that encrypts it. */
  readonly bucket: SecureBucket;
  readonly dataKey: EncryptionKey;
  /** The cluster's backup bucket near the cluster, and its key. */
  readonly backup: { readonly bucket: SecureBucket; readonly key: EncryptionKey };
}

/**
 * The IAM roles of one app's backup, check, retention and restore jobs, apart from the app's own role.
 * EKS Pod Identity hands each to one ServiceAccount, and each CronJob runs as the account of its job, so a
 * pod that runs as the backup account can add backups but not delete them nor touch the live data, and
 * only the restore job can write the live bucket. None can erase a version: the near backup bucket and the
 * app bucket keep noncurrent versions, and the offsite copy is under Object Lock.
 */
export class BackupJobRoles extends Construct {
  readonly roles: Readonly<Record<BackupJobRole, PodIdentityRole>>;

  constructor(scope: Construct, id: string, props: BackupJobRolesProps) {
    super(scope, id);
    const { app, cluster } = props;
    const jobScope: BackupJobScope = {
      bucket: props.bucket,
      dataKey: props.dataKey,
      backup: props.backup.bucket,
      backupKey: props.backup.key,
      prefix: backupPrefixOf(app),
      region: props.region,
    };
    const descriptions: Record<BackupJobRole, string> = {
      backup: `Backup and check jobs of app ${app} in ${cluster.name}: read its bucket, add to its backups, remove only lock files`,
      retention: `Retention job of app ${app} in ${cluster.name}: forget and prune in its backup prefix only`,
      restore: `Restore job of app ${app} in ${cluster.name}: read its backups, write its bucket back`,
    };
    const role = (kind: BackupJobRole) =>
      new PodIdentityRole(this, kind, {
        cluster,
        roleName: BACKUP_JOB_IDENTITIES[kind].roleOf(cluster.name, app),
        description: descriptions[kind],
        namespace: namespaceOf(app),
        serviceAccount: BACKUP_JOB_IDENTITIES[kind].serviceAccountOf(app),
        policyName: `app-${kind}`,
        statements: backupJobStatements(kind, jobScope),
        roleAddress: backupJobRoleAddressOf(app, kind),
        associationAddress: backupJobPodIdentityAddressOf(app, kind),
      });
    this.roles = { backup: role('backup'), retention: role('retention'), restore: role('restore') };

    const readWrite = ['kms:Decrypt', 'kms:GenerateDataKey'];
    props.dataKey.allowThroughS3('BackupJobsReadAppDataThroughS3', this.roles.backup.arn, ['kms:Decrypt'], props.region);
    props.dataKey.allowThroughS3('RestoreJobsWriteAppDataThroughS3', this.roles.restore.arn, readWrite, props.region);
    for (const kind of BACKUP_JOB_ROLES) {
      props.backup.key.allowThroughS3('BackupJobsUseBackupsThroughS3', this.roles[kind].arn, readWrite, props.region);
    }
  }
}
