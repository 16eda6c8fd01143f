import { Testing } from 'cdk8s';
import { generatedAccessOf } from '../scripts/lib/generated-access';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { DEFAULT_LOG_RETENTION_DAYS } from '../constructs/logging/log-retention';
import {
  estimateLogShards,
  PLATFORM_STREAM_ALLOWANCE,
  renderShardLine,
  shardBudgetOf,
  SYSTEM_INDEX_ALLOWANCE,
  TARGET_FILL,
} from '../constructs/logging/shard-budget';
import type { AppSpec } from '../constructs/model/app-spec';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { CONTAINER_LOG_DATASET_PREFIX, EVENTS_STREAM, GATEWAY_ACCESS_DATASET_PREFIX, UNROUTED_NAMESPACE } from '../constructs/model/log-contract';
import { FLUX_NAMESPACE } from '../constructs/model/naming';
import { CLUSTER_DNS } from '../constructs/model/network-ranges';
import type { Releases } from '../constructs/model/releases';
import { clusterAppsOf, resolveApp } from '../constructs/model/resolve';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { EckAddOn } from '../constructs/platform/eck';
import { logLayoutOf, logLayoutProblems } from '../constructs/platform/eck-sizing';
import { platformEndpointsOf } from '../constructs/platform/internal-endpoint';
import { SynthError } from '../constructs/model/spec-error';
import { buildAll } from '../constructs/synth/pipeline';
import { estimateCost, renderCost } from '../constructs/reports/cost-estimate';
import { cloudCountsOf } from '../constructs/reports/cost-inputs';
import { renderOverview } from '../constructs/reports/cluster-overview';
import { REAL_RELEASES, synthProblemsOf } from './support';

const GiB = 2 ** 30;
const staging = CLUSTERS.find((c) => c.env === 'staging')!;
const prod = CLUSTERS.find((c) => c.env === 'prod')!;
const template = APPS.find((a) => !a.storage && a.exposure === 'public') ?? APPS[0];

/** A cluster running `count` copies of one app, each with its own host under the cluster's domain. */
function generatedCluster(from: ClusterSpec, count: number, extra: Partial<ClusterSpec> = {}): { cluster: ClusterSpec; apps: AppSpec[] } {
  const names = Array.from({ length: count }, (_, i) => `site-${String(i + 1).padStart(4, '0')}`);
  const apps = names.map((name): AppSpec => ({ ...template, name, hosts: { [from.env]: [`${name}.${from.domain}`] }, logRetentionDays: undefined }));
  const cluster: ClusterSpec = {
    ...from,
    ...extra,
    access: generatedAccessOf(from.access, apps),
    apps: Object.fromEntries(names.map((n) => [n, {}])),
    appData: Object.fromEntries(names.map((n) => [n, 'live' as const])),
  };
  return { cluster, apps };
}
const layoutOf = ({ cluster, apps }: { cluster: ClusterSpec; apps: AppSpec[] }) => logLayoutOf(cluster, clusterAppsOf(cluster, apps));

describe('the shard estimate and the budget, by hand', () => {
  test('streams × backing indices × primaries × (1 + replicas), plus the system indices', () => {
    const estimate = estimateLogShards({ appRetentionDays: [14, 14, 180], defaultRetentionDays: 14, replicas: 1 });
    // (3 apps × 2 streams + 24 platform streams) × 2 backing indices + 40 system indices
    expect(estimate.indices).toBe((3 * 2 + PLATFORM_STREAM_ALLOWANCE) * 2 + SYSTEM_INDEX_ALLOWANCE);
    expect(estimate.indices).toBe(100);
    expect(estimate.shards).toBe(200);
    expect(estimateLogShards({ appRetentionDays: [14], defaultRetentionDays: 14, replicas: 0 }).shards).toBe((2 + 24) * 2 + 40);
  });

  test('the budget: data nodes × min(1000, free heap over 1000 fields × 1 KiB), and 3000 indices per GB of heap', () => {
    // (2 GiB − 0.5 GiB) / 1,024,000 bytes = 1572 shards of heap: max_shards_per_node binds.
    expect(shardBudgetOf(3, 2 * GiB)).toEqual({ dataNodes: 3, heapBytesPerNode: 2 * GiB, heapShardsPerNode: 1572, shards: 3000, indices: 6000 });
    // (1 GiB − 0.5 GiB) / 1,024,000 bytes = 524: the heap binds.
    expect(shardBudgetOf(1, GiB)).toMatchObject({ heapShardsPerNode: 524, shards: 524, indices: 3000 });
    expect(shardBudgetOf(2, 0.25 * GiB).shards).toBe(0);
  });
});

describe('a generated 1,000-app cluster', () => {
  test.each([
    ['prod', prod],
    ['staging', staging],
  ])('%s: its shard estimate is computed, printed and within its budget', (env, from) => {
    const fixture = generatedCluster(from, 1000, { nodePool: { ...from.nodePool, max: 30 } });
    const layout = layoutOf(fixture);
    console.log(`1,000 apps on ${env}: ${layout.dataNodes} data nodes of ${layout.memory}; ${renderShardLine(layout.estimate, layout.budget)}`);
    expect(layout.estimate.shards).toBeGreaterThan(4000); // two streams an app, each at least one index
    expect(layout.estimate.shards).toBeLessThanOrEqual(layout.budget.shards * TARGET_FILL);
    expect(layout.estimate.indices).toBeLessThanOrEqual(layout.budget.indices);
    expect(logLayoutProblems(fixture.cluster, layout)).toEqual([]);
  });

  test('prod: 11 data nodes of 4Gi hold it (8,176 shards at 1,000 a node, 80 % full)', () => {
    const layout = layoutOf(generatedCluster(prod, 1000));
    expect(layout.estimate.shards).toBe(((1000 * 2 + PLATFORM_STREAM_ALLOWANCE) * 2 + SYSTEM_INDEX_ALLOWANCE) * 2);
    expect([layout.dataNodes, layout.memory]).toEqual([11, '4Gi']);
  });

  test('the data node count and the heap never shrink as apps are added, and always hold the estimate', () => {
    for (const from of [staging, prod]) {
      let before = { dataNodes: 0, heap: 0 };
      for (const count of [0, 3, 100, 250, 500, 750, 1000, 1500]) {
        const layout = layoutOf(generatedCluster(from, count));
        expect(layout.dataNodes).toBeGreaterThanOrEqual(before.dataNodes);
        expect(layout.budget.heapBytesPerNode).toBeGreaterThanOrEqual(before.heap);
        expect([count, layout.estimate.shards <= layout.budget.shards, layout.estimate.indices <= layout.budget.indices]).toEqual([count, true, true]);
        before = { dataNodes: layout.dataNodes, heap: layout.budget.heapBytesPerNode };
      }
    }
  });
});

describe('where the estimate is shown', () => {
  const fixture = generatedCluster(prod, 1000, { nodePool: { ...prod.nodePool, max: 30 } });
  const apps = clusterAppsOf(fixture.cluster, fixture.apps);
  const line = renderShardLine(logLayoutOf(fixture.cluster, apps).estimate, logLayoutOf(fixture.cluster, apps).budget);

  test('npm run cost prints it, and prices the volumes of the derived data nodes', () => {
    const estimate = estimateCost(fixture.cluster, apps, cloudCountsOf({}, []));
    expect(estimate.lines.map((l) => l.item)).toContain('Elasticsearch volumes: 11 × 100Gi');
    expect(renderCost(estimate, 'prod')).toContain(`Log shards: ${line}.`);
  });

  test("the cluster's overview shows it, with the data nodes and where their count comes from", () => {
    const text = renderOverview(fixture.cluster, apps);
    expect(text).toContain('Elasticsearch: 11 data nodes (derived from the app count) of 4Gi memory');
    expect(text).toContain(`Shard estimate: ${line}.`);
  });
});

describe('the rule: synth stops when the logs would not fit their Elasticsearch', () => {
  const crowded = generatedCluster(prod, 1000, { elasticsearch: { dataNodes: 3 }, nodePool: { ...prod.nodePool, max: 30 } });

  test('1,000 apps on 3 data nodes: over the budget, naming the cluster file, the field and the value', () => {
    const problems = logLayoutProblems(crowded.cluster, layoutOf(crowded)).map(String);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^cluster "acme-prod": field "elasticsearch\.dataNodes" = 3: the logs need 8176 shards .*, over the budget of 3000 for 3 Elasticsearch data nodes; 11 would hold them/,
    );
    // What synth runs: the ECK add-on builds Elasticsearch only when the logs fit.
    const ctx = { cluster: crowded.cluster, apps: clusterAppsOf(crowded.cluster, crowded.apps) };
    let thrown: unknown;
    try {
      new EckAddOn().configure(Testing.chart(), ctx);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SynthError);
    // The generated cluster is no module's export, so no file is named; a real cluster's file is (test/error-locations.test.ts).
    expect((thrown as SynthError).message).toContain('cluster "acme-prod": field "elasticsearch.dataNodes" = 3: the logs need 8176 shards');
  });

  test('the same cluster passes with the derived count, or with that count set', () => {
    for (const dataNodes of [undefined, 11, 20]) {
      const fits = { ...crowded, cluster: { ...crowded.cluster, elasticsearch: { dataNodes } } };
      expect([dataNodes, logLayoutProblems(fits.cluster, layoutOf(fits))]).toEqual([dataNodes, []]);
    }
  });

  test.each([
    ['no data node', { elasticsearch: { dataNodes: 0 } }, 'elasticsearch.dataNodes', 0, 'must be a whole number of at least 1'],
    ['a fraction of a node', { elasticsearch: { dataNodes: 2.5 } }, 'elasticsearch.dataNodes', 2.5, 'must be a whole number of at least 1'],
    [
      'one node for a replica',
      { elasticsearch: { dataNodes: 1 } },
      'elasticsearch.dataNodes',
      1,
      'prod keeps 1 replica(s) of every log shard, which needs more data nodes than that',
    ],
    [
      'a node pool too small',
      { nodePool: { ...prod.nodePool, max: 9 } },
      'nodePool.max',
      9,
      'Elasticsearch needs 11 data nodes for the logs, one per Kubernetes node',
    ],
  ] as const)('%s: names the field and its value', (_label, extra, field, value, message) => {
    const fixture = generatedCluster(prod, 1000, { nodePool: { ...prod.nodePool, max: 30 }, ...extra });
    const problems = logLayoutProblems(fixture.cluster, layoutOf(fixture)).map(String);
    expect(problems).toContainEqual(expect.stringContaining(`field "${field}" = ${value}: ${message}`));
  });

  test('it runs in the real synth: the shipped prod with more data nodes than its node pool has stops', () => {
    const releases: Releases = { prod: REAL_RELEASES.prod };
    // Nodes large enough to hold the extra data node's requests, so that only the count of nodes falls short.
    const cluster: ClusterSpec = {
      ...prod,
      nodePool: { ...prod.nodePool, instanceTypes: ['m7i.xlarge'] },
      elasticsearch: { dataNodes: prod.nodePool.max + 1 },
    };
    const problems = synthProblemsOf(() => buildAll({ clusters: [cluster], apps: APPS, releases }));
    expect(problems).toEqual([expect.stringMatching(/^cluster "acme-prod": field "nodePool.max" = \d+: Elasticsearch needs \d+ data nodes/)]);
  });

  test('the shipped clusters fit, on the derived count', () => {
    for (const cluster of CLUSTERS) {
      const layout = logLayoutOf(cluster, clusterAppsOf(cluster, APPS));
      expect([cluster.name, cluster.elasticsearch?.dataNodes, logLayoutProblems(cluster, layout)]).toEqual([cluster.name, undefined, []]);
    }
  });
});

describe('the allowances the estimate makes', () => {
  test('the platform writes no more streams than PLATFORM_STREAM_ALLOWANCE, every add-on installed', () => {
    // An app on GeeseFS brings the last optional add-on (csi-s3).
    const geesefs: AppSpec = { ...APPS.find((a) => a.storage)!, storage: { ...APPS.find((a) => a.storage)!.storage!, driver: 'geesefs' } };
    const cluster: ClusterSpec = { ...prod, disabledAddOns: [] };
    const ctx = { cluster, apps: [resolveApp(geesefs, cluster)] };
    const addOns = addOnsOf(ctx);
    expect(addOns.some((a) => a.name === 'csi-s3' || a.namespace === 'csi-s3')).toBe(true);
    const namespaces = new Set([...addOns.map((a) => a.namespace), CLUSTER_DNS.namespace, FLUX_NAMESPACE, 'unknown']);
    const streams = [
      ...[...namespaces].map((ns) => `logs-${CONTAINER_LOG_DATASET_PREFIX}${ns}`),
      ...platformEndpointsOf(ctx, addOns).map((e) => `logs-${GATEWAY_ACCESS_DATASET_PREFIX}${e.namespace}`),
      `logs-${GATEWAY_ACCESS_DATASET_PREFIX}${UNROUTED_NAMESPACE}`,
      EVENTS_STREAM,
    ];
    expect(new Set(streams).size).toBeLessThanOrEqual(PLATFORM_STREAM_ALLOWANCE);
    expect(new Set(streams).size).toBeGreaterThan(10);
  });

  test('an app with its own retention keeps as many backing indices as one on the default', () => {
    const days = [1, 7, DEFAULT_LOG_RETENTION_DAYS.staging, DEFAULT_LOG_RETENTION_DAYS.prod, 180, 3650];
    const perApp = days.map((d) => estimateLogShards({ appRetentionDays: [d], defaultRetentionDays: 14, replicas: 0 }).indices);
    expect(new Set(perApp).size).toBe(1);
  });
});
