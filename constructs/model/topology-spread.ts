/** Zone and node labels every node carries (kubernetes.io/docs/reference/labels-annotations-taints). */
export const ZONE_KEY = 'topology.kubernetes.io/zone';
export const HOST_KEY = 'kubernetes.io/hostname';

/**
 * Replicas spread over zones (hard: a lost zone never takes every replica) and over nodes (soft: a
 * small pool may have to double up during a drain).
 */
export function topologySpreadOf(podLabels: Readonly<Record<string, string>>) {
  const spread = (topologyKey: string, whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway') => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels: { ...podLabels } },
  });
  return [spread(ZONE_KEY, 'DoNotSchedule'), spread(HOST_KEY, 'ScheduleAnyway')];
}
