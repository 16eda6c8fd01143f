import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { RbacRule } from '../model/rbac-rule';
import { FLUX_PRUNE_DISABLED } from '../model/naming';
import { FLUX_NAMESPACE, labelsOf, namespaceOf } from '../model/naming';
import { SpecProblem, SynthError } from '../model/spec-error';
import type { KubeObject } from '../model/kube-object';
import { PLATFORM_OWNED_KINDS } from './app-layers';

/** The account Flux impersonates to apply the apps layer, instead of its own cluster-admin. */
export const FLUX_APPS_ACCOUNT = 'flux-apps';
const APPLY = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/**
 * The resource of each kind the apps layer may hold; anything else is refused at synth, and in the
 * cluster. The platform layer's kinds (PLATFORM_OWNED_KINDS) are never here: a commit to the apps layer
 * cannot open a network path, lift a quota, bind a role or touch a volume. `serviceaccounts` grants no
 * `serviceaccounts/token`: a subresource needs a rule of its own.
 */
const RESOURCE_OF: Readonly<Record<string, string>> = {
  'v1/ServiceAccount': 'serviceaccounts',
  'v1/Service': 'services',
  'apps/v1/Deployment': 'deployments',
  'batch/v1/CronJob': 'cronjobs',
  'autoscaling/v2/HorizontalPodAutoscaler': 'horizontalpodautoscalers',
  'policy/v1/PodDisruptionBudget': 'poddisruptionbudgets',
  'gateway.networking.k8s.io/v1/HTTPRoute': 'httproutes',
  'gateway.envoyproxy.io/v1alpha1/BackendTrafficPolicy': 'backendtrafficpolicies',
  'gateway.envoyproxy.io/v1alpha1/SecurityPolicy': 'securitypolicies',
  'gateway.envoyproxy.io/v1alpha1/HTTPRouteFilter': 'httproutefilters',
  'external-secrets.io/v1/ExternalSecret': 'externalsecrets',
};

/** The apps layer's kinds, as `apiVersion/kind`; the platform's are not among them (a test holds the two apart). */
export const APPS_LAYER_KINDS: readonly string[] = Object.keys(RESOURCE_OF);

/** Exactly the rights to apply these objects, by API group, and nothing else. */
export function fluxAppsRulesOf(objects: readonly KubeObject[]): RbacRule[] {
  const byGroup = new Map<string, Set<string>>();
  const unknown = new Set<string>();
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}`;
    const resource = RESOURCE_OF[key];
    if (!resource || PLATFORM_OWNED_KINDS.has(o.kind)) {
      unknown.add(key);
      continue;
    }
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    byGroup.set(group, (byGroup.get(group) ?? new Set()).add(resource));
  }
  if (unknown.size > 0) {
    throw new SynthError(
      [...unknown]
        .sort()
        .map(
          (k) =>
            new SpecProblem(
              {},
              'apps layer',
              k,
              `the ${FLUX_APPS_ACCOUNT} account may not apply this kind; add it to RESOURCE_OF in flux-apps-identity.ts if apps need it, or to PLATFORM_OWNED_KINDS in app-layers.ts if the platform layer should own it`,
            ),
        ),
    );
  }
  return [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, resources]) => ({ apiGroups: [group], resources: [...resources].sort(), verbs: APPLY }));
}

/**
 * The flux2-multi-tenancy pattern: the apps Kustomization impersonates this ServiceAccount. It has no
 * right of its own; each app namespace grants it that app's kinds (FluxAppsTenantAccess).
 */
export class FluxAppsIdentity extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new ApiObject(this, 'Account', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: FLUX_APPS_ACCOUNT, namespace: FLUX_NAMESPACE },
      automountServiceAccountToken: false,
    });
  }
}

export interface FluxAppsTenantAccessProps {
  readonly app: string;
  /** The app's apps-layer objects: the Role grants exactly what applying them needs. */
  readonly appObjects: readonly KubeObject[];
}

/**
 * In one app namespace, a Role with the rights to apply that app's apps-layer objects, bound to the
 * flux-apps account: stricter than Flux's multi-tenancy example, which binds cluster-admin per
 * namespace. Both keep Flux's `prune: disabled`: when the app leaves the cluster, the platform layer is
 * reconciled first, and the apps layer must still be able to remove the app's workloads.
 */
export class FluxAppsTenantAccess extends Chart {
  constructor(scope: Construct, id: string, props: FluxAppsTenantAccessProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const metadata = {
      name: FLUX_APPS_ACCOUNT,
      namespace: namespaceOf(props.app),
      labels: labelsOf(props.app),
      annotations: { ...FLUX_PRUNE_DISABLED },
    };
    new ApiObject(this, 'Role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata, rules: fluxAppsRulesOf(props.appObjects) });
    new ApiObject(this, 'Binding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: FLUX_APPS_ACCOUNT },
      subjects: [{ kind: 'ServiceAccount', name: FLUX_APPS_ACCOUNT, namespace: FLUX_NAMESPACE }],
    });
  }
}
