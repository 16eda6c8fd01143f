import { cloudSettingsOf, type ClusterSpec } from '../constructs/model/cluster-spec';
import type { AppSpec } from '../constructs/model/app-spec';
import { allocatableOf, INSTANCE_TYPES } from '../constructs/model/instance-types';
import { EKS_ADDON_WORKLOADS } from '../constructs/cloud/eks-addon-pods';
import { FLUX_CONTROLLERS } from '../constructs/gitops/flux-install';
import { EKS_ADDON_VERSIONS, EKS_ADDONS } from '../constructs/cloud/eks-addon-versions';
import { clusterAppsOf } from '../constructs/model/resolve';
import type { DeclaredWorkload } from '../constructs/platform/chart-workload';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { declaredWorkloadsOf } from '../constructs/platform/declared-workloads';
import { buildAll } from '../constructs/synth/pipeline';
import { synthesizeEnvs } from '../constructs/synth/synth-envs';
import {
  appDemandOf,
  clusterCapacityProblems,
  installedDemandOf,
  mountpointPodsOf,
  nodePoolMinWarnings,
  nodesAtRestOf,
  platformDemandOf,
  podOf,
} from '../constructs/validation/cluster-capacity';
import { CLUSTERS } from './fixtures/specs/clusters';
import { APPS } from './fixtures/specs/apps';
import { grown, nodesNeeded } from './capacity-fixtures';
import { FIXTURE_RELEASES, synthProblemsOf, tempDir } from './support';

// Every app at its scaling.min, with the platform's standing pods, fits the node pool at its max
// (constructs/validation/cluster-capacity.ts): what does not fit stays Pending whatever the autoscaler does.

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const [base] = CLUSTERS;
const templates = APPS.filter((a) => a.name in base.apps);

/** Each grown app at its template's release. */
const releasesOf = (apps: readonly AppSpec[]) => ({
  [base.env]: { apps: Object.fromEntries(apps.map((a, i) => [a.name, FIXTURE_RELEASES[base.env].apps[templates[i % templates.length].name]])) },
});

const declaredOf = (cluster: ClusterSpec, apps: ReturnType<typeof clusterAppsOf>) => declaredWorkloadsOf(addOnsOf({ cluster, apps }), { cluster, apps });

test('the shipped-shape fixture clusters hold their apps at rest', () => {
  for (const cluster of CLUSTERS) {
    const resolved = clusterAppsOf(cluster, APPS);
    const ctx = { cluster, apps: resolved };
    expect(clusterCapacityProblems(cluster, resolved, declaredWorkloadsOf(addOnsOf(ctx), ctx))).toEqual([]);
  }
});

test('200 apps fit on exactly the nodes they need, and not on one fewer', () => {
  const probe = grown(200, 1000);
  const needed = nodesNeeded(probe.cluster, probe.apps);
  expect(needed).toBeGreaterThan(base.nodePool.min);
  const at = (max: number) => {
    const { cluster, apps } = grown(200, max);
    const resolved = clusterAppsOf(cluster, apps);
    const ctx = { cluster, apps: resolved };
    return clusterCapacityProblems(cluster, resolved, declaredWorkloadsOf(addOnsOf(ctx), ctx));
  };
  expect(at(needed)).toEqual([]);
  expect(at(needed - 1)).toEqual([
    expect.objectContaining({ field: 'nodePool.max', value: needed - 1, problem: expect.stringMatching(/^cannot hold the cluster at rest: .* m7i\.xlarge /) }),
  ]);
});

test('synth stops on it, naming the cluster, the field, the value and each resource short', () => {
  const { cluster, apps } = grown(200, 6);
  // Two replicas each at scaling.min, on two nodes: two Mountpoint pods for each app on the mountpoint-s3 driver.
  const mounting = 2 * clusterAppsOf(cluster, apps).filter((a) => a.storage?.driver === 'mountpoint-s3').length;
  expect(mounting).toBeGreaterThan(0);
  expect(synthProblemsOf(() => buildAll({ clusters: [cluster], apps, releases: releasesOf(apps) }))).toEqual([
    expect.stringMatching(
      /^cluster "acme-staging": field "nodePool\.max" = 6: cannot hold the cluster at rest: at every app's scaling\.min the apps ask for [\d.]+ cores/,
    ),
    expect.stringMatching(/ask for [\d.]+Gi and the platform for [\d.]+Gi, more than 6 nodes \(2 \+ 2 \+ 2 over the zones' node groups\) of m7i\.xlarge/),
    expect.stringMatching(
      new RegExp(
        `ask for ${400 + mounting} pods \\(${mounting} of them the Mountpoint pods of their buckets\\) and the platform for \\d+ pods, more than 6 nodes \\(2 \\+ 2 \\+ 2 over the zones' node groups\\) of m7i\\.xlarge give them \\(58 pods each`,
      ),
    ),
  ]);
});

test('an app on the mountpoint-s3 driver takes a pod slot for a Mountpoint pod on each node its replicas spread over: one per replica, up to one per node', () => {
  const resolved = clusterAppsOf(base, APPS);
  const [mounting] = resolved.filter((a) => a.storage?.driver === 'mountpoint-s3');
  const without = resolved.find((a) => !a.storage)!;
  expect([mounting, without]).toEqual([expect.anything(), expect.anything()]);
  expect([1, 2, 3, 4, 9].map((replicas) => mountpointPodsOf(mounting, replicas, 3))).toEqual([1, 2, 3, 3, 3]);
  // More nodes than zones: the replicas spread over nodes too, and replicas on two nodes share no Mountpoint pod.
  expect(mountpointPodsOf(mounting, 6, 9)).toBe(6);
  expect(mountpointPodsOf(mounting, 9, 6)).toBe(6);
  expect(mountpointPodsOf(without, 4, 3)).toBe(0);
  expect(mountpointPodsOf({ ...mounting, storage: { ...mounting.storage!, driver: 'geesefs' } }, 4, 3)).toBe(0);
  const scaled = { ...mounting, scaling: { ...mounting.scaling, min: 6 } };
  expect(appDemandOf([scaled, without], 3)).toMatchObject({ pods: 6 + 3 + without.scaling.min, mountpointPods: 3 });
  expect(appDemandOf([scaled, without], 9)).toMatchObject({ pods: 6 + 6 + without.scaling.min, mountpointPods: 6 });
});

test("the platform counts an HPA's min, a DaemonSet on every node, and no Jobs or one-off Pods", () => {
  const workload = (kind: DeclaredWorkload['workload']['kind'], replicas: Json, cpu: string, memory = '100Mi'): DeclaredWorkload =>
    ({
      addOn: 'x',
      namespace: 'x',
      workload: {
        kind,
        name: kind,
        settings: { replicas, containers: { a: { resources: { requests: { cpu, memory } } }, b: { resources: { requests: { cpu, memory } } } } },
      },
    }) as Json;
  const demand = platformDemandOf([
    workload('Deployment', 2, '100m'),
    workload('Deployment', { min: 3, max: 9 }, '10m'),
    workload('DaemonSet', 'perNode', '50m', '64Mi'),
    workload('Job', 1, '1'),
    workload('Pod', 1, '1'),
  ]);
  expect(demand.standing.cpu).toBeCloseTo(2 * 0.2 + 3 * 0.02);
  expect(demand.standing.pods).toBe(5);
  expect(demand.standing.memory).toBe(5 * 200 * 2 ** 20);
  expect(demand.perNode).toEqual({ cpu: 0.1, memory: 128 * 2 ** 20, pods: 1 });
});

test("the pods of the EKS add-ons and of Flux count: a Deployment's replicas in all, a DaemonSet's pod on every node", () => {
  const demand = installedDemandOf([
    { replicas: 2, pod: { cpu: '100m', memory: '70Mi' } },
    { replicas: 'perNode', pod: { cpu: '100m', memory: '0' } },
    { replicas: 'perNode', pod: { cpu: '0', memory: '0' } },
  ]);
  expect(demand.standing).toEqual({ cpu: 0.2, memory: 140 * 2 ** 20, pods: 2 });
  expect(demand.perNode).toEqual({ cpu: 0.1, memory: 0, pods: 2 });
  // By default: the EKS add-ons' table and Flux's four controllers, one replica each.
  const installed = installedDemandOf();
  expect(installed.standing.pods).toBe(EKS_ADDON_WORKLOADS.reduce((n, w) => n + (w.replicas === 'perNode' ? 0 : w.replicas), 0) + FLUX_CONTROLLERS.length);
  expect(installed.perNode.pods).toBe(EKS_ADDON_WORKLOADS.filter((w) => w.replicas === 'perNode').length);
});

test('every EKS add-on has its pods recorded, read at the upstream version of every pin: a pin that moves fails here until they are read again', () => {
  expect(EKS_ADDONS.length).toBeGreaterThan(0);
  for (const { name } of EKS_ADDONS) expect(EKS_ADDON_WORKLOADS.filter((w) => w.addOn === name).length).toBeGreaterThan(0);
  const pins = Object.values(EKS_ADDON_VERSIONS);
  expect(pins.length).toBeGreaterThan(0);
  for (const pinned of pins) {
    for (const workload of EKS_ADDON_WORKLOADS) {
      const upstream = pinned[workload.addOn].version.replace(/-eksbuild\.\d+$/, '');
      expect({ workload: workload.name, readAt: workload.readAt }).toEqual({ workload: workload.name, readAt: expect.arrayContaining([upstream]) });
    }
  }
});

test("a pool whose max splits unevenly over the zones must hold every app's zone share in its smallest zone", () => {
  // Hard zone spread keeps floor(scaling.min / zones) replicas of each app in every zone
  // (constructs/validation/cluster-capacity.ts), so a zone's node group can fill while the pool has room.
  const node = allocatableOf(INSTANCE_TYPES['m7i.xlarge']);
  const probe = grown(1, 1);
  const resolvedProbe = clusterAppsOf(probe.cluster, probe.apps);
  const ctx = { cluster: probe.cluster, apps: resolvedProbe };
  const perNodeCpu = node.cpu - platformDemandOf(declaredWorkloadsOf(addOnsOf(ctx), ctx)).perNode.cpu - installedDemandOf().perNode.cpu;
  // 43 apps of three replicas, one per zone each, at a tenth of a node's CPU: 4.3 nodes' worth in every zone.
  const cpu = `${Math.floor((perNodeCpu * 1000) / 10)}m`;
  const { cluster, apps } = grown(43, 1);
  const heavy = apps.map((a) => ({ ...a, scaling: { min: 3, max: 3 }, resources: { ...a.resources, cpu: { ...a.resources.cpu, request: cpu } } }));
  const at = (max: number) => {
    const sized = { ...cluster, nodePool: { ...cluster.nodePool, max } };
    const resolved = clusterAppsOf(sized, heavy);
    return clusterCapacityProblems(sized, resolved, declaredWorkloadsOf(addOnsOf({ cluster: sized, apps: resolved }), { cluster: sized, apps: resolved }));
  };
  expect(cloudSettingsOf(cluster).network.zones).toHaveLength(3);
  // 14 nodes hold every replica and the platform (13.6 nodes of CPU), but split 5 + 5 + 4 the last zone
  // has 4 nodes for 4.3 nodes' worth of replicas.
  expect(at(14)).toEqual([
    expect.objectContaining({
      field: 'nodePool.max',
      value: 14,
      problem: expect.stringMatching(/^splits over the zones' node groups as 5 \+ 5 \+ 4, and zone \S+ cannot hold its share: .* raise nodePool\.max to 15 /),
    }),
  ]);
  expect(at(15)).toEqual([]);
});

describe('the nodes a cluster needs at rest', () => {
  // m7i.large holds 1.93 cores, 20 copies of the fixture's apps and the platform need more than its 3-node min.
  const below = grown(20, 30, 'm7i.large');
  const needed = nodesNeeded(below.cluster, below.apps);
  const covered = grown(20, 30, 'm7i.large', needed);
  const atRest = ({ cluster, apps }: { cluster: ClusterSpec; apps: readonly AppSpec[] }) => {
    const resolved = clusterAppsOf(cluster, apps);
    return { resolved, declared: declaredOf(cluster, resolved) };
  };

  test('are the fewest n whose demand on n nodes, Mountpoint pods included, fits n nodes, in every resource', () => {
    expect(needed).toBeGreaterThan(below.cluster.nodePool.min);
    for (const fixture of [below, grown(200, 1000), grown(60, 100, 't3.large'), ...CLUSTERS.map((cluster) => ({ cluster, apps: APPS }))]) {
      const { resolved, declared } = atRest(fixture);
      expect({ cluster: fixture.cluster.nodePool, nodes: nodesAtRestOf(fixture.cluster, resolved, declared) }).toEqual({
        cluster: fixture.cluster.nodePool,
        nodes: nodesNeeded(fixture.cluster, fixture.apps),
      });
    }
  });

  test('a nodePool.min below them is a warning naming the file, the cluster, the field, its value and the nodes needed', () => {
    const { resolved, declared } = atRest(below);
    expect(nodePoolMinWarnings(below.cluster, resolved, declared)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^file "clusters/staging/cluster\\.ts", cluster "acme-staging": field "nodePool\\.min" = 3: is below the ${needed} nodes the cluster needs at rest: .* 3 nodes of m7i\\.large are short of cpu.*set nodePool\\.min to ${needed}`,
        ),
      ),
    ]);
  });

  test('a nodePool.min that covers them is no warning', () => {
    const { resolved, declared } = atRest(covered);
    expect(nodePoolMinWarnings(covered.cluster, resolved, declared)).toEqual([]);
  });

  test('synth prints the warning and writes the output', () => {
    const report = synthesizeEnvs(tempDir('nodes-at-rest'), { clusters: [below.cluster], apps: below.apps, releases: releasesOf(below.apps) });
    expect(report.changed.length).toBeGreaterThan(0);
    expect(report.warnings).toEqual([expect.stringContaining(`field "nodePool.min" = 3: is below the ${needed} nodes`)]);
  });
});

test('a pod with init containers asks for the larger of its biggest init container and its other containers together', () => {
  const container = (cpu: string, memory: string, init?: true) => ({
    securityContext: {},
    resources: { requests: { cpu, memory }, limits: { memory } },
    ...(init ? { init } : {}),
  });
  const pod = (containers: Record<string, ReturnType<typeof container>>) => podOf({ settings: { containers } as DeclaredWorkload['workload']['settings'] });
  // The init container's memory is more than the two others together, its CPU less.
  expect(
    pod({ a: container('100m', '100Mi'), b: container('50m', '50Mi'), setup: container('120m', '200Mi', true), other: container('10m', '10Mi', true) }),
  ).toEqual({
    cpu: expect.closeTo(0.15),
    memory: 200 * 2 ** 20,
    pods: 1,
  });
  expect(pod({ a: container('100m', '100Mi') })).toEqual({ cpu: 0.1, memory: 100 * 2 ** 20, pods: 1 });
});
