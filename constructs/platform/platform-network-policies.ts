import * as kplus from 'cdk8s-plus-28';
import { IntOrString } from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../model/cluster-spec';
import { GATEWAY_PROXY_NAMESPACE, GATEWAY_PROXY_POD_LABELS, namespaceOf, selectorLabelsOf } from '../model/naming';
import { CLUSTER_DNS, KUBERNETES_API_PORT, KUBERNETES_SERVICE_IPS, NAMESPACE_NAME_LABEL, NON_PUBLIC_RANGES, POD_IDENTITY_AGENT } from '../model/network-ranges';
import type { ResolvedApp } from '../model/resolve';
import { SynthError } from '../model/spec-error';
import { controlPlaneRangesOf, nodeRangesOf } from '../model/vpc-layout';
import type { AddOn, AddOnNetwork, NamedPort, PlatformEndpoint } from './add-on';
import type { EgressNeeds } from './network-needs';
import type { PodGroup } from './pod-groups';

export interface PlatformNetworkPoliciesProps {
  /** The add-ons that share one namespace; their needs are merged. */
  readonly addOns: readonly AddOn[];
  /** Per port, the workloads of other platform namespaces that call it (clientsOf): each is admitted by its namespace and its pods' labels. */
  readonly clients: ReadonlyMap<number, readonly PodGroup[]>;
  /**
   * The workloads of the other platform namespaces, by namespace: a call to another namespace's port goes to
   * the workloads there that listen on it, not to every pod of that namespace. @default none
   */
  readonly servers?: ReadonlyMap<string, readonly PodGroup[]>;
  readonly cluster: ClusterSpec;
  /** The Gateway's backends: each app's port. */
  readonly apps: readonly ResolvedApp[];
  /** Every platform endpoint: a backend of the Gateway, and, in its own namespace, a port for the Gateway's proxies only. */
  readonly endpoints: readonly PlatformEndpoint[];
  /** The namespace's workloads: each gets its own policy, with its own egress where it declares one. */
  readonly pods: readonly PodGroup[];
}

type Rule = kplus.k8s.NetworkPolicyEgressRule;
const portsOf = (ports: readonly NamedPort[]) => uniquePorts(ports).map((p) => ({ protocol: p.protocol ?? 'TCP', port: IntOrString.fromNumber(p.port) }));
const inNamespace = (namespace: string) => ({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } });
/**
 * The pods of one workload of another namespace, by both selectors in one peer: the pods with those labels in
 * that namespace only. The AWS network policy controller resolves such a peer to those pods' addresses, and adds
 * the ClusterIP of each Service of that namespace whose selector holds every one of these labels
 * (aws/amazon-network-policy-controller-k8s v1.1.7, pkg/resolvers/endpoints.go: listMatchingPods,
 * getMatchingServiceClusterIPs), as the client's node sees the Service's address before kube-proxy rewrites it.
 */
const podsIn = (namespace: string, podLabels: Readonly<Record<string, string>>) => ({
  ...inNamespace(namespace),
  podSelector: { matchLabels: { ...podLabels } },
});

/**
 * Default-deny for one platform namespace, then one policy per workload that selects its pods and lists
 * both directions. Out: what its namespace's add-ons declare, each port by number: its own namespace,
 * DNS, the Kubernetes API on 443 (its control-plane subnets and Service IP), other namespaces' ports (on
 * the workloads there that listen on them), the nodes' and the internet's ports, the Pod Identity agent;
 * or, for a workload that declares its own `egress`, exactly that, within the namespace's. In: its own
 * namespace (only its siblings' declared calls where every workload declares its egress), and of the ports
 * others call (the public ports, the API server's webhooks from its control-plane subnets, its clients'
 * pods by namespace and labels, an endpoint's port for the Gateway's proxy pods) only those the workload
 * declares it listens on.
 */
export class PlatformNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: PlatformNetworkPoliciesProps) {
    super(scope, id);
    const namespace = props.addOns[0].namespace;
    const net = mergedNetworkOf(props.addOns);
    const nodes = nodeRangesOf(props.cluster);
    const apiServer = controlPlaneRangesOf(props.cluster);
    const policy = (name: string, spec: kplus.k8s.NetworkPolicySpec) => new kplus.k8s.KubeNetworkPolicy(this, name, { metadata: { name, namespace }, spec });
    const all = {};

    policy('default-deny', { podSelector: all, policyTypes: ['Ingress', 'Egress'] });

    const backends = { apps: props.apps, endpoints: props.endpoints, own: props.pods.filter((g) => (g.backendPorts ?? []).length > 0) };
    const servers = props.servers ?? new Map<string, readonly PodGroup[]>();
    const unserved = net.egressToNamespaces.flatMap(({ namespace: to, ports }) =>
      ports
        .filter((p) => !(servers.get(to) ?? []).some((g) => g.ports.includes(p.port)))
        .map(
          (p) =>
            `add-on "${props.addOns.map((a) => a.name).join('", "')}": field "network.egressToNamespaces.${to}" = ${p.port}: no workload declared in namespace ${to} listens on it (its \`ports\`)`,
        ),
    );
    if (unserved.length > 0) throw new SynthError(unserved, 'a platform namespace calls a port no workload of the other namespace serves');
    const rulesOf = (needs: MergedEgress, own: Rule[], dns: boolean) => egressRulesOf(needs, own, dns, { nodes, apiServer }, backends, servers);
    // Its own namespace: the add-on's parts talk to one another (the controller to its webhook, Kibana to Elasticsearch).
    const egress = rulesOf(net, [{ to: [{ podSelector: all }] }], true);

    // Each port that others call, with who may call it; a workload's policy admits the ones it listens on.
    const gatewayPorts = props.endpoints.filter((e) => e.namespace === namespace).map((e) => ({ port: e.port, name: e.name }));
    const entrances: { port: NamedPort; from?: kplus.k8s.NetworkPolicyPeer[]; field: string }[] = [
      ...net.ingressFromAnywhere.map((port) => ({ port, field: 'network.ingressFromAnywhere' })),
      ...net.ingressFromApiServer.map((port) => ({ port, from: apiServer.map((cidr) => ({ ipBlock: { cidr } })), field: 'network.ingressFromApiServer' })),
      ...net.ingressFromClients.map((port) => ({
        port,
        from: (props.clients.get(port.port) ?? []).map((client) => podsIn(client.namespace, client.podLabels)),
        field: 'network.ingressFromClients',
      })),
      ...gatewayPorts.map((port) => ({
        port,
        from: [{ ...inNamespace(GATEWAY_PROXY_NAMESPACE), podSelector: { matchLabels: { ...GATEWAY_PROXY_POD_LABELS } } }],
        field: 'endpoints',
      })),
    ];
    const uncalled = net.ingressFromClients.filter((p) => (props.clients.get(p.port) ?? []).length === 0);
    if (uncalled.length > 0) {
      throw new SynthError(
        uncalled.map((p) => `add-on "${props.addOns.map((a) => a.name).join('", "')}": field "network.ingressFromClients" = ${p.port}: no add-on calls it`),
        'a platform port admits clients but has none',
      );
    }
    // A call no add-on of this namespace admits would be refused here, however its caller's egress reads. A port
    // open to anywhere (the proxies' public ports) admits every caller already: its rule names no peer.
    const admitted = (port: number) => [...net.ingressFromClients, ...net.ingressFromAnywhere].some((p) => p.port === port);
    const refused = [...props.clients].filter(([port]) => !admitted(port));
    if (refused.length > 0) {
      throw new SynthError(
        refused.flatMap(([port, callers]) =>
          callers.map(
            (c) =>
              `namespace ${c.namespace}, workload "${c.name}": field "egressToNamespaces.${namespace}" = ${port}: no add-on of namespace ${namespace} admits it (its \`network.ingressFromClients\`)`,
          ),
        ),
        'a platform workload calls a port the other namespace does not admit',
      );
    }
    const unheard = entrances.filter((e) => !props.pods.some((g) => g.ports.includes(e.port.port)));
    if (unheard.length > 0) {
      throw new SynthError(
        unheard.map(
          (e) =>
            `add-on "${props.addOns.map((a) => a.name).join('", "')}": field "${e.field}" = ${e.port.port}: no workload declared in namespace ${namespace} listens on it (its \`ports\`)`,
        ),
        'a platform namespace admits a port no workload serves',
      );
    }
    if (props.pods.length === 0)
      throw new SynthError([`namespace ${namespace}: its add-ons declare no workloads, so no pod of it could talk to anything`], 'no workloads');

    const widened = props.pods.flatMap((g) => (g.egress ? wideningOf(g, props.pods, net) : []));
    if (widened.length > 0) {
      throw new SynthError(
        widened.map((w) => `add-on "${props.addOns.map((a) => a.name).join('", "')}", workload "${w}`),
        "a platform workload's own egress goes beyond its namespace's",
      );
    }

    /*
     * In from its own namespace. Where every workload declares its egress, exactly the calls its siblings
     * declare, on their ports: an internet-facing proxy reaches its controller's xDS port and no other. Where
     * some do not, those may call any sibling on any port, so their siblings admit the whole namespace.
     */
    const everyOneDeclares = props.pods.every((g) => g.egress);
    const fromSiblings = (group: PodGroup): kplus.k8s.NetworkPolicyIngressRule[] => {
      if (!everyOneDeclares) return [{ from: [{ podSelector: all }] }];
      const from = (caller: PodGroup) => ({ from: [{ podSelector: { matchLabels: { ...caller.podLabels } } }] });
      return props.pods.flatMap((caller) => [
        ...(caller.egress!.egressToOwnNamespace ?? [])
          .filter((call) => call.workload === group.name)
          .map((call) => ({ ...from(caller), ports: portsOf(call.ports) })),
        // A route's backend in the proxies' own namespace (the ACME solver), as routeBackendRules lets the proxies out to it.
        ...(caller.egress!.egressToRouteBackends && (group.backendPorts ?? []).length > 0
          ? [{ ...from(caller), ports: portsOf(group.backendPorts!.map((port) => ({ port, name: group.name }))) }]
          : []),
      ]);
    };

    // One policy per workload, selecting its pods by their labels and listing both directions.
    for (const group of props.pods) {
      const ingress: kplus.k8s.NetworkPolicyIngressRule[] = fromSiblings(group);
      for (const e of entrances.filter((e) => group.ports.includes(e.port.port)))
        ingress.push({ ...(e.from ? { from: e.from } : {}), ports: portsOf([e.port]) });
      const own = group.egress;
      const out = own
        ? rulesOf(
            mergedEgressOf([own]),
            (own.egressToOwnNamespace ?? []).map((call) => ({
              to: [{ podSelector: { matchLabels: { ...props.pods.find((g) => g.name === call.workload)!.podLabels } } }],
              ports: portsOf(call.ports),
            })),
            own.dns ?? true,
          )
        : egress;
      policy(group.name, { podSelector: { matchLabels: { ...group.podLabels } }, policyTypes: ['Ingress', 'Egress'], ingress, egress: out });
    }
  }
}

/**
 * Out of a platform workload, in this order: the given rules of its own namespace, DNS, the Kubernetes
 * API on 443, other namespaces' ports, the route backends, the nodes' and the internet's ports, the Pod
 * Identity agent.
 */
function egressRulesOf(
  needs: MergedEgress,
  own: Rule[],
  dns: boolean,
  ranges: { nodes: readonly string[]; apiServer: readonly string[] },
  backends: RouteBackends,
  servers: ReadonlyMap<string, readonly PodGroup[]>,
): Rule[] {
  const egress: Rule[] = [...own];
  if (dns) {
    egress.push({
      to: [{ ...inNamespace(CLUSTER_DNS.namespace), podSelector: { matchLabels: { ...CLUSTER_DNS.podLabels } } }],
      ports: portsOf([
        { port: CLUSTER_DNS.port, protocol: 'UDP', name: 'DNS' },
        { port: CLUSTER_DNS.port, protocol: 'TCP', name: 'DNS' },
      ]),
    });
  }
  if (needs.egressApiServer) {
    egress.push({
      to: [...ranges.apiServer, ...KUBERNETES_SERVICE_IPS].map((cidr) => ({ ipBlock: { cidr } })),
      ports: portsOf([{ port: KUBERNETES_API_PORT, name: 'API server' }]),
    });
  }
  // Each called port, to the workloads of that namespace that listen on it.
  for (const { namespace: to, ports } of needs.egressToNamespaces) {
    for (const server of servers.get(to) ?? []) {
      const served = ports.filter((p) => server.ports.includes(p.port));
      if (served.length > 0) egress.push({ to: [podsIn(to, server.podLabels)], ports: portsOf(served) });
    }
  }
  if (needs.egressToRouteBackends) egress.push(...routeBackendRules(backends));
  if (needs.egressNodes.length > 0) egress.push({ to: ranges.nodes.map((cidr) => ({ ipBlock: { cidr } })), ports: portsOf(needs.egressNodes) });
  if (needs.egressInternet.length > 0)
    egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...NON_PUBLIC_RANGES] } }], ports: portsOf(needs.egressInternet) });
  if (needs.awsCredentials)
    egress.push({ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: portsOf([{ port: POD_IDENTITY_AGENT.port, name: 'Pod Identity agent' }]) });
  return egress;
}

/**
 * What a workload's own egress opens beyond its namespace's, or names wrongly, one line each, starting
 * with the workload's name: a call its namespace's add-ons do not declare, a workload of its namespace
 * that is not there, a port that workload does not listen on.
 */
function wideningOf(group: PodGroup, pods: readonly PodGroup[], net: MergedNetwork): string[] {
  const own = mergedEgressOf([group.egress!]);
  const at = (field: string, value: unknown, why: string) => `${group.name}": field "egress.${field}" = ${value}: ${why}`;
  const key = (p: NamedPort) => `${p.port}/${p.protocol ?? 'TCP'}`;
  const beyond = (field: string, mine: readonly NamedPort[], theirs: readonly NamedPort[]) =>
    mine.filter((p) => !theirs.some((q) => key(q) === key(p))).map((p) => at(field, key(p), "its namespace's add-ons do not declare it"));
  const flags = (['egressApiServer', 'egressToRouteBackends', 'awsCredentials'] as const)
    .filter((f) => own[f] && !net[f])
    .map((f) => at(f, true, "its namespace's add-ons do not declare it"));
  const namespaces = own.egressToNamespaces.flatMap(({ namespace, ports }) =>
    beyond(`egressToNamespaces.${namespace}`, ports, net.egressToNamespaces.find((n) => n.namespace === namespace)?.ports ?? []),
  );
  const inside = (group.egress!.egressToOwnNamespace ?? []).flatMap(({ workload, ports }) => {
    const target = pods.find((g) => g.name === workload);
    if (!target) return [at('egressToOwnNamespace', workload, `no workload of namespace ${group.namespace} has that name`)];
    return ports
      .filter((p) => !target.ports.includes(p.port))
      .map((p) => at(`egressToOwnNamespace.${workload}`, p.port, 'that workload does not listen on it (its `ports`)'));
  });
  return [
    ...flags,
    ...namespaces,
    ...beyond('egressNodes', own.egressNodes, net.egressNodes),
    ...beyond('egressInternet', own.egressInternet, net.egressInternet),
    ...inside,
  ];
}

/**
 * Per port of `namespace`, the workloads of other platform namespaces that call it, by namespace and name: each
 * whose own egress names the port, and each without one whose namespace's add-ons do (`egressToNamespaces`).
 * A pod of those namespaces that is none of these workloads is not a client.
 */
export function clientsOf(namespace: string, addOns: readonly AddOn[], podsOf: ReadonlyMap<string, readonly PodGroup[]>): Map<number, PodGroup[]> {
  const clients = new Map<number, PodGroup[]>();
  for (const [other, pods] of [...podsOf].filter(([ns]) => ns !== namespace)) {
    const net = mergedNetworkOf(addOns.filter((a) => a.namespace === other));
    for (const group of pods) {
      for (const call of ((group.egress ?? net).egressToNamespaces ?? []).filter((c) => c.namespace === namespace)) {
        for (const { port } of call.ports) {
          const callers = clients.get(port) ?? clients.set(port, []).get(port)!;
          if (!callers.includes(group)) callers.push(group);
        }
      }
    }
  }
  const order = (a: PodGroup, b: PodGroup) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
  return new Map([...clients].map(([port, callers]) => [port, callers.sort(order)]));
}

/** What the Gateway's routes send to: the apps, the platform endpoints, and workloads of the proxies' own namespace. */
interface RouteBackends {
  readonly apps: readonly ResolvedApp[];
  readonly endpoints: readonly PlatformEndpoint[];
  /** The workloads of its own namespace with `backend` ports. */
  readonly own: readonly PodGroup[];
}

/**
 * The Gateway's proxies to every route's backend: each app's pods on its port, each workload of their own
 * namespace on its backend ports, each endpoint's pods on its port.
 */
function routeBackendRules({ apps, endpoints, own }: RouteBackends): Rule[] {
  const toApps = [...apps]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((app) => ({
      to: [{ ...inNamespace(namespaceOf(app.name)), podSelector: { matchLabels: selectorLabelsOf(app.name) } }],
      ports: portsOf([{ port: app.port, name: app.name }]),
    }));
  const toOwn = own.map((g) => ({
    to: [{ podSelector: { matchLabels: { ...g.podLabels } } }],
    ports: portsOf((g.backendPorts ?? []).map((port) => ({ port, name: g.name }))),
  }));
  const toEndpoints = [...endpoints]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((e) => ({
      to: [{ ...inNamespace(e.namespace), podSelector: { matchLabels: { ...e.podLabels } } }],
      ports: portsOf([{ port: e.port, name: e.name }]),
    }));
  return [...toApps, ...toOwn, ...toEndpoints];
}

type MergedEgress = Required<Omit<EgressNeeds, 'egressApiServer' | 'egressToRouteBackends' | 'awsCredentials'>> &
  Pick<EgressNeeds, 'egressApiServer' | 'egressToRouteBackends' | 'awsCredentials'>;
type MergedNetwork = MergedEgress & Required<Pick<AddOnNetwork, 'ingressFromAnywhere' | 'ingressFromApiServer' | 'ingressFromClients'>>;

/** The needs of every add-on in one namespace, together. */
export function mergedNetworkOf(addOns: readonly AddOn[]): MergedNetwork {
  const nets = addOns.map((a) => a.network);
  const ports = (pick: (n: AddOnNetwork) => readonly NamedPort[] | undefined) => nets.flatMap((n) => pick(n) ?? []);
  return {
    ingressFromAnywhere: ports((n) => n.ingressFromAnywhere),
    ingressFromApiServer: ports((n) => n.ingressFromApiServer),
    ingressFromClients: ports((n) => n.ingressFromClients),
    ...mergedEgressOf(nets),
  };
}

/** Egress needs together: other namespaces' ports by namespace, sorted; the flags if any sets them. */
function mergedEgressOf(needs: readonly EgressNeeds[]): MergedEgress {
  const ports = (pick: (n: EgressNeeds) => readonly NamedPort[] | undefined) => needs.flatMap((n) => pick(n) ?? []);
  const byNamespace = new Map<string, NamedPort[]>();
  for (const { namespace, ports: p } of needs.flatMap((n) => n.egressToNamespaces ?? []))
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), ...p]);
  return {
    egressApiServer: needs.some((n) => n.egressApiServer),
    egressToNamespaces: [...byNamespace.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([namespace, ports]) => ({ namespace, ports })),
    egressToRouteBackends: needs.some((n) => n.egressToRouteBackends),
    egressNodes: ports((n) => n.egressNodes),
    egressInternet: ports((n) => n.egressInternet),
    awsCredentials: needs.some((n) => n.awsCredentials),
  };
}

/** Each (protocol, port) once, ordered by port (as declared where the port is the same). */
function uniquePorts(ports: readonly NamedPort[]): NamedPort[] {
  const seen = new Map<string, NamedPort>();
  for (const p of ports) if (!seen.has(`${p.port}/${p.protocol ?? 'TCP'}`)) seen.set(`${p.port}/${p.protocol ?? 'TCP'}`, p);
  return [...seen.values()].sort((a, b) => a.port - b.port);
}
