import { CLUSTERS } from './fixtures/specs/clusters';
import { FLUX_RECONCILE_ROLE, OPERATOR_READ_ROLE } from '../constructs/access/cluster-roles';
import { fluxReconcileGuardRule } from '../constructs/access/flux-reconcile-guard';
import { restartAndScaleGuardRule } from '../constructs/access/restart-and-scale-guard';
import { cronJobSuspendGuardRule } from '../constructs/access/cronjob-suspend-guard';
import { execGuardRule } from '../constructs/access/exec-guard';
import { ALLOWED_CLUSTER_WRITERS, clusterFactsOf, clusterWriteProblems, clusterWritersOf } from '../constructs/reports/cluster-writers';
import { can, canOnSome, describeSubject, grantsOf, writableNamespacesOf, writePathsOf, type Subject } from '../constructs/access/rbac-evaluator';
import { appLayersOf, PLATFORM_OWNED_KINDS, tenantFileOf } from '../constructs/gitops/app-layers';
import { APPS_LAYER_KINDS, FLUX_APPS_ACCOUNT, fluxAppsRulesOf } from '../constructs/gitops/flux-apps-identity';
import { APP_ACCESS_LEVELS, appGroupOf, BREAK_GLASS_GROUP, groupsOf, PLATFORM_ADMINS_GROUP } from '../constructs/model/access-spec';
import { FLUX_NAMESPACE, namespaceOf } from '../constructs/model/naming';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { rbacProblems } from '../constructs/rules/rbac-rules';
import { SynthError } from '../constructs/model/spec-error';
import type { KubeObject } from '../constructs/model/kube-object';
import { fixtureObjectsOf, fixtureOutput } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const FLUX_APPS: Subject = { kind: 'ServiceAccount', name: FLUX_APPS_ACCOUNT, namespace: FLUX_NAMESPACE };
const group = (name: string): Subject => ({ kind: 'Group', name });
const groupOf = (api: string) => (api.includes('/') ? api.split('/')[0] : '');
/** Kubernetes' plural of a kind, as the kinds in our output form it. */
const pluralOf = (kind: string) => {
  const k = kind.toLowerCase();
  return /[^aeiou]y$/.test(k) ? `${k.slice(0, -1)}ies` : k.endsWith('s') || k.endsWith('ch') ? `${k}es` : `${k}s`;
};

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: who can do what where', (env, cluster) => {
  const objects = fixtureObjectsOf(env);
  const grants = grantsOf(objects);
  const apps = Object.keys(cluster.apps).sort();
  const appNamespaces = apps.map(namespaceOf);
  const people = Object.keys(cluster.access.people).sort();
  const addOns = addOnsOf(cluster);

  test('the cluster has apps and people to check', () => {
    expect(apps.length).toBeGreaterThan(0);
    expect(people.length).toBeGreaterThan(0);
  });

  // The expected rights, straight from the model; the actual ones, evaluated over the synthesized RBAC.
  const expected = (person: string, app: string) => {
    const operator = cluster.access.platformAdmins.includes(person);
    const levels = cluster.access.apps?.[app] ?? {};
    const developer = (levels.developers ?? []).includes(person);
    const exec = operator || (developer && (cluster.env === 'staging' || levels.execInProd === true));
    return {
      read: operator || developer || (levels.viewers ?? []).includes(person),
      restart: operator || developer,
      exec,
      secrets: false,
      runJobs: operator,
      bindRoles: false,
      editPolicies: false,
    };
  };
  /** What the person may do in the app's namespace: on every object of the kind (`can`), or, with `onSome`, on at least one. */
  const actual = (person: string, app: string, onSome = false) => {
    const groups = groupsOf(cluster.access, person);
    const ns = namespaceOf(app);
    const may = onSome ? canOnSome : can;
    return {
      read: may(grants, groups, 'get', '', 'pods/log', ns) && may(grants, groups, 'list', 'apps', 'deployments', ns),
      restart: may(grants, groups, 'patch', 'apps', 'deployments', ns),
      exec: may(grants, groups, 'create', '', 'pods/exec', ns),
      secrets: may(grants, groups, 'get', '', 'secrets', ns),
      runJobs: may(grants, groups, 'create', 'batch', 'jobs', ns),
      bindRoles: may(grants, groups, 'create', 'rbac.authorization.k8s.io', 'rolebindings', ns),
      editPolicies: may(grants, groups, 'patch', 'networking.k8s.io', 'networkpolicies', ns),
    };
  };

  // Both ways: a "may not" must hold for named objects too (a rule with resourceNames), a "may" for every object.
  test.each(people.flatMap((p) => apps.map((a) => [p, a] as const)))('%s in %s: the RBAC grants exactly what the access model says', (person, app) => {
    expect(actual(person, app)).toEqual(expected(person, app));
    expect(actual(person, app, true)).toEqual(expected(person, app));
  });

  test('a right on named objects is no right on all, but is a right on some', () => {
    const named: KubeObject[] = [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'one-secret', namespace: 'x' },
        rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['s'], verbs: ['get'] }],
      } as KubeObject,
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'one-secret', namespace: 'x' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'one-secret' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'g' }],
      } as KubeObject,
    ];
    const namedGrants = grantsOf(named);
    expect([can(namedGrants, ['g'], 'get', '', 'secrets', 'x'), canOnSome(namedGrants, ['g'], 'get', '', 'secrets', 'x')]).toEqual([false, true]);
  });

  test('no Secret in the output is a ServiceAccount token, so reading a named Secret never makes one an account (rbac-evaluator.ts, judgePowers)', () => {
    expect(objects.filter((o) => o.kind === 'Secret' && (o as Json).type === 'kubernetes.io/service-account-token').map((o) => o.metadata.name)).toEqual([]);
  });

  test('someone outside the model has no right anywhere', () => {
    for (const app of apps) {
      expect(actual('stranger', app)).toEqual({
        read: false,
        restart: false,
        exec: false,
        secrets: false,
        runJobs: false,
        bindRoles: false,
        editPolicies: false,
      });
    }
  });

  test('the RBAC rules pass on the real output', () => {
    expect(rbacProblems(objects)).toEqual([]);
  });

  test('access.md names every person of the model in their groups', () => {
    const table = fixtureOutput().find((f) => f.path === `dist/${env}/access.md`)!.text!;
    for (const person of people) {
      for (const g of groupsOf(cluster.access, person)) expect(table).toMatch(new RegExp(`\\| \`${g}\` \\| [^|]*\\b${person}\\b`));
    }
  });

  test("access.md names each admission policy that narrows people's rights, with what it allows", () => {
    const table = fixtureOutput().find((f) => f.path === `dist/${env}/access.md`)!.text!;
    const section = table.split("## Admission policies that narrow people's rights")[1].split('\n## ')[0];
    for (const rule of [fluxReconcileGuardRule(), restartAndScaleGuardRule(), cronJobSuspendGuardRule(), execGuardRule()])
      expect(section).toContain(
        `| \`${rule.name}\` | ${rule.resources.flatMap((r) => r.resources.map((res) => (r.group ? `${r.group}/${res}` : res))).join(', ')} | ${rule.validations[0].message} |`,
      );
    // The guards that hold pods and routes apply to everyone, not to people's groups.
    expect(section).not.toContain('pods-on-their-own-app-accounts');
  });

  describe('tenancy: the platform layer owns each app namespace, the apps layer only its workloads', () => {
    const files = fixtureOutput().filter((f) => f.path.startsWith(`dist/${env}/`));
    const appFile = (app: string) => files.find((f) => f.path === `dist/${env}/apps/${app}.yaml`)!.objects!;
    const tenantFile = (app: string) => files.find((f) => f.path === tenantFileOf(env, app))!.objects!;

    test.each(apps)('%s: its namespace, volumes, fences and RBAC are in the controllers layer, and none of them in its apps file', (app) => {
      const kinds = new Set(tenantFile(app).map((o) => o.kind));
      for (const kind of ['Namespace', 'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'RoleBinding', 'Role'])
        expect([kind, kinds.has(kind)]).toEqual([kind, true]);
      expect(
        appFile(app)
          .filter((o) => PLATFORM_OWNED_KINDS.has(o.kind))
          .map((o) => o.kind),
      ).toEqual([]);
      expect(appLayersOf(appFile(app)).platform).toEqual([]);
    });

    test('the apps layer applies as flux-apps, after the controllers layer; the platform layers as Flux', () => {
      const kustomization = (name: string) => objects.find((o) => o.kind === 'Kustomization' && o.metadata.name === name) as Json;
      expect(kustomization('apps').spec.serviceAccountName).toBe(FLUX_APPS_ACCOUNT);
      expect(kustomization('apps').spec.dependsOn.map((d: Json) => d.name)).toContain('platform-controllers');
      for (const layer of ['platform-controllers', 'platform-configs', 'platform-services'])
        expect(kustomization(layer).spec.serviceAccountName).toBeUndefined();
    });

    test('flux-apps has no ClusterRoleBinding and no cluster-scoped right: one Role per app namespace, writing exactly the kinds of that app, deleting any apps-layer kind', () => {
      const fluxGrants = grants.filter((g) => g.subject.kind === 'ServiceAccount' && g.subject.name === FLUX_APPS_ACCOUNT);
      expect(fluxGrants.map((g) => [g.namespace, g.roleKind, g.role]).sort()).toEqual(appNamespaces.map((ns) => [ns, 'Role', FLUX_APPS_ACCOUNT]).sort());
      const resourcesWith = (rules: readonly { apiGroups: readonly string[]; resources: readonly string[]; verbs: readonly string[] }[], verb: string) =>
        new Set(rules.filter((r) => r.verbs.includes(verb)).flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`))));
      const appsLayer = APPS_LAYER_KINDS.map((k) => k.split('/')).map((p) => `${p.length === 3 ? p[0] : ''}/${pluralOf(p[p.length - 1])}`);
      for (const app of apps) {
        const rules = fluxGrants.find((g) => g.namespace === namespaceOf(app))!.rules!;
        const held = new Set(appFile(app).map((o) => `${groupOf(o.apiVersion)}/${pluralOf(o.kind)}`));
        for (const verb of ['create', 'update', 'patch']) expect([app, verb, [...resourcesWith(rules, verb)].sort()]).toEqual([app, verb, [...held].sort()]);
        expect([app, [...resourcesWith(rules, 'delete')].sort()]).toEqual([app, [...appsLayer].sort()]);
        for (const forbidden of [
          'networkpolicies',
          'resourcequotas',
          'limitranges',
          'rolebindings',
          'roles',
          'namespaces',
          'secrets',
          'serviceaccounts/token',
        ]) {
          expect([app, forbidden, rules.some((r) => r.resources.includes(forbidden))]).toEqual([app, forbidden, false]);
        }
      }
    });

    test('the apps layer may hold no kind the platform layer owns', () => {
      expect(APPS_LAYER_KINDS.length).toBeGreaterThan(0);
      for (const key of APPS_LAYER_KINDS) expect([key, PLATFORM_OWNED_KINDS.has(key.split('/').pop()!)]).toEqual([key, false]);
    });
  });

  describe('the Bar: least privilege end to end', () => {
    const writers = clusterWritersOf(objects, addOns, apps);

    test("nothing but the break-glass group and Flux's controllers can write across the cluster", () => {
      const who = new Set(writers.map((p) => p.who));
      expect(who).toContain(`Group ${BREAK_GLASS_GROUP}`);
      expect(who).toContain(`ServiceAccount ${FLUX_NAMESPACE}/kustomize-controller`);
      expect([...who].filter((w) => !ALLOWED_CLUSTER_WRITERS.includes(w))).toEqual([]);
      expect(clusterWriteProblems(writers)).toEqual([]);
    });

    test("operators, developers, viewers and flux-apps are granted through RoleBindings only; the operators' one ClusterRoleBinding reads, never Secrets", () => {
      const tenants = (g: (typeof grants)[number]) =>
        (g.subject.kind === 'Group' && g.subject.name !== BREAK_GLASS_GROUP) || (g.subject.kind === 'ServiceAccount' && g.subject.name === FLUX_APPS_ACCOUNT);
      const clusterWide = grants.filter((g) => tenants(g) && g.namespace === undefined);
      expect(clusterWide.map((g) => [g.subject.name, g.role])).toEqual([[PLATFORM_ADMINS_GROUP, OPERATOR_READ_ROLE]]);
      for (const rule of clusterWide[0].rules!) {
        expect(rule.verbs).toEqual(['get', 'list', 'watch']);
        expect(rule.resources).not.toContain('secrets');
      }
    });

    test('no chain from operators, developers, viewers or flux-apps reaches cluster-wide write, another app or a platform namespace', () => {
      const facts = clusterFactsOf(addOns, apps);
      const all = [...grants, ...facts.externalGrants];
      const principals: [Subject, string[]][] = [
        [group(PLATFORM_ADMINS_GROUP), [...appNamespaces, FLUX_NAMESPACE]],
        [FLUX_APPS, appNamespaces],
        ...apps.flatMap((app) =>
          APP_ACCESS_LEVELS.map((level): [Subject, string[]] => [group(appGroupOf(app, level)), level === 'developers' ? [namespaceOf(app)] : []]),
        ),
      ];
      for (const [who, namespaces] of principals) {
        expect([who.name, writePathsOf(who, all, facts)]).toEqual([who.name, []]);
        expect([who.name, [...writableNamespacesOf(who, all, facts.podAccounts)].sort()]).toEqual([who.name, [...namespaces].sort()]);
      }
    });

    test('exec and port-forward are granted in app namespaces only', () => {
      const shells = grants.filter((g) => (g.rules ?? []).some((r) => r.resources.includes('pods/exec') || r.resources.includes('pods/portforward')));
      expect(shells.length).toBeGreaterThan(0);
      for (const g of shells) expect([g.binding, appNamespaces.includes(g.namespace!)]).toEqual([g.binding, true]);
    });

    test('the operators read every kind in the output, Secrets excepted, and Secrets nowhere', () => {
      const operators = [PLATFORM_ADMINS_GROUP];
      const kinds = new Map(objects.filter((o) => !o.apiVersion.startsWith('kustomize.config.k8s.io')).map((o) => [`${o.apiVersion}/${o.kind}`, o]));
      for (const o of kinds.values()) {
        if (o.kind === 'Secret') continue;
        expect([o.kind, can(grants, operators, 'list', groupOf(o.apiVersion), pluralOf(o.kind), 'any-namespace')]).toEqual([o.kind, true]);
      }
      for (const ns of [...appNamespaces, FLUX_NAMESPACE, 'kube-system', ...addOns.map((a) => a.namespace)]) {
        for (const verb of ['get', 'list', 'watch']) expect([ns, verb, can(grants, operators, verb, '', 'secrets', ns)]).toEqual([ns, verb, false]);
      }
      expect(can(grants, operators, 'patch', 'kustomize.toolkit.fluxcd.io', 'kustomizations', FLUX_NAMESPACE)).toBe(true);
      expect(grants.find((g) => g.role === FLUX_RECONCILE_ROLE)?.namespace).toBe(FLUX_NAMESPACE);
    });

    test('break-glass is the only cluster-admin, and its group is empty while the switch is off', () => {
      expect(cluster.access.breakGlass.enabled).toBe(false);
      expect(grants.filter((g) => g.role === 'cluster-admin').map((g) => describeSubject(g.subject))).toEqual([`Group ${BREAK_GLASS_GROUP}`]);
      for (const person of people) expect(groupsOf(cluster.access, person)).not.toContain(BREAK_GLASS_GROUP);
      const on = { ...cluster.access, breakGlass: { ...cluster.access.breakGlass, enabled: true, reason: 'INC-1' } };
      for (const person of cluster.access.breakGlass.members) expect(groupsOf(on, person)).toContain(BREAK_GLASS_GROUP);
    });
  });
});

describe('the paths to cluster-wide write find every way there', () => {
  const cluster = CLUSTERS.find((c) => c.env === 'prod')!;
  const objects = fixtureObjectsOf('prod');
  const addOns = addOnsOf(cluster);
  const apps = Object.keys(cluster.apps);
  const rbac = 'rbac.authorization.k8s.io';
  const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', name: string, namespace: string | undefined, roleRef: Json, subject: Json): KubeObject =>
    ({
      apiVersion: `${rbac}/v1`,
      kind,
      metadata: { name, ...(namespace ? { namespace } : {}) },
      roleRef: { apiGroup: rbac, ...roleRef },
      subjects: [subject],
    }) as Json;
  const clusterRole = (name: string, rules: Json[]): KubeObject => ({ apiVersion: `${rbac}/v1`, kind: 'ClusterRole', metadata: { name }, rules }) as Json;
  const developers = { apiGroup: rbac, kind: 'Group', name: appGroupOf('shop', 'developers') };
  const offenders = (extra: KubeObject[], base: readonly KubeObject[] = objects) =>
    clusterWriteProblems(clusterWritersOf([...base, ...extra], addOns, apps)).map((p) => p.split(' can write')[0]);

  test('the real output has none but the allowed', () => expect(offenders([])).toEqual([]));
  test('flux-apps bound cluster-wide again', () => {
    const role = clusterRole('flux-apps', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'patch'] }]);
    const crb = binding('ClusterRoleBinding', 'flux-apps', undefined, { kind: 'ClusterRole', name: 'flux-apps' }, FLUX_APPS);
    expect(offenders([role, crb])).toEqual([`ServiceAccount ${FLUX_NAMESPACE}/${FLUX_APPS_ACCOUNT}`]);
  });
  test('developers who may run pods in a namespace where privileged controllers run', () => {
    const rb = binding('RoleBinding', 'oops', 'kube-system', { kind: 'ClusterRole', name: 'webapp-developer' }, developers);
    expect(offenders([rb])).toEqual([`Group ${developers.name}`]);
  });
  test('developers who may bind roles in their namespace, where an account holds cluster-admin', () => {
    const role = clusterRole('binder', [{ apiGroups: [rbac], resources: ['rolebindings'], verbs: ['create'] }]);
    const rb = binding('RoleBinding', 'binder', 'shop', { kind: 'ClusterRole', name: 'binder' }, developers);
    const ci = binding(
      'ClusterRoleBinding',
      'ci',
      undefined,
      { kind: 'ClusterRole', name: 'cluster-admin' },
      { kind: 'ServiceAccount', name: 'ci', namespace: 'shop' },
    );
    expect(offenders([role, rb, ci])).toEqual([`Group ${developers.name}`, 'ServiceAccount shop/ci']);
    // Without the binder role, only the account itself is a path: the chain is what makes developers one.
    expect(offenders([ci])).toEqual(['ServiceAccount shop/ci']);
  });
  test('a workload that runs as an account with such a binding', () => {
    const ci = binding('ClusterRoleBinding', 'ci', undefined, { kind: 'ClusterRole', name: 'edit' }, { kind: 'ServiceAccount', name: 'ci', namespace: 'shop' });
    const edit = clusterRole('edit', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'] }]);
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.namespace === 'shop')! as Json;
    const asCi = {
      ...deployment,
      spec: { ...deployment.spec, template: { ...deployment.spec.template, spec: { ...deployment.spec.template.spec, serviceAccountName: 'ci' } } },
    };
    expect(
      offenders(
        [edit, ci],
        objects.map((o) => (o === deployment ? asCi : o)),
      ),
    ).toEqual(['ServiceAccount shop/ci', `Deployment shop/${deployment.metadata.name} (pods run as ServiceAccount shop/ci)`]);
  });
  test('impersonation, and a cluster-wide read of Secrets', () => {
    const sudo = clusterRole('sudo', [{ apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] }]);
    const peek = clusterRole('peek', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]);
    const viewers = { apiGroup: rbac, kind: 'Group', name: appGroupOf('shop', 'viewers') };
    expect(offenders([sudo, binding('ClusterRoleBinding', 'sudo', undefined, { kind: 'ClusterRole', name: 'sudo' }, developers)])).toEqual([
      `Group ${developers.name}`,
    ]);
    expect(offenders([peek, binding('ClusterRoleBinding', 'peek', undefined, { kind: 'ClusterRole', name: 'peek' }, viewers)])).toEqual([
      `Group ${viewers.name}`,
    ]);
  });
  test("a write to Flux's objects is cluster-admin, unless the reconcile guard holds the group to the annotation", () => {
    const facts = clusterFactsOf(addOns, apps);
    const all = [...grantsOf(objects), ...facts.externalGrants];
    expect(writePathsOf(group(PLATFORM_ADMINS_GROUP), all, facts)).toEqual([]);
    expect(writePathsOf(group(PLATFORM_ADMINS_GROUP), all, { ...facts, guardedGroups: [] })).toEqual([
      [expect.stringContaining(`RoleBinding ${FLUX_NAMESPACE}/${FLUX_RECONCILE_ROLE}`), 'which kustomize-controller applies as cluster-admin'],
      [expect.stringContaining(`RoleBinding ${FLUX_NAMESPACE}/${FLUX_RECONCILE_ROLE}`), 'which helm-controller applies as cluster-admin'],
      [expect.stringContaining(`RoleBinding ${FLUX_NAMESPACE}/${FLUX_RECONCILE_ROLE}`), 'which Flux applies as cluster-admin'],
    ]);
  });
  test("a developer's RoleBinding in another app's namespace shows in the namespaces they reach", () => {
    const rb = binding('RoleBinding', 'cross', 'legacy-site', { kind: 'ClusterRole', name: 'webapp-developer' }, developers);
    expect([...writableNamespacesOf(group(developers.name), grantsOf([...objects, rb]))].sort()).toEqual(['legacy-site', 'shop']);
  });
});

describe('the RBAC rules fail on broken objects', () => {
  const role = (rules: Json[]): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' }, rules }) as Json;
  test('wildcards', () => {
    expect(rbacProblems([role([{ apiGroups: [''], resources: ['*'], verbs: ['get'] }])])).toEqual(['ClusterRole r: rule 0 has a wildcard in resources']);
    expect(rbacProblems([role([{ apiGroups: ['*'], resources: ['pods'], verbs: ['*'] }])])).toEqual([
      'ClusterRole r: rule 0 has a wildcard in verbs',
      'ClusterRole r: rule 0 has a wildcard in apiGroups',
    ]);
  });
  test('cluster-admin for anyone but the break-glass group, the platform admins included', () => {
    const binding = (subject: Json) =>
      ({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'b' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [subject],
      }) as Json;
    expect(rbacProblems([binding({ kind: 'ServiceAccount', name: 'ci', namespace: 'default' })])).toEqual([
      'ClusterRoleBinding b: binds cluster-admin to ServiceAccount ci; only webapps:break-glass may hold it',
    ]);
    expect(rbacProblems([binding({ kind: 'Group', name: PLATFORM_ADMINS_GROUP })])).toEqual([
      'ClusterRoleBinding b: binds cluster-admin to Group webapps:platform-admins; only webapps:break-glass may hold it',
    ]);
  });
  test('a ServiceAccount that mounts its token everywhere', () => {
    expect(rbacProblems([{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x', namespace: 'shop' } } as Json])).toEqual([
      'ServiceAccount shop/x: mounts its token into every pod; set automountServiceAccountToken: false',
    ]);
  });
  test('an apps-layer kind the restricted account may not apply fails synth, the platform kinds included', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' } } as Json;
    expect(() => fluxAppsRulesOf([secret])).toThrow(SynthError);
    expect(() => fluxAppsRulesOf([secret])).toThrow('field "apps layer" = "v1/Secret"');
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'shop' } } as Json;
    expect(() => fluxAppsRulesOf([policy])).toThrow('field "apps layer" = "networking.k8s.io/v1/NetworkPolicy"');
  });
});
