import { groupsOf } from '../../model/access-spec';
import type { CloudCluster } from '../../model/cloud-input';
import { accessEntryAddressOf } from '../../cloud/access-entries';
import { asList, first, ref, resourcesOf, type TerraformJson } from '../../cloud/terraform-json';

/** Kubernetes reserves these groups; EKS refuses them in access entries, and they would bypass our RBAC. */
export const SYSTEM_GROUP_PREFIX = 'system:';

/**
 * Who may reach the Kubernetes API, read from the Terraform JSON: the cluster authenticates through access
 * entries only (authentication mode API, no admin for its creator); each person of the access model has
 * exactly one STANDARD entry, for their IAM role, in exactly the groups groupsOf gives them; no entry is
 * for anyone else or in a `system:` group; and no access policy association exists, so every right comes
 * from the RBAC in the YAML (cross-check.ts's accessEntryGroupProblems checks that it binds the groups).
 */
export function accessEntryProblems(json: TerraformJson, cluster: CloudCluster): string[] {
  const problems: string[] = [];
  const clusters = resourcesOf(json, 'aws_eks_cluster');
  for (const [, eks] of clusters) {
    const config = first(eks.access_config);
    if (config?.authentication_mode !== 'API') {
      problems.push(
        `EKS cluster ${eks.name}: authentication mode is ${config?.authentication_mode}, not API: an aws-auth ConfigMap could grant what the access entries do not show`,
      );
    }
    if (config?.bootstrap_cluster_creator_admin_permissions !== false) {
      problems.push(
        `EKS cluster ${eks.name}: bootstrap_cluster_creator_admin_permissions is not false: the creator would get cluster-admin outside Terraform and access.md`,
      );
    }
  }
  for (const [address, association] of resourcesOf(json, 'aws_eks_access_policy_association')) {
    problems.push(
      `EKS access policy association ${address}: grants ${association.policy_arn} to ${association.principal_arn}; rights come only from the Kubernetes RBAC in the YAML`,
    );
  }

  const clusterNames = new Set(clusters.map(([name]) => ref('aws_eks_cluster', name, 'name')));
  const entries = resourcesOf(json, 'aws_eks_access_entry');
  const byArn = new Map<string, string[]>();
  for (const [address, entry] of entries) {
    const say = (problem: string) => problems.push(`EKS access entry ${address}: ${problem}`);
    if (!clusterNames.has(entry.cluster_name)) say(`opens cluster ${entry.cluster_name}, not this stack's`);
    if ((entry.type ?? 'STANDARD') !== 'STANDARD') say(`is of type ${entry.type}, not STANDARD`);
    for (const group of asList(entry.kubernetes_groups) as string[]) {
      if (group.startsWith(SYSTEM_GROUP_PREFIX)) say(`puts ${entry.principal_arn} in the reserved group ${group}`);
    }
    byArn.set(entry.principal_arn, [...(byArn.get(entry.principal_arn) ?? []), address]);
  }
  for (const [arn, addresses] of byArn) {
    if (addresses.length > 1) problems.push(`EKS access entries ${addresses.join(', ')}: ${addresses.length} entries for one IAM role ${arn}`);
  }

  const people = cluster.access.people;
  const modelled = new Set(Object.keys(people).map(accessEntryAddressOf));
  for (const person of Object.keys(people).sort()) {
    const address = accessEntryAddressOf(person);
    const entry = json.resource?.aws_eks_access_entry?.[address];
    const say = (problem: string) => problems.push(`person ${person}: ${problem}`);
    if (!entry) {
      say(`has no EKS access entry ${address}`);
      continue;
    }
    if (entry.principal_arn !== people[person].iamRoleArn) say(`their access entry is for ${entry.principal_arn}, not their role ${people[person].iamRoleArn}`);
    const groups = [...(asList(entry.kubernetes_groups) as string[])].sort();
    const expected = groupsOf(cluster.access, person);
    if (JSON.stringify(groups) !== JSON.stringify(expected)) {
      say(`their access entry puts them in ${groups.join(', ') || '(no group)'}, the access model in ${expected.join(', ') || '(no group)'}`);
    }
  }
  for (const [address, entry] of entries) {
    if (!modelled.has(address)) problems.push(`EKS access entry ${address}: ${entry.principal_arn} is no person of the access model`);
  }
  return problems;
}
