import type { ClusterNetwork, Endpoint } from './endpoints';
import type { FlowEvaluator } from './policy-evaluator';
import type { Protocol } from './port-set';

/**
 * One question to the model, as data: may `from` open a connection to `to` on this port? An end is a
 * namespace (`ns:<name>`, any of its pods), one workload's pods (`pod:<namespace>/<kind>/<name>`) or an
 * external endpoint (`ext:<name>`). A probe passes when the answer is `expected`.
 */
export interface Probe {
  readonly from: string;
  readonly to: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly expected: 'allowed' | 'denied';
  /** The rule it checks, named in a failure. */
  readonly rule: string;
}

const resolved = new WeakMap<ClusterNetwork, Map<string, Endpoint[]>>();

/** The endpoints an end of a probe (or a row or column of the matrix) stands for; an unknown one is an error. */
export function endpointsOf(network: ClusterNetwork, ref: string): Endpoint[] {
  const cache = resolved.get(network) ?? resolved.set(network, new Map()).get(network)!;
  const hit = cache.get(ref);
  if (hit) return hit;
  const found: Endpoint[] = ref.startsWith('ns:')
    ? network.pods.filter((p) => `ns:${p.namespace}` === ref)
    : [...network.pods, ...network.externals].filter((e) => e.id === ref);
  const known = ref.startsWith('ns:') ? network.namespaces.some((n) => `ns:${n.name}` === ref) : found.length > 0;
  if (!known) throw new Error(`network model of ${network.cluster}: "${ref}" is no namespace, workload or external endpoint`);
  cache.set(ref, found);
  return found;
}

/** Whether any pod (or the endpoint) of `from` may reach any of `to` on the probe's port. */
export function probeAllows(network: ClusterNetwork, evaluator: FlowEvaluator, probe: Probe): boolean {
  const sources = endpointsOf(network, probe.from);
  const destinations = endpointsOf(network, probe.to);
  return sources.some((from) => destinations.some((to) => evaluator.allows(from, to, probe.protocol, probe.port)));
}

/** One line per probe whose answer is not the expected one. */
export function failedProbes(network: ClusterNetwork, evaluator: FlowEvaluator, probes: readonly Probe[]): string[] {
  return probes
    .filter((p) => (probeAllows(network, evaluator, p) ? 'allowed' : 'denied') !== p.expected)
    .map((p) => `${network.cluster}: ${p.from} -> ${p.to} ${p.port}/${p.protocol} should be ${p.expected} (${p.rule})`);
}
