import type { KubeObject } from '../../model/kube-object';
import type { AwsAddOn } from '../../cloud/add-on-identities';
import { asList, ref, resourcesOf, type Json, type TerraformJson } from '../../cloud/terraform-json';

/** The provisioner of the EBS CSI driver: its volumes live in one zone and attach only to nodes there. */
export const EBS_CSI_PROVISIONER = 'ebs.csi.aws.com';
const AUTOSCALER: AwsAddOn = 'cluster-autoscaler';

/**
 * Where the platform keeps data on EBS volumes (a StorageClass of the EBS CSI driver) and cluster-autoscaler
 * grows the nodes, each node group keeps to one zone, and together they cover every zone of the VPC. A group
 * over several zones gets its template node in the first zone only (kubernetes/autoscaler@cluster-autoscaler-1.33.0,
 * the version chart 9.50.1 deploys: cluster-autoscaler/cloudprovider/aws/aws_manager.go getAsgTemplate,
 * `asg.AvailabilityZones[0]`), so a pod pending for room whose volume is in another zone never triggers a
 * scale-up. The AWS README there ("Common Notes and Gotchas") asks for an ASG per AZ and
 * --balance-similar-node-groups; EKS gives each managed node group an ASG of its own.
 */
export function zonalNodeGroupProblems(json: TerraformJson, objects: readonly KubeObject[]): string[] {
  const ebsClasses = objects.filter((o) => o.kind === 'StorageClass' && (o as Json).provisioner === EBS_CSI_PROVISIONER).map((o) => o.metadata.name);
  const autoscaled = objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === AUTOSCALER);
  if (ebsClasses.length === 0 || !autoscaled) return [];

  const zoneOf = new Map(resourcesOf(json, 'aws_subnet').map(([name, subnet]) => [ref('aws_subnet', name, 'id'), String(subnet.availability_zone)]));
  const why = `StorageClass ${ebsClasses.join(', ')} makes zonal EBS volumes, and cluster-autoscaler builds a group's template node in its first zone only`;
  const problems: string[] = [];
  const covered = new Set<string>();
  for (const [name, group] of resourcesOf(json, 'aws_eks_node_group')) {
    const zones = (asList(group.subnet_ids) as string[]).map((id) => zoneOf.get(id) ?? `(subnet ${id}, not of this stack)`);
    zones.forEach((z) => covered.add(z));
    if (zones.length !== 1)
      problems.push(`node group ${name}: runs in ${zones.length} subnets (${zones.join(', ')}), not one: ${why}; give each zone a node group of its own`);
  }
  const missing = [...new Set(zoneOf.values())].filter((zone) => !covered.has(zone)).sort();
  if (missing.length > 0)
    problems.push(`nodes: no node group runs in ${missing.join(', ')}: cluster-autoscaler could add no node for a pod whose EBS volume is there`);
  return problems;
}
