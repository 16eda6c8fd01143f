import { appQuotaOf, JOB_PODS_HEADROOM, surgeOf } from '../app/isolation';
import type { ClusterSpec } from '../model/cluster-spec';
import { allocatableOf, INSTANCE_TYPES, type Allocatable } from '../model/instance-types';
import { parseQuantity } from '../model/quantity';
import type { ResolvedApp } from '../model/resolve';
import { SpecProblem } from '../model/spec-error';

const cores = (n: number): string => `${Math.round(n * 100) / 100} cores`;
const gibibytes = (n: number): string => `${Math.round((n / 2 ** 30) * 100) / 100}Gi`;
const UNITS = { cpu: cores, memory: gibibytes } as const;

/** The most one node of the pool offers, per resource, over its instance types; undefined if none is in the table. */
function largestNodeOf(cluster: ClusterSpec): (Allocatable & { readonly types: Record<'cpu' | 'memory' | 'pods', string> }) | undefined {
  const known = cluster.nodePool.instanceTypes.filter((t) => Object.hasOwn(INSTANCE_TYPES, t)).map((t) => [t, allocatableOf(INSTANCE_TYPES[t])] as const);
  if (known.length === 0) return undefined;
  const best = (kind: keyof Allocatable) => known.reduce((a, b) => (b[1][kind] > a[1][kind] ? b : a));
  const [cpu, memory, pods] = (['cpu', 'memory', 'pods'] as const).map(best);
  return { cpu: cpu[1].cpu, memory: memory[1].memory, pods: pods[1].pods, types: { cpu: cpu[0], memory: memory[0], pods: pods[0] } };
}

/**
 * The app's requests and limits against what a node of the cluster's pool can give (a pod larger than the
 * largest node never starts, and a limit beyond it is no limit), and its quota, which holds max replicas
 * at their limits plus a rolling update's surge and the backup jobs, against the whole pool at its max.
 * The node figures are EKS's: see allocatableOf in constructs/model/instance-types.ts.
 */
export function checkResourceFit(app: ResolvedApp, cluster: ClusterSpec): SpecProblem[] {
  const node = largestNodeOf(cluster);
  const quantities = (['cpu', 'memory'] as const).flatMap((kind) => [parseQuantity(app.resources[kind].request), parseQuantity(app.resources[kind].limit)]);
  const max = app.scaling.max;
  if (!node || quantities.some((q) => q === undefined || !(q > 0)) || !Number.isInteger(max) || max < 1) return [];
  const at = { cluster: cluster.name, app: app.name };
  const problems: SpecProblem[] = [];
  for (const kind of ['cpu', 'memory'] as const) {
    for (const which of ['request', 'limit'] as const) {
      const text = app.resources[kind][which];
      if (parseQuantity(text)! > node[kind]) {
        problems.push(
          new SpecProblem(
            at,
            `resources.${kind}.${which}`,
            text,
            `is more than one node can give a pod: the largest instance type of nodePool.instanceTypes, ${node.types[kind]}, has ${UNITS[kind](node[kind])} allocatable on EKS; ` +
              'ask for less, or add a larger instance type to the node pool',
          ),
        );
      }
    }
  }
  const quota = appQuotaOf(app);
  const pool = cluster.nodePool;
  const nodes = Number.isInteger(pool.max) && pool.max > 0 ? pool.max : 0;
  const how = `${max} replicas (+${surgeOf(max)} during a rolling update, +${JOB_PODS_HEADROOM} job pods)`;
  const totals: readonly (readonly [string, number, number, (n: number) => string])[] = [
    ['CPU requests', quota.requests.cpu, node.cpu, cores],
    ['memory requests', quota.requests.memory, node.memory, gibibytes],
    ['CPU limits', quota.limits.cpu, node.cpu, cores],
    ['memory limits', quota.limits.memory, node.memory, gibibytes],
    ['pods', quota.pods, node.pods, String],
  ];
  for (const [what, total, perNode, format] of totals) {
    if (total > perNode * nodes) {
      problems.push(
        new SpecProblem(
          at,
          'scaling.max',
          max,
          `makes the namespace quota ${format(total)} of ${what} at ${how}, more than the whole node pool holds at nodePool.max (${nodes} × ${format(perNode)}); ` +
            'lower scaling.max or the resources, or raise nodePool.max',
        ),
      );
      break;
    }
  }
  return problems;
}
