import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { GuarddutyDetector } from '@cdktf/provider-aws/lib/guardduty-detector';
import { GuarddutyDetectorFeature } from '@cdktf/provider-aws/lib/guardduty-detector-feature';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { GUARDDUTY_FINDINGS_PATTERN } from './cloud-alerts';
import { policyDocument } from './iam-policy';
import { referenceTo } from './references';
import { GUARDDUTY_FEATURES } from './threat-detection';

/** The default event bus of a region: where a finding forwarded from another region arrives. */
export const defaultEventBusOf = (region: string, accountId: string): string => `arn:aws:events:${region}:${accountId}:event-bus/default`;

/** The rule in the offsite region that forwards its findings home, by name, and its ARN. */
export const offsiteFindingsRuleOf = (clusterName: string): string => `${clusterName}-guardduty-findings-offsite`;
const ruleArnOf = (region: string, accountId: string, name: string): string => `arn:aws:events:${region}:${accountId}:rule/${name}`;

export interface OffsiteThreatDetectionProps {
  readonly clusterName: string;
  /** The cluster's region: where the alert topic and its findings rule are (cloud-alerts.ts). */
  readonly region: string;
  readonly offsiteRegion: string;
  readonly accountId: string;
  readonly offsiteProvider: TerraformProvider;
}

/**
 * GuardDuty in the offsite region, which holds the offsite backup bucket and its key. A detector watches
 * its own region only (GuardDuty user guide, "Regions and endpoints": findings are regional), so without
 * this one nothing would report a stolen credential listing, reading or marking for deletion the offsite
 * copies. S3 protection only: nothing else of ours runs there (no EKS, no instances), and it is what the
 * bucket needs (S3 data events, GuardDuty user guide "S3 Protection").
 *
 * Its findings go home: an EventBridge rule in the offsite region, with the same pattern as the home
 * rule, sends them to the cluster region's default event bus, where the home findings rule
 * (cloud-alerts.ts) matches them like its own and publishes to the alert topic. EventBridge sends events
 * to an event bus of another region of the same account through a role that may events:PutEvents on that
 * bus (EventBridge user guide, "Sending and receiving events between AWS Regions", and re:Post "Route
 * cross-Region events": the target is the bus ARN, with an execution role); no bus policy is needed
 * within one account. The role may put events on that one bus, and only EventBridge, for this one rule,
 * may assume it.
 * As with the home detector (threat-detection.ts), one detector per account and region: the env has its
 * account to itself.
 */
export class OffsiteThreatDetection extends Construct {
  readonly detector: GuarddutyDetector;

  constructor(scope: Construct, id: string, props: OffsiteThreatDetectionProps) {
    super(scope, id);
    const { clusterName, accountId, offsiteProvider: provider } = props;
    this.detector = new GuarddutyDetector(this, 'Detector', { provider, enable: true, findingPublishingFrequency: 'FIFTEEN_MINUTES' });
    this.detector.overrideLogicalId('guardduty_offsite');
    new GuarddutyDetectorFeature(this, 'S3Protection', {
      provider,
      detectorId: this.detector.id,
      name: GUARDDUTY_FEATURES.s3,
      status: 'ENABLED',
    }).overrideLogicalId('guardduty_offsite_s3_protection');

    const homeBus = defaultEventBusOf(props.region, accountId);
    const ruleName = offsiteFindingsRuleOf(clusterName);
    const role = new IamRole(this, 'ForwardRole', {
      name: `${clusterName}-guardduty-offsite-findings`,
      assumeRolePolicy: policyDocument([
        {
          Sid: 'TrustTheForwardingRule',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': accountId },
            ArnEquals: { 'aws:SourceArn': ruleArnOf(props.offsiteRegion, accountId, ruleName) },
          },
        },
      ]),
    });
    role.overrideLogicalId('guardduty_offsite_forward_role');
    new IamRolePolicy(this, 'ForwardPolicy', {
      role: role.name,
      name: 'put-findings-on-the-home-bus',
      policy: policyDocument([{ Sid: 'PutOnTheHomeBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: homeBus }]),
    }).overrideLogicalId('guardduty_offsite_forward_policy');

    const rule = new CloudwatchEventRule(this, 'Findings', {
      provider,
      name: ruleName,
      description: 'GuardDuty findings of the offsite region from severity 4 (MEDIUM) up, to the cluster region, where they reach the alert receivers',
      eventPattern: JSON.stringify(GUARDDUTY_FINDINGS_PATTERN),
    });
    rule.overrideLogicalId('guardduty_offsite_findings');
    new CloudwatchEventTarget(this, 'FindingsHome', {
      provider,
      rule: rule.name,
      arn: homeBus,
      roleArn: referenceTo(role, 'arn'),
      targetId: 'home-region',
    }).overrideLogicalId('guardduty_offsite_findings_home');
  }
}
