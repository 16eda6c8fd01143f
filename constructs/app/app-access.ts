import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { APP_ACCESS_LEVELS, appGroupOf } from '../model/access-spec';
import { labelsOf, namespaceOf } from '../model/naming';
import { appClusterRoleOf, EXEC_ROLE } from '../access/cluster-roles';
import type { ClusterSpec } from '../model/cluster-spec';

export interface AppAccessProps {
  readonly app: string;
  readonly cluster: ClusterSpec;
}

/**
 * The app's developers and viewers, as groups bound in its namespace only (exec for developers in
 * staging, in prod only if granted). Who is in the groups is the EKS access entries' job.
 */
export class AppAccess extends Construct {
  constructor(scope: Construct, id: string, props: AppAccessProps) {
    super(scope, id);
    for (const level of APP_ACCESS_LEVELS) {
      new ApiObject(this, level, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: appClusterRoleOf(level), namespace: namespaceOf(props.app), labels: labelsOf(props.app) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: appClusterRoleOf(level) },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: appGroupOf(props.app, level) }],
      });
    }
    if (props.cluster.env === 'staging' || props.cluster.access.apps?.[props.app]?.execInProd) {
      new ApiObject(this, 'Exec', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: EXEC_ROLE, namespace: namespaceOf(props.app), labels: labelsOf(props.app) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: EXEC_ROLE },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: appGroupOf(props.app, 'developers') }],
      });
    }
  }
}
