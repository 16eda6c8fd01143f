import type { Construct } from 'constructs';
import type { ClusterSpec } from '../model/cluster-spec';
import type { ResolvedApp } from '../model/resolve';

/** Where a chart comes from, pinned to one exact version. */
export interface ChartSource {
  /** `https://…` for a Helm repository, `oci://…` for an OCI registry (the chart's parent path). */
  readonly repository: string;
  readonly chart: string;
  /** An exact version; ranges are refused. */
  readonly version: string;
}

/**
 * What an add-on needs from the network. DNS, traffic inside its own namespace and the Kubernetes API
 * are always allowed; everything else is denied unless listed here.
 */
export interface AddOnNetwork {
  /** Ports that accept traffic from anywhere (webhooks called by the API server, the public proxy). */
  readonly ingressPorts?: readonly number[];
  /** Ports it may reach on the public internet (AWS APIs, ACME). Never the node metadata endpoint. */
  readonly egressInternetPorts?: readonly number[];
  /** Any port on the cluster's private network (app pods, kubelets). */
  readonly egressCluster?: boolean;
  /** Needs AWS credentials from the EKS Pod Identity agent on its node. */
  readonly awsCredentials?: boolean;
}

export interface AddOnContext {
  readonly cluster: ClusterSpec;
  readonly apps: readonly ResolvedApp[];
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
  /** Names of add-ons that must be installed first (their CRDs or webhooks). */
  readonly dependsOn: readonly string[];
  /** Pod Security level its namespace enforces. */
  readonly podSecurity: 'restricted' | 'baseline' | 'privileged';
  readonly network: AddOnNetwork;
  /** Helm values for this cluster. */
  values(ctx: AddOnContext): Record<string, unknown>;
  /** Installed only where this holds, e.g. when an app of the cluster asks for it. @default always */
  neededBy?(ctx: AddOnContext): boolean;
  /** Custom resources the component reads; applied after every chart is ready. */
  configure?(scope: Construct, ctx: AddOnContext): void;
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
  abstract readonly dependsOn: readonly string[];
  abstract readonly podSecurity: AddOn['podSecurity'];
  abstract readonly network: AddOnNetwork;
  protected readonly props: D;

  constructor(defaults: D, props: Partial<D>) {
    this.props = { ...defaults, ...props };
    this.name = this.props.name;
    this.namespace = this.props.namespace;
    this.chart = this.props.chart;
  }

  abstract values(ctx: AddOnContext): Record<string, unknown>;
}
