/**
 * What an add-on's chart (or the operator it installs) runs: every workload, with the settings each pod
 * must have and where the chart reads them. The add-on's Helm values are generated from these
 * declarations, so a chart's key names live in one place, and the policy rules judge every pod that will
 * run, not only the ones we write.
 */
import type { WorkloadEgress } from './network-needs';

/** The Pod Security Standards levels (kubernetes.io/docs/concepts/security/pod-security-standards). */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];

/**
 * What a workload does. `controller`, `webhook` and `data-plane` serve requests of others (the API
 * server, the Gateway's clients), so they run at least 2 replicas spread over zones.
 */
export type WorkloadRole = 'controller' | 'webhook' | 'data-plane' | 'daemon' | 'job' | 'ui' | 'datastore';
export const REQUEST_PATH_ROLES: readonly WorkloadRole[] = ['webhook', 'data-plane'];

export type Quantity = string;

export interface ContainerResources {
  readonly requests: { readonly cpu: Quantity; readonly memory: Quantity; readonly 'ephemeral-storage'?: Quantity };
  readonly limits: { readonly memory: Quantity; readonly cpu?: Quantity; readonly 'ephemeral-storage'?: Quantity };
}

/** The subset of a container securityContext that the platform sets and Pod Security judges. */
export interface ContainerSecurity {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly readOnlyRootFilesystem?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly privileged?: boolean;
  readonly capabilities?: { readonly drop?: readonly string[]; readonly add?: readonly string[] };
  readonly seccompProfile?: { readonly type: 'RuntimeDefault' | 'Localhost' | 'Unconfined'; readonly localhostProfile?: string };
}

export interface PodSecurity {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly fsGroup?: number;
  readonly supplementalGroups?: readonly number[];
  readonly seccompProfile?: { readonly type: 'RuntimeDefault' | 'Localhost' | 'Unconfined'; readonly localhostProfile?: string };
}

export interface ContainerSettings {
  readonly securityContext: ContainerSecurity;
  readonly resources: ContainerResources;
  /** An init container: it runs before the others, one at a time, so its requests are not added to theirs. @default false */
  readonly init?: true;
}

/** A disruption budget: exactly one of the two. */
export type DisruptionBudget = { readonly maxUnavailable: number | string } | { readonly minAvailable: number | string };

/** How many pods: fixed, or the range an HPA moves in. A DaemonSet has one per node (`perNode`). */
export type Replicas = number | { readonly min: number; readonly max: number } | 'perNode';

/** The settings a workload's pods get from us. */
export interface WorkloadSettings {
  readonly replicas: Replicas;
  readonly podSecurityContext: PodSecurity;
  /** By container name, init containers included. */
  readonly containers: Readonly<Record<string, ContainerSettings>>;
  /** None for a single pod that may simply be evicted, a DaemonSet, or a Job. */
  readonly disruptionBudget?: DisruptionBudget;
  /** Empty only with an exemption that says why. */
  readonly priorityClassName: string;
  /** Spread over zones and nodes (topologySpreadConstraints on the pod labels). @default false */
  readonly spread?: boolean;
  /** `false`: the pod gets no service account token, for a program that never calls the API server. @default the chart's (mounted) */
  readonly automountServiceAccountToken?: false;
}

/**
 * What the chart renders whatever our values say and Pod Security judges: host access. Anything the
 * declared level forbids must be listed here, so the level is a claim that the rules check.
 */
export interface ChartPodTraits {
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostPathVolumes?: readonly string[];
  readonly hostPorts?: readonly number[];
  /** Containers the chart runs privileged. */
  readonly privilegedContainers?: readonly string[];
  /** Capabilities the chart adds, by container. */
  readonly addedCapabilities?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Where the chart reads each setting, as dot paths into the values (`controller.podSecurityContext`).
 * A setting with no key is applied by a post-renderer patch of the HelmRelease instead; an operator's
 * workload (`managedBy`) takes its settings from the custom resource it is rendered from.
 */
export interface WorkloadValueKeys {
  readonly replicas?: string;
  readonly podSecurityContext?: string;
  /** By container name. */
  readonly containers?: Readonly<Record<string, { readonly securityContext?: string; readonly resources?: string }>>;
  /**
   * The object holding `minAvailable`/`maxUnavailable`; `enabledFlag` when the chart also wants
   * `enabled: true`; `defaultBound` when the chart's defaults set a bound that its template renders
   * beside ours. Helm would drop it only for a null, which cdk8s never writes, so the declaration must
   * use that same bound. `unhealthyPodEvictionPolicy` when the chart has that key: the budget then lets
   * a pod that is not ready be evicted (UNHEALTHY_POD_EVICTION), as every budget we write does.
   */
  readonly disruptionBudget?: {
    readonly path: string;
    readonly enabledFlag?: boolean;
    readonly defaultBound?: 'minAvailable' | 'maxUnavailable';
    readonly unhealthyPodEvictionPolicy?: boolean;
  };
  readonly priorityClassName?: string;
  readonly topologySpreadConstraints?: string;
}

/**
 * A port a workload listens on, and why; `webhook` ports must be reachable by the API server. `backend`:
 * a backend of the Gateway's routes in the Gateway's own namespace (the HTTP-01 solver), which the
 * proxies reach as one of their route backends.
 */
export interface WorkloadPort {
  readonly port: number;
  readonly purpose: 'webhook' | 'metrics' | 'serving' | 'health' | 'backend';
}

/** One workload an add-on's chart, or the operator it installs, renders. */
export interface ChartWorkload {
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'Pod';
  /** `metadata.name` as rendered with our values (an operator's generated name may end in a hash: its prefix). */
  readonly name: string;
  /** @default the add-on's namespace */
  readonly namespace?: string;
  readonly role: WorkloadRole;
  /** The labels of its pods, as the chart renders them (its selector labels). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The Pod Security level its pods meet. */
  readonly podSecurity: PodSecurityLevel;
  /** Why it cannot be `restricted`; required when it is not. */
  readonly podSecurityReason?: string;
  readonly settings: WorkloadSettings;
  readonly traits?: ChartPodTraits;
  /** Where the chart's values set each setting; absent for an operator's workload (`managedBy`). */
  readonly keys?: WorkloadValueKeys;
  /** The custom resource an operator renders it from, e.g. `EnvoyProxy envoy-gateway-system/public-proxy`. */
  readonly managedBy?: string;
  readonly ports?: readonly WorkloadPort[];
  /**
   * What its pods call, where it needs less than its namespace's add-ons declare (`AddOnNetwork`): its
   * NetworkPolicy then lets out exactly this. Each field must stay within the namespace's.
   * @default the egress of its namespace's add-ons, together
   */
  readonly egress?: WorkloadEgress;
  /**
   * A Helm hook (a Job the chart runs before or after install). Helm post-renders hooks only since
   * 3.21 and 4.0, and the helm-controller's Helm is whatever Flux version the cluster runs: so each
   * of a hook's settings needs a values key.
   */
  readonly hook?: boolean;
  /** Settings the chart offers no way to set, each with the reason it is acceptable. */
  readonly exemptions?: Readonly<Partial<Record<'priorityClassName', string>>>;
}

/** A declared workload with the add-on it belongs to and its namespace resolved. */
export interface DeclaredWorkload {
  readonly addOn: string;
  readonly namespace: string;
  readonly workload: ChartWorkload;
}
