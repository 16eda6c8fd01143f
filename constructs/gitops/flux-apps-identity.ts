import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { RbacRule } from '../model/rbac-rule';
import { FLUX_PRUNE_DISABLED } from '../model/naming';
import { FLUX_NAMESPACE, labelsOf, namespaceOf } from '../model/naming';
import { SpecProblem, SynthError } from '../model/spec-error';
import type { KubeObject } from '../model/kube-object';
import { PLATFORM_OWNED_KINDS } from './app-layers';
import { healthCheckListsOf, type GroupResource } from './health-check-reads';

/** The account Flux impersonates to apply the apps layer, instead of its own cluster-admin. */
export const FLUX_APPS_ACCOUNT = 'flux-apps';
const APPLY = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
/**
 * On an apps-layer kind the app does not hold (any more): enough for Flux's prune to remove what an earlier
 * version of the app held (fluxcd/pkg@ssa/v0.48.0 ssa/manager_delete.go: get, then delete), no more.
 */
const PRUNE = ['get', 'list', 'watch', 'delete'];
/** On what the health check lists (health-check-reads.ts). */
const READ = ['get', 'list', 'watch'];

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

/**
 * The rights to apply these objects and to judge them healthy, and to prune any other apps-layer kind.
 * Write only on the kinds the app holds. Delete (and read) on every other apps-layer kind: Flux applies
 * the app's new Role (platform layer) before the apps layer prunes what the app stopped using, and
 * fluxcd/kustomize-controller@v1.6.1 kustomization_controller.go saves the new inventory before it prunes,
 * so a prune that is Forbidden is never retried and the object stays for good (a SecurityPolicy keeping a
 * now public app behind the login, a backup CronJob of storage that is gone). Creating or changing a kind
 * the app does not hold stays refused; the delete is in the app's own namespace, where flux-apps already
 * deletes what it applies.
 */
export function fluxAppsRulesOf(objects: readonly KubeObject[]): RbacRule[] {
  const held = new Set<string>();
  const unknown = new Set<string>();
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}`;
    if (!RESOURCE_OF[key] || PLATFORM_OWNED_KINDS.has(o.kind)) unknown.add(key);
    else held.add(key);
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
  const resourcesOf = (kinds: readonly string[]): GroupResource[] => kinds.map((k) => ({ apiGroup: groupOf(k), resource: RESOURCE_OF[k] }));
  return [
    ...rulesByGroup(APPLY, resourcesOf([...held])),
    ...rulesByGroup(PRUNE, resourcesOf(APPS_LAYER_KINDS.filter((k) => !held.has(k)))),
    ...rulesByGroup(READ, healthCheckListsOf(held)),
  ];
}

/** The API group of an `apiVersion/kind` key: '' for the core group (`v1/Service`). */
const groupOf = (key: string): string => {
  const parts = key.split('/');
  return parts.length === 3 ? parts[0] : '';
};

/** One rule per API group, groups and resources sorted. */
function rulesByGroup(verbs: readonly string[], resources: readonly GroupResource[]): RbacRule[] {
  const byGroup = new Map<string, Set<string>>();
  for (const r of resources) byGroup.set(r.apiGroup, (byGroup.get(r.apiGroup) ?? new Set()).add(r.resource));
  return [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, names]) => ({ apiGroups: [group], resources: [...names].sort(), verbs: [...verbs] }));
}

/**
 * The flux2-multi-tenancy pattern: the apps Kustomization impersonates this ServiceAccount. It has no
 * right of its own; each app namespace grants it write on that app's kinds (FluxAppsTenantAccess).
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
  /** The app's apps-layer objects: the Role lets Flux apply them and judge them healthy, and prune the rest (fluxAppsRulesOf). */
  readonly appObjects: readonly KubeObject[];
}

/**
 * In one app namespace, a Role with the rights to apply that app's apps-layer objects (fluxAppsRulesOf), bound to the
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
