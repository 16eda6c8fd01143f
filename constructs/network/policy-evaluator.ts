import type { ClusterNetwork, Endpoint, PodGroup } from './endpoints';
import { cidrContains } from './ipv4';
import { selectorMatches, type Labels } from '../model/label-selector';
import { networkPoliciesOf, type NetworkPolicyView, type PolicyPeer, type PolicyPort, type PolicyRule } from './network-policy';
import { PortSet, type Protocol } from './port-set';

/** Answers one question about a cluster's policies; the two evaluators both do. */
export interface FlowEvaluator {
  /** Whether `from` may open a connection to `to` on the port. */
  allows(from: Endpoint, to: Endpoint, protocol: Protocol, port: number): boolean;
}

/** One side of a connection: a pod, or an address outside the pods. */
interface Target {
  readonly pod?: PodGroup;
  readonly address: string;
}

/**
 * The NetworkPolicy semantics the VPC CNI enforces, worked out as port sets. A pod is isolated in a
 * direction when a policy of that direction selects it; then the union of those policies' rules is what
 * it may do, otherwise everything. A connection between pods needs the source's egress and the
 * destination's ingress; to an address outside, the source's egress only; from one, the destination's
 * ingress only. An ipBlock matches pod addresses too, since the VPC CNI gives pods VPC addresses.
 * Node-local traffic (the kubelet's probes), which the CNI always allows, is not modelled.
 */
export class PolicyEvaluator implements FlowEvaluator {
  private readonly policies: ReadonlyMap<string, readonly NetworkPolicyView[]>;
  private readonly namespaceLabels: ReadonlyMap<string, Labels>;
  private readonly selecting = new Map<string, { ingress: NetworkPolicyView[]; egress: NetworkPolicyView[] }>();
  private readonly between = new Map<string, PortSet>();
  private readonly network: ClusterNetwork;
  private podsByNamespace?: Map<string, PodGroup[]>;
  private readonly peerReach = new Map<string, readonly string[]>();
  private podById?: Map<string, PodGroup>;
  private readonly ruleIndex = new Map<string, { rules: PolicyRule[]; anything: number[]; byPod: Map<string, number[]> }>();

  constructor(network: ClusterNetwork) {
    const byNamespace = new Map<string, NetworkPolicyView[]>();
    for (const p of networkPoliciesOf(network.policies)) {
      const mine = byNamespace.get(p.namespace);
      if (mine) mine.push(p);
      else byNamespace.set(p.namespace, [p]);
    }
    this.policies = byNamespace;
    this.namespaceLabels = new Map(network.namespaces.map((n) => [n.name, n.labels]));
    this.network = network;
  }

  /**
   * The ids of the endpoints (pods, and outside addresses) that `pod`'s egress rules name as peers, ports
   * aside; undefined when it may reach anything (no egress isolation, or a rule without peers). Every other
   * endpoint gets PortSet.NONE from portsBetween(), so the reachability table asks only about these
   * instead of every pair.
   */
  egressReach(pod: PodGroup): ReadonlySet<string> | undefined {
    const policies = this.policiesSelecting(pod).egress;
    if (policies.length === 0) return undefined;
    const reach = new Set<string>();
    for (const policy of policies) {
      for (const rule of policy.egress) {
        if (!rule.peers || rule.peers.length === 0) return undefined;
        for (const peer of rule.peers) for (const id of this.endpointsMatching(peer, policy.namespace)) reach.add(id);
      }
    }
    return reach;
  }

  /** The ids of the endpoints one peer matches (an outside endpoint: by any of its addresses), worked out once per distinct peer. */
  private endpointsMatching(peer: PolicyPeer, policyNamespace: string): readonly string[] {
    const key = peer.ipBlock
      ? JSON.stringify(peer.ipBlock)
      : JSON.stringify([peer.namespaceSelector ? undefined : policyNamespace, peer.namespaceSelector, peer.podSelector]);
    let ids = this.peerReach.get(key);
    if (!ids) {
      const byNamespace = (this.podsByNamespace ??= groupByNamespace(this.network.pods));
      // Only the namespaces a peer can match are searched: any for an ipBlock, those its selector matches, else its policy's own.
      const { namespaceSelector } = peer;
      const namespaces = peer.ipBlock
        ? [...byNamespace.keys()]
        : namespaceSelector
          ? [...byNamespace.keys()].filter((ns) => selectorMatches(namespaceSelector, this.namespaceLabels.get(ns) ?? {}))
          : [policyNamespace];
      const pods = namespaces.flatMap((ns) =>
        (byNamespace.get(ns) ?? []).filter((pod) => this.peerMatches(peer, policyNamespace, { pod, address: pod.address })),
      );
      const outside = peer.ipBlock
        ? this.network.externals.filter((e) => e.addresses.some((address) => this.peerMatches(peer, policyNamespace, { address })))
        : [];
      ids = [...pods, ...outside].map((e) => e.id);
      this.peerReach.set(key, ids);
    }
    return ids;
  }

  allows(from: Endpoint, to: Endpoint, protocol: Protocol, port: number): boolean {
    return this.portsBetween(from, to).contains(protocol, port);
  }

  /** Every port on which `from` may reach `to` (each of `to`'s addresses, when it has several). */
  portsBetween(from: Endpoint, to: Endpoint): PortSet {
    const key = `${from.id} ${to.id}`;
    let ports = this.between.get(key);
    if (!ports) {
      ports = this.evaluate(from, to);
      this.between.set(key, ports);
    }
    return ports;
  }

  private evaluate(from: Endpoint, to: Endpoint): PortSet {
    const sources: Target[] = from.type === 'pods' ? [{ pod: from, address: from.address }] : from.sourceAddress ? [{ address: from.sourceAddress }] : [];
    const destinations: Target[] = to.type === 'pods' ? [{ pod: to, address: to.address }] : to.addresses.map((address) => ({ address }));
    if (sources.length === 0 || destinations.length === 0 || (!sources[0].pod && !destinations[0].pod)) return PortSet.NONE;
    let result = PortSet.ALL;
    for (const source of sources) {
      for (const destination of destinations) {
        const out = source.pod ? this.egressPorts(source.pod, destination) : PortSet.ALL;
        const into = destination.pod ? this.ingressPorts(destination.pod, source) : PortSet.ALL;
        result = result.intersect(out).intersect(into);
      }
    }
    return result;
  }

  private egressPorts(pod: PodGroup, to: Target): PortSet {
    const policies = this.policiesSelecting(pod).egress;
    if (policies.length === 0) return PortSet.ALL;
    if (to.pod && this.isModelled(to.pod)) return PortSet.unionOf(this.rulesNaming(pod, 'egress', to.pod).map((r) => portsOf(r.ports, to.pod)));
    return PortSet.unionOf(policies.flatMap((p) => p.egress.filter((r) => this.peersMatch(r.peers, p.namespace, to)).map((r) => portsOf(r.ports, to.pod))));
  }

  private ingressPorts(pod: PodGroup, from: Target): PortSet {
    const policies = this.policiesSelecting(pod).ingress;
    if (policies.length === 0) return PortSet.ALL;
    if (from.pod && this.isModelled(from.pod)) return PortSet.unionOf(this.rulesNaming(pod, 'ingress', from.pod).map((r) => portsOf(r.ports, pod)));
    return PortSet.unionOf(policies.flatMap((p) => p.ingress.filter((r) => this.peersMatch(r.peers, p.namespace, from)).map((r) => portsOf(r.ports, pod))));
  }

  /** Whether the pod is the network's own (not one made up by a caller), so the peer indexes know it. */
  private isModelled(pod: PodGroup): boolean {
    this.podById ??= new Map(this.network.pods.map((p) => [p.id, p]));
    return this.podById.get(pod.id) === pod;
  }

  /**
   * The rules of the policies isolating `pod` in one direction whose peers match `other` (a pod of the
   * network), in the order of the policies and their rules: the same rules the peersMatch() filter keeps,
   * looked up in an index of each rule's matching pods instead of testing every peer (a platform
   * policy names a peer per app).
   */
  private rulesNaming(pod: PodGroup, direction: 'ingress' | 'egress', other: PodGroup): PolicyRule[] {
    const key = `${direction} ${pod.id}`;
    let index = this.ruleIndex.get(key);
    if (!index) {
      const rules = this.policiesSelecting(pod)[direction].flatMap((p) => p[direction].map((rule) => ({ rule, namespace: p.namespace })));
      const anything: number[] = [];
      const byPod = new Map<string, number[]>();
      rules.forEach(({ rule, namespace }, i) => {
        if (!rule.peers || rule.peers.length === 0) {
          anything.push(i);
          return;
        }
        const ids = new Set(rule.peers.flatMap((peer) => this.endpointsMatching(peer, namespace)));
        for (const id of ids) byPod.set(id, [...(byPod.get(id) ?? []), i]);
      });
      index = { rules: rules.map((r) => r.rule), anything, byPod };
      this.ruleIndex.set(key, index);
    }
    const { rules, anything, byPod } = index;
    const matching = byPod.get(other.id);
    return matching ? [...anything, ...matching].sort((a, b) => a - b).map((i) => rules[i]) : anything.map((i) => rules[i]);
  }

  private policiesSelecting(pod: PodGroup): { ingress: NetworkPolicyView[]; egress: NetworkPolicyView[] } {
    let found = this.selecting.get(pod.id);
    if (!found) {
      const mine = (this.policies.get(pod.namespace) ?? []).filter((p) => selectorMatches(p.podSelector, pod.labels));
      found = { ingress: mine.filter((p) => p.isolatesIngress), egress: mine.filter((p) => p.isolatesEgress) };
      this.selecting.set(pod.id, found);
    }
    return found;
  }

  /** No peers: anything. Otherwise any one peer. */
  private peersMatch(peers: readonly PolicyPeer[] | undefined, policyNamespace: string, target: Target): boolean {
    return !peers || peers.length === 0 || peers.some((peer) => this.peerMatches(peer, policyNamespace, target));
  }

  private peerMatches(peer: PolicyPeer, policyNamespace: string, target: Target): boolean {
    if (peer.ipBlock) {
      const { cidr, except = [] } = peer.ipBlock;
      return cidrContains(cidr, target.address) && !except.some((e) => cidrContains(e, target.address));
    }
    const pod = target.pod;
    if (!pod) return false;
    const namespaceOk = peer.namespaceSelector
      ? selectorMatches(peer.namespaceSelector, this.namespaceLabels.get(pod.namespace) ?? {})
      : pod.namespace === policyNamespace;
    return namespaceOk && (!peer.podSelector || selectorMatches(peer.podSelector, pod.labels));
  }
}

/** A rule's ports; a named port is the destination pod's container ports of that name and protocol. */
function portsOf(ports: readonly PolicyPort[] | undefined, destination: PodGroup | undefined): PortSet {
  if (!ports || ports.length === 0) return PortSet.ALL;
  return PortSet.unionOf(
    ports.map((p) => {
      if (p.port === undefined) return PortSet.allOf(p.protocol);
      if (typeof p.port === 'number') return PortSet.range(p.protocol, p.port, p.endPort ?? p.port);
      const named = (destination?.ports ?? []).filter((c) => c.name === p.port && c.protocol === p.protocol);
      return PortSet.unionOf(named.map((c) => PortSet.range(c.protocol, c.port)));
    }),
  );
}

function groupByNamespace(pods: readonly PodGroup[]): Map<string, PodGroup[]> {
  const byNamespace = new Map<string, PodGroup[]>();
  for (const pod of pods) {
    const group = byNamespace.get(pod.namespace);
    if (group) group.push(pod);
    else byNamespace.set(pod.namespace, [pod]);
  }
  return byNamespace;
}
