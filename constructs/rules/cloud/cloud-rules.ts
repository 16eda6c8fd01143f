import { cloudSettingsOf } from '../../model/cluster-spec';
import { backupBucketOf, offsiteBackupBucketOf } from '../../model/naming';
import type { CloudApp, CloudCluster } from '../../model/cloud-input';
import { accessEntryProblems } from './access-entry-rules';
import { ADD_ON_IDENTITIES, addOnRoleOf, type AwsAddOn } from '../../cloud/add-on-identities';
import { acmeChallengeRecordOf, AUTOSCALER_SCALE_ACTIONS, autoscalerOwnerTagOf, secretStorePrefixOf } from '../../cloud/add-on-policies';
import { appDataProblems } from './app-data-rules';
import { backupLockProblems } from './backup-lock-rules';
import { cloudAlertProblems } from './cloud-alert-rules';
import { costBudgetProblems } from './cost-budget-rules';
import { dataDeletionProblems } from './backup-job-rules';
import { hostedZoneArnOf } from '../../cloud/dns-zone-names';
import { eksAddonProblems } from './eks-addon-rules';
import { guardrailProblems } from './guardrail-rules';
import { podIdentityProblems, rolesOf, usersOf, type PrincipalView } from '../../cloud/iam-principals';
import { keyPolicyProblems } from './key-policy-rules';
import { podPidsLimitProblems } from './node-pid-limit-rules';
import { keyPolicySizeProblems } from './key-policy-size-rules';
import { trailQuotaProblems } from './trail-quota-rules';
import {
  asList,
  first,
  grants,
  parsePolicy,
  ref,
  regionOf,
  resourcesOf,
  settingsOf,
  withIndexes,
  type Json,
  type TerraformJson,
} from '../../cloud/terraform-json';

export { accessEntryProblems } from './access-entry-rules';
export { appDataProblems } from './app-data-rules';
export { backupLockProblems } from './backup-lock-rules';
export { cloudAlertProblems } from './cloud-alert-rules';
export { backupBucketDeleteProblems, backupJobRoleProblems, dataDeletionProblems, liveBucketDeleteProblems } from './backup-job-rules';
export { accountProblems, cniProblems, flowLogProblems, guardDutyProblems, guardrailProblems, trailProblems } from './guardrail-rules';
export { keyPolicyProblems } from './key-policy-rules';
export { keyPolicySizeProblems } from './key-policy-size-rules';
export { trailQuotaProblems } from './trail-quota-rules';
export { eksAddonProblems } from './eks-addon-rules';
export { covers, ref, resourcesOf, type TerraformJson } from '../../cloud/terraform-json';

/* The properties every synthesized cloud stack must have, read from its Terraform JSON. They run on every
   synth (synth-cloud.ts), and the tests run them against broken JSON to show that each one can fail.
   Each problem names the AWS Foundational Security Best Practices control it encodes, where there is one. */

/** The EKS add-ons every cluster must have. */
export const REQUIRED_ADDONS = [
  'vpc-cni',
  'kube-proxy',
  'eks-pod-identity-agent',
  'coredns',
  'aws-ebs-csi-driver',
  'aws-mountpoint-s3-csi-driver',
  'aws-guardduty-agent',
];
export const REQUIRED_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];
export const MIN_NODES = 3;

/** Every rule, for one cluster's stack. */
export function cloudProblems(json: TerraformJson, cluster: CloudCluster, apps: readonly CloudApp[]): string[] {
  return withIndexes(() => [
    ...bucketProblems(json),
    ...backupVaultProblems(json, cluster),
    ...backupLockProblems(json, cluster),
    ...eksProblems(json, cluster),
    ...eksAddonProblems(json, cluster),
    ...accessEntryProblems(json, cluster),
    ...nodeProblems(json),
    ...appDataProblems(json, cluster, apps),
    ...dataDeletionProblems(json, cluster, apps),
    ...keyPolicyProblems(json, cluster),
    ...keyPolicySizeProblems(json, cluster),
    ...trailQuotaProblems(json, cluster),
    ...guardrailProblems(json, cluster),
    ...cloudAlertProblems(json, cluster),
    ...costBudgetProblems(json, cluster),
    ...dnsZoneProblems(json, cluster),
    ...addOnRoleProblems(json, cluster),
    ...sensitiveGrantProblems(json, cluster),
  ]);
}

/** S3.1/S3.8, S3.5, S3.9, S3.13, S3.14, S3.17, ACLs off, and never destroyed, for every bucket. */
export function bucketProblems(json: TerraformJson): string[] {
  const problems: string[] = [];
  const buckets = resourcesOf(json, 'aws_s3_bucket');
  const logTargets = new Set(resourcesOf(json, 'aws_s3_bucket_logging').map(([, l]) => l.target_bucket));
  const isLogBucket = (name: string) => logTargets.has(ref('aws_s3_bucket', name, 'id'));
  const bucketById = new Map(buckets.map((entry) => [ref('aws_s3_bucket', entry[0], 'id'), entry]));

  for (const [name, bucket] of buckets) {
    const say = (problem: string) => problems.push(`bucket ${bucket.bucket ?? name}: ${problem}`);

    if (bucket.lifecycle?.prevent_destroy !== true) say('lifecycle.prevent_destroy is not true: Terraform could destroy its data');
    if (bucket.force_destroy === true) say('force_destroy is on: Terraform would delete its objects with it');
    for (const legacy of ['acl', 'policy', 'versioning', 'server_side_encryption_configuration', 'lifecycle_rule', 'logging']) {
      if (bucket[legacy] !== undefined) say(`sets the deprecated inline "${legacy}"; use its own resource`);
    }

    const blocks = settingsOf(json, 'aws_s3_bucket_public_access_block', name);
    const allBlocked = (b: Json) =>
      b.block_public_acls === true && b.block_public_policy === true && b.ignore_public_acls === true && b.restrict_public_buckets === true;
    if (blocks.length !== 1 || !allBlocked(blocks[0])) say('[S3.1/S3.8] public access is not blocked by all four Block Public Access settings');

    const ownership = settingsOf(json, 'aws_s3_bucket_ownership_controls', name);
    if (ownership.length !== 1 || first(ownership[0].rule)?.object_ownership !== 'BucketOwnerEnforced') {
      say('[S3.12] object ownership is not BucketOwnerEnforced: ACLs are still in use');
    }
    if (settingsOf(json, 'aws_s3_bucket_acl', name).length > 0) say('[S3.12] has an ACL resource');

    const versioning = settingsOf(json, 'aws_s3_bucket_versioning', name);
    if (versioning.length !== 1 || first(versioning[0].versioning_configuration)?.status !== 'Enabled') say('[S3.14] versioning is not enabled');

    const encryption = settingsOf(json, 'aws_s3_bucket_server_side_encryption_configuration', name);
    const byDefault = first(first(encryption[0]?.rule)?.apply_server_side_encryption_by_default);
    if (isLogBucket(name)) {
      if (encryption.length !== 1 || !['AES256', 'aws:kms'].includes(byDefault?.sse_algorithm)) say('is not encrypted at rest');
    } else if (encryption.length !== 1 || byDefault?.sse_algorithm !== 'aws:kms' || !byDefault?.kms_master_key_id) {
      say('[S3.17] is not encrypted with a KMS key (SSE-KMS)');
    }

    const policies = settingsOf(json, 'aws_s3_bucket_policy', name);
    const arn = ref('aws_s3_bucket', name, 'arn');
    const tlsOnly =
      policies.length === 1 &&
      asList(parsePolicy(policies[0].policy)?.Statement).some(
        (s: Json) =>
          s.Effect === 'Deny' &&
          s.Principal === '*' &&
          asList(s.Action).includes('s3:*') &&
          [arn, `${arn}/*`].every((r) => asList(s.Resource).includes(r)) &&
          s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      );
    if (!tlsOnly) say('[S3.5] has no bucket policy that denies requests without TLS');

    const rules = settingsOf(json, 'aws_s3_bucket_lifecycle_configuration', name)
      .flatMap((l) => asList(l.rule))
      .filter((r: Json) => r.status === 'Enabled');
    if (!rules.some((r: Json) => first(r.abort_incomplete_multipart_upload)?.days_after_initiation > 0)) {
      say('[S3.13] no lifecycle rule aborts incomplete multipart uploads');
    }
    if (!rules.some((r: Json) => first(r.noncurrent_version_expiration)?.noncurrent_days > 0)) {
      say('[S3.13] no lifecycle rule expires noncurrent versions');
    }

    if (!isLogBucket(name)) {
      const logging = settingsOf(json, 'aws_s3_bucket_logging', name);
      const target = bucketById.get(logging[0]?.target_bucket);
      if (logging.length !== 1 || !target) say('[S3.9] server access logging is off');
      else if ((target[1].provider ?? 'aws') !== (bucket.provider ?? 'aws')) say('[S3.9] logs to a bucket in another region, which S3 does not deliver to');
    }
  }
  return problems;
}

/** S3.7 (cross-region replication, delete markers included) and S3.15 (Object Lock on the offsite copy). */
export function backupVaultProblems(json: TerraformJson, cluster: CloudCluster): string[] {
  const problems: string[] = [];
  const vault = cloudSettingsOf(cluster).backupVault;
  const find = (bucketName: string) => resourcesOf(json, 'aws_s3_bucket').find(([, b]) => b.bucket === bucketName);
  const near = find(backupBucketOf(cluster.name));
  const offsite = find(offsiteBackupBucketOf(cluster.name));
  if (!near) return [`backup vault: no near backup bucket ${backupBucketOf(cluster.name)}`];
  if (!offsite) return [`backup vault: no offsite backup bucket ${offsiteBackupBucketOf(cluster.name)}`];
  const [nearName] = near;
  const [offsiteName, offsiteBucket] = offsite;

  const nearRegion = regionOf(json, near[1].provider);
  const offsiteRegion = regionOf(json, offsiteBucket.provider);
  if (nearRegion !== cluster.region) problems.push(`backup vault: the near bucket is in ${nearRegion}, not in the cluster's region ${cluster.region}`);
  if (offsiteRegion !== cluster.offsiteRegion || offsiteRegion === nearRegion) {
    problems.push(`[S3.7] backup vault: the offsite bucket is in ${offsiteRegion}, not in the offsite region ${cluster.offsiteRegion}`);
  }

  const replication = settingsOf(json, 'aws_s3_bucket_replication_configuration', nearName);
  const rule = asList(replication[0]?.rule).find((r: Json) => r.status === 'Enabled') as Json;
  if (replication.length !== 1 || !replication[0].role || !rule) {
    problems.push('[S3.7] backup vault: the near bucket does not replicate');
  } else {
    if (rule.destination?.bucket !== ref('aws_s3_bucket', offsiteName, 'arn'))
      problems.push('[S3.7] backup vault: replication does not go to the offsite bucket');
    if (rule.delete_marker_replication?.status !== 'Enabled')
      problems.push('[S3.7] backup vault: delete markers do not replicate, so the offsite copy drifts from the restic repositories');
    if (rule.source_selection_criteria?.sse_kms_encrypted_objects?.status !== 'Enabled' || !rule.destination?.encryption_configuration?.replica_kms_key_id) {
      problems.push('[S3.7] backup vault: KMS-encrypted backups are not replicated (or not re-encrypted offsite)');
    }
  }

  if (offsiteBucket.object_lock_enabled !== true) problems.push('[S3.15] backup vault: the offsite bucket has no Object Lock');
  const lock = settingsOf(json, 'aws_s3_bucket_object_lock_configuration', offsiteName);
  const retention = first(first(lock[0]?.rule)?.default_retention);
  if (lock.length !== 1 || !['GOVERNANCE', 'COMPLIANCE'].includes(retention?.mode) || !(retention?.days > 0 || retention?.years > 0)) {
    problems.push('[S3.15] backup vault: the offsite bucket has no default Object Lock retention');
  } else if (retention.mode !== vault.objectLockMode || retention.days !== vault.objectLockDays) {
    problems.push(
      `[S3.15] backup vault: Object Lock is ${retention.mode} for ${retention.days} days, the spec says ${vault.objectLockMode} for ${vault.objectLockDays}`,
    );
  }
  return problems;
}

/** EKS.1 (endpoint), EKS.3 (secrets encryption), EKS.8 (control-plane logs), version and add-ons. */
export function eksProblems(json: TerraformJson, cluster: CloudCluster): string[] {
  const problems: string[] = [];
  const clusters = resourcesOf(json, 'aws_eks_cluster');
  if (clusters.length !== 1) return [`EKS: expected one cluster, found ${clusters.length}`];
  const [name, eks] = clusters[0];
  const say = (problem: string) => problems.push(`EKS cluster ${eks.name}: ${problem}`);

  const vpc = first(eks.vpc_config) ?? {};
  const cidrs = asList(vpc.public_access_cidrs);
  if (vpc.endpoint_public_access !== false && (cidrs.length === 0 || cidrs.some((c) => c === '0.0.0.0/0' || c === '::/0'))) {
    say('[EKS.1] the API endpoint is public to the whole internet');
  }
  if (vpc.endpoint_private_access !== true) say('[EKS.1] the API endpoint has no private access');

  const encryption = first(eks.encryption_config);
  if (!asList(encryption?.resources).includes('secrets') || !first(encryption?.provider)?.key_arn)
    say('[EKS.3] Kubernetes secrets are not encrypted with a KMS key');

  const logTypes = asList(eks.enabled_cluster_log_types);
  const missing = REQUIRED_LOG_TYPES.filter((t) => !logTypes.includes(t));
  if (missing.length > 0) say(`[EKS.8] control-plane logs are off for ${missing.join(', ')}`);

  if (eks.version !== cluster.kubernetesVersion) say(`[EKS.2] runs Kubernetes ${eks.version}, the spec says ${cluster.kubernetesVersion}`);

  const addons = resourcesOf(json, 'aws_eks_addon')
    .filter(([, a]) => a.cluster_name === ref('aws_eks_cluster', name, 'name'))
    .map(([, a]) => a.addon_name);
  for (const addon of REQUIRED_ADDONS) if (!addons.includes(addon)) say(`the EKS add-on ${addon} is missing`);
  return problems;
}

/**
 * At least 3 nodes over 3 zones, counted over the node groups together (each group at least one node), in
 * private subnets, each routed to S3 through a gateway endpoint (else NAT bills every GB of the bucket
 * mounts and backups), IMDSv2 with hop limit 1, encrypted volumes. That each group keeps to one zone is the
 * cross-check's (zonal-node-groups-check.ts): it matters where pods use zonal volumes.
 */
export function nodeProblems(json: TerraformJson): string[] {
  const problems: string[] = [];
  const groups = resourcesOf(json, 'aws_eks_node_group');
  if (groups.length === 0) return ['nodes: there is no managed node group'];
  const subnets = new Map(resourcesOf(json, 'aws_subnet').map(([n, s]) => [ref('aws_subnet', n, 'id'), { name: n, ...s }]));
  const igwRouteTables = new Set(
    resourcesOf(json, 'aws_route')
      .filter(([, r]) => typeof r.gateway_id === 'string' && r.gateway_id.startsWith('${aws_internet_gateway.'))
      .map(([, r]) => r.route_table_id),
  );
  const routeTableOf = (subnetRef: string) => resourcesOf(json, 'aws_route_table_association').find(([, a]) => a.subnet_id === subnetRef)?.[1].route_table_id;
  const s3RouteTables = new Set(
    resourcesOf(json, 'aws_vpc_endpoint')
      .filter(([, e]) => e.vpc_endpoint_type === 'Gateway' && /^com\.amazonaws\.[a-z0-9-]+\.s3$/.test(e.service_name))
      .flatMap(([, e]) => asList(e.route_table_ids) as string[]),
  );

  const zones = new Set<string>();
  let minNodes = 0;
  for (const [name, group] of groups) {
    const say = (problem: string) => problems.push(`node group ${name}: ${problem}`);
    const scaling = first(group.scaling_config);
    minNodes += Number(scaling?.min_size) || 0;
    if (!(scaling?.min_size >= 1)) say(`has a minimum of ${scaling?.min_size} nodes: a zone could be left without one`);
    if (group.remote_access !== undefined) say('allows SSH remote access');

    for (const subnetRef of asList(group.subnet_ids) as string[]) {
      const subnet = subnets.get(subnetRef);
      if (!subnet) {
        say(`runs in subnet ${subnetRef}, which this stack does not define`);
        continue;
      }
      zones.add(subnet.availability_zone);
      if (subnet.map_public_ip_on_launch === true) say(`subnet ${subnet.name} gives nodes public IPs`);
      if (igwRouteTables.has(routeTableOf(subnetRef))) say(`subnet ${subnet.name} is public (routed to the internet gateway)`);
      else if (!s3RouteTables.has(routeTableOf(subnetRef)))
        say(`subnet ${subnet.name} reaches S3 through NAT, which bills every GB: no S3 gateway endpoint on its route table`);
    }

    const templateRef = first(group.launch_template)?.id as string | undefined;
    const template = resourcesOf(json, 'aws_launch_template').find(([n]) => templateRef === ref('aws_launch_template', n, 'id'))?.[1];
    if (!template) {
      say('has no launch template of this stack, so IMDS and disk settings are unchecked');
      continue;
    }
    const metadata = first(template.metadata_options);
    if (metadata?.http_tokens !== 'required') say('[EC2.8] IMDSv2 is not required');
    if (metadata?.http_put_response_hop_limit !== 1)
      say(`the IMDS hop limit is ${metadata?.http_put_response_hop_limit}, not 1: pods could use the node's role`);
    const devices = asList(template.block_device_mappings);
    if (devices.length === 0 || devices.some((d: Json) => String(first(d.ebs)?.encrypted) !== 'true')) say('[EC2.7] node volumes are not encrypted');
    for (const problem of podPidsLimitProblems(group.ami_type, template.user_data)) say(problem);
  }
  if (minNodes < MIN_NODES) problems.push(`nodes: the node groups have a minimum of ${minNodes} nodes together, fewer than ${MIN_NODES}`);
  if (zones.size < 3) problems.push(`nodes: the node groups spread over ${zones.size} availability zones, not 3`);
  for (const [name, subnet] of resourcesOf(json, 'aws_subnet')) {
    if (subnet.map_public_ip_on_launch === true) problems.push(`[EC2.15] subnet ${name} assigns public IPs on launch`);
  }
  return problems;
}

/** One public Route53 zone for the cluster's domain, never destroyed, its name servers an output for delegation. */
export function dnsZoneProblems(json: TerraformJson, cluster: CloudCluster): string[] {
  const zones = resourcesOf(json, 'aws_route53_zone').filter(([, z]) => String(z.name).replace(/\.$/, '') === cluster.domain);
  if (zones.length !== 1) return [`DNS: ${zones.length} Route53 zones for the cluster domain ${cluster.domain}, not 1`];
  const problems: string[] = [];
  const [name, zone] = zones[0];
  const say = (problem: string) => problems.push(`DNS zone ${cluster.domain}: ${problem}`);
  if (zone.lifecycle?.prevent_destroy !== true) say('lifecycle.prevent_destroy is not true: Terraform could destroy it with every record');
  if (zone.force_destroy === true) say('force_destroy is on: Terraform would delete its records with it');
  if (zone.vpc !== undefined) say('is private to a VPC, but app hosts must resolve on the internet');
  const outputs = Object.values((json.output ?? {}) as Record<string, Json>);
  if (!outputs.some((o) => o.value === ref('aws_route53_zone', name, 'name_servers'))) {
    say('its name servers are no output, so no one can delegate the domain to it');
  }
  return problems;
}

/** Each enabled add-on that calls AWS has one role, bound by Pod Identity to exactly its namespace and ServiceAccount. */
export function addOnRoleProblems(json: TerraformJson, cluster: CloudCluster): string[] {
  const problems: string[] = [];
  const roles = rolesOf(json);
  for (const { addOn, namespace, serviceAccount } of ADD_ON_IDENTITIES) {
    const say = (problem: string) => problems.push(`add-on ${addOn}: ${problem}`);
    const mine = roles.filter((r) => r.name === addOnRoleOf(cluster.name, addOn));
    if (cluster.disabledAddOns?.includes(addOn)) {
      if (mine.length > 0) say('is disabled but still has a role');
      continue;
    }
    if (mine.length !== 1) {
      say(`has ${mine.length} roles named ${addOnRoleOf(cluster.name, addOn)}, not 1`);
      continue;
    }
    podIdentityProblems(json, mine[0], namespace, serviceAccount, (p) => say(`its role ${p}`));
  }
  return problems;
}

const SECRET_WRITE_ACTIONS = [
  'secretsmanager:CreateSecret',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:RestoreSecret',
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
];

/**
 * Rights that would let one compromised pod (or leaked key) reach beyond its share, checked in the inline
 * policies of every role and IAM user: changing DNS records (only external-dns, only in the env's zone and the spec's extra zones,
 * and cert-manager, only the ACME challenge's TXT record in the env's zone),
 * reading secrets (only the External Secrets Operator, only below the env's prefix), writing secrets
 * (no one), and scaling node groups (only cluster-autoscaler, only those this cluster owns by tag).
 */
export function sensitiveGrantProblems(json: TerraformJson, cluster: CloudCluster): string[] {
  const problems: string[] = [];
  const zone = resourcesOf(json, 'aws_route53_zone').find(([, z]) => String(z.name).replace(/\.$/, '') === cluster.domain)?.[0];
  const zoneArns = new Set([
    ...(zone ? [ref('aws_route53_zone', zone, 'arn')] : []),
    ...Object.values(cloudSettingsOf(cluster).extraHostZones).map(hostedZoneArnOf),
  ]);
  const account = '(\\d{12}|\\$\\{data\\.aws_caller_identity\\.[A-Za-z0-9_-]+\\.account_id\\})';
  const envSecrets = new RegExp(`^arn:aws:secretsmanager:${cluster.region}:${account}:secret:${secretStorePrefixOf(cluster.env)}\\*$`);
  const ownerTag = `aws:ResourceTag/${autoscalerOwnerTagOf(cluster.name)}`;
  const isRoleOf = (principal: PrincipalView, addOn: AwsAddOn) => principal.kind === 'role' && principal.name === addOnRoleOf(cluster.name, addOn);

  for (const principal of [...rolesOf(json), ...usersOf(json)]) {
    const say = (problem: string) => problems.push(`${principal.kind === 'role' ? 'role' : 'IAM user'} ${principal.name}: ${problem}`);
    for (const s of principal.statements) {
      const resources = asList(s.Resource) as string[];
      if (grants(s, ['route53:ChangeResourceRecordSets'])) {
        if (isRoleOf(principal, 'cert-manager')) {
          // The wildcard's DNS-01 only: the TXT record _acme-challenge.<domain>, in the env's own zone.
          const only = s.Condition?.['ForAllValues:StringEquals'] ?? {};
          const types = asList(only['route53:ChangeResourceRecordSetsRecordTypes']);
          const names = asList(only['route53:ChangeResourceRecordSetsNormalizedRecordNames']);
          if (types.length !== 1 || types[0] !== 'TXT' || names.length !== 1 || names[0] !== acmeChallengeRecordOf(cluster.domain.toLowerCase())) {
            say(
              `may change DNS records other than the TXT record ${acmeChallengeRecordOf(cluster.domain)} (ForAllValues:StringEquals on the record types and names)`,
            );
          }
          for (const r of resources.filter((r) => !zone || r !== ref('aws_route53_zone', zone, 'arn')))
            say(`may change DNS records in ${r}, not only in the env's zone`);
        } else {
          if (!isRoleOf(principal, 'external-dns')) say('may change DNS records; only external-dns and cert-manager may');
          for (const r of resources.filter((r) => !zoneArns.has(r))) {
            say(`may change DNS records in ${r}, not only in the env's zone${zoneArns.size > 1 ? ' and the extra host zones' : ''}`);
          }
        }
      }
      if (grants(s, ['secretsmanager:GetSecretValue'])) {
        if (!isRoleOf(principal, 'external-secrets')) say('may read secrets; only the External Secrets Operator may');
        for (const r of resources.filter((r) => !envSecrets.test(r)))
          say(`may read secrets in ${r}, beyond the env's prefix ${secretStorePrefixOf(cluster.env)}`);
      }
      if (grants(s, SECRET_WRITE_ACTIONS)) say('may write or delete secrets; no role or user may, they are written by people, never by the cluster');
      if (grants(s, AUTOSCALER_SCALE_ACTIONS)) {
        if (!isRoleOf(principal, 'cluster-autoscaler')) say('may scale node groups; only cluster-autoscaler may');
        if (s.Condition?.StringEquals?.[ownerTag] !== 'owned') say(`may scale Auto Scaling groups not tagged ${autoscalerOwnerTagOf(cluster.name)}=owned`);
      }
    }
  }
  return problems;
}
