import type { KubeObject } from '../synth/kube-object';
import type { RbacRule } from './cluster-roles';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One subject's rights from one binding: a role's rules, cluster-wide or in one namespace. */
export interface Grant {
  readonly subject: { readonly kind: string; readonly name: string; readonly namespace?: string };
  /** Undefined: cluster-wide. */
  readonly namespace?: string;
  readonly role: string;
  /** Undefined when the role is not in the output (a built-in such as cluster-admin). */
  readonly rules?: readonly RbacRule[];
}

/** Every grant the Roles, ClusterRoles and their bindings in the output make. */
export function grantsOf(objects: readonly KubeObject[]): Grant[] {
  const roles = new Map<string, readonly RbacRule[]>();
  for (const o of objects) {
    if (o.kind === 'ClusterRole') roles.set(`ClusterRole/${o.metadata.name}`, (o as Json).rules ?? []);
    if (o.kind === 'Role') roles.set(`Role/${o.metadata.namespace}/${o.metadata.name}`, (o as Json).rules ?? []);
  }
  const grants: Grant[] = [];
  for (const b of objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') as Json[]) {
    const namespace = b.kind === 'RoleBinding' ? b.metadata.namespace : undefined;
    const key = b.roleRef.kind === 'Role' ? `Role/${namespace}/${b.roleRef.name}` : `ClusterRole/${b.roleRef.name}`;
    for (const subject of b.subjects ?? []) grants.push({ subject, namespace, role: b.roleRef.name, rules: roles.get(key) });
  }
  return grants;
}

/** Whether the grants let any of these groups do `verb` on `resource` (group/resource, '' for core) in `namespace`. */
export function can(grants: readonly Grant[], groups: readonly string[], verb: string, apiGroup: string, resource: string, namespace?: string): boolean {
  return grants.some(
    (g) =>
      g.subject.kind === 'Group' &&
      groups.includes(g.subject.name) &&
      (g.namespace === undefined || g.namespace === namespace) &&
      (g.role === 'cluster-admin' ||
        (g.rules ?? []).some((r) => !r.resourceNames && r.apiGroups.includes(apiGroup) && r.resources.includes(resource) && r.verbs.includes(verb))),
  );
}
