import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { TerraformProvider, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { policyDocument, tlsOnlyStatements, type PolicyStatement } from './iam-policy';
import { dependencyOn, referenceTo } from './references';

/** Days after which an unfinished multipart upload is aborted and its parts deleted. */
export const ABORT_MULTIPART_DAYS = 7;

export interface ObjectLockProps {
  readonly mode: 'GOVERNANCE' | 'COMPLIANCE';
  readonly days: number;
}

export interface SecureBucketProps {
  /** The bucket's name; S3 names are global. */
  readonly bucketName: string;
  /**
   * The Terraform address stem of the bucket and its settings. Keep it stable forever: a renamed
   * address is a new bucket to Terraform, and the old one is planned for destruction.
   */
  readonly address: string;
  /** SSE-KMS with this key. Undefined means SSE-S3, which only access-log buckets may use (S3 cannot deliver logs to SSE-KMS buckets). */
  readonly kmsKeyArn?: string;
  /** Where S3 server access logs of this bucket go. Undefined only for the access-log buckets themselves. */
  readonly accessLogs?: { readonly bucket: SecureBucket; readonly prefix: string };
  /** Days before an overwritten or deleted object's previous version expires. */
  readonly noncurrentVersionDays: number;
  /** Days before a current object expires (log buckets). @default never */
  readonly expireAfterDays?: number;
  /** Object Lock with a default retention. It can only be switched on when the bucket is created. @default none */
  readonly objectLock?: ObjectLockProps;
  /** Further bucket policy statements, e.g. for log delivery. The TLS-only statements are always there. @default [] */
  readonly policyStatements?: readonly PolicyStatement[];
  /** The provider of the bucket's region. @default the stack's default provider */
  readonly provider?: TerraformProvider;
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An S3 bucket hardened to the AWS Foundational Security Best Practices: versioned, encrypted, all
 * public access blocked, ACLs off (BucketOwnerEnforced), TLS-only, lifecycle rules, access logging.
 * It is never destroyed by Terraform: `prevent_destroy` and no `force_destroy`. There is no size
 * setting anywhere: a bucket grows past 2 TB without a change.
 */
export class SecureBucket extends Construct {
  readonly resource: S3Bucket;
  readonly versioning: S3BucketVersioningA;
  /** The bucket policy: what delivers into the bucket waits for it. */
  readonly policy: S3BucketPolicy;
  /** The bucket's ARN (a Terraform reference). */
  readonly arn: string;
  /** The bucket's id, its name (a Terraform reference): what its settings and the buckets logging into it name. */
  readonly id: string;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const { provider, address } = props;
    // Each resource at its stable address; what it waits for named by address, not by CDKTF's tokens (references.ts).
    const pin = <T extends TerraformResource>(resource: T, suffix: string, dependsOn?: readonly TerraformResource[]): T => {
      resource.overrideLogicalId(suffix === '' ? address : `${address}_${suffix}`);
      if (dependsOn) resource.dependsOn = dependsOn.map(dependencyOn);
      return resource;
    };

    this.resource = pin(
      new S3Bucket(this, 'Resource', {
        provider,
        bucket: props.bucketName,
        forceDestroy: false,
        objectLockEnabled: props.objectLock ? true : undefined,
        tags: props.tags ? { ...props.tags } : undefined,
        lifecycle: { preventDestroy: true },
      }),
      '',
    );
    this.arn = referenceTo(this.resource, 'arn');
    this.id = referenceTo(this.resource, 'id');
    const bucket = this.id;

    const ownership = pin(
      new S3BucketOwnershipControls(this, 'Ownership', {
        provider,
        bucket,
        rule: { objectOwnership: 'BucketOwnerEnforced' },
      }),
      'ownership',
    );
    const publicAccess = pin(
      new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
        provider,
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }),
      'public_access_block',
    );
    this.versioning = pin(
      new S3BucketVersioningA(this, 'Versioning', {
        provider,
        bucket,
        versioningConfiguration: { status: 'Enabled' },
      }),
      'versioning',
    );
    pin(
      new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
        provider,
        bucket,
        rule: [
          props.kmsKeyArn
            ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
        ],
      }),
      'encryption',
    );
    this.policy = pin(
      new S3BucketPolicy(this, 'Policy', {
        provider,
        bucket,
        policy: policyDocument([...tlsOnlyStatements(this.arn), ...(props.policyStatements ?? [])]),
      }),
      'policy',
      [publicAccess, ownership],
    );

    const rules: S3BucketLifecycleConfigurationRule[] = [
      {
        id: 'abort-incomplete-multipart-uploads',
        status: 'Enabled',
        filter: [{}],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_MULTIPART_DAYS }],
      },
      {
        id: 'expire-noncurrent-versions',
        status: 'Enabled',
        filter: [{}],
        noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays }],
      },
      props.expireAfterDays !== undefined
        ? { id: 'expire-objects', status: 'Enabled', filter: [{}], expiration: [{ days: props.expireAfterDays }] }
        : { id: 'remove-expired-delete-markers', status: 'Enabled', filter: [{}], expiration: [{ expiredObjectDeleteMarker: true }] },
    ];
    pin(new S3BucketLifecycleConfiguration(this, 'Lifecycle', { provider, bucket, rule: rules }), 'lifecycle', [this.versioning]);

    if (props.accessLogs) {
      pin(
        new S3BucketLoggingA(this, 'AccessLogs', {
          provider,
          bucket,
          targetBucket: props.accessLogs.bucket.id,
          targetPrefix: props.accessLogs.prefix,
        }),
        'access_logs',
        // S3 checks at once that it may deliver into the log bucket: wait for the policy that allows it.
        [props.accessLogs.bucket.policy],
      );
    }
    if (props.objectLock) {
      pin(
        new S3BucketObjectLockConfigurationA(this, 'ObjectLock', {
          provider,
          bucket,
          rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.days } },
        }),
        'object_lock',
        [this.versioning],
      );
    }
  }

  /** An identity statement allowing `actions` on the bucket itself (list, locate), optionally under a condition. */
  grantBucket(sid: string, actions: string | readonly string[], condition?: PolicyStatement['Condition']): PolicyStatement {
    return bucketGrantsOf(this.arn).grantBucket(sid, actions, condition);
  }

  /** An identity statement allowing `actions` on the objects whose keys match `keys` (all of them by default). */
  grantObjects(sid: string, actions: string | readonly string[], keys = '*'): PolicyStatement {
    return bucketGrantsOf(this.arn).grantObjects(sid, actions, keys);
  }
}

/** What an identity statement may name a bucket by: a SecureBucket, or a bucket known by its ARN alone. */
export type BucketGrants = Pick<SecureBucket, 'grantBucket' | 'grantObjects'>;

/** SecureBucket's grants for the bucket of an ARN, e.g. one named after a session's namespace (pod-identity-tags.ts). */
export function bucketGrantsOf(arn: string): BucketGrants {
  return {
    grantBucket: (sid, actions, condition) => ({ Sid: sid, Effect: 'Allow', Action: actions, Resource: arn, ...(condition ? { Condition: condition } : {}) }),
    grantObjects: (sid, actions, keys = '*') => ({ Sid: sid, Effect: 'Allow', Action: actions, Resource: `${arn}/${keys}` }),
  };
}
