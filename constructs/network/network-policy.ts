import type { KubeObject } from '../model/kube-object';
import type { LabelSelector } from '../model/label-selector';
import type { Protocol } from './port-set';

/** One `from`/`to` entry. With both selectors, the pods matching podSelector in the namespaces matching namespaceSelector. */
export interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

/** One port entry: no `port` means every port of the protocol; a string port is a container port's name. */
export interface PolicyPort {
  readonly protocol: Protocol;
  readonly port?: number | string;
  readonly endPort?: number;
}

/** One ingress or egress rule. `peers` undefined or empty: every source or destination; `ports` likewise every port. */
export interface PolicyRule {
  readonly peers?: readonly PolicyPeer[];
  readonly ports?: readonly PolicyPort[];
}

/** A NetworkPolicy with its policyTypes defaulted the way the API server does. */
export interface NetworkPolicyView {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** It isolates the pods it selects for ingress; `ingress` lists what it lets in. */
  readonly isolatesIngress: boolean;
  readonly isolatesEgress: boolean;
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
}

interface RawRule {
  readonly from?: PolicyPeer[];
  readonly to?: PolicyPeer[];
  readonly ports?: { protocol?: Protocol; port?: number | string; endPort?: number }[];
}
interface RawSpec {
  readonly podSelector?: LabelSelector;
  readonly policyTypes?: string[];
  readonly ingress?: RawRule[];
  readonly egress?: RawRule[];
}

/**
 * Every NetworkPolicy among the objects. Without policyTypes, a policy is an Ingress policy, and an
 * Egress one as well when it has egress rules (k8s.io/kubernetes pkg/apis/networking/v1/defaults.go,
 * SetDefaults_NetworkPolicySpec).
 */
export function networkPoliciesOf(objects: readonly KubeObject[]): NetworkPolicyView[] {
  return objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => {
      const spec = (o.spec ?? {}) as RawSpec;
      const types = spec.policyTypes?.length ? spec.policyTypes : ['Ingress', ...((spec.egress ?? []).length > 0 ? ['Egress'] : [])];
      const rule = (r: RawRule, peers: PolicyPeer[] | undefined): PolicyRule => ({
        peers,
        ports: r.ports?.map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.port, endPort: p.endPort })),
      });
      return {
        namespace: o.metadata.namespace ?? 'default',
        name: o.metadata.name,
        podSelector: spec.podSelector ?? {},
        isolatesIngress: types.includes('Ingress'),
        isolatesEgress: types.includes('Egress'),
        ingress: (spec.ingress ?? []).map((r) => rule(r, r.from)),
        egress: (spec.egress ?? []).map((r) => rule(r, r.to)),
      };
    });
}
