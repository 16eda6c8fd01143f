import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { policyDocument } from './iam-policy';
import { referenceTo } from './references';
import type { SecureBucket } from './secure-bucket';

/** The topic's name, and its Terraform address. */
export const cloudAlertTopicOf = (cluster: string): string => `${cluster}-cloud-alerts`;
export const CLOUD_ALERT_TOPIC_ADDRESS = 'cloud_alerts';

/**
 * GuardDuty's findings as EventBridge receives them ("GuardDuty Finding" events of source aws.guardduty,
 * the finding's severity a number in `detail.severity`: https://docs.aws.amazon.com/guardduty/latest/ug/
 * guardduty_findings_eventbridge.html), from MEDIUM up: GuardDuty's severity levels are LOW 1.0-3.9,
 * MEDIUM 4.0-6.9, HIGH 7.0-8.9, CRITICAL 9.0-10.0 (guardduty_findings-severity.html).
 */
export const MIN_FINDING_SEVERITY = 4;
export const GUARDDUTY_FINDINGS_PATTERN = {
  source: ['aws.guardduty'],
  'detail-type': ['GuardDuty Finding'],
  detail: { severity: [{ numeric: ['>=', MIN_FINDING_SEVERITY] }] },
} as const;

/**
 * S3's event for an object that failed to replicate; S3 sends it only where the replication rule has
 * replication metrics on (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-metrics-events.html).
 */
export const REPLICATION_FAILED_EVENT = 's3:Replication:OperationFailedReplication';

export interface CloudAlertsProps {
  readonly clusterName: string;
  readonly accountId: string;
  /** The alert receivers' addresses (the cluster spec's `alerting.email.to`); each confirms its subscription once. */
  readonly emails: readonly string[];
  /** The backup bucket near the cluster, whose offsite replication is watched. */
  readonly nearBackups: SecureBucket;
}

/**
 * What AWS itself has to tell the env's alert receivers, which no pod can log: GuardDuty's findings from
 * MEDIUM severity up, and each backup object S3 failed to copy offsite. Both go to one SNS topic that
 * emails the receivers; only EventBridge's GuardDuty rule and S3 for the near backup bucket of this
 * account may publish to it.
 * The topic has no KMS encryption of its own: AWS's managed key for SNS cannot be used by S3 or
 * EventBridge (its policy cannot be changed to name them), and a key of our own would have to name
 * EventBridge's service principal with no condition holding it to this account, which the key-policy rule
 * refuses (SNS developer guide, "Enable compatibility between event sources from AWS services and
 * encrypted topics"). The messages hold a finding's summary or a backup object's key (restic names its
 * files by their hash), no app data.
 */
export class CloudAlerts extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: CloudAlertsProps) {
    super(scope, id);
    const { clusterName, accountId, nearBackups } = props;
    this.topic = new SnsTopic(this, 'Topic', { name: cloudAlertTopicOf(clusterName) });
    this.topic.overrideLogicalId(CLOUD_ALERT_TOPIC_ADDRESS);
    const topicArn = referenceTo(this.topic, 'arn');

    const findings = new CloudwatchEventRule(this, 'GuardDutyFindings', {
      name: `${clusterName}-guardduty-findings`,
      description: `GuardDuty findings from severity ${MIN_FINDING_SEVERITY} (MEDIUM) up, to the alert receivers`,
      eventPattern: JSON.stringify(GUARDDUTY_FINDINGS_PATTERN),
    });
    findings.overrideLogicalId('guardduty_findings');
    new CloudwatchEventTarget(this, 'GuardDutyFindingsTarget', { rule: findings.name, arn: topicArn, targetId: 'alert-receivers' }).overrideLogicalId(
      'guardduty_findings_to_alerts',
    );

    const policy = new SnsTopicPolicy(this, 'TopicPolicy', {
      arn: topicArn,
      policy: policyDocument([
        {
          Sid: 'GuardDutyFindingsFromEventBridge',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: topicArn,
          Condition: { ArnEquals: { 'aws:SourceArn': referenceTo(findings, 'arn') } },
        },
        {
          Sid: 'ReplicationFailuresFromS3',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: topicArn,
          Condition: { ArnEquals: { 'aws:SourceArn': nearBackups.arn }, StringEquals: { 'aws:SourceAccount': accountId } },
        },
      ]),
    });
    policy.overrideLogicalId(`${CLOUD_ALERT_TOPIC_ADDRESS}_policy`);

    for (const email of [...new Set(props.emails)].sort()) {
      new SnsTopicSubscription(this, `Email-${email}`, { topicArn, protocol: 'email', endpoint: email }).overrideLogicalId(
        `${CLOUD_ALERT_TOPIC_ADDRESS}_email_${email.replace(/[^A-Za-z0-9]/g, '_')}`,
      );
    }

    // S3 checks that it may publish when the notification is set: the topic policy comes first.
    new S3BucketNotification(this, 'ReplicationFailures', {
      bucket: nearBackups.id,
      topic: [{ id: 'offsite-replication-failed', topicArn, events: [REPLICATION_FAILED_EVENT] }],
      dependsOn: [policy],
    }).overrideLogicalId('backup_near_notifications');
  }
}
