import { Construct } from 'constructs';
import { BACKUP_JOB_NAMES, backupPrefixOf, namespaceOf } from '../model/naming';
import { BACKUP_JOB_ROLES, type BackupJobRole, backupJobPodIdentityAddressOf, backupJobRoleAddressOf, RESTIC_LOCKS } from './backup-job-identities';
import type { EksCluster } from './eks-cluster';
import type { EncryptionKey } from './encryption-key';
import type { PolicyStatement } from './iam-policy';
import { PodIdentityRole } from './pod-identity-role';
import type { SecureBucket } from './secure-bucket';

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
    case 'check':
      // restic check reads the whole repository and holds an exclusive lock; the live bucket is none of its business.
      return [
        ...backupBucket,
        backup.grantObjects('ReadOwnBackups', 's3:GetObject', repository),
        backup.grantObjects('HoldOwnLocks', ['s3:PutObject', 's3:DeleteObject'], locks),
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

/**
 * The roles of one kind of job of every app of a cluster, e.g. `role/<cluster>-*-backup`. Each kind's role name
 * ends in its own suffix (`-backup`, `-backup-check`, `-retention`, `-restore`), no suffix ends another, and
 * the app role ends in `-app` (naming.ts): whatever an app is called, a pattern matches that kind's roles only.
 */
export const backupJobRolesLike = (cluster: string, kind: BackupJobRole): string => `role/${BACKUP_JOB_NAMES[kind].roleOf(cluster, '*')}`;

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
      backup: `Backup job of app ${app} in ${cluster.name}: read its bucket, add to its backups, remove only lock files`,
      check: `Check job of app ${app} in ${cluster.name}: read its backups, write and remove only lock files`,
      retention: `Retention job of app ${app} in ${cluster.name}: forget and prune in its backup prefix only`,
      restore: `Restore job of app ${app} in ${cluster.name}: read its backups, write its bucket back`,
    };
    const role = (kind: BackupJobRole) =>
      new PodIdentityRole(this, kind, {
        cluster,
        roleName: BACKUP_JOB_NAMES[kind].roleOf(cluster.name, app),
        description: descriptions[kind],
        namespace: namespaceOf(app),
        serviceAccount: BACKUP_JOB_NAMES[kind].serviceAccountOf(app),
        policyName: `app-${kind}`,
        statements: backupJobStatements(kind, jobScope),
        roleAddress: backupJobRoleAddressOf(app, kind),
        associationAddress: backupJobPodIdentityAddressOf(app, kind),
      });
    this.roles = { backup: role('backup'), check: role('check'), retention: role('retention'), restore: role('restore') };

    // Each kind's roles of every app, by the name pattern of that kind (`role/<cluster>-*-restore`): a key
    // policy of one size for any number of apps (encryption-key.ts, allowNamedLikeThroughS3).
    const readWrite = ['kms:Decrypt', 'kms:GenerateDataKey'];
    props.dataKey.allowNamedLikeThroughS3('BackupJobsReadAppDataThroughS3', backupJobRolesLike(cluster.name, 'backup'), ['kms:Decrypt'], props.region);
    props.dataKey.allowNamedLikeThroughS3('RestoreJobsWriteAppDataThroughS3', backupJobRolesLike(cluster.name, 'restore'), readWrite, props.region);
    for (const kind of BACKUP_JOB_ROLES) {
      props.backup.key.allowNamedLikeThroughS3('BackupJobsUseBackupsThroughS3', backupJobRolesLike(cluster.name, kind), readWrite, props.region);
    }
  }
}
