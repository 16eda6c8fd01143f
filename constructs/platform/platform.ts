import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AccessClusterRoles } from '../access/cluster-roles';
import { fluxReconcileGuardRule } from '../access/flux-reconcile-guard';
import { serviceAccountGuardRule } from '../access/service-account-guard';
import { restartAndScaleGuardRule } from '../access/restart-and-scale-guard';
import { execGuardRule } from '../access/exec-guard';
import { cronJobSuspendGuardRule } from '../access/cronjob-suspend-guard';
import { POD_SECURITY_REASON_ANNOTATION } from '../model/naming';
import type { AddOn, AddOnContext } from './add-on';
import { AdmissionPolicy } from '../blocks/admission-policy';
import { namespaceLevelOf } from './namespace-level';
import { declaredWorkloadsOf } from './declared-workloads';
import { SECRET_CONSUMER_LABEL } from '../model/naming';
import { dependencyNamesOf } from './add-on-order';
import { FluxHelmRelease } from './helm-release';
import { InternalEndpoint, platformEndpointsOf } from './internal-endpoint';
import { clientsOf, PlatformNetworkPolicies } from './platform-network-policies';
import { podGroupsOf, type PodGroup } from './pod-groups';
import { PlatformLimitRange } from './platform-limit-range';
import { PriorityClasses } from './priority-classes';
import { PublicSurfaceGuard } from './public-surface-guard';
import { routeHostGuardRule } from '../access/route-host-guard';
import { clusterGatewaysOf } from './cluster-gateways';
import { usesMountpoint } from '../model/mountpoint-pods';
import { MountpointNetworkPolicies } from './mountpoint-network-policies';

export interface PlatformProps {
  readonly ctx: AddOnContext;
  /** In install order. */
  readonly addOns: readonly AddOn[];
  /** The pods our own objects run in platform namespaces (the configs layer's jobs), for their network policies. @default [] */
  readonly ownPods?: readonly PodGroup[];
}

const layerOf = (addOn: AddOn) => addOn.layer ?? 'controllers';

/** Every add-on's shared-store keys, merged by namespace. */
export function platformStoreKeysOf(props: PlatformProps): Record<string, string[]> {
  const keys: Record<string, string[]> = {};
  for (const addOn of props.addOns) {
    for (const [ns, list] of Object.entries(addOn.storeKeys?.(props.ctx) ?? {})) keys[ns] = [...new Set([...(keys[ns] ?? []), ...list])].sort();
  }
  return keys;
}

/**
 * The platform's controllers: every add-on's namespace and NetworkPolicies (and mount-s3's, where the cluster
 * holds Mountpoint volumes), the Flux HelmReleases of the controllers, the PriorityClasses, the access model's
 * cluster-wide roles and the admission guards.
 * Flux applies this layer first and waits for it; each app's own part of it (namespace, volumes, fences,
 * RBAC) is in a file of its own beside it, tenants/<app>.yaml.
 */
export class PlatformControllers extends Chart {
  constructor(scope: Construct, id: string, props: PlatformProps) {
    super(scope, id, { disableResourceNameHashes: true });
    new PriorityClasses(this, 'PriorityClasses');
    new AccessClusterRoles(this, 'Access');
    new PublicSurfaceGuard(this, 'PublicSurfaceGuard', props.ctx.cluster, platformStoreKeysOf(props));
    new AdmissionPolicy(this, 'ServiceAccountGuard', serviceAccountGuardRule());
    new AdmissionPolicy(this, 'FluxReconcileGuard', fluxReconcileGuardRule());
    new AdmissionPolicy(this, 'RouteHostGuard', routeHostGuardRule());
    new AdmissionPolicy(this, 'RestartAndScaleGuard', restartAndScaleGuardRule());
    new AdmissionPolicy(this, 'CronJobSuspendGuard', cronJobSuspendGuardRule());
    new AdmissionPolicy(this, 'ExecGuard', execGuardRule());
    if (usesMountpoint(props.ctx.cluster, props.ctx.apps)) new MountpointNetworkPolicies(this, 'mount-s3-network');
    const endpoints = platformEndpointsOf(props.ctx, props.addOns);
    // Every platform namespace's workloads, each with the egress it declares: the clients of a namespace and the servers its calls reach.
    const declared = declaredWorkloadsOf(props.addOns, props.ctx);
    const podsOf = new Map(
      [...new Set(props.addOns.map((a) => a.namespace))].map((ns) => {
        const sharing = props.addOns.filter((a) => a.namespace === ns);
        return [ns, podGroupsOf(ns, declared, props.ownPods ?? [], Object.assign({}, ...sharing.map((a) => a.ownPodEgress?.(props.ctx) ?? {})))];
      }),
    );
    const namespaces = new Set<string>();
    for (const addOn of props.addOns) {
      if (!namespaces.has(addOn.namespace)) {
        namespaces.add(addOn.namespace);
        const sharing = props.addOns.filter((a) => a.namespace === addOn.namespace);
        const served = endpoints.filter((e) => e.namespace === addOn.namespace);
        const level = namespaceLevelOf(addOn.namespace, declaredWorkloadsOf(sharing, props.ctx));
        new kplus.Namespace(this, `${addOn.namespace}-namespace`, {
          metadata: {
            name: addOn.namespace,
            labels: {
              'app.kubernetes.io/part-of': 'platform',
              'pod-security.kubernetes.io/enforce': level.level,
              'pod-security.kubernetes.io/warn': 'restricted',
              // An endpoint's login reads its client secret from the store.
              ...(sharing.some((a) => a.usesSecretStore) || served.length > 0 ? { [SECRET_CONSUMER_LABEL]: 'true' } : {}),
            },
            ...(level.reason ? { annotations: { [POD_SECURITY_REASON_ANNOTATION]: level.reason } } : {}),
          },
        });
        new PlatformLimitRange(this, `${addOn.namespace}-limits`, addOn.namespace);
        new PlatformNetworkPolicies(this, `${addOn.namespace}-network`, {
          addOns: sharing,
          clients: clientsOf(addOn.namespace, props.addOns, podsOf),
          servers: new Map([...podsOf].filter(([ns]) => ns !== addOn.namespace)),
          cluster: props.ctx.cluster,
          apps: props.ctx.apps,
          endpoints,
          pods: podsOf.get(addOn.namespace)!,
        });
      }
      if (layerOf(addOn) === 'controllers') new FluxHelmRelease(this, addOn.name, addOn, props.ctx, dependencyNamesOf(addOn, props.addOns));
    }
  }
}

/**
 * The add-ons' one-shot setup on the configs layer's objects (Elasticsearch's templates and policies),
 * which Flux applies after the configs and waits for before it installs the services.
 */
export class PlatformSetup extends Chart {
  constructor(scope: Construct, id: string, props: PlatformProps) {
    super(scope, id, { disableResourceNameHashes: true });
    for (const addOn of props.addOns) addOn.setup?.(this, props.ctx);
  }
}

/** The charts that run on the configs and setup layers' objects (log shipping, alerting). Flux applies them last. */
export class PlatformServices extends Chart {
  constructor(scope: Construct, id: string, props: PlatformProps) {
    super(scope, id, { disableResourceNameHashes: true });
    for (const addOn of props.addOns.filter((a) => layerOf(a) === 'services'))
      new FluxHelmRelease(this, addOn.name, addOn, props.ctx, dependencyNamesOf(addOn, props.addOns));
  }
}

/**
 * The credentials the add-ons' configs wait for the outside world to issue (add-on.ts, `credentials`):
 * the hosts' certificates, the people's Kibana passwords. Flux applies them after the configs, which they
 * refer to (the issuer, the secret store), and nothing waits on them.
 */
export class PlatformCredentials extends Chart {
  constructor(scope: Construct, id: string, props: PlatformProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const ctx = { ...props.ctx, endpoints: platformEndpointsOf(props.ctx, props.addOns) };
    for (const addOn of props.addOns) addOn.credentials?.(this, ctx);
  }
}

/**
 * The custom resources the add-ons read (Gateway, issuer, secret store, Elasticsearch), and the routes
 * and policies of the add-ons' internal endpoints. Needs their CRDs.
 */
export class PlatformConfigs extends Chart {
  constructor(scope: Construct, id: string, props: PlatformProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const ctx = { ...props.ctx, endpoints: platformEndpointsOf(props.ctx, props.addOns) };
    for (const addOn of props.addOns) addOn.configure?.(this, ctx);
    const gateways = clusterGatewaysOf(ctx);
    for (const endpoint of ctx.endpoints) new InternalEndpoint(this, `endpoint-${endpoint.name}`, { endpoint, cluster: ctx.cluster, gateways });
  }
}
