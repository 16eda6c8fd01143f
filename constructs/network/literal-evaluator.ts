import type { KubeObject } from '../model/kube-object';
import type { ClusterNetwork, Endpoint, PodGroup } from './endpoints';
import type { FlowEvaluator } from './policy-evaluator';
import { endpointsOf } from './probes';
import { PROTOCOLS, type Protocol } from './port-set';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A second, deliberately plain reading of the same NetworkPolicies, for the tests to hold the first one
 * to: it shares no parsing, selector, address or port-set code with PolicyEvaluator. For one concrete
 * pair of ends and one concrete port it walks every policy object and every rule as the API reference
 * words them, and stops at the first rule that allows. Slow; never used by synth.
 */
export class LiteralEvaluator implements FlowEvaluator {
  /** The policy objects of each namespace, in their order. */
  private readonly inNamespace = new Map<string, KubeObject[]>();

  constructor(private readonly network: ClusterNetwork) {
    for (const p of network.policies) {
      const ns = p.metadata.namespace ?? 'default';
      this.inNamespace.set(ns, [...(this.inNamespace.get(ns) ?? []), p]);
    }
  }

  allows(from: Endpoint, to: Endpoint, protocol: Protocol, port: number): boolean {
    const fromAddresses = from.type === 'pods' ? [from.address] : from.sourceAddress ? [from.sourceAddress] : [];
    const toAddresses = to.type === 'pods' ? [to.address] : to.addresses;
    if (from.type === 'external' && to.type === 'external') return false;
    if (fromAddresses.length === 0 || toAddresses.length === 0) return false;
    for (const fromAddress of fromAddresses) {
      for (const toAddress of toAddresses) {
        const out = from.type === 'pods' ? this.side(from, 'Egress', to, toAddress, protocol, port) : true;
        const into = to.type === 'pods' ? this.side(to, 'Ingress', from, fromAddress, protocol, port) : true;
        if (!out || !into) return false;
      }
    }
    return true;
  }

  /** Whether `pod`'s policies of this direction let the connection with `other` (at `otherAddress`) through. */
  private side(pod: PodGroup, direction: 'Ingress' | 'Egress', other: Endpoint, otherAddress: string, protocol: Protocol, port: number): boolean {
    let isolated = false;
    for (const policy of this.inNamespace.get(pod.namespace) ?? []) {
      const spec: Json = policy.spec ?? {};
      if (!labelsSatisfy(pod.labels, spec.podSelector ?? {})) continue;
      if (!policyTypesOf(spec).includes(direction)) continue;
      isolated = true;
      for (const rule of (direction === 'Ingress' ? spec.ingress : spec.egress) ?? []) {
        const peers: Json[] | undefined = direction === 'Ingress' ? rule.from : rule.to;
        const destinationPod = direction === 'Ingress' ? pod : other.type === 'pods' ? other : undefined;
        const peerOk = !peers || peers.length === 0 || peers.some((peer) => this.peerIs(peer, policy, other, otherAddress));
        const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((p: Json) => portIs(p, protocol, port, destinationPod));
        if (peerOk && portOk) return true;
      }
    }
    return !isolated;
  }

  private peerIs(peer: Json, policy: KubeObject, other: Endpoint, otherAddress: string): boolean {
    if (peer.ipBlock) return inRange(otherAddress, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e: string) => inRange(otherAddress, e));
    if (other.type !== 'pods') return false;
    if (peer.namespaceSelector) {
      const ns = this.network.namespaces.find((n) => n.name === other.namespace);
      if (!labelsSatisfy(ns?.labels ?? {}, peer.namespaceSelector)) return false;
    } else if (other.namespace !== (policy.metadata.namespace ?? 'default')) {
      return false;
    }
    return !peer.podSelector || labelsSatisfy(other.labels, peer.podSelector);
  }
}

/** The policy types as the API server defaults them: Ingress, plus Egress when there are egress rules. */
function policyTypesOf(spec: Json): string[] {
  if (spec.policyTypes && spec.policyTypes.length > 0) return spec.policyTypes;
  return spec.egress && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** Each matchLabels pair must be there; then every expression must hold. */
function labelsSatisfy(labels: Readonly<Record<string, string>>, selector: Json): boolean {
  const pairs = selector.matchLabels ?? {};
  for (const key in pairs) if (labels[key] !== pairs[key]) return false;
  for (const r of selector.matchExpressions ?? []) if (!requirementHolds(labels, r)) return false;
  return true;
}

function requirementHolds(labels: Readonly<Record<string, string>>, r: Json): boolean {
  const value = labels[r.key];
  const present = value !== undefined;
  if (r.operator === 'In') return present && r.values.includes(value);
  if (r.operator === 'NotIn') return !(present && r.values.includes(value));
  if (r.operator === 'Exists') return present;
  if (r.operator === 'DoesNotExist') return !present;
  throw new Error(`unknown selector operator "${r.operator}"`);
}

function portIs(p: Json, protocol: Protocol, port: number, destination: PodGroup | undefined): boolean {
  if ((p.protocol ?? 'TCP') !== protocol) return false;
  if (p.port === undefined) return true;
  if (typeof p.port === 'number') return port >= p.port && port <= (p.endPort ?? p.port);
  return (destination?.ports ?? []).some((c) => c.name === p.port && c.protocol === protocol && c.port === port);
}

/** Bitwise, on 32-bit unsigned numbers. */
function inRange(address: string, cidr: string): boolean {
  let range = ranges.get(cidr);
  if (!range) {
    const [base, bits] = cidr.split('/');
    const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
    range = { network: (toNumber(base) & mask) >>> 0, mask };
    ranges.set(cidr, range);
  }
  return (toNumber(address) & range.mask) >>> 0 === range.network;
}

const ranges = new Map<string, { network: number; mask: number }>();
const numbers = new Map<string, number>();
function toNumber(dotted: string): number {
  let n = numbers.get(dotted);
  if (n === undefined) {
    n = dotted.split('.').reduce((acc, octet) => ((acc << 8) | Number(octet)) >>> 0, 0);
    numbers.set(dotted, n);
  }
  return n;
}

/**
 * The ports worth asking about: every port a policy or container names, its neighbours (to catch an
 * off-by-one at a range's edge) and a few that nothing names.
 */
export function candidatePortsOf(network: ClusterNetwork): number[] {
  const named: number[] = [1, 22, 80, 443, 3306, 8443, 12345, 65535];
  for (const policy of network.policies) {
    const spec: Json = policy.spec ?? {};
    for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
      for (const p of rule.ports ?? []) {
        if (typeof p.port === 'number') named.push(p.port - 1, p.port, p.port + 1);
        if (typeof p.endPort === 'number') named.push(p.endPort, p.endPort + 1);
      }
    }
  }
  for (const pod of network.pods) for (const c of pod.ports) named.push(c.port - 1, c.port, c.port + 1);
  return [...new Set(named)].filter((p) => p >= 1 && p <= 65535).sort((a, b) => a - b);
}

/** `<protocol>/<port>` of every candidate port on which some end of the row reaches some end of the column. */
export function literalCell(network: ClusterNetwork, evaluator: LiteralEvaluator, row: string, column: string, candidates: readonly number[]): Set<string> {
  const sources = endpointsOf(network, row);
  const destinations = endpointsOf(network, column);
  const allowed = new Set<string>();
  for (const protocol of PROTOCOLS) {
    for (const port of candidates) {
      if (sources.some((s) => destinations.some((d) => evaluator.allows(s, d, protocol, port)))) allowed.add(`${protocol}/${port}`);
    }
  }
  return allowed;
}
