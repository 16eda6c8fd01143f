import { Construct } from 'constructs';
import { BACKUP_JOB_NAMES, backupPrefixOf, bucketOf } from '../model/naming';
import { BACKUP_JOB_ROLES, type BackupJobRole, backupJobRoleAddressOf, RESTIC_LOCKS } from './backup-job-identities';
import type { EksCluster } from './eks-cluster';
import type { EncryptionKey } from './encryption-key';
import type { PolicyStatement } from './iam-policy';
import { SESSION_NAMESPACE } from './pod-identity-tags';
import { bucketGrantsOf, type BucketGrants, type SecureBucket } from './secure-bucket';
import { SharedPodIdentityRole } from './shared-pod-identity-role';

/** What the statements of a job role name. */
export interface BackupJobScope {
  readonly bucket: BucketGrants;
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

export interface BackupJobRolesProps {
  readonly cluster: EksCluster;
  readonly region: string;
  /** The key that encrypts the app buckets. */
  readonly dataKey: EncryptionKey;
  /** The cluster's backup bucket near the cluster, and its key. */
  readonly backup: { readonly bucket: SecureBucket; readonly key: EncryptionKey };
}

/**
 * The IAM roles of every app's backup, check, retention and restore jobs, apart from the app roles: one per kind
 * of job and cluster, each session scoped to its namespace's bucket and backup prefix (pod-identity-tags.ts),
 * as the role of that kind of job of that one app was. EKS Pod Identity hands each to the ServiceAccount of its
 * job in each app's namespace, and each CronJob runs as the account of its job, so a pod that runs as the backup
 * account can add backups but not delete them nor touch the live data, and only the restore job can write the
 * live bucket. None can erase a version: the near backup bucket and the app bucket keep noncurrent versions,
 * and the offsite copy is under Object Lock.
 */
export class BackupJobRoles extends Construct {
  readonly roles: Readonly<Record<BackupJobRole, SharedPodIdentityRole>>;

  constructor(scope: Construct, id: string, props: BackupJobRolesProps) {
    super(scope, id);
    const { cluster } = props;
    const jobScope: BackupJobScope = {
      bucket: bucketGrantsOf(`arn:aws:s3:::${bucketOf(cluster.name, SESSION_NAMESPACE)}`),
      dataKey: props.dataKey,
      backup: props.backup.bucket,
      backupKey: props.backup.key,
      prefix: backupPrefixOf(SESSION_NAMESPACE),
      region: props.region,
    };
    const descriptions: Record<BackupJobRole, string> = {
      backup: `Backup jobs of the apps in ${cluster.name}: each reads its bucket, adds to its backups, removes only lock files`,
      check: `Check jobs of the apps in ${cluster.name}: each reads its backups, writes and removes only lock files`,
      retention: `Retention jobs of the apps in ${cluster.name}: each forgets and prunes in its backup prefix only`,
      restore: `Restore jobs of the apps in ${cluster.name}: each reads its backups, writes its bucket back`,
    };
    const role = (kind: BackupJobRole) =>
      new SharedPodIdentityRole(this, kind, {
        cluster,
        roleName: BACKUP_JOB_NAMES[kind].roleOf(cluster.name),
        description: descriptions[kind],
        serviceAccountIn: BACKUP_JOB_NAMES[kind].serviceAccountOf,
        policyName: `app-${kind}`,
        statements: backupJobStatements(kind, jobScope),
        roleAddress: backupJobRoleAddressOf(kind),
      });
    this.roles = { backup: role('backup'), check: role('check'), retention: role('retention'), restore: role('restore') };

    // Each role by its name: the key policies stay one size for any number of apps.
    const readWrite = ['kms:Decrypt', 'kms:GenerateDataKey'];
    const named = (kind: BackupJobRole) => `role/${BACKUP_JOB_NAMES[kind].roleOf(cluster.name)}`;
    props.dataKey.allowNamedLikeThroughS3('BackupJobsReadAppDataThroughS3', named('backup'), ['kms:Decrypt'], props.region);
    props.dataKey.allowNamedLikeThroughS3('RestoreJobsWriteAppDataThroughS3', named('restore'), readWrite, props.region);
    for (const kind of BACKUP_JOB_ROLES) {
      props.backup.key.allowNamedLikeThroughS3('BackupJobsUseBackupsThroughS3', named(kind), readWrite, props.region);
    }
  }
}
