import { EKS_ADDON_WORKLOADS, type PodRequests } from '../cloud/eks-addon-pods';
import { FLUX_CONTROLLER_PODS } from '../gitops/flux-install';
import { cloudSettingsOf, clusterFileOf, type ClusterSpec } from '../model/cluster-spec';
import { allocatableOf, INSTANCE_TYPES, type Allocatable } from '../model/instance-types';
import { parseQuantity } from '../model/quantity';
import type { ResolvedApp } from '../model/resolve';
import { SpecProblem } from '../model/spec-error';
import { sharesOf, zoneNodeGroupsOf, type ZoneNodeGroup } from '../model/zone-node-groups';
import type { DeclaredWorkload } from '../platform/chart-workload';

/*
 * Every app at its scaling.min, with the platform's standing pods, must fit the node pool at its max: the
 * scheduler places a pod only where its requests fit, so what does not fit stays Pending, whatever the
 * autoscaler does. Each app's quota is checked against the pool on its own (resource-limits.ts); this is
 * their sum, which is what a cluster of hundreds of apps runs out of first.
 *
 * Counted: each app's scaling.min replicas at its requests; each platform workload's replicas (an HPA's
 * min) at its pod's requests (podOf); a DaemonSet's pod on every node; the Mountpoint pods that mount the apps'
 * buckets (mountpointPodsOf); the pods of the EKS add-ons and of Flux, as read upstream
 * (cloud/eks-addon-pods.ts, gitops/flux-install.ts). Not counted: Jobs and one-off Pods (the apps' backup
 * jobs have room in their quotas). So this is a floor: a pool that fails it can never run every app.
 * Nodes are counted as the smallest instance type of the pool, per resource: the autoscaler may add any
 * of them. The same sum gives the nodes the cluster runs at rest (nodesAtRestOf): cluster-autoscaler adds
 * nodes until every pod is placed, whatever nodePool.min says, so that is what the cost estimate prices.
 *
 * Then zone by zone: each zone is a node group of its own (model/zone-node-groups.ts), and where the pool's
 * max does not split evenly, one zone has fewer nodes than another. An app's replicas spread over the zones
 * hard, with maxSkew 1 (model/topology-spread.ts), so every zone holds at least floor(replicas / zones) of
 * them: kube-scheduler's PodTopologySpread counts a zone's matching pods against the least-loaded zone
 * with an eligible node (kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread), and
 * every zone has a node (each group's min is at least one). cluster-autoscaler cannot add a node past its
 * group's max, so a replica that must go to a full zone stays Pending even while another zone has room.
 * The smallest zone must hold that share of every app; the platform's pods are left out there (most of
 * them may go to any zone), which keeps this a floor too.
 */

type Resource = keyof Allocatable;
const RESOURCES: readonly Resource[] = ['cpu', 'memory', 'pods'];
const FORMAT: Record<Resource, (n: number) => string> = {
  cpu: (n) => `${Math.round(n * 100) / 100} cores`,
  memory: (n) => `${Math.round((n / 2 ** 30) * 10) / 10}Gi`,
  pods: (n) => `${n} pod${n === 1 ? '' : 's'}`,
};

type Amounts = Record<Resource, number>;
const none = (): Amounts => ({ cpu: 0, memory: 0, pods: 0 });
const sum = (a: Amounts, b: Amounts): Amounts => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory, pods: a.pods + b.pods });

/**
 * One pod of a platform workload, as the scheduler counts its requests: per resource, the sum of its
 * containers or its largest init container, whichever is more (init containers run one at a time, before
 * the others; kubernetes.io/docs/concepts/workloads/pods/init-containers, "Resource sharing within containers").
 */
export function podOf(workload: Pick<DeclaredWorkload['workload'], 'settings'>): Amounts {
  const containers = none();
  const init = none();
  for (const { resources, init: isInit } of Object.values(workload.settings.containers)) {
    const cpu = parseQuantity(resources.requests.cpu) ?? 0;
    const memory = parseQuantity(resources.requests.memory) ?? 0;
    if (isInit) {
      init.cpu = Math.max(init.cpu, cpu);
      init.memory = Math.max(init.memory, memory);
    } else {
      containers.cpu += cpu;
      containers.memory += memory;
    }
  }
  return { cpu: Math.max(containers.cpu, init.cpu), memory: Math.max(containers.memory, init.memory), pods: 1 };
}

/** What pods ask for, each `count` times (or once on every node): in all, and on every node (the DaemonSets). */
function demandOf(pods: readonly { count: number | 'perNode'; pod: Amounts }[]): { standing: Amounts; perNode: Amounts } {
  const standing = none();
  const perNode = none();
  for (const { count, pod } of pods) {
    const [into, times] = count === 'perNode' ? [perNode, 1] : [standing, count];
    for (const r of RESOURCES) into[r] += times * pod[r];
  }
  return { standing, perNode };
}

/** What the platform's standing pods ask for: in all, and on every node (its DaemonSets). */
export function platformDemandOf(declared: readonly DeclaredWorkload[]): { standing: Amounts; perNode: Amounts } {
  return demandOf(
    declared
      .map(({ workload }) => workload)
      .filter((workload) => workload.kind !== 'Job' && workload.kind !== 'Pod')
      .map((workload) => {
        const { replicas } = workload.settings;
        return { count: replicas === 'perNode' || typeof replicas === 'number' ? replicas : replicas.min, pod: podOf(workload) };
      }),
  );
}

/**
 * The Mountpoint pods an app's bucket volume needs at `replicas` on `nodes` nodes: with the `mountpoint-s3`
 * driver (v2), Mountpoint runs in a pod of its own in the mount-s3 namespace, on the app pod's node, and pods
 * share one only on the same node and volume (awslabs/mountpoint-s3-csi-driver v2.7.0, commit a2d4b06,
 * cmd/aws-s3-csi-controller/csicontroller/reconciler.go, buildFieldFilters; docs/MOUNTPOINT_POD_SHARING.md).
 * An app's replicas spread over the nodes too (model/topology-spread.ts; ScheduleAnyway, but the scheduler
 * prefers a node without one), so each replica, up to one per node, has a Mountpoint pod of its own. The
 * driver gives a Mountpoint pod no requests unless the volume asks (pkg/podmounter/mppod/creator.go,
 * configureResourceRequests), and ours do not: each takes a pod slot only.
 */
export function mountpointPodsOf(app: ResolvedApp, replicas: number, nodes: number): number {
  return app.storage?.driver === 'mountpoint-s3' ? Math.min(replicas, nodes) : 0;
}

/** Pods that EKS and `flux bootstrap` install, outside our declarations: a Deployment's replicas, or a DaemonSet's pod on every node. */
interface InstalledWorkload {
  readonly replicas: number | 'perNode';
  readonly pod: PodRequests;
}

/** Flux's controllers, one replica each. */
const FLUX_WORKLOADS: readonly InstalledWorkload[] = Object.values(FLUX_CONTROLLER_PODS).map((pod) => ({ replicas: 1, pod }));

/** What the pods of the EKS add-ons and of Flux ask for: in all, and on every node (their DaemonSets). */
export function installedDemandOf(workloads: readonly InstalledWorkload[] = [...EKS_ADDON_WORKLOADS, ...FLUX_WORKLOADS]): {
  standing: Amounts;
  perNode: Amounts;
} {
  return demandOf(
    workloads.map(({ replicas, pod }) => ({
      count: replicas,
      pod: { cpu: parseQuantity(pod.cpu) ?? 0, memory: parseQuantity(pod.memory) ?? 0, pods: 1 },
    })),
  );
}

/**
 * What the apps ask for at their scaling.min on `nodes` nodes, their Mountpoint pods' slots among the pods;
 * and how many of the pods those are.
 */
export function appDemandOf(apps: readonly ResolvedApp[], nodes: number): Amounts & { mountpointPods: number } {
  const demand = { ...none(), mountpointPods: 0 };
  for (const app of apps) {
    const replicas = app.scaling.min;
    demand.cpu += replicas * (parseQuantity(app.resources.cpu.request) ?? 0);
    demand.memory += replicas * (parseQuantity(app.resources.memory.request) ?? 0);
    demand.mountpointPods += mountpointPodsOf(app, replicas, nodes);
    demand.pods += replicas;
  }
  demand.pods += demand.mountpointPods;
  return demand;
}

type SmallestNode = Record<Resource, { readonly amount: number; readonly type: string }>;

/** The smallest node of the pool, per resource, with the type that has it; undefined if no type is in the table. */
function smallestNodeOf(cluster: ClusterSpec): SmallestNode | undefined {
  const known = cluster.nodePool.instanceTypes.filter((t) => Object.hasOwn(INSTANCE_TYPES, t)).map((t) => [t, allocatableOf(INSTANCE_TYPES[t])] as const);
  if (known.length === 0) return undefined;
  const smallest = (r: Resource) => {
    const [type, node] = known.reduce((a, b) => (b[1][r] < a[1][r] ? b : a));
    return { amount: node[r], type };
  };
  return { cpu: smallest('cpu'), memory: smallest('memory'), pods: smallest('pods') };
}

/**
 * What the apps' hard zone spread puts in every zone at least, at their scaling.min: floor(replicas / zones)
 * of each app, with a Mountpoint pod for each app that has a replica there.
 */
export function appDemandPerZoneOf(apps: readonly ResolvedApp[], zones: number): Amounts {
  const demand = none();
  for (const app of apps) {
    const replicas = Math.floor(app.scaling.min / zones);
    demand.cpu += replicas * (parseQuantity(app.resources.cpu.request) ?? 0);
    demand.memory += replicas * (parseQuantity(app.resources.memory.request) ?? 0);
    demand.pods += replicas + (replicas > 0 ? mountpointPodsOf(app, 1, 1) : 0);
  }
  return demand;
}

/** The cluster at rest, at every app's scaling.min: on the pool's smallest node, what n nodes must hold, and what each holds. */
interface RestingDemand {
  readonly node: SmallestNode;
  /** The platform's, the EKS add-ons' and Flux's pods, on every node (their DaemonSets) and in all. */
  readonly perNode: Amounts;
  readonly standing: Amounts;
  readonly appsOn: (nodes: number) => ReturnType<typeof appDemandOf>;
}

function restingDemandOf(cluster: ClusterSpec, apps: readonly ResolvedApp[], declared: readonly DeclaredWorkload[]): RestingDemand | undefined {
  const node = smallestNodeOf(cluster);
  if (!node) return undefined;
  const ours = platformDemandOf(declared);
  const installed = installedDemandOf();
  return { node, perNode: sum(ours.perNode, installed.perNode), standing: sum(ours.standing, installed.standing), appsOn: (nodes) => appDemandOf(apps, nodes) };
}

/** The resources `nodes` nodes cannot hold the cluster at rest in. */
function shortOn(demand: RestingDemand, nodes: number): Resource[] {
  const ofApps = demand.appsOn(nodes);
  return RESOURCES.filter((r) => ofApps[r] + demand.standing[r] > nodes * (demand.node[r].amount - demand.perNode[r]));
}

/**
 * The fewest nodes of the pool's smallest type that hold the cluster at rest, the DaemonSets on each; Infinity
 * if no number does (a node that the DaemonSets fill), undefined if no instance type of the pool is in the table.
 * More nodes take more Mountpoint pods (mountpointPodsOf), so this is the least n that n nodes' demand fits.
 */
export function nodesAtRestOf(cluster: ClusterSpec, apps: readonly ResolvedApp[], declared: readonly DeclaredWorkload[]): number | undefined {
  const demand = restingDemandOf(cluster, apps, declared);
  return demand && nodesAtRestFrom(demand);
}

function nodesAtRestFrom(demand: RestingDemand): number {
  if (RESOURCES.some((r) => demand.node[r].amount <= demand.perNode[r])) return Infinity;
  const needed = (nodes: number) => {
    const ofApps = demand.appsOn(nodes);
    return Math.max(1, ...RESOURCES.map((r) => Math.ceil((ofApps[r] + demand.standing[r]) / (demand.node[r].amount - demand.perNode[r]))));
  };
  // needed() never falls as nodes grow and is bounded (at most one Mountpoint pod per replica): from 1 up, it
  // climbs to its least fixed point.
  let nodes = 1;
  for (let next = needed(nodes); next > nodes; next = needed(nodes)) nodes = next;
  return nodes;
}

/**
 * A warning when nodePool.min is below the nodes the cluster needs at rest: cluster-autoscaler adds nodes
 * until the pods are placed, so the pool never runs as few as min says, and `npm run cost` prices the need.
 */
export function nodePoolMinWarnings(cluster: ClusterSpec, apps: readonly ResolvedApp[], declared: readonly DeclaredWorkload[]): string[] {
  const demand = restingDemandOf(cluster, apps, declared);
  if (!demand) return [];
  const needed = nodesAtRestFrom(demand);
  const { min } = cluster.nodePool;
  if (!Number.isFinite(needed) || needed <= min) return [];
  const short = shortOn(demand, min);
  const types = [...new Set(short.map((r) => demand.node[r].type))].join(' / ');
  return [
    new SpecProblem(
      { file: clusterFileOf(cluster.env), cluster: cluster.name },
      'nodePool.min',
      min,
      `is below the ${needed} nodes the cluster needs at rest: at every app's scaling.min, with the platform, the EKS add-ons and Flux, ` +
        `${min} nodes of ${types} are short of ${short.join(' and ')}. cluster-autoscaler adds nodes until the pods fit, so at least ${needed} run, ` +
        `and npm run cost prices ${needed}; set nodePool.min to ${needed} so the spec says what the cluster runs`,
    ).toString(),
  ];
}

/**
 * The problem with nodePool.max, per resource the apps and platform together ask more of than the pool
 * holds, or the apps' share of the smallest zone asks more of than that zone's node group holds.
 */
export function clusterCapacityProblems(cluster: ClusterSpec, apps: readonly ResolvedApp[], declared: readonly DeclaredWorkload[]): SpecProblem[] {
  const demand = restingDemandOf(cluster, apps, declared);
  const { zones } = cloudSettingsOf(cluster).network;
  if (!demand || !Number.isInteger(cluster.nodePool.max) || cluster.nodePool.max < 1) return [];
  const { node, standing, perNode } = demand;
  // The pool is a node group per zone (cloud/node-group.ts): the most nodes is the sum of their maxes.
  const groups = zoneNodeGroupsOf(cluster.nodePool, zones);
  const nodes = groups.reduce((total, g) => total + g.max, 0);
  // Short only if no count up to the max holds the pods: more nodes bring more Mountpoint pods with them.
  const short = nodesAtRestFrom(demand) > nodes ? shortOn(demand, nodes) : [];
  const ofApps = demand.appsOn(nodes);
  const total = short.map((r) => {
    const f = FORMAT[r];
    const ofMountpoint = r === 'pods' && ofApps.mountpointPods > 0 ? ` (${ofApps.mountpointPods} of them the Mountpoint pods of their buckets)` : '';
    return new SpecProblem(
      { cluster: cluster.name },
      'nodePool.max',
      nodes,
      `cannot hold the cluster at rest: at every app's scaling.min the apps ask for ${f(ofApps[r])}${ofMountpoint} and the platform for ${f(standing[r])}, ` +
        `more than ${nodes} nodes (${sharesOf(groups, 'max')} over the zones' node groups) of ${node[r].type} give them (${f(node[r].amount)} each, less ${f(perNode[r])} for the DaemonSets of the platform and of EKS); ` +
        'raise nodePool.max, use larger instance types, or put some apps in another cluster',
    );
  });
  return [...total, ...smallestZoneProblems(cluster, apps, node, perNode, groups, short)];
}

/** The problem with nodePool.max, per resource the apps' share of the smallest zone does not fit its node group; none for a resource short in all already. */
function smallestZoneProblems(
  cluster: ClusterSpec,
  apps: readonly ResolvedApp[],
  node: SmallestNode,
  perNode: Amounts,
  groups: readonly ZoneNodeGroup[],
  shortInAll: readonly Resource[],
): SpecProblem[] {
  const smallest = groups.reduce((a, b) => (b.max < a.max ? b : a));
  const perZone = appDemandPerZoneOf(apps, groups.length);
  const short = RESOURCES.filter((r) => !shortInAll.includes(r) && perZone[r] > smallest.max * (node[r].amount - perNode[r]));
  return short.map((r) => {
    const f = FORMAT[r];
    // Each zone as large as the smallest must be: the pool's max at the next multiple of the zones that gives it.
    const suggested = Math.ceil(perZone[r] / (node[r].amount - perNode[r])) * groups.length;
    return new SpecProblem(
      { cluster: cluster.name },
      'nodePool.max',
      cluster.nodePool.max,
      `splits over the zones' node groups as ${sharesOf(groups, 'max')}, and zone ${smallest.zone} cannot hold its share: every app keeps at least ` +
        `floor(scaling.min / ${groups.length}) replicas in each zone (the zone spread is hard), ${f(perZone[r])} in all, more than its ${smallest.max} ` +
        `node${smallest.max === 1 ? '' : 's'} of ${node[r].type} give (${f(node[r].amount)} each, less ${f(perNode[r])} for the DaemonSets); ` +
        `a replica that must go there stays Pending while other zones have room; raise nodePool.max to ${suggested} (a multiple of ${groups.length}: each zone the same), or use larger instance types`,
    );
  });
}
