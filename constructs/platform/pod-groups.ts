import type { DeclaredWorkload } from './chart-workload';
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

/** Every pod group of a namespace: the declared chart workloads, then our own objects' pods, each once, in a stable order. */
export function podGroupsOf(namespace: string, declared: readonly DeclaredWorkload[], ownPods: readonly PodGroup[]): PodGroup[] {
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
  const groups = [...fromCharts, ...ownPods.filter((p) => p.namespace === namespace)];
  const seen = new Set<string>();
  return groups.filter((g) => !seen.has(g.name) && seen.add(g.name)).sort((a, b) => a.name.localeCompare(b.name));
}
