import type { KubeObject } from '../model/kube-object';
import { SECRET_STORE } from '../model/naming';
import { resourcesOf, type Json, type TerraformJson } from '../cloud/terraform-json';

/** What the cost estimate counts in a cluster's synthesized output rather than in its spec. */
export interface CloudCounts {
  readonly kmsKeys: number;
  /** IAM roles the stack creates in the cluster's account: the apps' shared roles (five or six, however many apps) and the platform's. */
  readonly iamRoles: number;
  /** Elastic IPs: the NAT gateways' addresses. */
  readonly elasticIps: number;
  /**
   * Zones with a public subnet tagged `kubernetes.io/role/elb`: the Gateway's internet-facing NLB takes a
   * subnet, and with it a public IPv4 address, in each.
   */
  readonly loadBalancerZones: number;
  readonly hostedZones: number;
  /** Interface VPC endpoints: each one's service (the name after `com.amazonaws.<region>.`) and its number of subnets, one per zone. */
  readonly interfaceEndpoints: readonly { readonly service: string; readonly zones: number }[];
  readonly logGroups: number;
  /** The longest retention among the CloudWatch log groups, in days. */
  readonly logRetentionDays: number;
  /** CloudTrail trails that record S3 data events (billed per event, unlike the first copy of management events). */
  readonly dataEventTrails: number;
  /** The secrets in AWS Secrets Manager that the cluster reads: the distinct keys of its ExternalSecrets on the shared ClusterSecretStore. */
  readonly storeSecrets: number;
}

/** The counts of one cluster, from its Terraform JSON and its Kubernetes objects. */
export function cloudCountsOf(terraform: TerraformJson, objects: readonly KubeObject[]): CloudCounts {
  const count = (type: string) => resourcesOf(terraform, type).length;
  const subnets = resourcesOf(terraform, 'aws_subnet').map(([, subnet]) => subnet);
  const endpoints = resourcesOf(terraform, 'aws_vpc_endpoint')
    .map(([, endpoint]) => endpoint)
    .filter((endpoint) => endpoint.vpc_endpoint_type === 'Interface');
  const logGroups = resourcesOf(terraform, 'aws_cloudwatch_log_group').map(([, group]) => group);
  const trails = resourcesOf(terraform, 'aws_cloudtrail').map(([, trail]) => trail);
  return {
    kmsKeys: count('aws_kms_key'),
    iamRoles: count('aws_iam_role'),
    elasticIps: count('aws_eip'),
    loadBalancerZones: new Set(subnets.filter((s) => s.tags?.['kubernetes.io/role/elb'] === '1').map((s) => s.availability_zone)).size,
    hostedZones: count('aws_route53_zone'),
    interfaceEndpoints: endpoints.map((e) => ({ service: String(e.service_name).split('.').slice(3).join('.'), zones: (e.subnet_ids ?? []).length })),
    logGroups: logGroups.length,
    logRetentionDays: Math.max(0, ...logGroups.map((g) => g.retention_in_days ?? 0)),
    dataEventTrails: trails.filter(recordsDataEvents).length,
    storeSecrets: storeSecretsOf(objects).size,
  };
}

const recordsDataEvents = (trail: Json): boolean =>
  (trail.advanced_event_selector ?? []).some((selector: Json) =>
    (selector.field_selector ?? []).some((f: Json) => f.field === 'eventCategory' && (f.equals ?? []).includes('Data')),
  );

/**
 * The Secrets Manager keys the cluster's ExternalSecrets read through the shared ClusterSecretStore; one
 * secret may feed several Secrets, and several keys of one (its JSON properties). ExternalSecrets on
 * another store (the Elasticsearch CA, copied within the cluster) cost nothing.
 */
export function storeSecretsOf(objects: readonly KubeObject[]): Set<string> {
  const keys = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'ExternalSecret') continue;
    const spec = o.spec as { secretStoreRef?: { kind?: string; name?: string }; data?: { remoteRef?: { key?: string } }[] };
    if (spec.secretStoreRef?.kind !== 'ClusterSecretStore' || spec.secretStoreRef.name !== SECRET_STORE) continue;
    for (const entry of spec.data ?? []) if (entry.remoteRef?.key) keys.add(entry.remoteRef.key);
  }
  return keys;
}
