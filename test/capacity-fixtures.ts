import type { AppSpec } from '../constructs/model/app-spec';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { allocatableOf, INSTANCE_TYPES } from '../constructs/model/instance-types';
import { clusterAppsOf } from '../constructs/model/resolve';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { declaredWorkloadsOf } from '../constructs/platform/declared-workloads';
import { appDemandOf, installedDemandOf, platformDemandOf } from '../constructs/validation/cluster-capacity';
import { generatedAccessOf } from '../scripts/lib/generated-access';
import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';

// Clusters grown for the capacity tests, and the nodes they need at rest worked out in the test's own way.

const [base] = CLUSTERS;
const templates = APPS.filter((a) => a.name in base.apps);

/** The first fixture cluster with `count` copies of its apps, each with a host of its own, on `max` nodes of one type. */
export function grown(count: number, max: number, instanceType = 'm7i.xlarge', min = base.nodePool.min): { cluster: ClusterSpec; apps: AppSpec[] } {
  const apps = Array.from({ length: count }, (_, i) => {
    const template = templates[i % templates.length];
    const name = `${template.name}-${i}`;
    return { ...template, name, hosts: { [base.env]: [`${name}.${base.domain}`] } };
  });
  const cluster: ClusterSpec = {
    ...base,
    nodePool: { ...base.nodePool, instanceTypes: [instanceType], min, max },
    apps: Object.fromEntries(apps.map((a) => [a.name, {}])),
    appData: Object.fromEntries(apps.map((a) => [a.name, 'live' as const])),
    access: generatedAccessOf(base.access, apps),
  };
  return { cluster, apps };
}

/**
 * The fewest nodes of the pool's first type that hold the cluster at rest, from the demands: the first n for
 * which ceil(demand on n nodes / what a node holds after the DaemonSets) is at most n, for every resource.
 */
export function nodesNeeded(cluster: ClusterSpec, apps: readonly AppSpec[]): number {
  const resolved = clusterAppsOf(cluster, apps);
  const ctx = { cluster, apps: resolved };
  const ours = platformDemandOf(declaredWorkloadsOf(addOnsOf(ctx), ctx));
  const installed = installedDemandOf();
  const node = allocatableOf(INSTANCE_TYPES[cluster.nodePool.instanceTypes[0]]);
  const needed = (n: number) => {
    const ofApps = appDemandOf(resolved, n);
    return Math.max(
      ...(['cpu', 'memory', 'pods'] as const).map((r) =>
        Math.ceil((ofApps[r] + ours.standing[r] + installed.standing[r]) / (node[r] - ours.perNode[r] - installed.perNode[r])),
      ),
    );
  };
  for (let n = 1; n < 10_000; n++) if (needed(n) <= n) return n;
  throw new Error('no number of nodes holds the cluster');
}
