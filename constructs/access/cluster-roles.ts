import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { AppAccessLevel } from '../model/access-spec';
import { BREAK_GLASS_GROUP, PLATFORM_ADMINS_GROUP } from '../model/access-spec';
import { FLUX_NAMESPACE } from '../model/naming';
import { OPERATOR_READ_RULES } from './operator-read';
import type { RbacRule } from '../model/rbac-rule';

/** One RBAC rule, spelled out: no wildcard verb, resource or group anywhere. */

export const READ = ['get', 'list', 'watch'] as const;

/** What an app's viewers may read in its namespace: its workloads, their state and logs; never Secrets. */
const VIEWER_RULES: readonly RbacRule[] = [
  {
    apiGroups: [''],
    resources: [
      'pods',
      'pods/log',
      'services',
      'endpoints',
      'events',
      'configmaps',
      'persistentvolumeclaims',
      'serviceaccounts',
      'resourcequotas',
      'limitranges',
    ],
    verbs: READ,
  },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: READ },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: READ },
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: READ },
  { apiGroups: ['external-secrets.io'], resources: ['externalsecrets'], verbs: READ },
];

/**
 * Developers also restart and scale their app (a rollout restart patches the Deployment; the
 * restart-and-scale guard lets the patch change nothing else) and remove a stuck pod. Everything else
 * changes through a pull request: Flux reverts hand edits.
 */
const DEVELOPER_RULES: readonly RbacRule[] = [
  ...VIEWER_RULES,
  { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
];

export const APP_ROLE_RULES: Readonly<Record<AppAccessLevel, readonly RbacRule[]>> = { developers: DEVELOPER_RULES, viewers: VIEWER_RULES };
/**
 * A shell in a pod and a tunnel to it: developers get it in staging, in prod only where the access model grants it, and
 * then only into their app's Deployment pods, not its backup or restore jobs' (the exec guard, exec-guard.ts).
 */
export const EXEC_ROLE = 'webapp-exec';
const EXEC_RULES: readonly RbacRule[] = [{ apiGroups: [''], resources: ['pods/exec', 'pods/portforward'], verbs: ['create', 'get'] }];
/** The ClusterRoles that each app namespace binds its groups to (a RoleBinding keeps them to that namespace). */
export const appClusterRoleOf = (level: AppAccessLevel): string => `webapp-${level === 'developers' ? 'developer' : 'viewer'}`;

/** The operators' read of the whole cluster, Secrets excepted; the only ClusterRoleBinding besides break-glass, and it writes nothing. */
export const OPERATOR_READ_ROLE = 'webapp-operator-read';
/**
 * What the operators do to an app's workloads, bound in each app namespace (never in a platform one):
 * restart and scale (held to that by the restart-and-scale guard), remove a stuck pod, run a backup or
 * restore job now (`kubectl create job --from=cronjob/…`) and remove it. Pods stay on the app's own
 * accounts (the service-account guard), and nothing here touches RBAC, policies or quotas. The job is
 * theirs to shape (docs/restore.md changes its env and, for a dump, its command), so it can mount the
 * namespace's Secrets: no rule here reads a Secret, but an operator is not kept from one (docs/access.md).
 */
export const OPERATOR_ROLE = 'webapp-operator';
const OPERATOR_RULES: readonly RbacRule[] = [
  { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'delete'] },
  // Suspend and resume only: the cronjobs-suspend-only guard (cronjob-suspend-guard.ts) holds it to that.
  { apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['patch'] },
];
/**
 * `flux reconcile …`: the operators may patch Flux's objects in flux-system, and the flux-reconcile-only
 * guard lets that patch change nothing but the `reconcile.fluxcd.io/` annotations.
 */
export const FLUX_RECONCILE_ROLE = 'webapp-flux-reconcile';
export const FLUX_RECONCILE_RULES: readonly RbacRule[] = [
  { apiGroups: ['kustomize.toolkit.fluxcd.io'], resources: ['kustomizations'], verbs: ['patch'] },
  { apiGroups: ['helm.toolkit.fluxcd.io'], resources: ['helmreleases'], verbs: ['patch'] },
  { apiGroups: ['source.toolkit.fluxcd.io'], resources: ['gitrepositories', 'helmcharts', 'helmrepositories', 'ocirepositories'], verbs: ['patch'] },
];
export const BREAK_GLASS_BINDING = 'webapps-break-glass';

const PLATFORM = { 'app.kubernetes.io/part-of': 'platform' };
const group = (name: string) => [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name }];

/**
 * The cluster-wide half of the access model: the ClusterRoles the app namespaces bind, the operators'
 * read of everything (Secrets excepted) and their Flux reconciliations, and cluster-admin for the
 * break-glass group, the only binding to it we write. The group is empty unless the access model's
 * break-glass switch is on (the EKS access entries decide who is in a group), so the binding stays in
 * place for an emergency in which Flux itself may be down.
 */
export class AccessClusterRoles extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const clusterRole = (name: string, rules: readonly RbacRule[]) =>
      new ApiObject(this, name, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels: PLATFORM }, rules });
    for (const level of ['developers', 'viewers'] as const) clusterRole(appClusterRoleOf(level), APP_ROLE_RULES[level]);
    clusterRole(EXEC_ROLE, EXEC_RULES);
    clusterRole(OPERATOR_ROLE, OPERATOR_RULES);
    clusterRole(OPERATOR_READ_ROLE, OPERATOR_READ_RULES);
    new ApiObject(this, 'OperatorsRead', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: OPERATOR_READ_ROLE, labels: PLATFORM },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: OPERATOR_READ_ROLE },
      subjects: group(PLATFORM_ADMINS_GROUP),
    });
    new ApiObject(this, 'FluxReconcile', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: FLUX_RECONCILE_ROLE, namespace: FLUX_NAMESPACE, labels: PLATFORM },
      rules: FLUX_RECONCILE_RULES,
    });
    new ApiObject(this, 'OperatorsReconcile', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: FLUX_RECONCILE_ROLE, namespace: FLUX_NAMESPACE, labels: PLATFORM },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: FLUX_RECONCILE_ROLE },
      subjects: group(PLATFORM_ADMINS_GROUP),
    });
    new ApiObject(this, 'BreakGlass', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: BREAK_GLASS_BINDING, labels: PLATFORM },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: group(BREAK_GLASS_GROUP),
    });
  }
}
