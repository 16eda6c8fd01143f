import { cloudSettingsOf } from '../../model/cluster-spec';
import type { CloudCluster } from '../../model/cloud-input';
import { backupBucketOf, bucketOf, flowLogBucketOf, offsiteBackupBucketOf, trailBucketOf, trailOf } from '../../model/naming';
import { CLOUDTRAIL_SERVICE } from '../../cloud/audit-trail';
import { VPC_CNI_POLICY, VPC_CNI_SERVICE_ACCOUNT } from '../../cloud/eks-addons';
import { LOG_DELIVERY_SERVICE } from '../../cloud/flow-logs';
import { managedPolicyArn } from '../../cloud/iam-policy';
import { trustsOnlyPodIdentityOf } from '../../cloud/iam-principals';
import { allows } from '../../cloud/s3-grants';
import { recordedObjectsOf } from '../../cloud/trail-selectors';
import { AGENT_MANAGEMENT, GUARDDUTY_AGENT_ADDON, GUARDDUTY_FEATURES, guardDutyDataServiceOf } from '../../cloud/threat-detection';
import { addressBy, asList, first, parsePolicy, ref, regionOf, resourcesOf, settingsOf, type Json, type TerraformJson } from '../../cloud/terraform-json';
import { offsiteThreatProblems } from './offsite-threat-rules';

/* The account guardrails of the cluster's stack, read from its Terraform JSON: GuardDuty, the account's S3
   Block Public Access, EBS encryption by default, VPC flow logs, the CloudTrail trail, and the VPC CNI's
   rights on its own ServiceAccount rather than the nodes'. Each problem names its FSBP control where there is one. */

/** Every guardrail rule, for one cluster's stack. */
export function guardrailProblems(json: TerraformJson, cluster: CloudCluster): string[] {
  return [
    ...guardDutyProblems(json, cluster),
    ...offsiteThreatProblems(json, cluster),
    ...accountProblems(json),
    ...flowLogProblems(json, cluster),
    ...trailProblems(json, cluster),
    ...cniProblems(json),
  ];
}

/** GuardDuty.1 and its EKS, S3 and runtime protections, with the agent and its endpoint in the Terraform. */
export function guardDutyProblems(json: TerraformJson, cluster: CloudCluster): string[] {
  const problems: string[] = [];
  const say = (problem: string) => problems.push(`GuardDuty: ${problem}`);
  // The home region's detector; the offsite region's has rules of its own (offsite-threat-rules.ts).
  const detectors = resourcesOf(json, 'aws_guardduty_detector').filter(([, d]) => regionOf(json, d.provider) === cluster.region);
  if (detectors.length !== 1 || detectors[0][1].enable === false) return ['GuardDuty: [GuardDuty.1] there is no enabled detector'];
  const detectorId = ref('aws_guardduty_detector', detectors[0][0], 'id');
  const features = resourcesOf(json, 'aws_guardduty_detector_feature')
    .filter(([, f]) => f.detector_id === detectorId)
    .map(([, f]) => f);
  const feature = (name: string) => features.find((f) => f.name === name);
  // The agent does not work until Runtime Monitoring is on (threat-detection.ts): its add-on waits for it.
  const runtime = resourcesOf(json, 'aws_guardduty_detector_feature').find(([, f]) => f.detector_id === detectorId && f.name === GUARDDUTY_FEATURES.runtime);
  const agent = resourcesOf(json, 'aws_eks_addon').find(([, a]) => a.addon_name === GUARDDUTY_AGENT_ADDON);
  if (runtime && agent && !asList(agent[1].depends_on).includes(`aws_guardduty_detector_feature.${runtime[0]}`)) {
    say(
      `the ${GUARDDUTY_AGENT_ADDON} add-on does not depend on Runtime Monitoring: Terraform could install it before the feature is on, and it does not work until then`,
    );
  }
  for (const [name, what] of [
    [GUARDDUTY_FEATURES.eksAuditLogs, '[GuardDuty.5] EKS audit-log monitoring'],
    [GUARDDUTY_FEATURES.s3, '[GuardDuty.10] S3 protection'],
    [GUARDDUTY_FEATURES.runtime, '[GuardDuty.7] Runtime Monitoring'],
  ] as const) {
    if (feature(name)?.status !== 'ENABLED') say(`${what} (${name}) is not enabled`);
  }
  if (feature('EKS_RUNTIME_MONITORING')) say('EKS_RUNTIME_MONITORING is set beside RUNTIME_MONITORING; GuardDuty refuses both');
  const management = asList(feature(GUARDDUTY_FEATURES.runtime)?.additional_configuration) as Json[];
  for (const name of AGENT_MANAGEMENT) {
    const status = management.find((c) => c.name === name)?.status;
    if (status !== 'DISABLED') {
      say(`Runtime Monitoring's ${name} is ${JSON.stringify(status)}, not "DISABLED": GuardDuty would install the agent and an endpoint outside Terraform`);
    }
  }

  const service = guardDutyDataServiceOf(cluster.region);
  const endpoints = resourcesOf(json, 'aws_vpc_endpoint').filter(([, e]) => e.service_name === service);
  if (endpoints.length !== 1) {
    say(`has ${endpoints.length} VPC endpoints for ${service}, not 1: the agent could not report, or GuardDuty would make one itself`);
    return problems;
  }
  const [, endpoint] = endpoints[0];
  if (endpoint.vpc_endpoint_type !== 'Interface' || endpoint.private_dns_enabled !== true)
    say(`the ${service} endpoint is not an Interface endpoint with private DNS`);
  if (asList(endpoint.subnet_ids).length === 0) say(`the ${service} endpoint is in no subnet`);
  const policy = asList(parsePolicy(endpoint.policy)?.Statement) as Json[];
  if (!policy.some((s) => s.Effect === 'Deny' && s.Condition?.StringNotEquals?.['aws:PrincipalAccount'] !== undefined)) {
    say(`the ${service} endpoint's policy does not deny principals of other accounts`);
  }
  const groups = asList(endpoint.security_group_ids) as string[];
  const vpcCidr = cloudSettingsOf(cluster).network.vpcCidr;
  if (groups.length === 0) say(`the ${service} endpoint has no security group of its own`);
  for (const group of groups) {
    const address = resourcesOf(json, 'aws_security_group').find(([a]) => group === ref('aws_security_group', a, 'id'))?.[0];
    if (!address) {
      say(`the ${service} endpoint's security group ${group} is not one of this stack`);
      continue;
    }
    const inline = resourcesOf(json, 'aws_security_group').find(([a]) => a === address)![1];
    if (asList(inline.ingress).length > 0) say(`security group ${address} has inline ingress rules; keep them as aws_vpc_security_group_ingress_rule`);
    for (const [name, rule] of resourcesOf(json, 'aws_vpc_security_group_ingress_rule').filter(([, r]) => r.security_group_id === group)) {
      if (rule.ip_protocol !== 'tcp' || rule.from_port !== 443 || rule.to_port !== 443 || rule.cidr_ipv4 !== vpcCidr) {
        say(
          `ingress rule ${name} of the ${service} endpoint admits ${rule.ip_protocol} ${rule.from_port}-${rule.to_port} from ${rule.cidr_ipv4 ?? rule.cidr_ipv6 ?? rule.referenced_security_group_id}, not only HTTPS from the VPC (${vpcCidr})`,
        );
      }
    }
  }
  return problems;
}

/** S3.1 (the account's Block Public Access) and EC2.7 (EBS encryption by default). */
export function accountProblems(json: TerraformJson): string[] {
  const problems: string[] = [];
  const blocks = resourcesOf(json, 'aws_s3_account_public_access_block').map(([, b]) => b);
  const allBlocked = (b: Json) =>
    b.block_public_acls === true && b.block_public_policy === true && b.ignore_public_acls === true && b.restrict_public_buckets === true;
  if (blocks.length !== 1 || !allBlocked(blocks[0])) problems.push('account: [S3.1] the account-level S3 Block Public Access is not on with all four settings');
  const ebs = resourcesOf(json, 'aws_ebs_encryption_by_default').map(([, e]) => e);
  if (ebs.length !== 1 || ebs[0].enabled !== true) problems.push('account: [EC2.7] EBS encryption by default is not on');
  return problems;
}

/**
 * A log bucket that one service delivers into: versioned, encrypted, TLS-only and with a lifecycle (bucketProblems
 * checks those for every bucket), objects that expire, and a policy in which that service alone may write,
 * no one may delete, and no other principal is allowed anything.
 */
function deliveryBucketProblems(json: TerraformJson, address: string, service: string, say: (problem: string) => void): void {
  const rules = settingsOf(json, 'aws_s3_bucket_lifecycle_configuration', address).flatMap((l) => asList(l.rule)) as Json[];
  if (!rules.some((r) => r.status === 'Enabled' && first(r.expiration)?.days > 0)) say('its logs never expire: no lifecycle rule expires them');
  const policies = settingsOf(json, 'aws_s3_bucket_policy', address);
  const statements = asList(parsePolicy(policies[0]?.policy)?.Statement) as Json[];
  for (const s of statements.filter((st) => st.Effect === 'Allow')) {
    if (s.Principal?.Service !== service || Object.keys(s.Condition ?? {}).length === 0) {
      say(`its policy allows ${JSON.stringify(s.Principal)} (${s.Sid ?? 'no Sid'}); only ${service} may be allowed in, under a condition`);
    }
  }
  const denyOthers = statements.some(
    (s) =>
      s.Effect === 'Deny' &&
      s.Principal === '*' &&
      allows({ ...s, Effect: 'Allow' }, 's3:PutObject') &&
      s.Condition?.StringNotEquals?.['aws:PrincipalServiceName'] === service,
  );
  if (!denyOthers) say(`its policy does not deny writes by anyone but ${service}`);
  const denyDeletes = statements.some(
    (s) =>
      s.Effect === 'Deny' &&
      s.Principal === '*' &&
      s.Condition === undefined &&
      ['s3:DeleteObject', 's3:DeleteObjectVersion'].every((a) => allows({ ...s, Effect: 'Allow' }, a)),
  );
  if (!denyDeletes) say('its policy does not deny deleting logs and their versions');
  if (resourcesOf(json, 'aws_s3_bucket_logging').some(([, l]) => l.target_bucket === ref('aws_s3_bucket', address, 'id'))) {
    say('S3 server access logs are delivered into it too: it must hold its own logs only');
  }
}

const bucketAddressOf = (json: TerraformJson, name: string): string | undefined => addressBy(json, 'aws_s3_bucket', 'bucket', name);

/** EC2.6: every VPC's flows, accepted and rejected, into the dedicated, locked-down flow-log bucket. */
export function flowLogProblems(json: TerraformJson, cluster: CloudCluster): string[] {
  const problems: string[] = [];
  const name = flowLogBucketOf(cluster.name);
  const address = bucketAddressOf(json, name);
  if (!address) return [`flow logs: [EC2.6] there is no flow-log bucket ${name}`];
  const say = (problem: string) => problems.push(`flow logs: ${problem}`);
  for (const [vpc] of resourcesOf(json, 'aws_vpc')) {
    const logs = resourcesOf(json, 'aws_flow_log').filter(([, f]) => f.vpc_id === ref('aws_vpc', vpc, 'id'));
    const good = logs.filter(
      ([, f]) => f.traffic_type === 'ALL' && f.log_destination_type === 's3' && f.log_destination === ref('aws_s3_bucket', address, 'arn'),
    );
    if (good.length === 0) say(`[EC2.6] VPC ${vpc} has no flow log of ALL traffic into bucket ${name}`);
  }
  deliveryBucketProblems(json, address, LOG_DELIVERY_SERVICE, (p) => say(`bucket ${name}: ${p}`));
  return problems;
}

/** CloudTrail.1, .2 and .4, and the data events of every app bucket and both backup buckets. */
export function trailProblems(json: TerraformJson, cluster: CloudCluster): string[] {
  const problems: string[] = [];
  const name = trailOf(cluster.name);
  const trails = resourcesOf(json, 'aws_cloudtrail').filter(([, t]) => t.name === name);
  if (trails.length !== 1) return [`CloudTrail: [CloudTrail.1] ${trails.length} trails named ${name}, not 1`];
  const [, trail] = trails[0];
  const say = (problem: string) => problems.push(`CloudTrail ${name}: ${problem}`);
  if (trail.enable_logging === false) say('[CloudTrail.1] logging is off');
  if (trail.is_multi_region_trail !== true) say('[CloudTrail.1] is not multi-region: the offsite backup bucket is in another region');
  if (!trail.kms_key_id) say('[CloudTrail.2] its log files are not encrypted with a KMS key');
  if (trail.enable_log_file_validation !== true) say('[CloudTrail.4] log file validation is off');

  const selectors = asList(trail.advanced_event_selector) as Json[];
  const field = (sel: Json, f: string): Json => (asList(sel.field_selector) as Json[]).find((x) => x.field === f);
  if (!selectors.some((sel) => asList(field(sel, 'eventCategory')?.equals).includes('Management') && asList(sel.field_selector).length === 1)) {
    say('[CloudTrail.1] records no management events');
  }
  // Every object of every app bucket and both backup buckets; none of any other bucket of the stack (the log
  // buckets: the trail's own would record each log file it writes) nor of the state bucket.
  const recorded = recordedObjectsOf(json, trail);
  const wanted = new Set([
    ...Object.keys(cluster.appData).map((a) => bucketOf(cluster.name, a)),
    backupBucketOf(cluster.name),
    offsiteBackupBucketOf(cluster.name),
  ]);
  for (const bucket of wanted) {
    if (bucketAddressOf(json, bucket) && recorded(bucket) !== 'all') say(`does not record the data events of bucket ${bucket}`);
  }
  const others = [...resourcesOf(json, 'aws_s3_bucket').map(([, b]) => String(b.bucket)), cloudSettingsOf(cluster).terraformState.bucket];
  for (const bucket of new Set(others.filter((b) => !wanted.has(b)))) {
    if (recorded(bucket) !== 'none') say(`records the data events of bucket ${bucket}, which is not an app or backup bucket`);
  }

  const bucketName = trailBucketOf(cluster.name);
  const address = bucketAddressOf(json, bucketName);
  if (!address || trail.s3_bucket_name !== ref('aws_s3_bucket', address, 'id')) {
    say(`does not write into its own bucket ${bucketName}`);
    return problems;
  }
  deliveryBucketProblems(json, address, CLOUDTRAIL_SERVICE, (p) => say(`bucket ${bucketName}: ${p}`));
  return problems;
}

/** The VPC CNI's rights belong to its own ServiceAccount, through Pod Identity; no node role holds them. */
export function cniProblems(json: TerraformJson): string[] {
  const problems: string[] = [];
  const cniPolicy = managedPolicyArn(VPC_CNI_POLICY);
  const holders = resourcesOf(json, 'aws_iam_role_policy_attachment')
    .filter(([, a]) => a.policy_arn === cniPolicy)
    .map(([, a]) => String(a.role));
  const nodeRoles = new Set(resourcesOf(json, 'aws_eks_node_group').map(([, g]) => String(g.node_role_arn).replace(/\.arn\}$/, '.name}')));
  for (const role of holders.filter((r) => nodeRoles.has(r)))
    problems.push(`VPC CNI: the node role ${role} holds ${VPC_CNI_POLICY}: every pod on a node could use it`);

  const cni = resourcesOf(json, 'aws_eks_addon').find(([, a]) => a.addon_name === 'vpc-cni')?.[1];
  const associations = asList(cni?.pod_identity_association) as Json[];
  const { namespace, name } = VPC_CNI_SERVICE_ACCOUNT;
  if (associations.length !== 1 || associations[0].service_account !== name) {
    problems.push(`VPC CNI: the vpc-cni add-on does not bind ${namespace}/${name} to a role of its own through Pod Identity`);
    return problems;
  }
  const roleArn = String(associations[0].role_arn);
  const roleName = roleArn.replace(/\.arn\}$/, '.name}');
  const roleAddress = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(roleArn)?.[1];
  const role = roleAddress ? json.resource?.aws_iam_role?.[roleAddress] : undefined;
  if (!holders.includes(roleName)) problems.push(`VPC CNI: the role of ${namespace}/${name} does not hold ${VPC_CNI_POLICY}`);
  if (!trustsOnlyPodIdentityOf(role?.assume_role_policy, namespace, name))
    problems.push(`VPC CNI: its role trusts more than Pod Identity for ${namespace}/${name}`);
  return problems;
}
