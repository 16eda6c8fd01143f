import * as kplus from 'cdk8s-plus-28';
import { IntOrString } from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { GATEWAY_PROXY_NAMESPACE } from '../model/naming';
import { POD_IDENTITY_AGENT } from '../model/network-ranges';
import type { AddOn } from './add-on';

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
/** The node metadata endpoint: no pod may reach it (Pod Identity is the only credential path). */
const METADATA = '169.254.169.254/32';
const tcp = (port: number) => ({ protocol: 'TCP', port: IntOrString.fromNumber(port) });

/**
 * Default-deny for one add-on's namespace, then only what it declares: DNS, its own namespace, the
 * Kubernetes API (private addresses, 443), and the ingress ports and egress it lists. `gatewayPorts`
 * (its internal endpoints' ports) admit the Gateway's proxies only.
 */
export class PlatformNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, addOn: AddOn, gatewayPorts: readonly number[] = []) {
    super(scope, id);
    const namespace = addOn.namespace;
    const net = addOn.network;
    const policy = (name: string, spec: kplus.k8s.NetworkPolicySpec) => new kplus.k8s.KubeNetworkPolicy(this, name, { metadata: { name, namespace }, spec });
    const all = {};

    policy('default-deny', { podSelector: all, policyTypes: ['Ingress', 'Egress'] });
    policy('allow-same-namespace', {
      podSelector: all,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: all }] }],
      egress: [{ to: [{ podSelector: all }] }],
    });
    const egress: kplus.k8s.NetworkPolicyEgressRule[] = [
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: IntOrString.fromNumber(53) }, tcp(53)],
      },
      { to: PRIVATE_RANGES.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(443)] },
    ];
    if (net.egressCluster) egress.push({ to: PRIVATE_RANGES.map((cidr) => ({ ipBlock: { cidr } })) });
    if (net.egressInternetPorts?.length) {
      egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_RANGES, METADATA] } }], ports: net.egressInternetPorts.map(tcp) });
    }
    if (net.awsCredentials) egress.push({ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [tcp(POD_IDENTITY_AGENT.port)] });
    policy('allow-egress', { podSelector: all, policyTypes: ['Egress'], egress });
    if (net.ingressPorts?.length) {
      policy('allow-ingress-ports', { podSelector: all, policyTypes: ['Ingress'], ingress: [{ ports: net.ingressPorts.map(tcp) }] });
    }
    if (net.ingressFromNamespaces?.length) {
      policy('allow-from-clients', {
        podSelector: all,
        policyTypes: ['Ingress'],
        ingress: net.ingressFromNamespaces.map(({ port, namespaces }) => ({
          from: [...namespaces].sort().map((ns) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } })),
          ports: [tcp(port)],
        })),
      });
    }
    if (gatewayPorts.length) {
      policy('allow-from-gateway', {
        podSelector: all,
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY_PROXY_NAMESPACE } } }],
            ports: [...new Set(gatewayPorts)].sort((a, b) => a - b).map(tcp),
          },
        ],
      });
    }
  }
}
