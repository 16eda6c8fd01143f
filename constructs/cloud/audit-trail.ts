import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { Construct } from 'constructs';
import { accessLogPrefixOf, trailBucketOf, trailOf } from '../model/naming';
import type { EncryptionKey } from './encryption-key';
import { deliveryOnlyStatements } from './iam-policy';
import { SecureBucket } from './secure-bucket';

/** The service principal of CloudTrail (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html). */
export const CLOUDTRAIL_SERVICE = 'cloudtrail.amazonaws.com';
/** The ARN of a trail, known before it exists: the bucket policy and the key policy name it. */
export const trailArnOf = (region: string, accountId: string, name: string): string => `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;

export interface AuditTrailProps {
  readonly clusterName: string;
  readonly region: string;
  readonly accountId: string;
  /** The key of the audit logs; the trail encrypts its log files with it. */
  readonly key: EncryptionKey;
  /**
   * The buckets whose object reads and writes are recorded: every bucket whose name starts with `bucketPrefix`
   * (the cluster's own: every app bucket and both backup buckets) but those of `exceptBuckets` (the log
   * buckets, this trail's own among them: recording its own writes would record each log file it writes).
   */
  readonly dataEvents: { readonly bucketPrefix: string; readonly exceptBuckets: readonly string[] };
  /** The region's access-log bucket. */
  readonly accessLogs: SecureBucket;
  /** Days the trail's files are kept. */
  readonly retentionDays: number;
}

/**
 * A multi-region CloudTrail trail of the account: every management event, and the data events (object
 * reads, writes and deletes) of the app and backup buckets, chosen by advanced event selectors on those
 * buckets' ARNs. It writes KMS-encrypted, validated log files into a bucket of its own that only this trail
 * may write to and no one may delete from.
 *
 * The selector names the cluster's bucket-name prefix and the few buckets it leaves out, not each app's
 * bucket: a trail holds at most 500 values across all its advanced event selectors, a quota that cannot be
 * raised (CloudTrail User Guide, Quotas in AWS CloudTrail; PutEventSelectors refuses more with
 * InvalidEventSelectorsException), and one value per app bucket passed it at about 496 apps. Within a field
 * selector CloudTrail ORs the including operators (StartsWith), ANDs the excluding ones (NotStartsWith), and
 * ANDs the two groups (CloudTrail User Guide, Filtering data events by using advanced event selectors, which
 * also shows leaving the trail's own bucket out by resources.ARN): an object is recorded when its ARN starts
 * with the prefix and with none of the left-out buckets.
 */
export class AuditTrail extends Construct {
  readonly bucket: SecureBucket;
  readonly trail: Cloudtrail;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const { bucketPrefix, exceptBuckets } = props.dataEvents;
    if (bucketPrefix.length === 0) throw new Error(`AuditTrail ${props.clusterName}: no bucket prefix to record the data events of`);
    const name = trailBucketOf(props.clusterName);
    const arn = `arn:aws:s3:::${name}`;
    const trailName = trailOf(props.clusterName);
    const thisTrail = { 'aws:SourceArn': trailArnOf(props.region, props.accountId, trailName) };
    this.bucket = new SecureBucket(this, 'Bucket', {
      bucketName: name,
      address: 'audit_trail',
      kmsKeyArn: props.key.arn,
      accessLogs: { bucket: props.accessLogs, prefix: accessLogPrefixOf(name) },
      expireAfterDays: props.retentionDays,
      noncurrentVersionDays: 1,
      policyStatements: [
        {
          Sid: 'AllowCloudTrailAclCheck',
          Effect: 'Allow',
          Principal: { Service: CLOUDTRAIL_SERVICE },
          Action: 's3:GetBucketAcl',
          Resource: arn,
          Condition: { StringEquals: thisTrail },
        },
        {
          Sid: 'AllowCloudTrailWrite',
          Effect: 'Allow',
          Principal: { Service: CLOUDTRAIL_SERVICE },
          Action: 's3:PutObject',
          Resource: `${arn}/AWSLogs/${props.accountId}/*`,
          Condition: { StringEquals: { ...thisTrail, 's3:x-amz-acl': 'bucket-owner-full-control' } },
        },
        ...deliveryOnlyStatements(arn, CLOUDTRAIL_SERVICE),
      ],
    });
    props.key.allow({
      sid: 'CloudTrailEncryptsLogFiles',
      principal: { Service: CLOUDTRAIL_SERVICE },
      actions: ['kms:GenerateDataKey*'],
      condition: { StringEquals: thisTrail, StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${props.accountId}:trail/*` } },
    });
    props.key.allow({
      sid: 'CloudTrailDescribesKey',
      principal: { Service: CLOUDTRAIL_SERVICE },
      actions: ['kms:DescribeKey'],
      condition: { StringEquals: thisTrail },
    });

    this.trail = new Cloudtrail(this, 'Resource', {
      name: trailName,
      s3BucketName: this.bucket.resource.id,
      kmsKeyId: props.key.arn,
      enableLogging: true,
      enableLogFileValidation: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      advancedEventSelector: [
        { name: 'Management events', fieldSelector: [{ field: 'eventCategory', equalTo: ['Management'] }] },
        {
          name: 'Objects of the app and backup buckets',
          fieldSelector: [
            { field: 'eventCategory', equalTo: ['Data'] },
            { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
            {
              field: 'resources.ARN',
              startsWith: [`arn:aws:s3:::${bucketPrefix}`],
              // Each with its `/`: a bucket named alike (`<cluster>-cloudtrail-data`, an app's) stays recorded.
              notStartsWith: [...new Set(exceptBuckets)].sort().map((bucket) => `arn:aws:s3:::${bucket}/`),
            },
          ],
        },
      ],
      dependsOn: [this.bucket.policy],
    });
    this.trail.overrideLogicalId('audit_trail');
  }
}
