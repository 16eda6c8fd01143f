import type { ClusterNetwork, Endpoint } from './endpoints';
import type { PolicyEvaluator } from './policy-evaluator';
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
  /** The ports any pod (or the endpoint) of the row may open to any of the column; empty when none. */
  cell(row: string, column: string): PortSet;
  /** The row's cells that are not empty, by column: at a thousand apps most of a row's thousand cells are. */
  cellsOf(row: string): ReadonlyMap<string, PortSet>;
}

/** The matrix axis an endpoint belongs to. */
export const axisOf = (endpoint: Endpoint): string => (endpoint.type === 'pods' ? `ns:${endpoint.namespace}` : endpoint.id);

/** axisOf(), worked out once for each endpoint of the network: a thousand apps make a few hundred thousand flows. */
export function axesOf(network: ClusterNetwork): (endpoint: Endpoint) => string {
  const axes = new Map<Endpoint, string>([...network.pods, ...network.externals].map((e) => [e, axisOf(e)]));
  return (endpoint) => axes.get(endpoint) ?? axisOf(endpoint);
}

/** Every allowed flow between every source and every destination of the network, in a stable order. */
export function flowsOf(network: ClusterNetwork, evaluator: PolicyEvaluator): Flow[] {
  const sources: Endpoint[] = [...network.pods, ...network.externals.filter((e) => e.sourceAddress)];
  const destinations: Endpoint[] = [...network.pods, ...network.externals.filter((e) => e.addresses.length > 0)];
  const flows: Flow[] = [];
  const order = new Map(destinations.map((d, i) => [d.id, i]));
  // Pods whose egress peers read alike share one reach: its destinations are put in order once.
  const ordered = new Map<ReadonlySet<string>, Endpoint[]>();
  const inOrder = (reach: ReadonlySet<string>): Endpoint[] => {
    let candidates = ordered.get(reach);
    if (!candidates) {
      candidates = [...reach]
        .map((id) => order.get(id))
        .filter((i) => i !== undefined)
        .sort((a, b) => a - b)
        .map((i) => destinations[i]);
      ordered.set(reach, candidates);
    }
    return candidates;
  };
  for (const from of sources) {
    // Only the endpoints its egress rules name can be reached (in the order of the destinations); every other pair is NONE.
    const reach = from.type === 'pods' ? evaluator.egressReach(from) : undefined;
    for (const to of reach ? inOrder(reach) : destinations) {
      const ports = evaluator.portsBetween(from, to);
      if (!ports.isEmpty()) flows.push({ from, to, ports });
    }
  }
  return flows;
}

/** The flows summed per namespace: rows are sources, columns destinations. */
export function namespaceMatrixOf(network: ClusterNetwork, flows: readonly Flow[]): NamespaceMatrix {
  const namespaces = network.namespaces.map((n) => ({ id: `ns:${n.name}`, title: n.name }));
  const rows = [...namespaces, ...network.externals.filter((e) => e.sourceAddress).map((e) => ({ id: e.id, title: e.title }))];
  const columns = [...namespaces, ...network.externals.filter((e) => e.addresses.length > 0).map((e) => ({ id: e.id, title: e.title }))];
  // By row, then column: the table asks for every cell, most of them empty.
  const cells = new Map<string, Map<string, PortSet>>();
  const axisOfEndpoint = axesOf(network);
  for (const flow of flows) {
    const row = axisOfEndpoint(flow.from);
    const column = axisOfEndpoint(flow.to);
    const inRow = cells.get(row) ?? cells.set(row, new Map()).get(row)!;
    inRow.set(column, (inRow.get(column) ?? PortSet.NONE).union(flow.ports));
  }
  const noCells: ReadonlyMap<string, PortSet> = new Map();
  return { rows, columns, cell: (row, column) => cells.get(row)?.get(column) ?? PortSet.NONE, cellsOf: (row) => cells.get(row) ?? noCells };
}
