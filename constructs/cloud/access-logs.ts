import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { accessLogBucketOf } from '../model/naming';
import { SecureBucket } from './secure-bucket';

export interface AccessLogBucketProps {
  readonly clusterName: string;
  /** `near`: the cluster's region. `offsite`: the offsite region (S3 logs only into a bucket of the same region). */
  readonly site: 'near' | 'offsite';
  /** Days the logs are kept. */
  readonly retentionDays: number;
  /** The account whose buckets may deliver logs here. */
  readonly account: DataAwsCallerIdentity;
  /** The provider of the bucket's region. @default the stack's default provider */
  readonly provider?: TerraformProvider;
}

/**
 * The bucket that receives S3 server access logs of a region's buckets (FSBP S3.9). It is hardened like
 * every other bucket, except that it uses SSE-S3: S3 cannot deliver access logs to an SSE-KMS bucket.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: SecureBucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    const name = accessLogBucketOf(props.clusterName, props.site);
    this.bucket = new SecureBucket(this, 'Bucket', {
      bucketName: name,
      address: `access_logs_${props.site}`,
      provider: props.provider,
      expireAfterDays: props.retentionDays,
      noncurrentVersionDays: 1,
      policyStatements: [
        {
          Sid: 'AllowS3LogDelivery',
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${name}/*`,
          Condition: {
            StringEquals: { 'aws:SourceAccount': props.account.accountId },
            ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${props.clusterName}-*` },
          },
        },
      ],
    });
  }
}
