import type { KubeObject } from '../model/kube-object';
import type { RbacRule } from '../model/rbac-rule';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Who a binding names: a Group, a User or a ServiceAccount (with its namespace). */
export interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** One subject's rights from one binding: a role's rules, cluster-wide or in one namespace. */
export interface Grant {
  readonly subject: Subject;
  /** Undefined: cluster-wide. */
  readonly namespace?: string;
  readonly role: string;
  /** `Role` or `ClusterRole`. @default 'ClusterRole' */
  readonly roleKind?: string;
  /** The binding, e.g. `ClusterRoleBinding webapps-break-glass`. */
  readonly binding?: string;
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
    const binding = `${b.kind} ${namespace ? `${namespace}/` : ''}${b.metadata.name}`;
    for (const subject of b.subjects ?? []) {
      grants.push({ subject, namespace, role: b.roleRef.name, roleKind: b.roleRef.kind, binding, rules: roles.get(key) });
    }
  }
  return grants;
}

/**
 * Whether the grants let any of these groups do `verb` on every `resource` (group/resource, '' for core) in
 * `namespace`. A rule limited to some objects by `resourceNames` does not count: ask `canOnSome` whether a
 * right reaches any object at all (what a "may not" must check).
 */
export function can(grants: readonly Grant[], groups: readonly string[], verb: string, apiGroup: string, resource: string, namespace?: string): boolean {
  return grants.some((g) => g.subject.kind === 'Group' && groups.includes(g.subject.name) && grantAllows(g, verb, apiGroup, resource, namespace));
}

/** Whether the grants let any of these groups do `verb` on at least one `resource` in `namespace`: rules limited by `resourceNames` count. */
export function canOnSome(grants: readonly Grant[], groups: readonly string[], verb: string, apiGroup: string, resource: string, namespace?: string): boolean {
  return grants.some(
    (g) => g.subject.kind === 'Group' && groups.includes(g.subject.name) && grantAllows(g, verb, apiGroup, resource, namespace, { namedToo: true }),
  );
}

/** Whether the grants let this one subject (a ServiceAccount, say) do `verb` on `resource` in `namespace`. */
export function subjectCan(grants: readonly Grant[], who: Subject, verb: string, apiGroup: string, resource: string, namespace?: string): boolean {
  return grants.some((g) => sameSubject(g.subject, who) && grantAllows(g, verb, apiGroup, resource, namespace));
}

const sameSubject = (a: Subject, b: Subject) => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
const grantAllows = (g: Grant, verb: string, apiGroup: string, resource: string, namespace?: string, { namedToo = false } = {}) =>
  (g.namespace === undefined || g.namespace === namespace) &&
  (g.role === 'cluster-admin' || (g.rules ?? []).some((r) => (namedToo || !r.resourceNames) && allows(r, verb, apiGroup, resource)));

const has = (list: readonly string[], value: string) => list.includes(value) || list.includes('*');
const allows = (r: RbacRule, verb: string, apiGroup: string, resource: string) =>
  has(r.verbs, verb) && has(r.apiGroups, apiGroup) && has(r.resources, resource);

// ---------------------------------------------------------------------------------------------------
// Paths to cluster-wide write: every way a subject reaches write on namespaced kinds across the cluster.

/** What the output does not show, and what the paths must take into account. */
export interface ClusterFacts {
  /** Bindings made outside dist/ and clusters/, such as Flux's own install. */
  readonly externalGrants: readonly Grant[];
  /** Namespaces whose pods run with rights beyond the output (Kubernetes', Flux's, the add-ons' controllers): namespace → whose. */
  readonly privilegedNamespaces: ReadonlyMap<string, string>;
  /** Objects whose content a controller applies with cluster-wide rights: to write them is to command it. */
  readonly controlObjects: readonly {
    readonly namespace: string;
    readonly apiGroup: string;
    readonly resources: readonly string[];
    readonly controller: string;
  }[];
  /** Groups whose writes to the control objects an admission guard limits to asking for a reconciliation. */
  readonly guardedGroups: readonly string[];
  /** Namespaces where an admission guard keeps pods on these ServiceAccounts (the app namespaces). */
  readonly podAccounts: ReadonlyMap<string, readonly string[]>;
}

/** One way to cluster-wide write: who, and the steps that get there. */
export interface WritePath {
  readonly who: string;
  readonly steps: readonly string[];
}

const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection', 'bind', 'escalate', 'impersonate', 'approve', 'sign'];
/** Kinds whose write runs a pod of one's choosing, as any ServiceAccount of the namespace. */
const POD_RUNNERS: readonly (readonly [string, string])[] = [
  ['', 'pods'],
  ['', 'replicationcontrollers'],
  ['apps', 'deployments'],
  ['apps', 'replicasets'],
  ['apps', 'statefulsets'],
  ['apps', 'daemonsets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
];
const CLUSTER_ADMIN: readonly RbacRule[] = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];

export const describeSubject = (s: Subject): string => `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`;

type Powers = ReturnType<typeof judgePowers>;
/** Kept per rules array: every binding of a role shares its rules, and the paths judge them once per grant and visit. */
const powersByRules = new WeakMap<readonly RbacRule[], Powers>();
/**
 * And per rules text: each app's Roles are alike but each has rules arrays of its own (1,000 apps, some
 * 3,000 Roles, a few dozen distinct rule sets). Cleared when full, so it stays small in a long-lived process.
 */
const powersByText = new Map<string, Powers>();
const MAX_RULE_SETS = 10_000;

/** What a set of rules lets one do in a namespace (or everywhere). */
function powersOf(rules: readonly RbacRule[]): Powers {
  let powers = powersByRules.get(rules);
  if (!powers) {
    const text = JSON.stringify(rules);
    powers = powersByText.get(text);
    if (!powers) {
      if (powersByText.size >= MAX_RULE_SETS) powersByText.clear();
      powersByText.set(text, (powers = judgePowers(rules)));
    }
    powersByRules.set(rules, powers);
  }
  return powers;
}

/*
 * A rule limited by `resourceNames` counts as the power it names, for one object is enough: a named
 * ClusterRole one may escalate, a named pod one may exec into, a named Deployment one may patch. The one
 * exception is reading named Secrets: acting as an account from a Secret takes its token, and the output
 * writes no `kubernetes.io/service-account-token` Secret (test/access.test.ts holds it to that) nor does
 * Kubernetes make one since 1.24 (LegacyServiceAccountTokenNoAutoGeneration), so a named Secret is what it
 * is, e.g. the Elasticsearch CA certificate the log shippers read.
 */
function judgePowers(rules: readonly RbacRule[]) {
  const readsAnySecret = rules.filter((r) => !r.resourceNames);
  const any = (verbs: readonly string[], pairs: readonly (readonly [string, string])[], list = rules) =>
    list.some((r) => verbs.some((v) => pairs.some(([g, res]) => allows(r, v, g, res))));
  const writes = rules.filter((r) => WRITE_VERBS.some((v) => has(r.verbs, v)) || r.verbs.includes('*'));
  return {
    writes: [...new Set(writes.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => (g ? `${g}/${res}` : res)))))],
    impersonates: rules.some((r) => has(r.verbs, 'impersonate')),
    // Running a pod, or a shell in one: as the accounts the namespace's pods may use.
    runsPods:
      any(['create', 'update', 'patch'], POD_RUNNERS) ||
      any(
        ['create', 'get'],
        [
          ['', 'pods/exec'],
          ['', 'pods/attach'],
        ],
      ) ||
      any(['patch', 'update'], [['', 'pods/ephemeralcontainers']]),
    // A token, a legacy token Secret, or control of the RBAC or the labels (and so the admission guards)
    // of the namespace: as any ServiceAccount there, whatever the guards say about pods.
    actsAsAccounts:
      any(['create'], [['', 'serviceaccounts/token']]) ||
      any(['get', 'list', 'watch'], [['', 'secrets']], readsAnySecret) ||
      any(
        ['create', 'update', 'patch', 'bind', 'escalate'],
        [
          ['rbac.authorization.k8s.io', 'rolebindings'],
          ['rbac.authorization.k8s.io', 'roles'],
          ['rbac.authorization.k8s.io', 'clusterroles'],
        ],
      ) ||
      any(['update', 'patch'], [['', 'namespaces']]),
    writesResource: (apiGroup: string, resources: readonly string[]) =>
      any(
        ['create', 'update', 'patch', 'delete'],
        resources.map((res) => [apiGroup, res] as const),
      ),
  };
}

/** Whether a grant's subject is this principal (a ServiceAccount is also in its built-in groups). */
/** The grants that name `who`, in their order; the grants are indexed once, not scanned per subject. */
function grantsNaming(grants: readonly Grant[], who: Subject): Grant[] {
  const index = indexOf(grants);
  const key = subjectKey(who);
  const found = [...(index.direct.get(key) ?? []), ...index.everyone];
  if (who.kind === 'ServiceAccount') found.push(...index.allAccounts, ...(index.accountsIn.get(who.namespace) ?? []));
  return [...new Set(found)]
    .sort((a, b) => a - b)
    .map((i) => grants[i])
    .filter((g) => names(g, who));
}

/** The ServiceAccounts the grants name in one namespace, in the order of the grants. */
function accountGrantsIn(grants: readonly Grant[], namespace: string): Grant[] {
  return indexOf(grants).accountGrants.get(namespace) ?? [];
}

interface GrantIndex {
  readonly size: number;
  readonly direct: Map<string, number[]>;
  readonly everyone: number[];
  readonly allAccounts: number[];
  readonly accountsIn: Map<string | undefined, number[]>;
  readonly accountGrants: Map<string | undefined, Grant[]>;
}
const indexes = new WeakMap<readonly Grant[], GrantIndex>();
const subjectKey = (s: Subject): string => (s.kind === 'ServiceAccount' ? `${s.kind}\0${s.namespace}\0${s.name}` : `${s.kind}\0${s.name}`);

function indexOf(grants: readonly Grant[]): GrantIndex {
  const kept = indexes.get(grants);
  if (kept && kept.size === grants.length) return kept;
  const index: GrantIndex = { size: grants.length, direct: new Map(), everyone: [], allAccounts: [], accountsIn: new Map(), accountGrants: new Map() };
  const add = <K>(map: Map<K, number[]>, key: K, i: number) => (map.get(key) ?? map.set(key, []).get(key)!).push(i);
  grants.forEach((g, i) => {
    const s = g.subject;
    add(index.direct, subjectKey(s), i);
    if (s.kind === 'ServiceAccount') (index.accountGrants.get(s.namespace) ?? index.accountGrants.set(s.namespace, []).get(s.namespace)!).push(g);
    if (s.kind !== 'Group') return;
    if (s.name === 'system:authenticated') index.everyone.push(i);
    else if (s.name === 'system:serviceaccounts') index.allAccounts.push(i);
    else if (s.name.startsWith('system:serviceaccounts:')) add(index.accountsIn, s.name.slice('system:serviceaccounts:'.length), i);
  });
  indexes.set(grants, index);
  return index;
}

function names(grant: Grant, who: Subject): boolean {
  const s = grant.subject;
  if (s.kind === who.kind && s.name === who.name && (s.kind !== 'ServiceAccount' || s.namespace === who.namespace)) return true;
  if (s.kind !== 'Group') return false;
  if (s.name === 'system:authenticated') return true;
  return who.kind === 'ServiceAccount' && (s.name === 'system:serviceaccounts' || s.name === `system:serviceaccounts:${who.namespace}`);
}

/**
 * Every path by which `who` reaches write across the cluster: a cluster-wide grant that writes, reads
 * every Secret, impersonates, or runs pods anywhere; or, in one namespace, the power to act as its
 * ServiceAccounts where those hold such a path or where the namespace runs privileged controllers; or
 * a write to an object a cluster-admin controller applies (Flux's), unless a guard limits it.
 */
export function writePathsOf(who: Subject, grants: readonly Grant[], facts: ClusterFacts, visiting: ReadonlySet<string> = new Set()): string[][] {
  const key = describeSubject(who);
  if (visiting.has(key)) return [];
  const seen = new Set([...visiting, key]);
  const paths: string[][] = [];
  for (const g of grantsNaming(grants, who)) {
    const head = `${g.binding ?? 'binding'} → ${g.roleKind ?? 'ClusterRole'} ${g.role}`;
    const rules = g.role === 'cluster-admin' && !g.rules ? CLUSTER_ADMIN : (g.rules ?? []);
    const powers = powersOf(rules);
    if (g.namespace === undefined) {
      if (rules === CLUSTER_ADMIN) paths.push([`${head}: everything`]);
      else if (powers.writes.length > 0) paths.push([`${head}: writes ${powers.writes.join(', ')} in every namespace`]);
      else if (powers.actsAsAccounts || powers.runsPods) paths.push([`${head}: may act as any ServiceAccount, in every namespace`]);
      continue;
    }
    if (powers.impersonates) paths.push([`${head}: impersonates`]);
    const ns = g.namespace;
    for (const control of facts.controlObjects.filter((c) => c.namespace === ns)) {
      if (!powers.writesResource(control.apiGroup, control.resources)) continue;
      if (who.kind === 'Group' && facts.guardedGroups.includes(who.name)) continue;
      paths.push([`${head}: writes ${control.apiGroup}/${control.resources.join(', ')} in ${ns}`, `which ${control.controller} applies as cluster-admin`]);
    }
    if (!powers.actsAsAccounts && !powers.runsPods) continue;
    const guarded = powers.actsAsAccounts ? undefined : facts.podAccounts.get(ns);
    const step = guarded ? `${head}: runs pods in ${ns} as ${guarded.join(' or ')}` : `${head}: may act as any ServiceAccount in ${ns}`;
    const privileged = facts.privilegedNamespaces.get(ns);
    if (privileged && !guarded) paths.push([step, `where ${privileged} run`]);
    const accounts = new Map<string, Subject>();
    for (const other of accountGrantsIn(grants, ns)) {
      const s = other.subject;
      if (s.kind === 'ServiceAccount' && s.namespace === ns && (!guarded || guarded.includes(s.name))) accounts.set(describeSubject(s), s);
    }
    for (const account of accounts.values()) {
      for (const sub of writePathsOf(account, grants, facts, seen)) paths.push([step, `as ${describeSubject(account)}`, ...sub]);
    }
  }
  return paths;
}

/** The pod templates in the output, with the ServiceAccount each runs as. */
function podAccountsOf(objects: readonly KubeObject[]): { workload: string; account: Subject }[] {
  const specOf = (o: Json): Json => (o.kind === 'Pod' ? o.spec : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec);
  return objects
    .filter((o) => ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'].includes(o.kind))
    .map((o) => ({
      workload: `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`,
      account: { kind: 'ServiceAccount', name: specOf(o)?.serviceAccountName ?? 'default', namespace: o.metadata.namespace },
    }));
}

/**
 * Every path to cluster-wide write that the output and the facts make: per subject of a binding, and
 * per workload whose account has one. Sorted, so access.md is stable.
 */
export function clusterWritePathsOf(objects: readonly KubeObject[], facts: ClusterFacts): WritePath[] {
  const grants = [...grantsOf(objects), ...facts.externalGrants];
  const subjects = new Map(grants.map((g) => [describeSubject(g.subject), g.subject]));
  const result: WritePath[] = [];
  for (const [who, subject] of [...subjects.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const steps of writePathsOf(subject, grants, facts)) result.push({ who, steps });
  }
  for (const { workload, account } of podAccountsOf(objects)) {
    for (const steps of writePathsOf(account, grants, facts)) result.push({ who: `${workload} (pods run as ${describeSubject(account)})`, steps });
  }
  return result;
}

/** The namespaces in which `who` can write anything, directly or by acting as another account there. */
export function writableNamespacesOf(
  who: Subject,
  grants: readonly Grant[],
  podAccounts: ReadonlyMap<string, readonly string[]> = new Map(),
  visiting: ReadonlySet<string> = new Set(),
): Set<string> {
  const key = describeSubject(who);
  const found = new Set<string>();
  if (visiting.has(key)) return found;
  const seen = new Set([...visiting, key]);
  for (const g of grantsNaming(grants, who)) {
    const rules = g.role === 'cluster-admin' && !g.rules ? CLUSTER_ADMIN : (g.rules ?? []);
    const powers = powersOf(rules);
    if (g.namespace === undefined) {
      if (powers.writes.length > 0 || powers.actsAsAccounts || powers.runsPods) found.add('*');
      continue;
    }
    if (powers.writes.length > 0) found.add(g.namespace);
    if (!powers.actsAsAccounts && !powers.runsPods) continue;
    const guarded = powers.actsAsAccounts ? undefined : podAccounts.get(g.namespace);
    for (const other of accountGrantsIn(grants, g.namespace)) {
      const s = other.subject;
      if (s.kind === 'ServiceAccount' && s.namespace === g.namespace && (!guarded || guarded.includes(s.name))) {
        for (const ns of writableNamespacesOf(s, grants, podAccounts, seen)) found.add(ns);
      }
    }
  }
  return found;
}
