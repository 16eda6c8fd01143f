import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { Construct } from 'constructs';
import { accessLogPrefixOf, flowLogBucketOf } from '../model/naming';
import type { EncryptionKey } from './encryption-key';
import { deliveryOnlyStatements } from './iam-policy';
import { SecureBucket } from './secure-bucket';

/** The service that delivers VPC flow logs to S3 (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html). */
export const LOG_DELIVERY_SERVICE = 'delivery.logs.amazonaws.com';
/** Seconds over which a flow log record aggregates packets: the shortest, for the sharpest timeline. */
export const FLOW_LOG_AGGREGATION_SECONDS = 60;

export interface FlowLogsProps {
  readonly clusterName: string;
  readonly region: string;
  readonly accountId: string;
  readonly vpcId: string;
  /** The key of the audit logs; flow logs are written with it. */
  readonly key: EncryptionKey;
  /** The region's access-log bucket. */
  readonly accessLogs: SecureBucket;
  /** Days the flow logs are kept. */
  readonly retentionDays: number;
}

/**
 * Every accepted and rejected flow of the cluster's VPC, in Parquet by the hour, into a bucket of their own:
 * versioned, KMS-encrypted, public access blocked, TLS-only, expiring after the retention; only the log
 * delivery service of this account may write there, and no one may delete.
 */
export class FlowLogs extends Construct {
  readonly bucket: SecureBucket;

  constructor(scope: Construct, id: string, props: FlowLogsProps) {
    super(scope, id);
    const name = flowLogBucketOf(props.clusterName);
    const arn = `arn:aws:s3:::${name}`;
    const fromThisAccount = {
      StringEquals: { 'aws:SourceAccount': props.accountId },
      ArnLike: { 'aws:SourceArn': `arn:aws:logs:${props.region}:${props.accountId}:*` },
    };
    this.bucket = new SecureBucket(this, 'Bucket', {
      bucketName: name,
      address: 'flow_logs',
      kmsKeyArn: props.key.arn,
      accessLogs: { bucket: props.accessLogs, prefix: accessLogPrefixOf(name) },
      expireAfterDays: props.retentionDays,
      noncurrentVersionDays: 1,
      policyStatements: [
        {
          Sid: 'AllowLogDeliveryWrite',
          Effect: 'Allow',
          Principal: { Service: LOG_DELIVERY_SERVICE },
          Action: 's3:PutObject',
          Resource: `${arn}/AWSLogs/${props.accountId}/*`,
          Condition: { ...fromThisAccount, StringEquals: { ...fromThisAccount.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' } },
        },
        {
          Sid: 'AllowLogDeliveryAclCheck',
          Effect: 'Allow',
          Principal: { Service: LOG_DELIVERY_SERVICE },
          Action: ['s3:GetBucketAcl', 's3:ListBucket'],
          Resource: arn,
          Condition: fromThisAccount,
        },
        ...deliveryOnlyStatements(arn, LOG_DELIVERY_SERVICE),
      ],
    });
    props.key.allow({
      sid: 'LogDeliveryWritesFlowLogs',
      principal: { Service: LOG_DELIVERY_SERVICE },
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      condition: fromThisAccount,
    });

    new FlowLog(this, 'Resource', {
      vpcId: props.vpcId,
      trafficType: 'ALL',
      logDestinationType: 's3',
      logDestination: this.bucket.arn,
      maxAggregationInterval: FLOW_LOG_AGGREGATION_SECONDS,
      destinationOptions: { fileFormat: 'parquet', perHourPartition: true },
      tags: { Name: `${props.clusterName}-vpc` },
      dependsOn: [this.bucket.policy],
    }).overrideLogicalId('vpc_flow_logs');
  }
}
