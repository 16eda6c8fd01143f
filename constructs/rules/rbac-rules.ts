import { BREAK_GLASS_GROUP } from '../model/access-spec';
import { describe, type KubeObject } from '../model/kube-object';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The RBAC we write: no wildcard verb, resource or API group in any Role or ClusterRole; cluster-admin
 * bound to the break-glass group and nobody else; every ServiceAccount we create keeps its token
 * unmounted unless a pod needs it. (Who else reaches cluster-wide write by a chain: cluster-writers.ts.)
 */
export function rbacProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects as Json[]) {
    if (o.kind === 'Role' || o.kind === 'ClusterRole') {
      for (const [i, rule] of (o.rules ?? []).entries()) {
        for (const field of ['verbs', 'resources', 'apiGroups']) {
          if ((rule[field] ?? []).includes('*')) problems.push(`${describe(o)}: rule ${i} has a wildcard in ${field}`);
        }
        if (rule.nonResourceURLs) problems.push(`${describe(o)}: rule ${i} grants non-resource URLs`);
      }
    }
    if ((o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') && o.roleRef?.name === 'cluster-admin') {
      for (const s of o.subjects ?? []) {
        if (s.kind !== 'Group' || s.name !== BREAK_GLASS_GROUP)
          problems.push(`${describe(o)}: binds cluster-admin to ${s.kind} ${s.name}; only ${BREAK_GLASS_GROUP} may hold it`);
      }
    }
    if (o.kind === 'ServiceAccount' && o.automountServiceAccountToken !== false) {
      problems.push(`${describe(o)}: mounts its token into every pod; set automountServiceAccountToken: false`);
    }
  }
  return problems;
}
