import type { ClusterNetwork, Endpoint, ExternalEndpoint, NamespaceView, PodGroup } from './endpoints';
import { cidrContains } from './ipv4';
import { selectorMatches, type Labels, type LabelSelector } from '../model/label-selector';
import { groupedBy } from '../model/grouped-by';
import { networkPoliciesOf, type NetworkPolicyView, type PolicyPeer, type PolicyPort, type PolicyRule } from './network-policy';
import { PortSet, type Protocol } from './port-set';

/** Answers one question about a cluster's policies; the two evaluators both do. */
export interface FlowEvaluator {
  /** Whether `from` may open a connection to `to` on the port. */
  allows(from: Endpoint, to: Endpoint, protocol: Protocol, port: number): boolean;
}

/** What a pod may open to one endpoint outside the pods. */
export interface OutsideFlow {
  readonly to: ExternalEndpoint;
  readonly ports: PortSet;
}

/** One side of a connection: a pod, or an address outside the pods. */
interface Target {
  readonly pod?: PodGroup;
  readonly address: string;
}

type Direction = 'ingress' | 'egress';
const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

/** What sideOf() needs of one policy's rules in one direction. */
interface RulesKey {
  /** The rules' text, as the number of its first appearance: keys of sides join a few numbers, not long texts. */
  readonly id: number;
  /** Whether a peer names pods by podSelector alone, that is in the policy's own namespace. */
  readonly ownNamespace: boolean;
}

/** A rule with the namespace of its policy, where a peer without namespaceSelector looks. */
interface ScopedRule {
  readonly rule: PolicyRule;
  readonly namespace: string;
}

/** What the policies that select one pod say in one direction. */
interface Side {
  /** Whether some policy of this direction selects the pod; if none does, everything goes. */
  readonly isolated: boolean;
  /** The rules of those policies, in order. */
  readonly rules: readonly ScopedRule[];
  /** Its rules' texts (namespaces aside), each as a number: app namespaces copy their template's rules. */
  readonly rulesKey: string;
  /**
   * The egress ports to each address outside the pods. Only the rules' text decides them (an ipBlock
   * matches an address wherever it is written, and a named port names nothing outside), so every side
   * with the same rules' texts shares one.
   */
  readonly toAddress: Map<string, PortSet>;
  /**
   * The ingress ports from each address outside the pods; null when a rule names a port by name, which
   * each destination pod resolves its own way. The internet and the API server ask about every pod.
   */
  fromAddress?: Map<string, PortSet> | null;
  /** Built on first use. */
  index?: PeerIndex;
  /** egressReach(), worked out on first use. */
  reach?: { readonly ids: ReadonlySet<string> | undefined };
}

/** The rules of one side that match a pod of the network, found without testing every peer. */
interface PeerIndex {
  /** Rules without peers: they match every pod. */
  readonly anything: readonly PolicyRule[];
  /** The rules whose namespace or pod selectors select a pod, by the pod's id. */
  readonly byPod: ReadonlyMap<string, readonly PolicyRule[]>;
  /**
   * The rules whose ipBlocks hold an address, filled per address as asked. Pods share a few
   * representative addresses, so a VPC-wide block stays one entry here instead of one per pod.
   */
  readonly byAddress: Map<string, readonly PolicyRule[]>;
}

/** Which pods' ingress names a pod: see PolicyEvaluator.admittedBy(). */
interface AdmittingIndex {
  /** Pods that admit every pod (ports aside). */
  readonly anyone: readonly string[];
  /** Pods whose rules' selectors select a pod, by its id. */
  readonly byPod: ReadonlyMap<string, readonly string[]>;
  /** Pods whose rules' ipBlocks hold a pod address, by the address. */
  readonly byAddress: ReadonlyMap<string, readonly string[]>;
  /** admittedFromAddress(), by the address: the answers shared by the pods no selector names, and the outside's. */
  readonly sets: Map<string, ReadonlySet<string>>;
}

const NO_RULES: readonly PolicyRule[] = [];

/**
 * The NetworkPolicy semantics the VPC CNI enforces, worked out as port sets. A pod is isolated in a
 * direction when a policy of that direction selects it; then the union of those policies' rules is what
 * it may do, otherwise everything. A connection between pods needs the source's egress and the
 * destination's ingress; to an address outside, the source's egress only; from one, the destination's
 * ingress only. An ipBlock matches pod addresses too, since the VPC CNI gives pods VPC addresses.
 * Node-local traffic (the kubelet's probes), which the CNI always allows, is not modelled.
 *
 * A cluster of a thousand apps asks about a few hundred thousand pairs, so the pods of the network are
 * looked up through indexes (which pods each peer selects, which rules name a pod) and pods whose rules
 * read alike share their answers; a pod the network does not hold (a caller's copy) is judged by testing
 * every peer, which the tests compare the indexes with.
 */
export class PolicyEvaluator implements FlowEvaluator {
  private readonly policies: ReadonlyMap<string, readonly NetworkPolicyView[]>;
  private readonly namespaceLabels: ReadonlyMap<string, Labels>;
  private readonly network: ClusterNetwork;
  private readonly podById: ReadonlyMap<string, PodGroup>;
  private podsByNamespace?: Map<string, PodGroup[]>;
  private namespacesByLabel?: Map<string, string[]>;
  private admitting?: AdmittingIndex;
  private readonly sides = { ingress: new Map<string, Side>(), egress: new Map<string, Side>() };
  private readonly sharedSides = { ingress: new Map<string, Side>(), egress: new Map<string, Side>() };
  private readonly rulesKeys = { ingress: new Map<NetworkPolicyView, RulesKey>(), egress: new Map<NetworkPolicyView, RulesKey>() };
  /** RulesKey.id, by the rules' text. */
  private readonly textIds = new Map<string, number>();
  private readonly peerReach = new Map<string, readonly string[]>();
  private readonly peerObjectReach = new Map<PolicyPeer, readonly string[]>();
  /** Side.toAddress, by Side.rulesKey. */
  private readonly toAddressOf = new Map<string, Map<string, PortSet>>();
  /** outsideFlowsOf(), by the egress side's rulesKey. */
  private readonly outsideByText = new Map<string, readonly OutsideFlow[]>();
  /** The ports of each rule that names no port by name, the same for every destination; null for one that does. */
  private readonly fixedPorts = new Map<PolicyRule, PortSet | null>();
  private readonly portSetOfText = new Map<string, PortSet>();
  /** The answers allows() gave, per pair: a probe asks the same pair on many ports. */
  private readonly between = new Map<string, PortSet>();

  constructor(network: ClusterNetwork) {
    this.policies = groupedBy(networkPoliciesOf(network.policies), (p) => p.namespace);
    this.namespaceLabels = new Map(network.namespaces.map((n) => [n.name, n.labels]));
    this.network = network;
    this.podById = new Map(network.pods.map((p) => [p.id, p]));
  }

  /**
   * The ids of the endpoints (pods, and outside addresses) that `pod`'s egress rules name as peers, ports
   * aside; undefined when it may reach anything (no egress isolation, or a rule without peers). Every other
   * endpoint gets PortSet.NONE from portsBetween(), so the reachability table asks only about these
   * instead of every pair. Pods whose peers read alike get the same set.
   */
  egressReach(pod: PodGroup): ReadonlySet<string> | undefined {
    const side = this.sideOf(pod, 'egress');
    if (!side.isolated) return undefined;
    if (!side.reach) {
      let reach: Set<string> | undefined = new Set<string>();
      for (const { rule, namespace } of side.rules) {
        if (!rule.peers || rule.peers.length === 0) {
          reach = undefined;
          break;
        }
        for (const peer of rule.peers) for (const id of this.endpointsMatching(peer, namespace)) reach.add(id);
      }
      side.reach = { ids: reach };
    }
    return side.reach.ids;
  }

  /**
   * The ids of the pods whose ingress may admit a connection from `pod`, ports aside: those no ingress
   * policy isolates, those with a rule without peers, and those whose rules' peers select it (by its
   * labels or its address). Every other pod gets PortSet.NONE from portsBetween(): with egressReach() it
   * leaves the reachability table only the pairs both ends' rules name.
   */
  admittedBy(pod: PodGroup): ReadonlySet<string> {
    const admitting = (this.admitting ??= this.admittingIndex());
    const byPod = admitting.byPod.get(pod.id) ?? [];
    const byAddress = admitting.byAddress.get(pod.address) ?? [];
    // Most pods are named by nobody's ingress: they share the set of their address.
    if (byPod.length === 0) return this.admittedFromAddress(pod.address);
    return new Set([...admitting.anyone, ...byAddress, ...byPod]);
  }

  /**
   * The ids of the pods whose ingress may admit a connection from the address, ports aside: those no
   * ingress policy isolates, those with a rule without peers, and those whose ipBlocks hold it. Every
   * other pod gets PortSet.NONE from portsBetween() from an outside endpoint at that address.
   */
  admittedFromAddress(address: string): ReadonlySet<string> {
    const admitting = (this.admitting ??= this.admittingIndex());
    let ids = admitting.sets.get(address);
    if (!ids) {
      ids = new Set([...admitting.anyone, ...(admitting.byAddress.get(address) ?? this.holdingAddress(address))]);
      admitting.sets.set(address, ids);
    }
    return ids;
  }

  /** The ids of the isolated pods whose ingress rules' ipBlocks hold an address that no pod of the network has. */
  private holdingAddress(address: string): string[] {
    return this.network.pods
      .filter((destination) => {
        const side = this.sideOf(destination, 'ingress');
        return side.isolated && (side.index ??= this.indexOf(side)).anything.length === 0 && this.rulesHolding(side, address).length > 0;
      })
      .map((destination) => destination.id);
  }

  private admittingIndex(): AdmittingIndex {
    const anyone: string[] = [];
    const byPod = new Map<string, string[]>();
    const byAddress = new Map<string, string[]>();
    const addresses = [...new Set(this.network.pods.map((p) => p.address))];
    const add = (map: Map<string, string[]>, key: string, id: string) => {
      const ids = map.get(key);
      if (ids) ids.push(id);
      else map.set(key, [id]);
    };
    for (const destination of this.network.pods) {
      const side = this.sideOf(destination, 'ingress');
      const index = (side.index ??= this.indexOf(side));
      if (!side.isolated || index.anything.length > 0) {
        anyone.push(destination.id);
        continue;
      }
      for (const id of index.byPod.keys()) add(byPod, id, destination.id);
      for (const address of addresses) if (this.rulesHolding(side, address).length > 0) add(byAddress, address, destination.id);
    }
    return { anyone, byPod, byAddress, sets: new Map() };
  }

  /**
   * Every outside endpoint `pod` may reach, with the ports, in the order of the network's externals. Only
   * its egress rules' text decides them (see Side.toAddress), so pods whose rules read alike share one
   * list: at 1,000 apps, most of the table's flows.
   */
  outsideFlowsOf(pod: PodGroup): readonly OutsideFlow[] {
    const { rulesKey } = this.sideOf(pod, 'egress');
    let flows = this.outsideByText.get(rulesKey);
    if (!flows) {
      flows = this.network.externals.flatMap((to) => {
        const ports = this.portsBetween(pod, to);
        return ports.isEmpty() ? [] : [{ to, ports }];
      });
      this.outsideByText.set(rulesKey, flows);
    }
    return flows;
  }

  allows(from: Endpoint, to: Endpoint, protocol: Protocol, port: number): boolean {
    const key = `${from.id} ${to.id}`;
    let ports = this.between.get(key);
    if (!ports) {
      ports = this.portsBetween(from, to);
      this.between.set(key, ports);
    }
    return ports.contains(protocol, port);
  }

  /** Every port on which `from` may reach `to` (each of `to`'s addresses, when it has several). */
  portsBetween(from: Endpoint, to: Endpoint): PortSet {
    if (from.type === 'external') {
      if (to.type === 'external' || !from.sourceAddress) return PortSet.NONE;
      return this.ingressPorts(to, { address: from.sourceAddress });
    }
    if (to.type === 'pods') {
      const out = this.egressPorts(from, { pod: to, address: to.address });
      return out.isEmpty() ? out : out.intersect(this.ingressPorts(to, { pod: from, address: from.address }));
    }
    if (to.addresses.length === 0) return PortSet.NONE;
    let result = PortSet.ALL;
    for (const address of to.addresses) result = result.intersect(this.egressPorts(from, { address }));
    return result;
  }

  /** The ids of the endpoints one peer matches (an outside endpoint: by any of its addresses), worked out once per distinct peer. */
  private endpointsMatching(peer: PolicyPeer, policyNamespace: string): readonly string[] {
    // A peer object belongs to one policy, so to one namespace.
    const known = this.peerObjectReach.get(peer);
    if (known) return known;
    const key = peer.ipBlock
      ? JSON.stringify(peer.ipBlock)
      : JSON.stringify([peer.namespaceSelector ? undefined : policyNamespace, peer.namespaceSelector, peer.podSelector]);
    let ids = this.peerReach.get(key);
    if (!ids) {
      const byNamespace = (this.podsByNamespace ??= groupedBy(this.network.pods, (p) => p.namespace));
      // Only the namespaces a peer can match are searched: any for an ipBlock, those its selector matches, else its policy's own.
      const { namespaceSelector } = peer;
      const namespaces = peer.ipBlock
        ? [...byNamespace.keys()]
        : namespaceSelector
          ? (this.namespacesWithFirstLabelOf(namespaceSelector) ?? [...byNamespace.keys()]).filter((ns) =>
              selectorMatches(namespaceSelector, this.namespaceLabels.get(ns) ?? {}),
            )
          : [policyNamespace];
      // An ipBlock sees only addresses, and the network's pods share a few: each is tested once.
      const holdsAddress = new Map<string, boolean>();
      const matches = (pod: PodGroup): boolean => {
        if (!peer.ipBlock) return this.peerMatches(peer, policyNamespace, { pod, address: pod.address });
        let holds = holdsAddress.get(pod.address);
        if (holds === undefined) {
          holds = this.peerMatches(peer, policyNamespace, { address: pod.address });
          holdsAddress.set(pod.address, holds);
        }
        return holds;
      };
      const pods = namespaces.flatMap((ns) => (byNamespace.get(ns) ?? []).filter(matches));
      const outside = peer.ipBlock
        ? this.network.externals.filter((e) => e.addresses.some((address) => this.peerMatches(peer, policyNamespace, { address })))
        : [];
      ids = [...pods, ...outside].map((e) => e.id);
      this.peerReach.set(key, ids);
    }
    this.peerObjectReach.set(peer, ids);
    return ids;
  }

  /**
   * The namespaces with pods that carry the selector's first matchLabels pair, the only ones it can match;
   * undefined when it has none. A platform policy names each app's namespace by its name label: a thousand
   * selectors at 1,000 apps, each of which would otherwise test every namespace.
   */
  private namespacesWithFirstLabelOf(selector: LabelSelector): readonly string[] | undefined {
    const [first] = Object.entries(selector.matchLabels ?? {});
    if (!first) return undefined;
    this.namespacesByLabel ??= namespacesByLabelOf(this.network.namespaces, (this.podsByNamespace ??= groupedBy(this.network.pods, (p) => p.namespace)));
    return this.namespacesByLabel.get(labelKeyOf(...first)) ?? [];
  }

  private egressPorts(pod: PodGroup, to: Target): PortSet {
    const side = this.sideOf(pod, 'egress');
    if (!side.isolated) return PortSet.ALL;
    if (!this.isModelled(pod) || (to.pod && !this.isModelled(to.pod))) return this.portsMatching(side, to, to.pod);
    if (to.pod) return this.portsNaming(pod, side, 'egress', to.pod);
    let ports = side.toAddress.get(to.address);
    if (!ports) {
      ports = this.portsMatching(side, to, undefined);
      side.toAddress.set(to.address, ports);
    }
    return ports;
  }

  private ingressPorts(pod: PodGroup, from: Target): PortSet {
    const side = this.sideOf(pod, 'ingress');
    if (!side.isolated) return PortSet.ALL;
    if (from.pod && this.isModelled(from.pod) && this.isModelled(pod)) return this.portsNaming(pod, side, 'ingress', from.pod);
    const fromAddress = from.pod || !this.isModelled(pod) ? null : this.fromAddressOf(side);
    if (!fromAddress) return this.portsMatching(side, from, pod);
    let ports = fromAddress.get(from.address);
    if (!ports) {
      ports = this.portsMatching(side, from, pod);
      fromAddress.set(from.address, ports);
    }
    return ports;
  }

  private fromAddressOf(side: Side): Map<string, PortSet> | null {
    if (side.fromAddress === undefined) side.fromAddress = side.rules.some(({ rule }) => this.fixedPortsOf(rule) === null) ? null : new Map();
    return side.fromAddress;
  }

  /** The union of the ports of the side's rules whose peers match `other`, testing each peer. */
  private portsMatching(side: Side, other: Target, destination: PodGroup | undefined): PortSet {
    let ports = PortSet.NONE;
    for (const { rule, namespace } of side.rules) if (this.peersMatch(rule.peers, namespace, other)) ports = ports.union(this.portsOfRule(rule, destination));
    return ports;
  }

  private portsOfRules(rules: readonly PolicyRule[], destination: PodGroup): PortSet {
    let ports = PortSet.NONE;
    for (const rule of rules) ports = ports.union(this.portsOfRule(rule, destination));
    return ports;
  }

  private portsOfRule(rule: PolicyRule, destination: PodGroup | undefined): PortSet {
    return this.fixedPortsOf(rule) ?? portsOf(rule.ports, destination);
  }

  /** The rule's ports when it names none by name, the same for every destination; null when it does. */
  private fixedPortsOf(rule: PolicyRule): PortSet | null {
    let ports = this.fixedPorts.get(rule);
    if (ports === undefined) {
      if (rule.ports?.some((p) => typeof p.port === 'string')) ports = null;
      else {
        // One set per text: rules that name the same ports give the same set, and the intersections and unions of a set with itself are free.
        const text = JSON.stringify(rule.ports ?? []);
        ports = this.portSetOfText.get(text) ?? this.portSetOfText.set(text, portsOf(rule.ports, undefined)).get(text)!;
      }
      this.fixedPorts.set(rule, ports);
    }
    return ports;
  }

  /** Whether the pod is the network's own (not one made up by a caller), so the peer indexes know it. */
  private isModelled(pod: PodGroup): boolean {
    return this.podById.get(pod.id) === pod;
  }

  /**
   * The ports of the rules of `pod`'s side whose peers match `other` (a pod of the network): what
   * portsMatching() gives, looked up in an index instead of testing every peer (a platform policy names a
   * peer per app). A rule both lists hold counts once: the union does not change.
   */
  private portsNaming(pod: PodGroup, side: Side, direction: Direction, other: PodGroup): PortSet {
    const index = (side.index ??= this.indexOf(side));
    const destination = direction === 'ingress' ? pod : other;
    return this.portsOfRules(index.anything, destination)
      .union(this.portsOfRules(this.rulesHolding(side, other.address), destination))
      .union(this.portsOfRules(index.byPod.get(other.id) ?? NO_RULES, destination));
  }

  /** The side's rules with an ipBlock that holds the address. */
  private rulesHolding(side: Side, address: string): readonly PolicyRule[] {
    const index = (side.index ??= this.indexOf(side));
    let rules = index.byAddress.get(address);
    if (!rules) {
      rules = side.rules
        .filter(({ rule, namespace }) => rule.peers?.some((peer) => peer.ipBlock && this.peerMatches(peer, namespace, { address })))
        .map((r) => r.rule);
      index.byAddress.set(address, rules);
    }
    return rules;
  }

  private indexOf(side: Side): PeerIndex {
    const anything: PolicyRule[] = [];
    const byPod = new Map<string, PolicyRule[]>();
    for (const { rule, namespace } of side.rules) {
      if (!rule.peers || rule.peers.length === 0) {
        anything.push(rule);
        continue;
      }
      const ids = new Set(rule.peers.flatMap((peer) => (peer.ipBlock ? [] : this.endpointsMatching(peer, namespace))));
      for (const id of ids) {
        const rules = byPod.get(id);
        if (rules) rules.push(rule);
        else byPod.set(id, [rule]);
      }
    }
    return { anything, byPod, byAddress: new Map() };
  }

  private sideOf(pod: PodGroup, direction: Direction): Side {
    const known = this.sides[direction].get(pod.id);
    if (known) return known;
    // Both directions at once: the namespace's policies are matched against the pod's labels once.
    const selecting = (this.policies.get(pod.namespace) ?? []).filter((p) => selectorMatches(p.podSelector, pod.labels));
    for (const d of DIRECTIONS) {
      if (this.sides[d].has(pod.id)) continue;
      const isolating = selecting.filter((p) => (d === 'ingress' ? p.isolatesIngress : p.isolatesEgress));
      this.sides[d].set(pod.id, this.sharedSideOf(pod.namespace, isolating, d));
    }
    return this.sides[direction].get(pod.id)!;
  }

  private sharedSideOf(namespace: string, isolating: readonly NetworkPolicyView[], direction: Direction): Side {
    const keys = isolating.map((p) => this.rulesKeyOf(p, direction));
    const rulesKey = keys.map((k) => k.id).join(',');
    // Pods whose rules read alike share one side, and so its indexes: every app namespace copies its
    // template's policies. A peer with only a podSelector means the policy's own namespace: then only
    // that namespace's pods share it.
    const key = keys.some((k) => k.ownNamespace) ? `${namespace}\n${rulesKey}` : rulesKey;
    let side = this.sharedSides[direction].get(key);
    if (!side) {
      const rules = isolating.flatMap((p) => p[direction].map((rule) => ({ rule, namespace: p.namespace })));
      const toAddress = this.toAddressOf.get(rulesKey) ?? this.toAddressOf.set(rulesKey, new Map()).get(rulesKey)!;
      side = { isolated: isolating.length > 0, rules, rulesKey, toAddress };
      this.sharedSides[direction].set(key, side);
    }
    return side;
  }

  private rulesKeyOf(policy: NetworkPolicyView, direction: Direction): RulesKey {
    const keys = this.rulesKeys[direction];
    let key = keys.get(policy);
    if (key === undefined) {
      const text = JSON.stringify(policy[direction]);
      const id = this.textIds.get(text) ?? this.textIds.set(text, this.textIds.size).get(text)!;
      const ownNamespace = policy[direction].some((r) => r.peers?.some((peer) => !peer.ipBlock && !peer.namespaceSelector));
      key = { id, ownNamespace };
      keys.set(policy, key);
    }
    return key;
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

const labelKeyOf = (key: string, value: string): string => `${key}=${value}`;

/** The namespaces that have pods, by each `key=value` label they carry. */
function namespacesByLabelOf(namespaces: readonly NamespaceView[], podsByNamespace: ReadonlyMap<string, unknown>): Map<string, string[]> {
  const byLabel = new Map<string, string[]>();
  for (const { name, labels } of namespaces.filter((n) => podsByNamespace.has(n.name))) {
    for (const [key, value] of Object.entries(labels)) {
      const named = byLabel.get(labelKeyOf(key, value));
      if (named) named.push(name);
      else byLabel.set(labelKeyOf(key, value), [name]);
    }
  }
  return byLabel;
}
