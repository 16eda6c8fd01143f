import { CLUSTERS } from '../clusters';
import { can, grantsOf } from '../constructs/access/rbac-evaluator';
import { FLUX_APPS_ACCOUNT, fluxAppsRulesOf } from '../constructs/gitops/flux-apps-identity';
import { groupsOf } from '../constructs/model/access-spec';
import { namespaceOf } from '../constructs/model/naming';
import { rbacProblems } from '../constructs/policy/rbac-rules';
import { SynthError } from '../constructs/policy/spec-error';
import type { KubeObject } from '../constructs/synth/kube-object';
import { realObjectsOf, realOutput } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: who can do what where', (env, cluster) => {
  const objects = realObjectsOf(env);
  const grants = grantsOf(objects);
  const apps = Object.keys(cluster.apps).sort();
  const people = Object.keys(cluster.access.people).sort();

  // The expected rights, straight from the model; the actual ones, evaluated over the synthesized RBAC.
  const expected = (person: string, app: string) => {
    const admin = cluster.access.platformAdmins.includes(person);
    const levels = cluster.access.apps?.[app] ?? {};
    const developer = admin || (levels.developers ?? []).includes(person);
    const exec = admin || (developer && (cluster.env === 'staging' || levels.execInProd === true));
    return { read: developer || (levels.viewers ?? []).includes(person), restart: developer, exec, secrets: admin, runJobs: admin };
  };
  const actual = (person: string, app: string) => {
    const groups = groupsOf(cluster.access, person);
    const ns = namespaceOf(app);
    return {
      read: can(grants, groups, 'get', '', 'pods/log', ns) && can(grants, groups, 'list', 'apps', 'deployments', ns),
      restart: can(grants, groups, 'patch', 'apps', 'deployments', ns),
      exec: can(grants, groups, 'create', '', 'pods/exec', ns),
      secrets: can(grants, groups, 'get', '', 'secrets', ns),
      runJobs: can(grants, groups, 'create', 'batch', 'jobs', ns),
    };
  };

  test.each(people.flatMap((p) => apps.map((a) => [p, a] as const)))('%s in %s: the RBAC grants exactly what the access model says', (person, app) => {
    expect(actual(person, app)).toEqual(expected(person, app));
  });

  test('someone outside the model has no right anywhere', () => {
    for (const app of apps) expect(actual('stranger', app)).toEqual({ read: false, restart: false, exec: false, secrets: false, runJobs: false });
  });

  test('the RBAC rules pass on the real output', () => {
    expect(rbacProblems(objects)).toEqual([]);
  });

  test('access.md names every person of the model in their groups', () => {
    const table = realOutput().find((f) => f.path === `dist/${env}/access.md`)!.text!;
    for (const person of people) {
      for (const group of groupsOf(cluster.access, person)) expect(table).toMatch(new RegExp(`\\| \`${group}\` \\| [^|]*\\b${person}\\b`));
    }
  });

  test('the apps layer applies as the restricted account, which may apply exactly the kinds it holds', () => {
    const apps = objects.find((o) => o.kind === 'Kustomization' && o.metadata.name === 'apps') as Json;
    expect(apps.spec.serviceAccountName).toBe(FLUX_APPS_ACCOUNT);
    for (const layer of ['platform-controllers', 'platform-configs', 'platform-services']) {
      expect((objects.find((o) => o.kind === 'Kustomization' && o.metadata.name === layer) as Json).spec.serviceAccountName).toBeUndefined();
    }
    const appObjects = realOutput()
      .filter((f) => f.path.startsWith(`dist/${env}/apps/`))
      .flatMap((f) => f.objects ?? []);
    const fluxGrants = grantsOf(objects).filter((g) => g.subject.kind === 'ServiceAccount' && g.subject.name === FLUX_APPS_ACCOUNT);
    expect(fluxGrants).toHaveLength(1);
    const rules = fluxGrants[0].rules!;
    for (const o of appObjects) {
      const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
      expect([o.kind, rules.some((r) => r.apiGroups.includes(group) && r.verbs.includes('patch') && r.resources.length > 0)]).toEqual([o.kind, true]);
    }
    expect(rules.flatMap((r) => r.resources)).not.toContain('secrets');
    expect(rules.flatMap((r) => r.resources)).not.toContain('clusterrolebindings');
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
  test('cluster-admin for anyone but the platform admins', () => {
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'b' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'default' }],
    } as Json;
    expect(rbacProblems([binding])).toEqual(['ClusterRoleBinding b: binds cluster-admin to ServiceAccount ci; only webapps:platform-admins may hold it']);
  });
  test('a ServiceAccount that mounts its token everywhere', () => {
    expect(rbacProblems([{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x', namespace: 'shop' } } as Json])).toEqual([
      'ServiceAccount shop/x: mounts its token into every pod; set automountServiceAccountToken: false',
    ]);
  });
  test('an apps-layer kind the restricted account may not apply fails synth', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' } } as Json;
    expect(() => fluxAppsRulesOf([secret])).toThrow(SynthError);
    expect(() => fluxAppsRulesOf([secret])).toThrow('field "apps layer" = "v1/Secret"');
  });
});
