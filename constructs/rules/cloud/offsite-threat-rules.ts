import type { CloudCluster } from '../../model/cloud-input';
import { GUARDDUTY_FINDINGS_PATTERN } from '../../cloud/cloud-alerts';
import { defaultEventBusOf } from '../../cloud/offsite-threat-detection';
import { GUARDDUTY_FEATURES } from '../../cloud/threat-detection';
import { allows } from '../../cloud/s3-grants';
import { asList, parsePolicy, ref, regionOf, resourcesOf, type Json, type TerraformJson } from '../../cloud/terraform-json';

/**
 * GuardDuty in every other region that holds a bucket of ours (the offsite backups): an enabled detector
 * with S3 protection, and its findings from MEDIUM up sent to the cluster region's default event bus,
 * where the home findings rule takes them to the alert receivers (cloud-alert-rules.ts checks that one),
 * through a role that EventBridge alone may assume, for that rule alone, and that may only put events on
 * that bus. A detector watches its own region only (cloud/offsite-threat-detection.ts).
 */
export function offsiteThreatProblems(json: TerraformJson, cluster: Pick<CloudCluster, 'region'>): string[] {
  const problems: string[] = [];
  const regions = new Set(resourcesOf(json, 'aws_s3_bucket').map(([, b]) => regionOf(json, b.provider)));
  regions.delete(cluster.region);
  for (const region of [...regions].sort()) {
    const say = (problem: string) => problems.push(`GuardDuty in ${region}: ${problem}`);
    const inRegion = <T extends string>(type: T) => resourcesOf(json, type).filter(([, r]) => regionOf(json, r.provider) === region);
    const detector = inRegion('aws_guardduty_detector').find(([, d]) => d.enable !== false);
    if (!detector) {
      say('there is no enabled detector, though a bucket of ours is there: nothing reports misuse of it');
      continue;
    }
    const detectorId = ref('aws_guardduty_detector', detector[0], 'id');
    const s3 = resourcesOf(json, 'aws_guardduty_detector_feature').find(([, f]) => f.detector_id === detectorId && f.name === GUARDDUTY_FEATURES.s3);
    if (s3?.[1].status !== 'ENABLED') say(`S3 protection (${GUARDDUTY_FEATURES.s3}) is not enabled`);

    const accountId = accountOf(json);
    const homeBus = accountId && defaultEventBusOf(cluster.region, accountId);
    const forwarded = inRegion('aws_cloudwatch_event_rule')
      .filter(([, r]) => JSON.stringify(parsePolicy(r.event_pattern)) === JSON.stringify(GUARDDUTY_FINDINGS_PATTERN))
      .flatMap(([address, r]) =>
        resourcesOf(json, 'aws_cloudwatch_event_target')
          .filter(([, t]) => t.rule === ref('aws_cloudwatch_event_rule', address, 'name') && t.arn === homeBus)
          .map(([, t]) => ({ rule: r, target: t })),
      );
    if (forwarded.length === 0) {
      say(
        `no EventBridge rule sends its findings from MEDIUM severity up to ${homeBus ?? `the default event bus of ${cluster.region}`}: they would reach no one`,
      );
      continue;
    }
    for (const { rule, target } of forwarded) {
      const roleAddress = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(target.role_arn ?? '')?.[1];
      const role = roleAddress === undefined ? undefined : json.resource?.aws_iam_role?.[roleAddress];
      if (!role) {
        say(`the rule ${rule.name} sends to ${homeBus} with no role of this stack: EventBridge needs one to put events on another region's bus`);
        continue;
      }
      const ruleArn = `arn:aws:events:${region}:${accountId}:rule/${rule.name}`;
      const trust = asList(parsePolicy(role.assume_role_policy)?.Statement) as Json[];
      const trustedBeyond = trust.some(
        (s) =>
          s.Effect === 'Allow' &&
          (JSON.stringify(s.Principal) !== JSON.stringify({ Service: 'events.amazonaws.com' }) || s.Condition?.ArnEquals?.['aws:SourceArn'] !== ruleArn),
      );
      if (trustedBeyond) say(`the role of the rule ${rule.name} may be assumed by more than EventBridge for that rule (aws:SourceArn ${ruleArn})`);
      const statements = [
        ...resourcesOf(json, 'aws_iam_role_policy')
          .filter(([, p]) => p.role === ref('aws_iam_role', roleAddress!, 'name'))
          .flatMap(([, p]) => asList(parsePolicy(p.policy)?.Statement) as Json[]),
        ...(asList(role.inline_policy) as Json[]).flatMap((p) => asList(parsePolicy(p.policy)?.Statement) as Json[]),
      ];
      const beyond = statements.filter(
        (s) => s.Effect === 'Allow' && (asList(s.Action).some((a) => a !== 'events:PutEvents') || asList(s.Resource).some((r) => r !== homeBus)),
      );
      if (beyond.length > 0 || resourcesOf(json, 'aws_iam_role_policy_attachment').some(([, a]) => a.role === ref('aws_iam_role', roleAddress!, 'name')))
        say(`the role of the rule ${rule.name} may do more than events:PutEvents on ${homeBus}`);
      if (!statements.some((s) => s.Effect === 'Allow' && allows(s, 'events:PutEvents')))
        say(`the role of the rule ${rule.name} may not put events on ${homeBus}`);
    }
  }
  return problems;
}

/** The stack's account, as the stack names it: its caller identity's account_id (cloud-stack.ts). */
function accountOf(json: TerraformJson): string | undefined {
  const [address] = Object.keys((json.data as Json)?.aws_caller_identity ?? {});
  return address === undefined ? undefined : `\${data.aws_caller_identity.${address}.account_id}`;
}
