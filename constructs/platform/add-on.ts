import type { Construct } from 'constructs';
import type { ClusterSpec } from '../model/cluster-spec';
import type { ResolvedApp } from '../model/resolve';
import type { GatewayLayout } from '../model/gateway-layout';
import type { ChartWorkload } from './chart-workload';
import type { EgressNeeds, NamedPort, WorkloadEgress } from './network-needs';

export type { NamedPort, NamespacePorts } from './network-needs';

/** Where a chart comes from, pinned to one exact version. */
export interface ChartSource {
  /** `https://…` for a Helm repository, `oci://…` for an OCI registry (the chart's parent path). */
  readonly repository: string;
  readonly chart: string;
  /** An exact version; ranges are refused. */
  readonly version: string;
}

/**
 * What an add-on needs from the network. DNS and traffic inside its own namespace are always allowed;
 * everything else is denied unless listed here, each port with its name. No field opens every port.
 * Its egress is that of each workload of its namespace that declares none of its own (`ChartWorkload.egress`).
 */
export interface AddOnNetwork extends EgressNeeds {
  /** Ports open to any source: the public proxy behind the load balancer. */
  readonly ingressFromAnywhere?: readonly NamedPort[];
  /** Ports the API server calls (admission webhooks, an APIService), admitted from its control-plane subnets, where its private endpoint sits. */
  readonly ingressFromApiServer?: readonly NamedPort[];
  /**
   * Ports that accept traffic only from its clients: the workloads of other platform namespaces that call the
   * port (their own `egress`, or else their namespace's `egressToNamespaces`), each admitted by its namespace and
   * its pods' labels, not the whole namespace. The platform finds them; no add-on names another's namespace.
   */
  readonly ingressFromClients?: readonly NamedPort[];
}

/**
 * A platform UI (e.g. Kibana) served through the shared Gateway as an internal route: its own HTTPS
 * listener and certificate, the staff login of internal apps, a rate limit and a body cap.
 */
export interface PlatformEndpoint {
  /** Names its HTTPRoute and policies; unique in the cluster. */
  readonly name: string;
  readonly namespace: string;
  /** Under the cluster's domain; no app may serve it. */
  readonly host: string;
  /** The ClusterIP Service in `namespace` the Gateway sends requests to, and its port. */
  readonly service: string;
  readonly port: number;
  /** The labels of the pods behind `service`: the proxies' egress reaches those pods only, not the whole namespace. */
  readonly podLabels: Readonly<Record<string, string>>;
  /**
   * The Service speaks HTTPS: the Gateway verifies its certificate for `hostname` against the `ca.crt`
   * of `caSecret` (in `namespace`). @default plain HTTP
   */
  readonly backendTls?: { readonly caSecret: string; readonly hostname: string };
}

/** An add-on class, named where one add-on needs another: by reference, so a renamed add-on keeps its links. */
export type AddOnKind = abstract new (...args: never[]) => AddOn;

export interface AddOnContext {
  readonly cluster: ClusterSpec;
  readonly apps: readonly ResolvedApp[];
  /** Every add-on's internal endpoints, for the Gateway's listeners and the certificates; the platform fills it in. @default [] */
  readonly endpoints?: readonly PlatformEndpoint[];
  /** Where each host is served (Gateway, listener, certificate), from the committed ledger; synth fills it in. @default computed afresh */
  readonly gateways?: GatewayLayout;
}

/**
 * One platform component. Each add-on file declares its pinned chart as module-level defaults, merges
 * user props over them, and names the add-ons it needs; a missing or circular dependency fails synth.
 */
export interface AddOn {
  /** Unique name; also the HelmRelease's name. */
  readonly name: string;
  readonly namespace: string;
  readonly chart: ChartSource;
  /** The add-ons that must be installed first (their CRDs or webhooks). */
  readonly dependsOn: readonly AddOnKind[];
  readonly network: AddOnNetwork;
  /**
   * What its chart's ClusterRoles let its controllers do across the cluster, in one line, read from the
   * chart's templates at the pinned version; dist/<env>/access.md lists it. "none" if it has no ClusterRole.
   */
  readonly clusterRights: string;
  /** Helm values for this cluster. */
  values(ctx: AddOnContext): Record<string, unknown>;
  /**
   * Every workload its chart and its operator render, with the settings each pod gets and the values
   * keys that set them. Its namespace enforces the most permissive Pod Security level among them.
   */
  workloads(ctx: AddOnContext): readonly ChartWorkload[];
  /** How long Helm waits for the release's workloads to be ready before it fails (and Flux rolls it back). @default Flux's 5m */
  releaseTimeout?(ctx: AddOnContext): string;
  /** Installed only where this holds, e.g. when an app of the cluster asks for it. @default always */
  neededBy?(ctx: AddOnContext): boolean;
  /**
   * `services` add-ons run on what the configs layer creates (Elasticsearch, synced Secrets), so Flux
   * installs their chart after it; otherwise the controllers layer would wait on them forever.
   * @default 'controllers'
   */
  readonly layer?: 'controllers' | 'services';
  /** Its namespace may read the secret store (the ClusterSecretStore's namespace condition). */
  readonly usesSecretStore?: boolean;
  /** The shared-store keys (below webapps/<env>/platform/) it reads, by namespace; the admission guard allows exactly these. */
  storeKeys?(ctx: AddOnContext): Readonly<Record<string, readonly string[]>>;
  /** Custom resources the component reads; applied after every chart is ready. */
  configure?(scope: Construct, ctx: AddOnContext): void;
  /**
   * Credentials that the world outside the cluster must issue before they are ready: a certificate the
   * CA signs once the host's DNS points here, a person's password someone puts in the store. Flux
   * applies them after the configs layer, in a layer nothing depends on: one that is not issued yet
   * shows as that layer not ready, and holds up no release (flux-entry.ts).
   */
  credentials?(scope: Construct, ctx: AddOnContext): void;
  /**
   * One-shot work on what `configure` created, done before any `services` chart starts (the
   * Elasticsearch templates before the first log line): the setup layer, which Flux applies with
   * `force` (a Job is recreated when it changes) and waits on.
   */
  setup?(scope: Construct, ctx: AddOnContext): void;
  /** Its UIs that staff reach through the Gateway, behind the login of internal apps. @default none */
  endpoints?(ctx: AddOnContext): readonly PlatformEndpoint[];
  /**
   * The egress of the pods its own objects run in its namespace (its setup Jobs), by object name, as
   * `ChartWorkload.egress` is for its chart's: within its namespace's, and a name no such object has fails synth.
   * @default none: each gets its namespace's
   */
  ownPodEgress?(ctx: AddOnContext): Readonly<Record<string, WorkloadEgress>>;
}

/** The pinned defaults every add-on file declares at module level. */
export interface AddOnDefaults {
  readonly name: string;
  readonly namespace: string;
  readonly chart: ChartSource;
}

/** The common part of an add-on: user props merged over its module-level defaults. */
export abstract class HelmAddOn<D extends AddOnDefaults = AddOnDefaults> implements AddOn {
  readonly name: string;
  readonly namespace: string;
  readonly chart: ChartSource;
  abstract readonly dependsOn: readonly AddOnKind[];
  abstract readonly network: AddOnNetwork;
  abstract readonly clusterRights: string;
  protected readonly props: D;

  constructor(defaults: D, props: Partial<D>) {
    this.props = { ...defaults, ...props };
    this.name = this.props.name;
    this.namespace = this.props.namespace;
    this.chart = this.props.chart;
  }

  abstract values(ctx: AddOnContext): Record<string, unknown>;
  abstract workloads(ctx: AddOnContext): readonly ChartWorkload[];
}
