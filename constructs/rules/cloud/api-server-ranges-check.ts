import type { ClusterSpec } from '../../model/cluster-spec';
import { controlPlaneRangesOf } from '../../model/vpc-layout';
import { asList, resourcesOf, type Json, type TerraformJson } from '../../cloud/terraform-json';

const SUBNET_REF = /^\$\{aws_subnet\.([^.]+)\.id\}$/;

/**
 * The cloud side against the platform's NetworkPolicies, which name the API server by the ranges of
 * controlPlaneRangesOf (as the destination on 443 and the source of webhook calls): the EKS cluster's
 * subnets, where EKS places the API server's interfaces, are exactly those ranges, and nothing else runs
 * there. A node group or a load balancer in them would pass for the API server in every policy.
 */
export function apiServerRangeProblems(json: TerraformJson, cluster: ClusterSpec): string[] {
  const clusters = resourcesOf(json, 'aws_eks_cluster');
  if (clusters.length === 0) return [];
  const subnets = new Map(resourcesOf(json, 'aws_subnet'));
  const namesOf = (ids: unknown): string[] => (asList(ids) as string[]).map((id) => SUBNET_REF.exec(id)?.[1] ?? id);
  const problems: string[] = [];
  for (const [address, eks] of clusters) {
    const names = namesOf((eks as Json).vpc_config?.subnet_ids);
    const ranges = names.map((name) => subnets.get(name)?.cidr_block ?? `${name} (not a subnet of this stack)`).sort();
    const expected = [...controlPlaneRangesOf(cluster)].sort();
    if (ranges.join() !== expected.join()) {
      problems.push(
        `aws_eks_cluster.${address}: its subnets are ${ranges.join(', ')}, but the NetworkPolicies name the API server by ${expected.join(', ')} (constructs/model/vpc-layout.ts)`,
      );
    }
    for (const [group, nodes] of resourcesOf(json, 'aws_eks_node_group')) {
      const shared = namesOf((nodes as Json).subnet_ids).filter((name) => names.includes(name));
      if (shared.length > 0)
        problems.push(`aws_eks_node_group.${group}: runs nodes in ${shared.join(', ')}, the API server's subnets: its pods would pass for the API server`);
    }
    for (const name of names) {
      const tags = Object.keys(subnets.get(name)?.tags ?? {}).filter((t) => t.startsWith('kubernetes.io/role/'));
      if (tags.length > 0)
        problems.push(`aws_subnet.${name}: one of the API server's subnets carries ${tags.join(', ')}, so load balancers would be placed there`);
    }
  }
  return problems;
}
