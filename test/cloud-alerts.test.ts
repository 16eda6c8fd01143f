import { CLUSTERS } from './fixtures/specs/clusters';
import { GUARDDUTY_FINDINGS_PATTERN, REPLICATION_FAILED_EVENT } from '../constructs/cloud/cloud-alerts';
import { cloudAlertProblems, cloudProblems, type TerraformJson } from '../constructs/rules/cloud/cloud-rules';
import { fixtureCloudAppsOf as appsOf, fixtureCloudOf as cloudOf } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/*
 * EventBridge's matching, for the parts of a pattern the findings rule uses (eb-event-patterns.html and
 * eb-create-pattern-operators.html, EventBridge user guide): every field the pattern names must match; a
 * list matches a value equal to one of its strings, or one that its numeric comparison accepts; an object
 * matches the event's object at that field.
 */
function matchesPattern(pattern: Json, event: Json): boolean {
  return Object.entries(pattern).every(([field, want]) => {
    const value = event?.[field];
    if (!Array.isArray(want)) return typeof value === 'object' && value !== null && matchesPattern(want, value);
    return want.some((option: Json) => {
      if (typeof option !== 'object') return option === value;
      const [op, bound] = option.numeric as [string, number];
      if (typeof value !== 'number') return false;
      return { '>=': value >= bound, '>': value > bound, '<': value < bound, '<=': value <= bound, '=': value === bound }[op] ?? false;
    });
  });
}

/** A GuardDuty finding as EventBridge delivers it (guardduty_findings_eventbridge.html, "GuardDuty Finding"), shortened. */
const finding = (severity: number, detailType = 'GuardDuty Finding'): Json => ({
  version: '0',
  id: 'c8c4daa7-a20c-2f03-0070-b7393dd542ad',
  'detail-type': detailType,
  source: 'aws.guardduty',
  account: '123456789012',
  time: '2026-11-30T10:00:00Z',
  region: 'eu-central-1',
  resources: [],
  detail: {
    schemaVersion: '2.0',
    accountId: '123456789012',
    region: 'eu-central-1',
    type: 'CryptoCurrency:Runtime/BitcoinTool.B',
    severity,
    title: 'A container is querying a domain name associated with Bitcoin-related activity.',
  },
});

describe('the EventBridge rule for GuardDuty findings', () => {
  test('matches findings from MEDIUM severity up, and nothing else', () => {
    expect(matchesPattern(GUARDDUTY_FINDINGS_PATTERN, finding(2))).toBe(false);
    expect(matchesPattern(GUARDDUTY_FINDINGS_PATTERN, finding(3.9))).toBe(false);
    expect(matchesPattern(GUARDDUTY_FINDINGS_PATTERN, finding(4))).toBe(true);
    expect(matchesPattern(GUARDDUTY_FINDINGS_PATTERN, finding(5.5))).toBe(true);
    expect(matchesPattern(GUARDDUTY_FINDINGS_PATTERN, finding(8))).toBe(true);
    expect(matchesPattern(GUARDDUTY_FINDINGS_PATTERN, { ...finding(8), source: 'aws.securityhub' })).toBe(false);
    expect(matchesPattern(GUARDDUTY_FINDINGS_PATTERN, finding(8, 'GuardDuty Malware Protection Object Scan Result'))).toBe(false);
  });
});

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cloud alerts of the %s stack', (_env, cluster) => {
  const json = cloudOf(cluster) as Json;
  const broken = (edit: (r: Json) => void): TerraformJson => {
    const copy = JSON.parse(JSON.stringify(json));
    edit(copy.resource);
    return copy;
  };
  const topicPolicy = (r: Json) => JSON.parse(r.aws_sns_topic_policy.cloud_alerts_policy.policy);
  const setTopicPolicy = (r: Json, doc: Json) => (r.aws_sns_topic_policy.cloud_alerts_policy.policy = JSON.stringify(doc));

  test('pass the rule, and every cloud rule still passes', () => {
    expect(cloudAlertProblems(json, cluster)).toEqual([]);
    expect(cloudProblems(json, cluster, appsOf(cluster))).toEqual([]);
  });

  test('each receiver of the alerting spec gets the emails; only the findings rule and the near backup bucket may publish', () => {
    const subscriptions = Object.values(json.resource.aws_sns_topic_subscription) as Json[];
    expect(subscriptions.map((s) => [s.protocol, s.endpoint]).sort()).toEqual(cluster.alerting!.email.to.map((to) => ['email', to]).sort());
    const statements = topicPolicy(json.resource).Statement as Json[];
    expect(statements.map((s) => [s.Principal, s.Action, s.Condition.ArnEquals['aws:SourceArn']])).toEqual([
      [{ Service: 'events.amazonaws.com' }, 'sns:Publish', '${aws_cloudwatch_event_rule.guardduty_findings.arn}'],
      [{ Service: 's3.amazonaws.com' }, 'sns:Publish', '${aws_s3_bucket.backup_near.arn}'],
    ]);
    expect(json.resource.aws_s3_bucket_notification.backup_near_notifications.topic).toEqual([
      { id: 'offsite-replication-failed', events: [REPLICATION_FAILED_EVENT], topic_arn: '${aws_sns_topic.cloud_alerts.arn}' },
    ]);
  });

  test.each<[string, (r: Json) => void, RegExp]>([
    ['the topic removed', (r) => delete r.aws_sns_topic, /there is no SNS topic/],
    ['a receiver not subscribed', (r) => delete r.aws_sns_topic_subscription, /receiver .* has no email subscription/],
    ['the findings rule without a target', (r) => delete r.aws_cloudwatch_event_target, /no EventBridge rule sends GuardDuty findings/],
    [
      'the findings rule taking LOW findings too',
      (r) =>
        (r.aws_cloudwatch_event_rule.guardduty_findings.event_pattern = JSON.stringify({ source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] })),
      /no EventBridge rule sends GuardDuty findings/,
    ],
    [
      'replication metrics off',
      (r) => delete r.aws_s3_bucket_replication_configuration.backup_replication.rule[0].destination.metrics,
      /no replication metrics/,
    ],
    ['no notification on the near bucket', (r) => delete r.aws_s3_bucket_notification, /sends s3:Replication:OperationFailedReplication to no alert topic/],
    [
      "S3's statement held by no source ARN",
      (r) => {
        const doc = topicPolicy(r);
        doc.Statement[1].Condition = { StringEquals: { 'aws:SourceAccount': '123456789012' } };
        setTopicPolicy(r, doc);
      },
      /names no source ARN[\s\S]*does not let S3 publish/,
    ],
    [
      'a statement open to everyone',
      (r) => {
        const doc = topicPolicy(r);
        doc.Statement.push({ Sid: 'Anyone', Effect: 'Allow', Principal: '*', Action: 'sns:Publish', Resource: '*' });
        setTopicPolicy(r, doc);
      },
      /open to every principal/,
    ],
  ])('the rule fails with %s', (_what, edit, expected) => {
    expect(cloudAlertProblems(broken(edit), cluster).join('\n')).toMatch(expected);
  });
});
