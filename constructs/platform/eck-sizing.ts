import type { EnvName } from '../model/app-spec';
import type { ClusterSpec } from '../model/cluster-spec';
import { parseQuantity } from '../model/quantity';
import type { ResolvedApp } from '../model/resolve';
import { DEFAULT_LOG_RETENTION_DAYS, LOG_REPLICAS } from '../logging/log-retention';
import { dataNodesFor, estimateLogShards, heapBytesFor, shardBudgetOf, type ShardBudget, type ShardEstimate } from '../logging/shard-budget';
import { SpecProblem } from '../model/spec-error';

export interface ElasticsearchSizing {
  /** The fewest data nodes; more follow from the app count (logLayoutOf). */
  readonly nodes: number;
  /** Container memory, the least; the JVM heap gets half, as Elastic advises. More follows from the index count. */
  readonly memory: string;
  readonly cpu: string;
  /** gp3 volume per node. */
  readonly storage: string;
  readonly kibanaReplicas: number;
}

/** Prod: at least three nodes, one per k8s node and zone, so one lost zone keeps the logs searchable. */
export const ELASTICSEARCH_SIZING: Readonly<Record<EnvName, ElasticsearchSizing>> = {
  staging: { nodes: 1, memory: '2Gi', cpu: '500m', storage: '30Gi', kibanaReplicas: 1 },
  prod: { nodes: 3, memory: '4Gi', cpu: '1', storage: '100Gi', kibanaReplicas: 2 },
};

/** The cluster's Elasticsearch for its logs: how many shards they take, and the nodes and heap that hold them. */
export interface LogLayout {
  readonly replicas: number;
  readonly estimate: ShardEstimate;
  /** The spec's `elasticsearch.dataNodes`, or the count derived from the estimate. */
  readonly dataNodes: number;
  readonly derivedDataNodes: number;
  /** Container memory per node: the sizing's, or more where the master-eligible heap must manage more indices. */
  readonly memory: string;
  readonly budget: ShardBudget;
}

export function logLayoutOf(cluster: ClusterSpec, apps: readonly ResolvedApp[], sizing: ElasticsearchSizing = ELASTICSEARCH_SIZING[cluster.env]): LogLayout {
  const defaultDays = DEFAULT_LOG_RETENTION_DAYS[cluster.env];
  const replicas = LOG_REPLICAS[cluster.env];
  const estimate = estimateLogShards({ appRetentionDays: apps.map((a) => a.logRetentionDays ?? defaultDays), defaultRetentionDays: defaultDays, replicas });
  const sizedMemory = parseQuantity(sizing.memory)!;
  const heapBytes = heapBytesFor(estimate, sizedMemory / 2, sizing.nodes);
  const memory = heapBytes * 2 > sizedMemory ? `${(heapBytes * 2) / 2 ** 30}Gi` : sizing.memory;
  const derivedDataNodes = dataNodesFor(estimate, heapBytes, sizing.nodes);
  const dataNodes = cluster.elasticsearch?.dataNodes ?? derivedDataNodes;
  return { replicas, estimate, dataNodes, derivedDataNodes, memory, budget: shardBudgetOf(dataNodes, heapBytes) };
}

/**
 * Synth stops when the logs would not fit their Elasticsearch: a set data node count that is not a whole
 * number, too few for the shard budget or for the env's replicas, or more nodes than the node pool has
 * (each Elasticsearch pod needs a Kubernetes node of its own).
 */
export function logLayoutProblems(cluster: ClusterSpec, layout: LogLayout): SpecProblem[] {
  const at = { cluster: cluster.name };
  const set = cluster.elasticsearch?.dataNodes;
  if (set !== undefined && (!Number.isInteger(set) || set < 1)) {
    return [new SpecProblem(at, 'elasticsearch.dataNodes', set, 'must be a whole number of at least 1')];
  }
  const problems: SpecProblem[] = [];
  const { estimate, budget } = layout;
  if (estimate.shards > budget.shards) {
    problems.push(
      new SpecProblem(
        at,
        set !== undefined ? 'elasticsearch.dataNodes' : 'apps',
        set ?? Object.keys(cluster.apps).length,
        `the logs need ${estimate.shards} shards (${estimate.how}), over the budget of ${budget.shards} for ${budget.dataNodes} Elasticsearch data nodes; ` +
          `${layout.derivedDataNodes} would hold them (leave elasticsearch.dataNodes unset to derive it)`,
      ),
    );
  }
  if (layout.replicas >= layout.dataNodes) {
    problems.push(
      new SpecProblem(
        at,
        'elasticsearch.dataNodes',
        layout.dataNodes,
        `${cluster.env} keeps ${layout.replicas} replica(s) of every log shard, which needs more data nodes than that`,
      ),
    );
  }
  if (layout.dataNodes > cluster.nodePool.max) {
    problems.push(
      new SpecProblem(
        at,
        'nodePool.max',
        cluster.nodePool.max,
        `Elasticsearch needs ${layout.dataNodes} data nodes for the logs, one per Kubernetes node: raise the node pool's max to at least that`,
      ),
    );
  }
  return problems;
}
