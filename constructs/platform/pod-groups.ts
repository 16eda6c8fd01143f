import type { DeclaredWorkload } from './chart-workload';
import { SynthError } from '../model/spec-error';
import type { WorkloadEgress } from './network-needs';

/** The pods of one workload in a platform namespace: what its own network policy selects, and the ports it listens on. */
export interface PodGroup {
  readonly namespace: string;
  /** Names its NetworkPolicy. */
  readonly name: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly ports: readonly number[];
  /** Of `ports`, those the Gateway's routes send to (purpose `backend`): the proxies of its namespace reach them. @default none */
  readonly backendPorts?: readonly number[];
  /** Its own egress, narrower than its namespace's (`ChartWorkload.egress`). @default its namespace's */
  readonly egress?: WorkloadEgress;
}

/**
 * Every pod group of a namespace: the declared chart workloads, then our own objects' pods, each once, in a
 * stable order. `ownEgress` gives our own pods theirs by name (`AddOn.ownPodEgress`); one that names no pod
 * of the namespace is an error, as that pod would keep its namespace's egress.
 */
export function podGroupsOf(
  namespace: string,
  declared: readonly DeclaredWorkload[],
  ownPods: readonly PodGroup[],
  ownEgress: Readonly<Record<string, WorkloadEgress>> = {},
): PodGroup[] {
  const own = ownPods.filter((p) => p.namespace === namespace);
  const unknown = Object.keys(ownEgress).filter((name) => !own.some((p) => p.name === name));
  if (unknown.length > 0) {
    throw new SynthError(
      unknown.map((name) => `namespace ${namespace}: field "ownPodEgress" = ${name}: no object of ours runs pods of that name there`),
      'an own pod egress names no pod',
    );
  }
  const fromCharts = declared
    .filter((d) => d.namespace === namespace)
    .map((d) => ({
      namespace,
      name: d.workload.name.replace(/-$/, ''),
      podLabels: d.workload.podLabels,
      ports: (d.workload.ports ?? []).map((p) => p.port),
      backendPorts: (d.workload.ports ?? []).filter((p) => p.purpose === 'backend').map((p) => p.port),
      ...(d.workload.egress ? { egress: d.workload.egress } : {}),
    }));
  const groups = [...fromCharts, ...own.map((p) => (ownEgress[p.name] ? { ...p, egress: ownEgress[p.name] } : p))];
  const seen = new Set<string>();
  return groups.filter((g) => !seen.has(g.name) && seen.add(g.name)).sort((a, b) => a.name.localeCompare(b.name));
}
