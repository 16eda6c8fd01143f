import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { RbacRule } from '../access/cluster-roles';
import { appClusterRoleOf, EXEC_ROLE } from '../access/cluster-roles';
import { APP_ACCESS_LEVELS } from '../model/access-spec';
import { FLUX_NAMESPACE } from '../model/naming';
import { SpecProblem, SynthError } from '../policy/spec-error';
import type { KubeObject } from '../synth/kube-object';

/** The account Flux impersonates to apply the apps layer, instead of its own cluster-admin. */
export const FLUX_APPS_ACCOUNT = 'flux-apps';
const APPLY = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** The resource of each kind the apps layer may hold; anything else is refused at synth, and in the cluster. */
const RESOURCE_OF: Readonly<Record<string, string>> = {
  'v1/Namespace': 'namespaces',
  'v1/ServiceAccount': 'serviceaccounts',
  'v1/Service': 'services',
  'v1/ResourceQuota': 'resourcequotas',
  'v1/LimitRange': 'limitranges',
  'v1/PersistentVolume': 'persistentvolumes',
  'v1/PersistentVolumeClaim': 'persistentvolumeclaims',
  'apps/v1/Deployment': 'deployments',
  'batch/v1/CronJob': 'cronjobs',
  'autoscaling/v2/HorizontalPodAutoscaler': 'horizontalpodautoscalers',
  'policy/v1/PodDisruptionBudget': 'poddisruptionbudgets',
  'networking.k8s.io/v1/NetworkPolicy': 'networkpolicies',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'rolebindings',
  'gateway.networking.k8s.io/v1/HTTPRoute': 'httproutes',
  'gateway.envoyproxy.io/v1alpha1/BackendTrafficPolicy': 'backendtrafficpolicies',
  'gateway.envoyproxy.io/v1alpha1/SecurityPolicy': 'securitypolicies',
  'external-secrets.io/v1/ExternalSecret': 'externalsecrets',
};

/** Exactly the rights to apply these objects, by API group; plus binding the app ClusterRoles. */
export function fluxAppsRulesOf(objects: readonly KubeObject[]): RbacRule[] {
  const byGroup = new Map<string, Set<string>>();
  const unknown = new Set<string>();
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}`;
    const resource = RESOURCE_OF[key];
    if (!resource) {
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
              `the ${FLUX_APPS_ACCOUNT} account may not apply this kind; add it to RESOURCE_OF in flux-apps-identity.ts if apps need it`,
            ),
        ),
    );
  }
  return [
    ...[...byGroup.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([group, resources]) => ({ apiGroups: [group], resources: [...resources].sort(), verbs: APPLY })),
    {
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['clusterroles'],
      verbs: ['bind'],
      resourceNames: [...APP_ACCESS_LEVELS.map(appClusterRoleOf), EXEC_ROLE],
    },
  ];
}

export interface FluxAppsIdentityProps {
  /** Every object of the apps layer: the account gets exactly what applying them needs. */
  readonly appObjects: readonly KubeObject[];
}

/** The flux2-multi-tenancy pattern: the apps Kustomization impersonates this ServiceAccount. */
export class FluxAppsIdentity extends Construct {
  constructor(scope: Construct, id: string, props: FluxAppsIdentityProps) {
    super(scope, id);
    const meta = { name: FLUX_APPS_ACCOUNT };
    new ApiObject(this, 'Account', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { ...meta, namespace: FLUX_NAMESPACE },
      automountServiceAccountToken: false,
    });
    new ApiObject(this, 'Role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta, rules: fluxAppsRulesOf(props.appObjects) });
    new ApiObject(this, 'Binding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: FLUX_APPS_ACCOUNT },
      subjects: [{ kind: 'ServiceAccount', name: FLUX_APPS_ACCOUNT, namespace: FLUX_NAMESPACE }],
    });
  }
}
