import { APPS } from './fixtures/specs/apps';
import type { AppAccessSpec } from '../constructs/model/access-spec';
import { CLUSTERS } from './fixtures/specs/clusters';
import { grantsOf, subjectCan, type Subject } from '../constructs/access/rbac-evaluator';
import { appFileOfEnv } from '../constructs/gitops/app-layers';
import { FLUX_APPS_ACCOUNT } from '../constructs/gitops/flux-apps-identity';
import { describe as describeObject, type KubeObject } from '../constructs/model/kube-object';
import type { AppSpec } from '../constructs/model/app-spec';
import { FLUX_NAMESPACE, namespaceOf } from '../constructs/model/naming';
import { buildAll } from '../constructs/synth/pipeline';
import { FIXTURE_RELEASES, fixtureOutput } from './support';

const FLUX_APPS: Subject = { kind: 'ServiceAccount', name: FLUX_APPS_ACCOUNT, namespace: FLUX_NAMESPACE };
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
/** Kubernetes' plural of a kind, as the kinds of the apps layer form it. */
const pluralOf = (kind: string) => {
  const k = kind.toLowerCase();
  return /[^aeiou]y$/.test(k) ? `${k.slice(0, -1)}ies` : k.endsWith('s') || k.endsWith('ch') ? `${k}es` : `${k}s`;
};
const objectsOfEnv = (files: readonly { path: string; objects?: readonly KubeObject[] }[], env: string) =>
  files.filter((f) => f.path.startsWith(`dist/${env}/`)).flatMap((f) => f.objects ?? []);
const appsFileOf = (files: readonly { path: string; objects?: readonly KubeObject[] }[], env: string, app: string) =>
  files.find((f) => f.path === appFileOfEnv(env, app))!.objects!;

/**
 * What kustomize-controller reads to judge one object healthy (`wait: true`), as the flux-apps account it
 * impersonates for the apps layer: fluxcd/kustomize-controller@v1.6.1 builds its status poller on the
 * impersonated client (internal/controller/kustomization_controller.go, runtimeClient.NewImpersonator;
 * fluxcd/pkg@runtime/v0.60.0 runtime/client/impersonator.go newStatusPoller), reading directly, without a
 * cache (internal/features/features.go DisableStatusPollerCache: true). kstatus
 * (fluxcd/cli-utils@v0.36.0-flux.13 pkg/kstatus/polling/statusreaders) gets the object, and for a
 * Deployment lists its ReplicaSets (deployment.go) and each one's Pods (replicaset.go, pod_controller.go),
 * for a StatefulSet or a ReplicaSet its Pods, by the object's selector in its namespace (common.go
 * statusForGeneratedResources). A Forbidden there makes the object's status Unknown (errResourceToResourceStatus),
 * never Current: the Kustomization waits until its timeout. Every other kind is judged from the object
 * alone (generic.go, status/core.go legacyTypes).
 */
const KSTATUS_LISTS: Readonly<Record<string, readonly [string, string][]>> = {
  'apps/Deployment': [
    ['apps', 'replicasets'],
    ['', 'pods'],
  ],
  'apps/StatefulSet': [['', 'pods']],
  'apps/ReplicaSet': [['', 'pods']],
};
const healthReadsOf = (o: KubeObject): [string, string, string][] => [
  ['get', groupOf(o.apiVersion), pluralOf(o.kind)],
  ...(KSTATUS_LISTS[`${groupOf(o.apiVersion)}/${o.kind}`] ?? []).map(([group, resource]): [string, string, string] => ['list', group, resource]),
];

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: flux-apps can judge what it applies', (env, cluster) => {
  const files = fixtureOutput();
  const grants = grantsOf(objectsOfEnv(files, env));
  const apps = Object.keys(cluster.apps).sort();

  test.each(apps)("%s: its Role lets kustomize-controller's health check read every object of the apps layer and what kstatus lists for it", (app) => {
    const objects = appsFileOf(files, env, app);
    expect(objects.filter((o) => o.kind === 'Deployment').length).toBeGreaterThan(0);
    const denied = objects.flatMap((o) =>
      healthReadsOf(o)
        .filter(([verb, group, resource]) => !subjectCan(grants, FLUX_APPS, verb, group, resource, namespaceOf(app)))
        .map(([verb, group, resource]) => `${describeObject(o)}: ${verb} ${group ? `${group}/` : ''}${resource}`),
    );
    expect(denied).toEqual([]);
  });
});

/**
 * An app that stops using a kind. Flux applies the platform layer (with the app's new Role) before the apps
 * layer, whose prune then deletes the objects no longer in git as flux-apps: fluxcd/pkg@ssa/v0.48.0
 * ssa/manager_delete.go Delete gets each one, then deletes it. A Forbidden is not retried:
 * fluxcd/kustomize-controller@v1.6.1 kustomization_controller.go saves the new inventory before it prunes,
 * so the object leaves the inventory and stays in the cluster for good.
 */
describe('an app that stops using a kind: the Role of its new spec can still prune its old objects', () => {
  const staging = CLUSTERS.find((c) => c.env === 'staging')!;
  const byName = new Map(APPS.map((a) => [a.name, a]));
  const changes: [string, string, (a: AppSpec) => AppSpec][] = [
    ['backoffice', 'from internal to public: its SecurityPolicy (the login) goes', (a) => ({ ...a, exposure: 'public' })],
  ];
  // Not a kind it stops using: an app that drops its storage keeps its backup CronJobs (every app is backed up).
  const dropsStorage = ({ storage, backup, ...a }: AppSpec): AppSpec => a; // eslint-disable-line @typescript-eslint/no-unused-vars
  const changed = APPS.map((a) => changes.find(([name]) => name === a.name)?.[2](a) ?? a);
  // A public app has no login: its login groups leave the access list with it.
  const withoutLogin = ({ loginGroups, ...rest }: AppAccessSpec): AppAccessSpec => rest; // eslint-disable-line @typescript-eslint/no-unused-vars
  const clusters = CLUSTERS.map((c) => ({
    ...c,
    access: {
      ...c.access,
      apps: Object.fromEntries(Object.entries(c.access.apps ?? {}).map(([name, a]) => [name, name === 'backoffice' ? withoutLogin(a) : a])),
    },
  }));
  const after = buildAll({ clusters, apps: changed, releases: FIXTURE_RELEASES });
  const grantsAfter = grantsOf(objectsOfEnv(after, staging.env));

  test.each(changes.map(([app, what]) => [app, what] as const))('%s %s', (app) => {
    expect(byName.has(app) && Object.keys(staging.apps).includes(app)).toBe(true);
    const before = appsFileOf(fixtureOutput(), staging.env, app);
    const kept = new Set(appsFileOf(after, staging.env, app).map((o) => `${o.apiVersion}/${o.kind}`));
    const gone = before.filter((o) => !kept.has(`${o.apiVersion}/${o.kind}`));
    expect(gone.length).toBeGreaterThan(0);
    const undeletable = before
      .filter((o) => !['get', 'delete'].every((verb) => subjectCan(grantsAfter, FLUX_APPS, verb, groupOf(o.apiVersion), pluralOf(o.kind), namespaceOf(app))))
      .map(describeObject);
    expect(undeletable).toEqual([]);
  });

  test('legacy-site drops its storage: its backup CronJobs stay, all four, and flux-apps may still write them', () => {
    const legacy = byName.get('legacy-site')!;
    expect(legacy.storage).toBeDefined();
    const output = buildAll({ clusters: CLUSTERS, apps: APPS.map((a) => (a === legacy ? dropsStorage(a) : a)), releases: FIXTURE_RELEASES });
    const cronJobsOf = (files: typeof output) =>
      appsFileOf(files, staging.env, 'legacy-site')
        .filter((o) => o.kind === 'CronJob')
        .map(describeObject)
        .sort();
    expect(cronJobsOf(output)).toEqual(cronJobsOf(fixtureOutput()));
    expect(cronJobsOf(output)).toHaveLength(4);
    const grants = grantsOf(objectsOfEnv(output, staging.env));
    for (const verb of ['get', 'create', 'update', 'patch', 'delete']) {
      expect([verb, subjectCan(grants, FLUX_APPS, verb, 'batch', 'cronjobs', namespaceOf('legacy-site'))]).toEqual([verb, true]);
    }
  });

  test('a kind it no longer holds stays delete-only: flux-apps cannot create or change one', () => {
    const may = (verb: string) => subjectCan(grantsAfter, FLUX_APPS, verb, 'gateway.envoyproxy.io', 'securitypolicies', namespaceOf('backoffice'));
    expect(['get', 'delete', 'create', 'update', 'patch'].map((verb) => [verb, may(verb)])).toEqual([
      ['get', true],
      ['delete', true],
      ['create', false],
      ['update', false],
      ['patch', false],
    ]);
  });
});
