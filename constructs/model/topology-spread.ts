/** Zone and node labels every node carries (kubernetes.io/docs/reference/labels-annotations-taints). */
export const ZONE_KEY = 'topology.kubernetes.io/zone';
export const HOST_KEY = 'kubernetes.io/hostname';

/**
 * Replicas spread over zones (hard: a lost zone never takes every replica) and over nodes (soft: a
 * small pool may have to double up during a drain).
 *
 * The hard zone constraint honours node taints. With the default (`Ignore`), the nodes of a dead zone,
 * tainted `node.kubernetes.io/unreachable:NoSchedule`, still make a zone with 0 matching pods once its
 * pods are evicted (the scheduler skips terminating pods), so the global minimum is 0 and no pod may go to
 * a healthy zone that already holds one: lost replicas are not replaced and the HPA cannot scale out until
 * the dead Node objects are deleted. With `Honor` a node whose taint the pod does not tolerate is no
 * domain. Upstream, kubernetes pkg/scheduler/framework/plugins/podtopologyspread/common.go (1.34 line):
 * filterTopologySpreadConstraints reads an unset nodeTaintsPolicy as Ignore, matchNodeInclusionPolicies
 * drops a node with an untolerated NoSchedule or NoExecute taint under Honor, and countPodsMatchSelector
 * skips pods with a deletionTimestamp. The feature gate NodeInclusionPolicyInPodTopologySpread is beta and
 * on from 1.26, GA and locked on from 1.33 (pkg/features/kube_features.go, 1.35 line), so every version in
 * model/kubernetes-versions.ts has the field.
 */
export function topologySpreadOf(podLabels: Readonly<Record<string, string>>) {
  const labelSelector = () => ({ matchLabels: { ...podLabels } });
  return [
    { maxSkew: 1, topologyKey: ZONE_KEY, whenUnsatisfiable: 'DoNotSchedule' as const, nodeTaintsPolicy: 'Honor' as const, labelSelector: labelSelector() },
    { maxSkew: 1, topologyKey: HOST_KEY, whenUnsatisfiable: 'ScheduleAnyway' as const, labelSelector: labelSelector() },
  ];
}
