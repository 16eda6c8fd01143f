import type { NodePoolSpec } from './cluster-spec';

/** One zone's node group: its share of the node pool's min and max. */
export interface ZoneNodeGroup {
  readonly zone: string;
  readonly min: number;
  readonly max: number;
}

/** `n` split over `parts` as evenly as whole numbers allow, the first parts taking the remainder. */
const split = (n: number, parts: number): number[] => Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));

/**
 * The node pool as one node group per zone, its min and max split over them: together they hold exactly
 * the pool's min and max, and each zone gets at least one node (nodePool.min is at least one per zone).
 *
 * One group per zone because cluster-autoscaler builds the template node of a group that spans zones in the
 * first zone only (kubernetes/autoscaler@cluster-autoscaler-1.33.0, the version chart 9.50.1 deploys:
 * cluster-autoscaler/cloudprovider/aws/aws_manager.go getAsgTemplate, `asg.AvailabilityZones[0]`), so a
 * pending pod whose EBS volume sits in another zone never triggers a scale-up. Its AWS README ("Common
 * Notes and Gotchas") asks for an ASG per AZ with --balance-similar-node-groups when pods use EBS volumes.
 */
export function zoneNodeGroupsOf(pool: Pick<NodePoolSpec, 'min' | 'max'>, zones: readonly string[]): ZoneNodeGroup[] {
  const mins = split(pool.min, zones.length);
  const maxes = split(pool.max, zones.length);
  return zones.map((zone, i) => ({ zone, min: mins[i], max: maxes[i] }));
}

/** `1 + 1 + 1`: the zones' shares of one bound, for messages and reports. */
export const sharesOf = (groups: readonly ZoneNodeGroup[], bound: 'min' | 'max'): string => groups.map((g) => g[bound]).join(' + ');
