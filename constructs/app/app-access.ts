import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { APP_ACCESS_LEVELS, appGroupOf, PLATFORM_ADMINS_GROUP } from '../model/access-spec';
import { labelsOf, namespaceOf } from '../model/naming';
import { appClusterRoleOf, EXEC_ROLE, OPERATOR_ROLE } from '../access/cluster-roles';
import type { AppClusterView } from '../model/app-chart-input';

export interface AppAccessProps {
  readonly app: string;
  readonly cluster: AppClusterView;
}

/**
 * Who may touch the app's namespace, as groups bound in it only: its developers and viewers, the
 * platform operators (its workloads), and exec for the operators and, in staging or where the access
 * model grants it in prod, the developers. Who is in the groups is the EKS access entries' job. The
 * platform layer applies these bindings; the account that applies the apps layer cannot.
 */
export class AppAccess extends Construct {
  constructor(scope: Construct, id: string, props: AppAccessProps) {
    super(scope, id);
    const binding = (bindingId: string, role: string, groups: readonly string[]) =>
      new ApiObject(this, bindingId, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: role, namespace: namespaceOf(props.app), labels: labelsOf(props.app) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: groups.map((name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name })),
      });
    for (const level of APP_ACCESS_LEVELS) binding(level, appClusterRoleOf(level), [appGroupOf(props.app, level)]);
    binding('Operators', OPERATOR_ROLE, [PLATFORM_ADMINS_GROUP]);
    const developersExec = props.cluster.env === 'staging' || props.cluster.access.apps?.[props.app]?.execInProd === true;
    binding('Exec', EXEC_ROLE, [PLATFORM_ADMINS_GROUP, ...(developersExec ? [appGroupOf(props.app, 'developers')] : [])]);
  }
}
