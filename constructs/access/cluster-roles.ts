import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { AppAccessLevel } from '../model/access-spec';
import { PLATFORM_ADMINS_GROUP } from '../model/access-spec';

/** One RBAC rule, spelled out: no wildcard verb, resource or group anywhere. */
export interface RbacRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

const READ = ['get', 'list', 'watch'];

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
 * Developers also restart and scale their app (a rollout restart patches the Deployment) and remove a
 * stuck pod. Everything else changes through a pull request: Flux reverts hand edits.
 */
const DEVELOPER_RULES: readonly RbacRule[] = [
  ...VIEWER_RULES,
  { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
];

export const APP_ROLE_RULES: Readonly<Record<AppAccessLevel, readonly RbacRule[]>> = { developers: DEVELOPER_RULES, viewers: VIEWER_RULES };
/** A shell in a pod and a tunnel to it: developers get it in staging, in prod only where the access model grants it. */
export const EXEC_ROLE = 'webapp-exec';
const EXEC_RULES: readonly RbacRule[] = [{ apiGroups: [''], resources: ['pods/exec', 'pods/portforward'], verbs: ['create', 'get'] }];
/** The ClusterRoles that each app namespace binds its groups to (a RoleBinding keeps them to that namespace). */
export const appClusterRoleOf = (level: AppAccessLevel): string => `webapp-${level === 'developers' ? 'developer' : 'viewer'}`;
export const ADMIN_BINDING = 'webapps-platform-admins';

/**
 * The cluster-wide half of the access model: the app ClusterRoles, and cluster-admin for the
 * platform admins, the only binding to cluster-admin we write.
 */
export class AccessClusterRoles extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    for (const level of ['developers', 'viewers'] as const) {
      new ApiObject(this, level, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: appClusterRoleOf(level), labels: { 'app.kubernetes.io/part-of': 'platform' } },
        rules: APP_ROLE_RULES[level],
      });
    }
    new ApiObject(this, 'Exec', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: EXEC_ROLE, labels: { 'app.kubernetes.io/part-of': 'platform' } },
      rules: EXEC_RULES,
    });
    new ApiObject(this, 'Admins', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: ADMIN_BINDING, labels: { 'app.kubernetes.io/part-of': 'platform' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: PLATFORM_ADMINS_GROUP }],
    });
  }
}
