import type { Construct } from 'constructs';
import { backupPrefixOf, backupRoleOf, backupServiceAccountOf, namespaceOf } from '../model/naming';
import type { EksCluster } from './eks-cluster';
import { PodIdentityRole } from './pod-identity-role';
import type { SecureBucket } from './secure-bucket';

/** The Terraform addresses of an app's backup role and its Pod Identity association. */
export const backupRoleAddressOf = (app: string): string => `backup_role_${app}`;
export const backupPodIdentityAddressOf = (app: string): string => `backup_pod_identity_${app}`;

/**
 * What the backup jobs may do in the app's bucket: read it, and write a restore back. An in-place restore
 * extracts a tar over the live files, and tar unlinks an existing file before it writes it again, hence
 * DeleteObject. The data bucket is versioned and keeps noncurrent versions, so such a delete only adds a
 * delete marker and is recoverable; the role can never delete a version (no DeleteObjectVersion).
 */
export const BACKUP_DATA_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'];
/** What restic does in the app's folder of the backup bucket; prune deletes packs it no longer needs. */
export const BACKUP_REPOSITORY_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'];

export interface BackupRoleProps {
  readonly cluster: EksCluster;
  readonly app: string;
  /** The cluster's region: the KMS keys may be used only through S3 there. */
  readonly region: string;
  /** The app's data bucket, and the key that encrypts it. */
  readonly bucket: SecureBucket;
  readonly dataKeyArn: string;
  /** The cluster's backup bucket near the cluster, and its key. */
  readonly backup: { readonly bucket: SecureBucket; readonly keyArn: string };
}

/**
 * The IAM role of one app's backup, retention, check and restore jobs, apart from the app's own role.
 * It reads the app's bucket and may write a restore back, replacing files, and it keeps the app's
 * restic repository below the app's prefix of the backup bucket. EKS Pod Identity hands it only to the
 * jobs' ServiceAccount, so the app's pods never hold it: a compromised app cannot delete its backups. Even
 * this role cannot erase history: the offsite copy is under Object Lock.
 */
export class BackupRole extends PodIdentityRole {
  constructor(scope: Construct, id: string, props: BackupRoleProps) {
    const { app, cluster } = props;
    const viaS3 = { StringEquals: { 'kms:ViaService': `s3.${props.region}.amazonaws.com` } };
    const keyActions = ['kms:Decrypt', 'kms:GenerateDataKey'];
    const bucketArn = props.bucket.resource.arn;
    const backupArn = props.backup.bucket.resource.arn;
    const prefix = backupPrefixOf(app);
    super(scope, id, {
      cluster,
      roleName: backupRoleOf(cluster.name, app),
      description: `Backup jobs of app ${app} in ${cluster.name}: read its bucket, keep its backup prefix`,
      namespace: namespaceOf(app),
      serviceAccount: backupServiceAccountOf(app),
      policyName: 'app-backup',
      statements: [
        { Sid: 'ListAppBucket', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: bucketArn },
        { Sid: 'ReadAndRestoreAppObjects', Effect: 'Allow', Action: BACKUP_DATA_ACTIONS, Resource: `${bucketArn}/*` },
        { Sid: 'UseAppDataKey', Effect: 'Allow', Action: keyActions, Resource: props.dataKeyArn, Condition: viaS3 },
        // restic's S3 client asks for the bucket's region unless told; the answer reveals no one's data.
        { Sid: 'LocateBackupBucket', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: backupArn },
        { Sid: 'ListOwnBackups', Effect: 'Allow', Action: 's3:ListBucket', Resource: backupArn, Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } } },
        { Sid: 'UseOwnBackups', Effect: 'Allow', Action: BACKUP_REPOSITORY_ACTIONS, Resource: `${backupArn}/${prefix}*` },
        { Sid: 'UseBackupKey', Effect: 'Allow', Action: keyActions, Resource: props.backup.keyArn, Condition: viaS3 },
      ],
      roleAddress: backupRoleAddressOf(app),
      associationAddress: backupPodIdentityAddressOf(app),
    });
  }
}
