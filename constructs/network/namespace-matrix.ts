import type { ClusterNetwork, Endpoint, PodGroup } from './endpoints';
import type { OutsideFlow, PolicyEvaluator } from './policy-evaluator';
import { PortSet } from './port-set';

/** What one endpoint may open to another, on which ports (never empty). */
export interface Flow {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly ports: PortSet;
}

/** A row or column of the matrix: a namespace (all its pods) or an external endpoint. */
export interface MatrixAxis {
  /** `ns:<name>` or the external endpoint's id. */
  readonly id: string;
  readonly title: string;
}

export interface NamespaceMatrix {
  /** Sources: every namespace, then the external endpoints that open connections. */
  readonly rows: readonly MatrixAxis[];
  /** Destinations: every namespace, then every external endpoint. */
  readonly columns: readonly MatrixAxis[];
  /** How many of the columns, the first ones, are namespaces. */
  readonly namespaceColumns: number;
  /** The ports any pod (or the endpoint) of the row may open to any of the column; empty when none. */
  cell(row: string, column: string): PortSet;
  /** The row's cells that are not empty: at a thousand apps most of a row's thousand cells are. */
  cellsOf(row: string): RowCells;
}

/**
 * A row's cells that are not empty, by column, in two parts: flows to pods fall in the namespaces'
 * columns, flows to the outside in the external endpoints' columns.
 */
export interface RowCells {
  readonly toPods: ReadonlyMap<string, PortSet>;
  /** The same object for the rows whose pods share the same lists of outside flows: at 1,000 apps, most rows share a few. */
  readonly toOutside: ReadonlyMap<string, PortSet>;
}

/** The matrix axis an endpoint belongs to. */
export const axisOf = (endpoint: Endpoint): string => (endpoint.type === 'pods' ? `ns:${endpoint.namespace}` : endpoint.id);

/** axisOf(), worked out once for each endpoint of the network: a thousand apps make a few hundred thousand flows. */
export function axesOf(network: ClusterNetwork): (endpoint: Endpoint) => string {
  const axes = new Map<Endpoint, string>([...network.pods, ...network.externals].map((e) => [e, axisOf(e)]));
  return (endpoint) => axes.get(endpoint) ?? axisOf(endpoint);
}

/**
 * What one source may open. To the outside, pods whose egress rules read alike share one list
 * (PolicyEvaluator.outsideFlowsOf), which the table sums and prints once.
 */
export interface SourceFlows {
  readonly from: Endpoint;
  /** To pods, in the order of the network's pods. */
  readonly toPods: readonly Flow[];
  /** To the outside, in the order of the network's externals; shared, and empty for an outside source. */
  readonly toOutside: readonly OutsideFlow[];
}

/** Every allowed flow from every source of the network (its pods, then the outside endpoints that open connections), in a stable order. */
export function sourceFlowsOf(network: ClusterNetwork, evaluator: PolicyEvaluator): SourceFlows[] {
  const sources: Endpoint[] = [...network.pods, ...network.externals.filter((e) => e.sourceAddress)];
  const order = new Map(network.pods.map((d, i) => [d.id, i]));
  // Pods whose egress peers read alike share one reach, and most pods one set of pods that admit them:
  // each set's pods are put in order once.
  const ordered = new Map<ReadonlySet<string>, PodGroup[]>();
  const inOrder = (ids: ReadonlySet<string>): PodGroup[] => {
    let candidates = ordered.get(ids);
    if (!candidates) {
      candidates = [...ids]
        .map((id) => order.get(id))
        .filter((i) => i !== undefined)
        .sort((a, b) => a - b)
        .map((i) => network.pods[i]);
      ordered.set(ids, candidates);
    }
    return candidates;
  };
  return sources.map((from) => {
    // Only the pods its egress rules name can be reached, and of those only the ones whose ingress rules
    // (or ipBlocks, for the outside) name it; every other pair is NONE. The smaller set is walked and the
    // other asked: a platform pod that may reach the whole VPC, so every pod, is admitted by a few.
    const reach = from.type === 'pods' ? evaluator.egressReach(from) : undefined;
    const admitting = from.type === 'pods' ? evaluator.admittedBy(from) : from.sourceAddress ? evaluator.admittedFromAddress(from.sourceAddress) : undefined;
    const [walked, asked] = !reach || (admitting && admitting.size < reach.size) ? [admitting, reach] : [reach, admitting];
    const toPods: Flow[] = [];
    for (const to of walked ? inOrder(walked) : network.pods) {
      if (asked && !asked.has(to.id)) continue;
      const ports = evaluator.portsBetween(from, to);
      if (!ports.isEmpty()) toPods.push({ from, to, ports });
    }
    return { from, toPods, toOutside: from.type === 'pods' ? evaluator.outsideFlowsOf(from) : [] };
  });
}

/** Every allowed flow between every source and every destination of the network, in a stable order. */
export function flowsOf(network: ClusterNetwork, evaluator: PolicyEvaluator): Flow[] {
  return sourceFlowsOf(network, evaluator).flatMap(({ from, toPods, toOutside }) => [...toPods, ...toOutside.map(({ to, ports }) => ({ from, to, ports }))]);
}

/** The matrix's rows (every namespace, then the outside endpoints that open connections) and columns (every namespace, then every outside endpoint with addresses). */
export function matrixAxesOf(network: ClusterNetwork): { rows: MatrixAxis[]; columns: MatrixAxis[] } {
  const namespaces = network.namespaces.map((n) => ({ id: `ns:${n.name}`, title: n.name }));
  return {
    rows: [...namespaces, ...network.externals.filter((e) => e.sourceAddress).map((e) => ({ id: e.id, title: e.title }))],
    columns: [...namespaces, ...network.externals.filter((e) => e.addresses.length > 0).map((e) => ({ id: e.id, title: e.title }))],
  };
}

/** The flows summed per namespace: rows are sources, columns destinations. */
export function namespaceMatrixOf(network: ClusterNetwork, sources: readonly SourceFlows[]): NamespaceMatrix {
  const { rows, columns } = matrixAxesOf(network);
  const axisOfEndpoint = axesOf(network);
  const add = (inRow: Map<string, PortSet>, column: string, ports: PortSet) => {
    inRow.set(column, (inRow.get(column) ?? PortSet.NONE).union(ports));
  };
  // Each row's sources, with the distinct shared lists of outside flows among them: adding a list again changes no union.
  const sourcesOf = new Map<string, { toPods: (readonly Flow[])[]; toOutside: Set<readonly OutsideFlow[]> }>();
  for (const { from, toPods, toOutside } of sources) {
    const row = axisOfEndpoint(from);
    const ofRow = sourcesOf.get(row) ?? sourcesOf.set(row, { toPods: [], toOutside: new Set() }).get(row)!;
    ofRow.toPods.push(toPods);
    ofRow.toOutside.add(toOutside);
  }
  // The outside cells of the rows whose pods share the same lists, summed once per combination, by the lists' numbers.
  const listNumber = new Map<readonly OutsideFlow[], number>();
  const outsideCells = new Map<string, ReadonlyMap<string, PortSet>>();
  const outsideCellsOf = (lists: ReadonlySet<readonly OutsideFlow[]>): ReadonlyMap<string, PortSet> => {
    const key = [...lists].map((list) => listNumber.get(list) ?? listNumber.set(list, listNumber.size).get(list)!).join(',');
    let cells = outsideCells.get(key);
    if (!cells) {
      const summed = new Map<string, PortSet>();
      for (const list of lists) for (const flow of list) add(summed, axisOfEndpoint(flow.to), flow.ports);
      cells = summed;
      outsideCells.set(key, cells);
    }
    return cells;
  };
  // By row, then column: the table asks for every cell, most of them empty.
  const cells = new Map<string, RowCells>();
  for (const [row, { toPods, toOutside }] of sourcesOf) {
    const podCells = new Map<string, PortSet>();
    for (const flows of toPods) for (const flow of flows) add(podCells, axisOfEndpoint(flow.to), flow.ports);
    cells.set(row, { toPods: podCells, toOutside: outsideCellsOf(toOutside) });
  }
  const noCells: RowCells = { toPods: new Map(), toOutside: new Map() };
  return {
    rows,
    columns,
    namespaceColumns: network.namespaces.length,
    cell: (row, column) => {
      const { toPods, toOutside } = cells.get(row) ?? noCells;
      return (toPods.get(column) ?? PortSet.NONE).union(toOutside.get(column) ?? PortSet.NONE);
    },
    cellsOf: (row) => cells.get(row) ?? noCells,
  };
}
