/*
 * How many shards and indices the log layout keeps in Elasticsearch, and how many its nodes can hold.
 *
 * The layout (docs/logs.md, "Shards"): one data stream per app namespace for its container logs and one
 * for its Gateway access log, because per-app read access without document-level security (a Platinum
 * feature; ECK runs the Basic license) means an index per app. Each stream is made cheap instead: one
 * primary shard, replicas by env, and an ILM rollover age equal to the retention, so a stream holds at
 * most two backing indices (the write index and the one rolled over, deleted `retention` days after it
 * rolled over). The data node count follows from the estimate (constructs/platform/eck-sizing.ts).
 *
 * The facts, read at Elasticsearch 9.1 (eckDefaults.stackVersion 9.1.0; the tag could not be checked out
 * here, the repository being over the mirror's size limit, so these are the stored versions read through
 * the code index on 2026-11-30):
 * - elastic/elasticsearch server/src/main/java/org/elasticsearch/indices/ShardLimitValidator.java
 *   (commit 018794d64799ddf806fd6e7b631fc686cdfa5c6f): `cluster.max_shards_per_node` defaults to 1000,
 *   counted over every open shard, primaries and replicas (assigned or not), times the non-frozen data nodes.
 * - elastic/elasticsearch server/src/main/java/org/elasticsearch/index/IndexService.java
 *   (commit 9160fba23708232604ecad13d46e0b046434199b), getNodeMappingStats: 1 KiB of heap per mapped
 *   field of each index a node holds (`numFields * 1024L`).
 * - elastic/elasticsearch server/src/main/java/org/elasticsearch/index/mapper/MapperService.java:
 *   `index.mapping.total_fields.limit` defaults to 1000 (our index templates set it so), and logs@settings.json (x-pack template-resources,
 *   commit 2f76550c935e9e0b31b4f008d729362fbbf63312) sets `ignore_dynamic_beyond_limit`, so a log index
 *   maps at most 1000 fields: the worst case this estimate assumes.
 * - elastic/docs-content deploy-manage/production-guidance/optimize-performance/size-shards.md (commit
 *   107e6a9f6f5dd33a50482922a933141cb3451980; the 9.x docs, which replaced the older "20 shards per GB
 *   of heap" rule): at most 1000 non-frozen shards per node; heap for the mapped fields of each index a
 *   data node holds plus 0.5 GB for baseline and workload; master-eligible nodes need 1 GB of heap per
 *   3000 indices.
 * - ILM's `min_age` of a phase after rollover counts from the rollover (docs-content
 *   manage-data/lifecycle/index-lifecycle-management/index-lifecycle.md, "Phase transitions").
 */

/** `cluster.max_shards_per_node`, Elasticsearch's default, which the platform keeps. */
export const MAX_SHARDS_PER_NODE = 1000;
/** `index.mapping.total_fields.limit`'s default: the most fields a log index maps. */
export const MAX_MAPPED_FIELDS_PER_INDEX = 1000;
/** Heap per mapped field of each index a data node holds (IndexService.getNodeMappingStats). */
export const HEAP_BYTES_PER_MAPPED_FIELD = 1024;
/** Heap the docs tell us to leave for Elasticsearch's baseline and the workload. */
export const BASELINE_HEAP_BYTES = 0.5 * 2 ** 30;
/** Indices one GB of heap on each master-eligible node can manage (every node of ours is master-eligible). */
export const INDICES_PER_MASTER_HEAP_GB = 3000;
/** Primary shards per backing index: logs need no more at 50 GB a shard. */
export const PRIMARY_SHARDS = 1;
/** Log streams per app: its container logs and its Gateway access log (constructs/model/log-contract.ts). */
export const STREAMS_PER_APP = 2;
/**
 * Streams the platform writes besides the apps': one per platform namespace's container logs (the add-ons',
 * kube-system, flux-system, `unknown`), the platform endpoints' access logs, unrouted requests and the
 * Kubernetes events. An allowance, which test/shard-budget.test.ts holds above the count of every add-on.
 */
export const PLATFORM_STREAM_ALLOWANCE = 24;
/**
 * Elasticsearch's and Kibana's own indices (security, tasks, Kibana's saved objects and task manager, ILM
 * history, the deprecation log): an allowance, with the env's replicas (they auto-expand to 0-1).
 */
export const SYSTEM_INDEX_ALLOWANCE = 40;
/**
 * The share of the budget the derived node count aims at; the rest is room for what the estimate leaves
 * out: failure-store indices (created only when a line is rejected) and streams that reach 50 GB a shard
 * and roll over before their age.
 */
export const TARGET_FILL = 0.8;

/** A stream's rollover: at `rolloverDays`, or at 50 GB a primary shard, whichever comes first. */
export const rolloverDaysOf = (retentionDays: number): number => retentionDays;

/**
 * Backing indices a stream holds at most, by its ILM policy: the write index, and each index rolled over
 * within the last `retentionDays` (one per `rolloverDays`), since the delete phase counts from the rollover.
 */
export const backingIndicesOf = (retentionDays: number): number => 1 + Math.ceil(retentionDays / rolloverDaysOf(retentionDays));

export interface ShardEstimateInput {
  /** Each app's log retention in days (its own, or the env's default). */
  readonly appRetentionDays: readonly number[];
  /** The env's default retention, for the platform's streams. */
  readonly defaultRetentionDays: number;
  /** Replicas of every log shard. */
  readonly replicas: number;
}

export interface ShardEstimate {
  readonly streams: number;
  /** Backing indices of the log streams and the system indices. */
  readonly indices: number;
  /** Shard copies, primaries and replicas: what `cluster.max_shards_per_node` counts. */
  readonly shards: number;
  /** How it was reached, for the overview and `npm run cost`. */
  readonly how: string;
}

/** Streams × backing indices × primaries × (1 + replicas), plus the system indices. */
export function estimateLogShards(input: ShardEstimateInput): ShardEstimate {
  const copies = PRIMARY_SHARDS * (1 + input.replicas);
  const appIndices = input.appRetentionDays.reduce((sum, days) => sum + STREAMS_PER_APP * backingIndicesOf(days), 0);
  const platformIndices = PLATFORM_STREAM_ALLOWANCE * backingIndicesOf(input.defaultRetentionDays);
  const indices = appIndices + platformIndices + SYSTEM_INDEX_ALLOWANCE;
  const apps = input.appRetentionDays.length;
  const perStream = [...new Set([...input.appRetentionDays, input.defaultRetentionDays].map(backingIndicesOf))].sort().join(' or ');
  return {
    streams: apps * STREAMS_PER_APP + PLATFORM_STREAM_ALLOWANCE,
    indices,
    shards: indices * copies,
    how:
      `(${apps} apps × ${STREAMS_PER_APP} streams + ${PLATFORM_STREAM_ALLOWANCE} platform streams) × ${perStream} backing indices` +
      ` + ${SYSTEM_INDEX_ALLOWANCE} system indices = ${indices} indices, × ${PRIMARY_SHARDS} primary × (1 + ${input.replicas} replicas)`,
  };
}

export interface ShardBudget {
  readonly dataNodes: number;
  readonly heapBytesPerNode: number;
  /** What the heap of one node holds: its free heap over the mapped fields of one index. */
  readonly heapShardsPerNode: number;
  /** Shards the cluster may hold: the data nodes × the lower of max_shards_per_node and the heap figure. */
  readonly shards: number;
  /** Indices the master-eligible nodes' heap can manage. */
  readonly indices: number;
}

/** Shards one node's heap can hold at MAX_MAPPED_FIELDS_PER_INDEX fields an index. */
export const heapShardsPerNodeOf = (heapBytes: number): number =>
  Math.max(0, Math.floor((heapBytes - BASELINE_HEAP_BYTES) / (MAX_MAPPED_FIELDS_PER_INDEX * HEAP_BYTES_PER_MAPPED_FIELD)));

export function shardBudgetOf(dataNodes: number, heapBytesPerNode: number): ShardBudget {
  const heapShardsPerNode = heapShardsPerNodeOf(heapBytesPerNode);
  return {
    dataNodes,
    heapBytesPerNode,
    heapShardsPerNode,
    shards: dataNodes * Math.min(MAX_SHARDS_PER_NODE, heapShardsPerNode),
    indices: Math.floor((INDICES_PER_MASTER_HEAP_GB * heapBytesPerNode) / 2 ** 30),
  };
}

/** The data nodes that keep the estimate within TARGET_FILL of the shard budget: at least `minNodes`. */
export const dataNodesFor = (estimate: ShardEstimate, heapBytesPerNode: number, minNodes: number): number => {
  const perNode = Math.min(MAX_SHARDS_PER_NODE, heapShardsPerNodeOf(heapBytesPerNode)) * TARGET_FILL;
  return perNode <= 0 ? minNodes : Math.max(minNodes, Math.ceil(estimate.shards / perNode));
};

/** The heap at which a node's mapped fields no longer bind before max_shards_per_node does, in whole GiB. */
export const FULL_NODE_HEAP_BYTES =
  Math.ceil((BASELINE_HEAP_BYTES + MAX_SHARDS_PER_NODE * MAX_MAPPED_FIELDS_PER_INDEX * HEAP_BYTES_PER_MAPPED_FIELD) / 2 ** 30) * 2 ** 30;

/**
 * The heap (whole GiB) of each node: at least `minBytes`; enough for the master-eligible nodes to manage the
 * estimate's indices within TARGET_FILL; and, once `minNodes` no longer hold the shards, enough that the
 * heap binds no earlier than max_shards_per_node, so the cluster grows by full nodes and neither the node
 * count nor the heap ever shrinks as apps are added.
 */
export function heapBytesFor(estimate: ShardEstimate, minBytes: number, minNodes: number): number {
  const forIndices = Math.max(minBytes, Math.ceil(estimate.indices / (INDICES_PER_MASTER_HEAP_GB * TARGET_FILL)) * 2 ** 30);
  const minNodesHold = estimate.shards <= minNodes * Math.min(MAX_SHARDS_PER_NODE, heapShardsPerNodeOf(forIndices)) * TARGET_FILL;
  return minNodesHold ? forIndices : Math.max(forIndices, FULL_NODE_HEAP_BYTES);
}

const gib = (bytes: number) => `${Number((bytes / 2 ** 30).toFixed(2))} GiB`;

/** One line: the estimate against the budget, with how each was reached. */
export function renderShardLine(estimate: ShardEstimate, budget: ShardBudget): string {
  const perNode = Math.min(MAX_SHARDS_PER_NODE, budget.heapShardsPerNode);
  return (
    `${estimate.shards} shards in ${estimate.indices} indices (${estimate.how}); budget ${budget.shards} shards ` +
    `(${budget.dataNodes} data nodes × min(max_shards_per_node ${MAX_SHARDS_PER_NODE}, heap ${gib(budget.heapBytesPerNode)} − 0.5 GiB over ` +
    `${MAX_MAPPED_FIELDS_PER_INDEX} fields × 1 KiB = ${budget.heapShardsPerNode}) = ${budget.dataNodes} × ${perNode}) and ${budget.indices} indices ` +
    `(${INDICES_PER_MASTER_HEAP_GB} per GB of master heap)`
  );
}
