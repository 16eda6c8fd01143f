/**
 * What platform pods call, as data: the ports a policy opens, each with its name, and the egress an add-on
 * (for its whole namespace) or one workload (narrowing its namespace's) declares. PlatformNetworkPolicies
 * turns them into rules.
 */

/** A port a policy opens, and what is there: every port a platform policy names says why. */
export interface NamedPort {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
  /** What listens or is called there, e.g. `webhook`, `kubelet`, `ACME`. */
  readonly name: string;
}

/** Ports in another namespace that an add-on calls. */
export interface NamespacePorts {
  readonly namespace: string;
  readonly ports: readonly NamedPort[];
}

/** What pods call outside their own namespace, beyond DNS. Each field opens nothing when absent. */
export interface EgressNeeds {
  /** It calls the Kubernetes API: its private endpoint in the VPC and the `kubernetes` Service, on 443. */
  readonly egressApiServer?: boolean;
  /** Ports it calls in other platform namespaces: it reaches the workloads there that listen on them, and one that none listens on fails synth. */
  readonly egressToNamespaces?: readonly NamespacePorts[];
  /**
   * The Gateway's proxies: each app's pods on the app's port, each platform endpoint's namespace on its port,
   * each workload of their own namespace on its `backend` ports (the HTTP-01 solver).
   */
  readonly egressToRouteBackends?: boolean;
  /** Ports on the nodes' subnets (vpc-layout.ts nodeRangesOf), e.g. the kubelet: not the rest of the VPC, where databases live. */
  readonly egressNodes?: readonly NamedPort[];
  /** Ports on the public internet (AWS APIs, ACME, the OIDC issuer). Never private or link-local addresses. */
  readonly egressInternet?: readonly NamedPort[];
  /** Needs AWS credentials from the EKS Pod Identity agent on its node. */
  readonly awsCredentials?: boolean;
}

/** Ports of another workload of the same namespace, by its name (the name its NetworkPolicy has). */
export interface WorkloadPorts {
  readonly workload: string;
  readonly ports: readonly NamedPort[];
}

/**
 * The egress of one workload, where the workloads of a namespace need different things: its policy then
 * lets out exactly this, instead of its namespace's. Each field must stay within what the namespace's
 * add-ons declare (synth refuses one that widens it); an absent field opens nothing, DNS aside.
 */
export interface WorkloadEgress extends EgressNeeds {
  /** The cluster's DNS (CoreDNS, 53 UDP and TCP). @default true */
  readonly dns?: boolean;
  /** Ports of other workloads in its own namespace; without this field it reaches none of them. */
  readonly egressToOwnNamespace?: readonly WorkloadPorts[];
}
