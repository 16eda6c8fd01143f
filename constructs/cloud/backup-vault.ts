import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import type { BackupVaultSpec } from '../model/cluster-spec';
import { accessLogPrefixOf, backupBucketOf, offsiteBackupBucketOf } from '../model/naming';
import { EncryptionKey } from './encryption-key';
import { historyGuardStatement, policyDocument, serviceTrust } from './iam-policy';
import { SecureBucket } from './secure-bucket';

export interface BackupVaultProps {
  readonly clusterName: string;
  readonly region: string;
  readonly offsiteRegion: string;
  /** The provider alias of the offsite region. */
  readonly offsiteProvider: TerraformProvider;
  /** The access-log bucket of each region. */
  readonly accessLogs: { readonly near: SecureBucket; readonly offsite: SecureBucket };
  readonly settings: Required<BackupVaultSpec>;
  /** The account that owns the keys. */
  readonly accountId: string;
  /**
   * The IAM roles of the platform admins, who apply this Terraform: the only ones that may erase an offsite
   * version or change the offsite bucket's versioning, lifecycle or lock.
   */
  readonly adminRoleArns: readonly string[];
}

/**
 * Where the apps' backup jobs write, per env: a bucket near the cluster (its region), replicated by S3
 * to a bucket in the offsite region under Object Lock. Delete markers replicate too, so the offsite copy
 * mirrors the restic repositories after a prune. The lock's default retention runs `objectLockDays` from
 * when each version was written, and restic keeps unchanged data in the pack it first wrote it to, so the
 * packs that hold most of every snapshot are older than that and no longer locked: what keeps them after a
 * (wrong) prune is versioning, the deleted version staying noncurrent for `objectLockDays` before the
 * lifecycle expires it (docs/restore.md, recovering a wrongly pruned repository). A bucket policy refuses
 * erasing a version, and changing versioning, the lifecycle or the lock, to anyone but the platform admins.
 */
export class BackupVault extends Construct {
  readonly near: SecureBucket;
  readonly offsite: SecureBucket;
  readonly nearKey: EncryptionKey;
  readonly offsiteKey: EncryptionKey;

  constructor(scope: Construct, id: string, props: BackupVaultProps) {
    super(scope, id);
    const { clusterName, settings, offsiteProvider } = props;
    const nearName = backupBucketOf(clusterName);
    const offsiteName = offsiteBackupBucketOf(clusterName);

    this.nearKey = new EncryptionKey(this, 'NearKey', {
      alias: `${clusterName}-backup`,
      description: `Backups of ${clusterName}, near the cluster`,
      address: 'backup_near_key',
      accountId: props.accountId,
    });
    this.offsiteKey = new EncryptionKey(this, 'OffsiteKey', {
      alias: `${clusterName}-backup-offsite`,
      description: `Offsite replica of the backups of ${clusterName}`,
      address: 'backup_offsite_key',
      accountId: props.accountId,
      provider: offsiteProvider,
    });

    this.near = new SecureBucket(this, 'Near', {
      bucketName: nearName,
      address: 'backup_near',
      kmsKeyArn: this.nearKey.arn,
      accessLogs: { bucket: props.accessLogs.near, prefix: accessLogPrefixOf(nearName) },
      noncurrentVersionDays: settings.nearNoncurrentDays,
    });
    this.offsite = new SecureBucket(this, 'Offsite', {
      bucketName: offsiteName,
      address: 'backup_offsite',
      provider: offsiteProvider,
      kmsKeyArn: this.offsiteKey.arn,
      accessLogs: { bucket: props.accessLogs.offsite, prefix: accessLogPrefixOf(offsiteName) },
      // A version cannot expire before its lock ends anyway; it expires as soon as it may.
      noncurrentVersionDays: settings.objectLockDays,
      objectLock: { mode: settings.objectLockMode, days: settings.objectLockDays },
      policyStatements: [historyGuardStatement(`arn:aws:s3:::${offsiteName}`, props.adminRoleArns)],
    });

    const role = new IamRole(this, 'ReplicationRole', {
      name: `${clusterName}-backup-replication`,
      assumeRolePolicy: serviceTrust('s3.amazonaws.com'),
    });
    const policy = new IamRolePolicy(this, 'ReplicationPolicy', {
      role: role.name,
      name: 'replicate-backups-offsite',
      policy: policyDocument([
        this.near.grantBucket('ReadReplicationConfiguration', ['s3:GetReplicationConfiguration', 's3:ListBucket']),
        this.near.grantObjects('ReadSourceVersions', [
          's3:GetObjectVersionForReplication',
          's3:GetObjectVersionAcl',
          's3:GetObjectVersionTagging',
          's3:GetObjectRetention',
          's3:GetObjectLegalHold',
        ]),
        this.offsite.grantObjects('WriteReplicas', ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags']),
        this.nearKey.grantThroughS3('DecryptSource', 'kms:Decrypt', props.region),
        this.offsiteKey.grantThroughS3('EncryptReplicas', ['kms:Encrypt', 'kms:GenerateDataKey'], props.offsiteRegion),
      ]),
    });

    this.nearKey.allowThroughS3('ReplicationReadsBackupsThroughS3', role.arn, ['kms:Decrypt'], props.region);
    this.offsiteKey.allowThroughS3('ReplicationWritesReplicasThroughS3', role.arn, ['kms:Encrypt', 'kms:GenerateDataKey'], props.offsiteRegion);

    new S3BucketReplicationConfigurationA(this, 'Replication', {
      bucket: this.near.resource.id,
      role: role.arn,
      rule: [
        {
          id: 'offsite',
          status: 'Enabled',
          priority: 1,
          filter: {},
          deleteMarkerReplication: { status: 'Enabled' },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
          destination: {
            bucket: this.offsite.arn,
            storageClass: 'STANDARD',
            encryptionConfiguration: { replicaKmsKeyId: this.offsiteKey.arn },
            // Replication metrics: without them S3 sends no event when an object fails to replicate (cloud-alerts.ts).
            metrics: { status: 'Enabled' },
          },
        },
      ],
      dependsOn: [this.near.versioning, this.offsite.versioning, policy],
    }).overrideLogicalId('backup_replication');
  }
}
