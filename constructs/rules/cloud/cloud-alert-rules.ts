import type { CloudCluster } from '../../model/cloud-input';
import { backupBucketOf } from '../../model/naming';
import { isOpenToEveryone } from '../../cloud/iam-principals';
import { allows } from '../../cloud/s3-grants';
import { cloudAlertTopicOf, GUARDDUTY_FINDINGS_PATTERN, REPLICATION_FAILED_EVENT } from '../../cloud/cloud-alerts';
import { asList, first, parsePolicy, ref, resourcesOf, settingsOf, type Json, type TerraformJson } from '../../cloud/terraform-json';

/**
 * What AWS reports reaches the alert receivers: one SNS topic for the cluster, an email subscription for
 * each receiver; GuardDuty's findings from MEDIUM up published to it by an EventBridge rule; S3 telling it
 * of every backup object that fails to replicate offsite (replication metrics on, the near bucket's
 * notification); and no one else may publish to it.
 */
export function cloudAlertProblems(json: TerraformJson, cluster: Pick<CloudCluster, 'name' | 'alerting'>): string[] {
  const problems: string[] = [];
  const say = (problem: string) => problems.push(`cloud alerts: ${problem}`);
  const topicName = cloudAlertTopicOf(cluster.name);
  const topics = resourcesOf(json, 'aws_sns_topic').filter(([, t]) => t.name === topicName);
  if (topics.length !== 1) return [`cloud alerts: there is no SNS topic ${topicName}: GuardDuty findings and failed offsite copies would reach no one`];
  const topicArn = ref('aws_sns_topic', topics[0][0], 'arn');

  const subscribed = new Set(
    resourcesOf(json, 'aws_sns_topic_subscription')
      .filter(([, s]) => s.topic_arn === topicArn && s.protocol === 'email')
      .map(([, s]) => s.endpoint),
  );
  for (const email of cluster.alerting?.email.to ?? []) if (!subscribed.has(email)) say(`receiver ${email} has no email subscription to ${topicName}`);

  const policies = resourcesOf(json, 'aws_sns_topic_policy').filter(([, p]) => p.arn === topicArn);
  const statements = asList(parsePolicy(policies[0]?.[1].policy)?.Statement) as Json[];
  const publishers = (service: string) => statements.filter((s) => allows(s, 'sns:Publish') && asList(s.Principal?.Service).includes(service));
  for (const s of statements.filter((st) => st.Effect === 'Allow')) {
    if (isOpenToEveryone(s)) say(`the topic policy's statement ${s.Sid ?? 'without Sid'} is open to every principal`);
    else if (!s.Condition?.ArnEquals?.['aws:SourceArn'])
      say(`the topic policy's statement ${s.Sid ?? 'without Sid'} names no source ARN: any rule or bucket could publish`);
  }

  const findingRules = resourcesOf(json, 'aws_cloudwatch_event_rule').filter(
    ([, r]) => JSON.stringify(JSON.parse(r.event_pattern ?? 'null')) === JSON.stringify(GUARDDUTY_FINDINGS_PATTERN),
  );
  const targeted = findingRules.filter(([address]) =>
    resourcesOf(json, 'aws_cloudwatch_event_target').some(([, t]) => t.rule === ref('aws_cloudwatch_event_rule', address, 'name') && t.arn === topicArn),
  );
  if (targeted.length === 0) say('no EventBridge rule sends GuardDuty findings from MEDIUM severity up to the topic');
  const ruleArns = new Set(targeted.map(([address]) => ref('aws_cloudwatch_event_rule', address, 'arn')));
  if (!publishers('events.amazonaws.com').some((s) => ruleArns.has(s.Condition?.ArnEquals?.['aws:SourceArn'])))
    say("the topic policy does not let EventBridge publish from the findings rule: GuardDuty's findings would be dropped");

  const near = resourcesOf(json, 'aws_s3_bucket').find(([, b]) => b.bucket === backupBucketOf(cluster.name));
  if (!near) return problems;
  const [nearAddress] = near;
  const replication = first(settingsOf(json, 'aws_s3_bucket_replication_configuration', nearAddress));
  const rules = asList(replication?.rule) as Json[];
  if (!rules.some((r) => r.status === 'Enabled' && first(r.destination)?.metrics?.status === 'Enabled'))
    say('the backup replication has no replication metrics: S3 sends no event when a backup object fails to replicate');
  const notifications = settingsOf(json, 'aws_s3_bucket_notification', nearAddress);
  const told = notifications.some((n) => asList(n.topic).some((t: Json) => t.topic_arn === topicArn && asList(t.events).includes(REPLICATION_FAILED_EVENT)));
  if (!told) say(`the near backup bucket sends ${REPLICATION_FAILED_EVENT} to no alert topic`);
  const nearArn = ref('aws_s3_bucket', nearAddress, 'arn');
  if (!publishers('s3.amazonaws.com').some((s) => s.Condition?.ArnEquals?.['aws:SourceArn'] === nearArn && s.Condition?.StringEquals?.['aws:SourceAccount']))
    say('the topic policy does not let S3 publish for the near backup bucket of this account: failed offsite copies would be dropped');
  return problems;
}
