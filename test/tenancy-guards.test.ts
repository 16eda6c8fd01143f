// The tenancy guards' CEL, evaluated by a real CEL implementation (@bufbuild/cel) against the objects
// synth writes and the objects the cluster's controllers derive from them, and against forged ones.
import { isCelError, run } from '@bufbuild/cel';
import { CLUSTERS } from './fixtures/specs/clusters';
import { fluxReconcileGuardRule, RECONCILE_ANNOTATION_PREFIX } from '../constructs/access/flux-reconcile-guard';
import { celNameOf, serviceAccountGuardRule } from '../constructs/access/service-account-guard';
import {
  FIXED_DEPLOYMENT_FIELDS,
  FIXED_TEMPLATE_METADATA,
  RESTARTED_AT_ANNOTATION,
  restartAndScaleGuardRule,
} from '../constructs/access/restart-and-scale-guard';
import { cronJobSuspendGuardRule, FIXED_CRONJOB_FIELDS } from '../constructs/access/cronjob-suspend-guard';
import {
  CONNECT_SUBRESOURCES,
  execGuardRule,
  GENERATED_NAME_ALPHABET,
  GENERATED_SUFFIX_LENGTH,
  MAX_GENERATED_NAME_BASE,
  POD_TEMPLATE_HASH_LENGTH,
} from '../constructs/access/exec-guard';
import { OPERATOR_ROLE } from '../constructs/access/cluster-roles';
import { BACKUP_COMPONENT_LABEL, backupJobNameOf, type BackupJob } from '../constructs/model/backup-job';
import { appGroupOf, BREAK_GLASS_GROUP, PLATFORM_ADMINS_GROUP } from '../constructs/model/access-spec';
import { SHARED_LISTENER } from '../constructs/model/gateway-layout';
import { describe as describeObject } from '../constructs/model/kube-object';
import {
  HOSTS_ANNOTATION,
  APP_NAME_MAX_LENGTH,
  APP_PART_OF_LABEL,
  deploymentOf,
  backupJobServiceAccountOf,
  backupServiceAccountOf,
  namespaceOf,
  restoreServiceAccountOf,
  serviceAccountOf,
} from '../constructs/model/naming';
import type { AdmissionRule } from '../constructs/blocks/admission-policy';
import { routeHostGuardRule } from '../constructs/access/route-host-guard';
import type { KubeObject } from '../constructs/model/kube-object';
import { admissionSets } from '../scripts/ci/admission-sets';
import { byKind, fixtureObjectsOf, REPO_ROOT } from './support';
import * as fs from 'fs';
import * as path from 'path';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = <T>(value: T): Json => JSON.parse(JSON.stringify(value));
const edited = (o: Json, edit: (copy: Json) => void) => {
  const copy = clone(o);
  edit(copy);
  return copy;
};

function evaluate(expression: string, bindings: Record<string, unknown>): unknown {
  const result = run(expression, bindings as never);
  if (isCelError(result)) throw new Error(`${expression}: ${String(result)}`);
  return result;
}

/** What the API server does with one request: skip it unless every match condition holds, then compute the variables in order and refuse if a validation is false. */
function admits(rule: AdmissionRule, request: { object: Json; oldObject?: Json; namespaceObject?: Json; request?: Json }): boolean {
  const bindings: Record<string, unknown> = { oldObject: null, request: {}, namespaceObject: null, ...request };
  if (!(rule.matchConditions ?? []).every((c) => evaluate(c.expression, bindings) === true)) return true;
  const variables: Record<string, unknown> = {};
  for (const v of rule.variables ?? []) variables[v.name] = evaluate(v.expression, { ...bindings, variables });
  return rule.validations.every((v) => evaluate(v.expression, { ...bindings, variables }) === true);
}

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: the guards are emitted as built', (env) => {
  const objects = fixtureObjectsOf(env);
  test.each(
    [serviceAccountGuardRule(), fluxReconcileGuardRule(), routeHostGuardRule(), restartAndScaleGuardRule(), cronJobSuspendGuardRule(), execGuardRule()].map(
      (r) => [r.name, r] as const,
    ),
  )('%s', (name, rule) => {
    const policy = objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === name)!.spec as Json;
    expect(policy.failurePolicy).toBe('Fail');
    expect(policy.variables ?? []).toEqual(rule.variables ?? []);
    expect(policy.matchConditions ?? []).toEqual(rule.matchConditions ?? []);
    expect(policy.validations).toEqual(rule.validations);
    expect(policy.matchConstraints.namespaceSelector?.matchLabels).toEqual(rule.namespaceLabels);
    expect(objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === name)).toBeDefined();
  });
});

describe('pods stay on their own app accounts', () => {
  const rule = serviceAccountGuardRule();
  const objects = CLUSTERS.flatMap((c) => fixtureObjectsOf(c.env));
  const namespaces = new Map(byKind(objects, 'Namespace').map((n) => [n.metadata.name, n]));
  const appNamespaceOf = (o: KubeObject) => namespaces.get(o.metadata.namespace!)!;
  // The guard selects app namespaces only (its namespaceSelector); the platform's own jobs are not its business.
  const inAppNamespace = (o: KubeObject) => Object.entries(APP_PART_OF_LABEL).every(([k, v]) => appNamespaceOf(o).metadata.labels?.[k] === v);
  const deployments = byKind(objects, 'Deployment').filter(inAppNamespace);
  const cronJobs = byKind(objects, 'CronJob').filter(inAppNamespace);
  const shop = deployments.find((d) => d.metadata.namespace === namespaceOf('shop'))! as Json;
  const shopNs = namespaces.get(namespaceOf('shop'))!;
  const shopBackup = cronJobs.find((c) => c.metadata.name === 'shop-backup')! as Json;

  /** The Job the CronJob controller makes (kubernetes pkg/controller/cronjob/utils.go getJobFromTemplate2: the template's labels, an owner reference). */
  const jobOf = (cron: Json): Json => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      ...clone(cron.spec.jobTemplate.metadata ?? {}),
      namespace: cron.metadata.namespace,
      ownerReferences: [{ kind: 'CronJob', name: cron.metadata.name, controller: true }],
    },
    spec: clone(cron.spec.jobTemplate.spec),
  });
  /** The Pod a Job or ReplicaSet makes from its template, owned by it. */
  const podOf = (template: Json, owner: string, namespace: string): Json => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...clone(template.metadata ?? {}), namespace, ownerReferences: [{ kind: owner, name: 'x', controller: true }] },
    spec: clone(template.spec),
  });
  const check = (object: Json) => admits(rule, { object, namespaceObject: appNamespaceOf(object) });

  test('the real output has deployments and backup jobs to check', () => {
    expect(deployments.length).toBeGreaterThan(0);
    expect(cronJobs.length).toBeGreaterThan(0);
  });
  test('it selects the app namespaces, and only them', () => {
    expect(rule.namespaceLabels).toEqual(APP_PART_OF_LABEL);
    const apps = new Set(CLUSTERS.flatMap((c) => Object.keys(c.apps).map(namespaceOf)));
    for (const ns of namespaces.values()) {
      const selected = Object.entries(APP_PART_OF_LABEL).every(([k, v]) => ns.metadata.labels?.[k] === v);
      expect([ns.metadata.name, selected]).toEqual([ns.metadata.name, apps.has(ns.metadata.name)]);
    }
  });
  test('it admits every Deployment and CronJob synth writes, and the Jobs and Pods the cluster makes from them', () => {
    for (const d of deployments as Json[]) {
      expect([d.metadata.name, check(d), check(podOf(d.spec.template, 'ReplicaSet', d.metadata.namespace))]).toEqual([d.metadata.name, true, true]);
    }
    for (const c of cronJobs as Json[]) {
      const job = jobOf(c);
      expect([c.metadata.name, check(c), check(job), check(podOf(job.spec.template, 'Job', c.metadata.namespace))]).toEqual([
        c.metadata.name,
        true,
        true,
        true,
      ]);
    }
  });
  test('it refuses a Deployment that runs as the backup account, even labelled as a backup', () => {
    const asBackup = clone(shop);
    asBackup.spec.template.spec.serviceAccountName = backupServiceAccountOf('shop');
    expect(check(asBackup)).toBe(false);
    asBackup.spec.template.metadata.labels[BACKUP_COMPONENT_LABEL] = 'backup';
    expect(check(asBackup)).toBe(false);
  });
  test("it refuses a Pod that runs as another app's account, or as the namespace's default account", () => {
    const pod = podOf(shop.spec.template, 'ReplicaSet', 'shop');
    expect(check({ ...pod, spec: { ...pod.spec, serviceAccountName: serviceAccountOf('legacy-site') } })).toBe(false);
    expect(check({ ...pod, spec: { ...pod.spec, serviceAccountName: undefined } })).toBe(false);
    expect(check({ ...pod, spec: { ...pod.spec, serviceAccount: serviceAccountOf('legacy-site') } })).toBe(false);
  });
  test('it refuses a CronJob that is no backup job but runs as the backup account', () => {
    const unlabelled = clone(shopBackup);
    delete unlabelled.spec.jobTemplate.spec.template.metadata.labels[BACKUP_COMPONENT_LABEL];
    expect(check(unlabelled)).toBe(false);
    unlabelled.spec.jobTemplate.spec.template.metadata.labels[BACKUP_COMPONENT_LABEL] = 'something-else';
    expect(check(unlabelled)).toBe(false);
    // Labelled like one, but not one of the app's restic CronJobs.
    expect(check({ ...clone(shopBackup), metadata: { ...shopBackup.metadata, name: 'shop-report' } })).toBe(false);
    expect(check({ ...clone(shopBackup), metadata: { ...shopBackup.metadata, name: 'legacy-site-backup' } })).toBe(false);
  });
  test('a Job made by hand from a restic CronJob runs as its account (`kubectl create job --from`: an owner reference, no controller flag); a Job from nowhere does not', () => {
    // kubectl, pkg/cmd/create/create_job.go, createJobFromCronJob: the template's labels and an owner reference to the CronJob.
    const restore = cronJobs.find((c) => c.metadata.name === 'shop-restore')! as Json;
    const manual = { ...jobOf(restore), metadata: { ...jobOf(restore).metadata, ownerReferences: [{ kind: 'CronJob', name: 'shop-restore' }] } };
    expect(check(manual)).toBe(true);
    expect(check({ ...manual, metadata: { ...manual.metadata, ownerReferences: undefined } })).toBe(false);
    expect(check({ ...manual, metadata: { ...manual.metadata, ownerReferences: [{ kind: 'CronJob', name: 'shop-report' }] } })).toBe(false);
  });
  test("each restic job runs as its own account and no other job's; no Deployment as any of them", () => {
    const asAccount = (cron: Json, account: string) =>
      edited(cron, (c) => {
        c.spec.jobTemplate.spec.template.spec.serviceAccountName = account;
      });
    const job = (name: string) => cronJobs.find((c) => c.metadata.name === backupJobNameOf('shop', name as BackupJob))! as Json;
    const accounts = (['backup', 'check', 'retention', 'restore'] as const).map((j) => [j, backupJobServiceAccountOf('shop', j)] as const);
    expect(new Set(accounts.map(([, a]) => a)).size).toBe(accounts.length);
    for (const [j, own] of accounts) {
      expect([j, (job(j).spec.jobTemplate.spec.template.spec as Json).serviceAccountName]).toEqual([j, own]);
      for (const [, other] of accounts) {
        expect([j, other, check(asAccount(job(j), other)), check(jobOf(asAccount(job(j), other)))]).toEqual([j, other, other === own, other === own]);
      }
      expect([own, check(edited(shop, (d) => (d.spec.template.spec.serviceAccountName = own)))]).toEqual([own, false]);
    }
  });
  test('it refuses a backup-labelled Pod with the backup account that no Job owns', () => {
    const pod = podOf(jobOf(shopBackup).spec.template, 'Job', 'shop');
    expect(check(pod)).toBe(true);
    expect(check({ ...pod, metadata: { ...pod.metadata, ownerReferences: undefined } })).toBe(false);
    expect(check({ ...pod, metadata: { ...pod.metadata, ownerReferences: [{ kind: 'ReplicaSet', name: 'x', controller: true }] } })).toBe(false);
  });
  test("it takes the app from the namespace's labels: the same pod in another app's namespace is refused", () => {
    const legacy = namespaces.get(namespaceOf('legacy-site'))!;
    expect(admits(rule, { object: podOf(shop.spec.template, 'ReplicaSet', 'legacy-site'), namespaceObject: legacy })).toBe(false);
    expect(admits(rule, { object: podOf(shop.spec.template, 'ReplicaSet', 'shop'), namespaceObject: shopNs })).toBe(true);
  });
  test("the CI kind job's bare Pods (scripts/ci/admission-sets.ts) pass it, as the controllers' pods would", () => {
    const pods = admissionSets(objects).pods.filter((p) => namespaces.has(p.metadata.namespace!) && inAppNamespace(p));
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods) expect([pod.metadata.name, check(pod)]).toEqual([pod.metadata.name, true]);
  });
  test.each(['shop', 'a', 'legacy-site'])("the CEL names of %s are the naming functions' names", (app) => {
    for (const nameOf of [serviceAccountOf, backupServiceAccountOf, restoreServiceAccountOf])
      expect(evaluate(celNameOf(nameOf, 'app'), { app })).toBe(nameOf(app));
  });
});

describe.each(CLUSTERS.map((c) => [c.env] as const))('cluster %s: an app serves only its own hosts, on a shared listener too', (env) => {
  const rule = routeHostGuardRule();
  const objects = fixtureObjectsOf(env);
  const namespaces = new Map(byKind(objects, 'Namespace').map((n) => [n.metadata.name, n]));
  const routes = byKind(objects, 'HTTPRoute').filter(
    (r) => rule.namespaceLabels && Object.entries(rule.namespaceLabels).every(([k, v]) => namespaces.get(r.metadata.namespace!)?.metadata.labels?.[k] === v),
  );
  const check = (route: Json) => admits(rule, { object: route, namespaceObject: namespaces.get(route.metadata.namespace)! });
  const shop = routes.find((r) => r.metadata.namespace === namespaceOf('shop'))! as Json;
  const backoffice = routes.find((r) => r.metadata.namespace === namespaceOf('backoffice'))! as Json;
  // The real routes attach to the shared listener, which admits every app namespace.
  const sharedListener = (r: Json) => r.spec.parentRefs.some((p: Json) => p.sectionName === SHARED_LISTENER);

  test('the real app routes are admitted, and some of them are on the shared listener', () => {
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.some(sharedListener)).toBe(true);
    for (const route of routes) expect([describeObject(route), check(route)]).toEqual([describeObject(route), true]);
  });
  test("a route for another app's host is refused", () => {
    expect(check(edited(shop, (r) => r.spec.hostnames.push(backoffice.spec.hostnames[0])))).toBe(false);
    expect(check(edited(shop, (r) => (r.spec.hostnames = [...backoffice.spec.hostnames])))).toBe(false);
  });
  test('a route without hostnames, or with the wildcard, is refused: it would take every host of the listener', () => {
    expect(check(edited(shop, (r) => delete r.spec.hostnames))).toBe(false);
    expect(check(edited(shop, (r) => (r.spec.hostnames = [])))).toBe(false);
    expect(check(edited(shop, (r) => (r.spec.hostnames = [`*.${r.spec.hostnames[0].split('.').slice(1).join('.')}`])))).toBe(false);
  });
  test('a host that merely contains an own host is refused', () => {
    expect(check(edited(shop, (r) => (r.spec.hostnames = [`x${r.spec.hostnames[0]}`])))).toBe(false);
    expect(check(edited(shop, (r) => (r.spec.hostnames = [`${r.spec.hostnames[0].split('.')[0]}`])))).toBe(false);
  });
  test('a namespace without the hosts annotation serves no host', () => {
    const bare = edited(namespaces.get(namespaceOf('shop'))!, (n) => delete n.metadata.annotations[HOSTS_ANNOTATION]);
    expect(admits(rule, { object: shop, namespaceObject: bare })).toBe(false);
  });
});

describe('operators may only ask Flux to reconcile', () => {
  const rule = fluxReconcileGuardRule();
  const kustomizations = fixtureObjectsOf('prod').filter((o) => o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io'));
  const apps = kustomizations.find((k) => k.metadata.name === 'apps')! as Json;
  const release = byKind(fixtureObjectsOf('prod'), 'HelmRelease')[0] as Json;
  const operator = { userInfo: { username: 'ops-lead', groups: [PLATFORM_ADMINS_GROUP, 'system:authenticated'] } };
  const byOperator = (oldObject: Json, object: Json) => admits(rule, { object, oldObject, request: operator });
  const reconcile = (o: Json) =>
    edited(o, (c) => {
      c.metadata.annotations = { ...(c.metadata.annotations ?? {}), [`${RECONCILE_ANNOTATION_PREFIX}requestedAt`]: '2026-01-01T00:00:00Z' };
    });

  test('it covers exactly the kinds the operators may patch', () => {
    expect(rule.resources.flatMap((r) => r.resources).sort()).toEqual([
      'gitrepositories',
      'helmcharts',
      'helmreleases',
      'helmrepositories',
      'kustomizations',
      'ocirepositories',
    ]);
  });
  test('`flux reconcile` passes: only the reconcile annotations change', () => {
    expect(byOperator(apps, reconcile(apps))).toBe(true);
    expect(byOperator(release, reconcile(release))).toBe(true);
    expect(byOperator(reconcile(apps), reconcile(reconcile(apps)))).toBe(true);
  });
  test.each([
    ['suspending it', (c: Json) => (c.spec.suspend = true)],
    ['pointing it at another path', (c: Json) => (c.spec.path = './dist/prod/platform-controllers')],
    ['applying it as Flux instead of flux-apps', (c: Json) => delete c.spec.serviceAccountName],
    ['adding a label', (c: Json) => (c.metadata.labels = { x: 'y' })],
    ['adding another annotation', (c: Json) => (c.metadata.annotations = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' })],
  ])('it refuses %s', (_what, edit) => {
    expect(byOperator(apps, edited(reconcile(apps), edit))).toBe(false);
  });
  describe('the owner references and finalizers, which decide when the controllers delete what Flux applied', () => {
    // In the cluster, kustomize-controller and helm-controller add their finalizer before anything else
    // (fluxcd/kustomize-controller@v1.6.1 KustomizationFinalizer, fluxcd/helm-controller@v1.3.0 HelmReleaseFinalizer).
    const FINALIZER = 'finalizers.fluxcd.io';
    const live = (o: Json) => edited(o, (c) => (c.metadata.finalizers = [FINALIZER]));
    const missingOwner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'gone', uid: '00000000-0000-0000-0000-000000000000' };

    test('`flux reconcile` on the live object passes, and leaves them as they are', () => {
      expect(byOperator(live(apps), reconcile(live(apps)))).toBe(true);
      expect(byOperator(live(release), reconcile(live(release)))).toBe(true);
    });
    test.each([
      [
        'adding an owner reference to an object that does not exist (the garbage collector deletes it, the finalizer prunes its inventory)',
        (c: Json) => (c.metadata.ownerReferences = [missingOwner]),
      ],
      ['removing the finalizer', (c: Json) => delete c.metadata.finalizers],
      ['emptying the finalizers', (c: Json) => (c.metadata.finalizers = [])],
      ['adding a finalizer', (c: Json) => c.metadata.finalizers.push('example.com/hold')],
    ])('it refuses %s', (_what, edit) => {
      for (const o of [apps, release]) expect([o.kind, byOperator(live(o), edited(reconcile(live(o)), edit))]).toEqual([o.kind, false]);
    });
    test('it refuses changing an owner reference that is there', () => {
      const owned = edited(live(apps), (c) => (c.metadata.ownerReferences = [{ ...missingOwner, name: 'a' }]));
      expect(
        byOperator(
          owned,
          edited(reconcile(owned), (c) => (c.metadata.ownerReferences[0].name = 'b')),
        ),
      ).toBe(false);
      expect(
        byOperator(
          owned,
          edited(reconcile(owned), (c) => delete c.metadata.ownerReferences),
        ),
      ).toBe(false);
      expect(byOperator(owned, reconcile(owned))).toBe(true);
    });
  });
  test("it refuses a change to a chart's values", () => {
    expect(
      byOperator(
        release,
        edited(release, (c) => (c.spec.values = { ...c.spec.values, hostNetwork: true })),
      ),
    ).toBe(false);
  });
  test('it does not hold back break-glass or Flux itself', () => {
    const changed = edited(apps, (c) => (c.spec.suspend = true));
    expect(admits(rule, { object: changed, oldObject: apps, request: { userInfo: { groups: [PLATFORM_ADMINS_GROUP, BREAK_GLASS_GROUP] } } })).toBe(true);
    const kustomizeController = {
      userInfo: {
        username: 'system:serviceaccount:flux-system:kustomize-controller',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:flux-system'],
      },
    };
    expect(admits(rule, { object: changed, oldObject: apps, request: kustomizeController })).toBe(true);
  });
});

describe('people may only restart and scale a Deployment', () => {
  const rule = restartAndScaleGuardRule();
  const objects = fixtureObjectsOf('prod');
  const namespaces = new Map(byKind(objects, 'Namespace').map((n) => [n.metadata.name, n]));
  const shop = byKind(objects, 'Deployment').find((d) => d.metadata.namespace === namespaceOf('shop'))! as Json;
  const user = (username: string, groups: string[]) => ({ operation: 'UPDATE', userInfo: { username, groups: [...groups, 'system:authenticated'] } });
  const developer = user('dev-shop', [appGroupOf('shop', 'developers')]);
  const operator = user('ops-lead', [PLATFORM_ADMINS_GROUP]);
  // kustomize-controller impersonates the apps layer's account (fluxcd/kustomize-controller@v1.6.1 spec.serviceAccountName).
  const flux = user('system:serviceaccount:flux-system:flux-apps', ['system:serviceaccounts', 'system:serviceaccounts:flux-system']);
  const deploymentController = user('system:serviceaccount:kube-system:deployment-controller', [
    'system:serviceaccounts',
    'system:serviceaccounts:kube-system',
  ]);
  const by = (request: Json, oldObject: Json, object: Json) =>
    admits(rule, { object, oldObject, namespaceObject: namespaces.get(object.metadata.namespace)!, request });
  const restarted = (d: Json, at = '2026-01-01T00:00:00Z') =>
    edited(d, (c) => (c.spec.template.metadata.annotations = { ...(c.spec.template.metadata.annotations ?? {}), [RESTARTED_AT_ANNOTATION]: at }));
  const scaled = (d: Json, replicas: number) => edited(d, (c) => (c.spec.replicas = replicas));
  const container = (c: Json) => c.spec.template.spec.containers[0];

  test('it matches Deployments in app namespaces', () => {
    expect(rule.resources).toEqual([{ group: 'apps', version: 'v1', resources: ['deployments'] }]);
    expect(rule.namespaceLabels).toEqual(APP_PART_OF_LABEL);
  });
  test('`kubectl rollout restart` passes, first and again (kubectl objectrestarter.go: the pod template annotation)', () => {
    for (const who of [developer, operator]) {
      expect(by(who, shop, restarted(shop))).toBe(true);
      expect(by(who, restarted(shop), restarted(shop, '2026-01-02T00:00:00Z'))).toBe(true);
    }
  });
  test('a change of spec.replicas passes, alone and with a restart', () => {
    expect(by(developer, shop, scaled(shop, 7))).toBe(true);
    expect(by(developer, shop, scaled(restarted(shop), 0))).toBe(true);
  });
  test.each<[string, (c: Json) => void]>([
    ['a command of its own', (c: Json) => (container(c).command = ['sh', '-c', 'env; sleep 3600'])],
    ['other args', (c: Json) => (container(c).args = ['--debug'])],
    [
      "a volume of the namespace's Secret, mounted",
      (c: Json) => {
        c.spec.template.spec.volumes = [...(c.spec.template.spec.volumes ?? []), { name: 'x', secret: { secretName: 'gateway-login' } }];
        container(c).volumeMounts = [...(container(c).volumeMounts ?? []), { name: 'x', mountPath: '/x' }];
      },
    ],
    [
      'an env var from a Secret',
      (c: Json) => (container(c).env = [...(container(c).env ?? []), { name: 'X', valueFrom: { secretKeyRef: { name: 'shop-restic', key: 'password' } } }]),
    ],
    ['another image', (c: Json) => (container(c).image = 'busybox')],
    ['another pod label (the NetworkPolicies select on them)', (c: Json) => (c.spec.template.metadata.labels = { ...c.spec.template.metadata.labels, x: 'y' })],
    ['another pod annotation', (c: Json) => (c.spec.template.metadata.annotations = { ...(c.spec.template.metadata.annotations ?? {}), x: 'y' })],
    [
      'a finalizer on the pods (GetPodFromTemplate copies it: every deleted pod would stay Terminating)',
      (c: Json) => (c.spec.template.metadata.finalizers = ['example.com/hold']),
    ],
    ...Object.keys(FIXED_TEMPLATE_METADATA).map((field): [string, (c: Json) => void] => [
      `spec.template.metadata.${field}`,
      (c: Json) => (c.spec.template.metadata[field] = { x: 1 }),
    ]),
    [
      'an owner reference to an object that does not exist',
      (c: Json) => (c.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'gone', uid: 'x' }]),
    ],
    ['a finalizer', (c: Json) => (c.metadata.finalizers = ['example.com/hold'])],
    ['a label of the Deployment', (c: Json) => (c.metadata.labels = { ...c.metadata.labels, x: 'y' })],
    [
      "Flux's reconcile annotation (Flux would stop reverting hand edits)",
      (c: Json) => (c.metadata.annotations = { ...(c.metadata.annotations ?? {}), 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' }),
    ],
    ...FIXED_DEPLOYMENT_FIELDS.map((field): [string, (c: Json) => void] => [
      `spec.${field}`,
      (c: Json) => (c.spec[field] = field === 'paused' ? true : { x: 1 }),
    ]),
  ])('it refuses %s, by a developer or an operator, with a restart or without', (_what, edit) => {
    for (const who of [developer, operator]) {
      expect(by(who, shop, edited(shop, edit))).toBe(false);
      expect(by(who, shop, edited(restarted(shop), edit))).toBe(false);
    }
  });
  test('it refuses a Deployment created by a developer or an operator', () => {
    for (const who of [developer, operator])
      expect(admits(rule, { object: shop, namespaceObject: namespaces.get('shop'), request: { ...who, operation: 'CREATE' } })).toBe(false);
  });
  test("any app's developers are held to it, and no viewer or other group is matched", () => {
    expect(
      by(
        user('dev-legacy', [appGroupOf('legacy-site', 'developers')]),
        shop,
        edited(shop, (c) => (container(c).command = ['sh'])),
      ),
    ).toBe(false);
    expect(
      by(
        user('viewer', [appGroupOf('shop', 'viewers')]),
        shop,
        edited(shop, (c) => (container(c).command = ['sh'])),
      ),
    ).toBe(true);
  });
  test("Flux's apply, the deployment controller and break-glass are not held back", () => {
    const release = edited(shop, (c) => (container(c).image = `${container(c).image.split('@')[0]}@sha256:${'1'.repeat(64)}`));
    expect(by(flux, shop, release)).toBe(true);
    expect(admits(rule, { object: shop, namespaceObject: namespaces.get('shop'), request: { ...flux, operation: 'CREATE' } })).toBe(true);
    expect(
      by(
        deploymentController,
        shop,
        edited(shop, (c) => (c.metadata.annotations = { 'deployment.kubernetes.io/revision': '2' })),
      ),
    ).toBe(true);
    expect(by(user('ops-lead', [PLATFORM_ADMINS_GROUP, BREAK_GLASS_GROUP]), shop, release)).toBe(true);
  });
});

describe('operators may only suspend and resume a CronJob', () => {
  const rule = cronJobSuspendGuardRule();
  const objects = fixtureObjectsOf('prod');
  const namespaces = new Map(byKind(objects, 'Namespace').map((n) => [n.metadata.name, n]));
  const backup = byKind(objects, 'CronJob').find((c) => c.metadata.name === backupJobNameOf('shop', 'backup'))! as Json;
  const user = (username: string, groups: string[]) => ({ operation: 'UPDATE', userInfo: { username, groups: [...groups, 'system:authenticated'] } });
  const operator = user('ops-lead', [PLATFORM_ADMINS_GROUP]);
  const flux = user('system:serviceaccount:flux-system:flux-apps', ['system:serviceaccounts', 'system:serviceaccounts:flux-system']);
  const by = (request: Json, oldObject: Json, object: Json) =>
    admits(rule, { object, oldObject, namespaceObject: namespaces.get(object.metadata.namespace)!, request });
  const suspended = (c: Json, suspend = true) => edited(c, (copy) => (copy.spec.suspend = suspend));
  const container = (c: Json) => c.spec.jobTemplate.spec.template.spec.containers[0];

  test('it matches CronJobs in app namespaces, and operators may patch them', () => {
    expect(rule.resources).toEqual([{ group: 'batch', version: 'v1', resources: ['cronjobs'] }]);
    expect(rule.namespaceLabels).toEqual(APP_PART_OF_LABEL);
    const role = byKind(objects, 'ClusterRole').find((r) => r.metadata.name === OPERATOR_ROLE)! as Json;
    expect(role.rules).toContainEqual({ apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['patch'] });
  });
  test('`kubectl patch cronjob … {"spec":{"suspend":true}}` passes, and so does the resume', () => {
    expect(backup.spec.suspend).toBeUndefined();
    expect(by(operator, backup, suspended(backup))).toBe(true);
    expect(by(operator, suspended(backup), suspended(backup, false))).toBe(true);
  });
  test.each<[string, (c: Json) => void]>([
    ['a command of its own in the job template', (c) => (container(c).command = ['sh', '-c', 'cat /restic/secret/password'])],
    ['another service account for its pods', (c) => (c.spec.jobTemplate.spec.template.spec.serviceAccountName = 'shop')],
    ['another schedule', (c) => (c.spec.schedule = '* * * * *')],
    ['concurrent runs', (c) => (c.spec.concurrencyPolicy = 'Allow')],
    ['a label of the CronJob', (c) => (c.metadata.labels = { ...c.metadata.labels, x: 'y' })],
    ['a finalizer', (c) => (c.metadata.finalizers = ['example.com/hold'])],
    ...FIXED_CRONJOB_FIELDS.filter((f) => !['schedule', 'jobTemplate', 'concurrencyPolicy'].includes(f)).map((field): [string, (c: Json) => void] => [
      `spec.${field}`,
      (c: Json) => (c.spec[field] = field === 'timeZone' ? 'America/New_York' : 99),
    ]),
  ])('it refuses %s, with a suspend or without', (_what, edit) => {
    expect(by(operator, backup, edited(backup, edit))).toBe(false);
    expect(by(operator, backup, edited(suspended(backup), edit))).toBe(false);
  });
  test('it refuses a CronJob created by an operator; Flux and break-glass are not held back', () => {
    expect(admits(rule, { object: backup, namespaceObject: namespaces.get(backup.metadata.namespace), request: { ...operator, operation: 'CREATE' } })).toBe(
      false,
    );
    const changed = edited(backup, (c) => (c.spec.schedule = '0 3 * * *'));
    expect(by(flux, backup, changed)).toBe(true);
    expect(by(user('ops-lead', [PLATFORM_ADMINS_GROUP, BREAK_GLASS_GROUP]), backup, changed)).toBe(true);
    expect(by(user('dev-shop', [appGroupOf('shop', 'developers')]), backup, changed)).toBe(true);
  });
});

describe.each(CLUSTERS.map((c) => [c.env] as const))("cluster %s: developers exec, attach and port-forward only into their app's Deployment pods", (env) => {
  const rule = execGuardRule();
  const objects = fixtureObjectsOf(env);
  const namespaces = new Map(byKind(objects, 'Namespace').map((n) => [n.metadata.name, n]));
  const inAppNamespace = (o: KubeObject) =>
    Object.entries(APP_PART_OF_LABEL).every(([k, v]) => namespaces.get(o.metadata.namespace!)?.metadata.labels?.[k] === v);
  const appNamespaces = [...namespaces.values()].filter((n) => Object.entries(APP_PART_OF_LABEL).every(([k, v]) => n.metadata.labels?.[k] === v));
  const deployments = byKind(objects, 'Deployment').filter(inAppNamespace) as Json[];
  const cronJobs = byKind(objects, 'CronJob').filter(inAppNamespace) as Json[];
  const appOf = (namespace: string): string => namespaces.get(namespace)!.metadata.labels!['app.kubernetes.io/name'];

  // How the controllers name pods, at Kubernetes 1.35 (sources in constructs/access/exec-guard.ts).
  /** rand.SafeEncodeString (kubernetes/apimachinery v0.35.7 pkg/util/rand/rand.go): each character to alphanums[code % 27]. */
  const safeEncode = (s: string) => [...s].map((c) => GENERATED_NAME_ALPHABET[c.charCodeAt(0) % GENERATED_NAME_ALPHABET.length]).join('');
  /** FNV-1a, 32 bits, as hash/fnv's New32a. ComputeHash feeds it a spew dump of the Go struct; any uint32 gives a hash of the same shape. */
  const fnv32a = (text: string) => {
    let h = 0x811c9dc5;
    for (const byte of Buffer.from(text)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    return h;
  };
  /** controller.ComputeHash: SafeEncodeString of the uint32's decimal digits. */
  const podTemplateHashOf = (sum32: number) => safeEncode(String(sum32));
  /** rand.String(5), from a seeded generator so the test is repeatable. */
  const suffixes = (seed: number, count: number) => {
    let x = seed;
    return Array.from({ length: count }, () =>
      Array.from({ length: GENERATED_SUFFIX_LENGTH }, () => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return GENERATED_NAME_ALPHABET[(x >>> 16) % GENERATED_NAME_ALPHABET.length];
      }).join(''),
    );
  };
  /** names.SimpleNameGenerator.GenerateName (kubernetes/apiserver v0.35.7 pkg/storage/names/generate.go): the base cut to 58, then the suffix. */
  const generateName = (base: string, suffix: string) => `${base.slice(0, MAX_GENERATED_NAME_BASE)}${suffix}`;
  /** The hashes a Deployment's ReplicaSets get: of its own pod template, and the shortest and longest a uint32 gives. */
  const hashesOf = (d: Json) => [fnv32a(JSON.stringify(d.spec.template)), 0, 2 ** 32 - 1].map(podTemplateHashOf);
  /** Pods of a Deployment's ReplicaSets: generateName `<deployment>-<hash>-` (controller_utils.go getPodsPrefix). */
  const deploymentPodsOf = (d: Json) => hashesOf(d).flatMap((hash, i) => suffixes(i + 1, 3).map((s) => generateName(`${d.metadata.name}-${hash}-`, s)));
  /** A scheduled run of a CronJob: Job `<cronjob>-<minutes since the epoch>` (cronjob/utils.go getJobFromTemplate2), its pods `<job>-` + suffix. */
  const SCHEDULED = Date.UTC(2026, 6, 1, 2, 30);
  const cronJobPodsOf = (c: Json) => suffixes(7, 3).map((s) => generateName(`${c.metadata.name}-${Math.floor(SCHEDULED / 60_000)}-`, s));

  const user = (username: string, groups: string[]) => ({ username, groups: [...groups, 'system:authenticated'] });
  const developerOf = (app: string) => user(`dev-${app}`, [appGroupOf(app, 'developers')]);
  const operator = user('ops-lead', [PLATFORM_ADMINS_GROUP]);
  /** What the API server hands the policy on a CONNECT (kubernetes/apiserver v0.35.7 pkg/endpoints/handlers/rest.go ConnectResource). */
  const optionsOf: Record<(typeof CONNECT_SUBRESOURCES)[number], Json> = {
    'pods/exec': { apiVersion: 'v1', kind: 'PodExecOptions', stdin: true, stdout: true, tty: true, container: 'app', command: ['sh'] },
    'pods/attach': { apiVersion: 'v1', kind: 'PodAttachOptions', stdin: true, stdout: true, tty: true, container: 'app' },
    'pods/portforward': { apiVersion: 'v1', kind: 'PodPortForwardOptions', ports: [8080] },
  };
  const connect = (userInfo: Json, namespace: string, pod: string, subresource: (typeof CONNECT_SUBRESOURCES)[number]) =>
    admits(rule, {
      object: optionsOf[subresource],
      namespaceObject: namespaces.get(namespace)!,
      request: { operation: 'CONNECT', name: pod, namespace, subResource: subresource.split('/')[1], userInfo },
    });
  const allConnects = (userInfo: Json, namespace: string, pod: string) => CONNECT_SUBRESOURCES.map((s) => connect(userInfo, namespace, pod, s));

  test('the output has app Deployments and CronJobs, and each app namespace runs one Deployment, named by deploymentOf(app)', () => {
    expect(deployments.length).toBeGreaterThan(0);
    expect(cronJobs.length).toBeGreaterThan(0);
    for (const ns of appNamespaces) {
      const app = appOf(ns.metadata.name);
      expect([ns.metadata.name, namespaceOf(app)]).toEqual([ns.metadata.name, ns.metadata.name]);
      expect(deployments.filter((d) => d.metadata.namespace === ns.metadata.name).map((d) => d.metadata.name)).toEqual([deploymentOf(app)]);
    }
    expect(byKind(objects, 'StatefulSet').filter(inAppNamespace)).toEqual([]);
  });
  test('the policy emitted matches CONNECT on exactly pods/exec, pods/attach and pods/portforward in app namespaces, and denies', () => {
    const policy = objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === rule.name)!.spec as Json;
    expect(policy.matchConstraints.resourceRules).toEqual([
      { apiGroups: [''], apiVersions: ['v1'], operations: ['CONNECT'], resources: ['pods/attach', 'pods/exec', 'pods/portforward'] },
    ]);
    expect(policy.matchConstraints.namespaceSelector).toEqual({ matchLabels: APP_PART_OF_LABEL });
    const binding = objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === rule.name)!.spec as Json;
    expect(binding).toEqual({ policyName: rule.name, validationActions: ['Deny'] });
  });
  test("a developer reaches every pod of their app's Deployment, as the controllers name them", () => {
    for (const d of deployments) {
      const app = appOf(d.metadata.namespace);
      for (const pod of deploymentPodsOf(d)) expect([pod, allConnects(developerOf(app), d.metadata.namespace, pod)]).toEqual([pod, [true, true, true]]);
    }
  });
  test("a developer reaches no pod of any CronJob of the namespace: the backup, retention, check and restore jobs'", () => {
    expect(String(Math.floor(SCHEDULED / 60_000))).toMatch(/^\d{8}$/);
    const app = appOf(cronJobs[0].metadata.namespace);
    for (const job of ['backup', 'retention', 'check', 'restore'] as const) expect(cronJobs.map((c) => c.metadata.name)).toContain(backupJobNameOf(app, job));
    for (const c of cronJobs) {
      const app = appOf(c.metadata.namespace);
      for (const pod of cronJobPodsOf(c)) expect([pod, allConnects(developerOf(app), c.metadata.namespace, pod)]).toEqual([pod, [false, false, false]]);
    }
  });
  test('a developer reaches no pod of another shape', () => {
    const d = deployments[0];
    const [ns, name] = [d.metadata.namespace, d.metadata.name];
    const other = deployments.find((o) => o.metadata.namespace !== ns);
    const hash = podTemplateHashOf(fnv32a('x'));
    const shapes = [
      `${name}-bcdfg`, // a bare pod with generateName `<app>-`
      `${name}-${hash}`,
      `${name}-${hash}-bcdf`,
      `${name}-${hash}-bcdfgh`,
      `${name}-${'b'.repeat(POD_TEMPLATE_HASH_LENGTH.max + 1)}-bcdfg`,
      `${name}-${hash}-bcdfg-x`,
      `${name}-${hash}-bcdf0`, // 0, 1 and 3 are not in the alphabet
      `${name}-restore-bcdfg`, // a vowel
      `${name}-${hash.toUpperCase()}-bcdfg`,
      `x${name}-${hash}-bcdfg`,
      `${name}x-${hash}-bcdfg`,
      ...(other ? [`${other.metadata.name}-${hash}-bcdfg`] : []),
    ];
    for (const pod of shapes) expect([pod, allConnects(developerOf(appOf(ns)), ns, pod)]).toEqual([pod, [false, false, false]]);
  });
  test('no pod of a job that a runbook has an operator create (`kubectl create job --from=cronjob/…`) is within reach', () => {
    const app = appOf(cronJobs[0].metadata.namespace);
    const docs = fs.readdirSync(path.join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md'));
    const jobs: string[] = [];
    for (const file of docs) {
      const text = fs.readFileSync(path.join(REPO_ROOT, 'docs', file), 'utf8');
      // The runbooks' placeholders: $APP and <app>; $JOB as the runbook sets it, with a time for `$(date +%s)`.
      const job = /^\s*JOB=(\S+)$/m.exec(text)?.[1];
      const filled = (s: string) =>
        s
          .replace(/\$JOB\b/g, job ?? '$JOB')
          .replace(/\$\(date \+%s\)/g, String(SCHEDULED / 1000))
          .replace(/\$APP\b|<app>/g, app);
      for (const m of text.matchAll(/kubectl -n (\S+) create job --from=cronjob\/(\S+) ([^\s`]+)/g)) {
        const [namespace, cron, name] = [m[1], m[2], m[3]].map(filled);
        if (namespace !== namespaceOf(app)) continue;
        expect([file, cron, cronJobs.some((c) => c.metadata.name === cron)]).toEqual([file, cron, true]);
        jobs.push(name);
      }
    }
    expect(jobs.length).toBeGreaterThan(3);
    for (const name of jobs) {
      for (const pod of suffixes(3, 2).map((s) => generateName(`${name}-`, s)))
        expect([pod, allConnects(developerOf(app), namespaceOf(app), pod)]).toEqual([pod, [false, false, false]]);
    }
  });
  test("what remains: a Job an operator names `<app>-<1 to 10 of the alphabet>` has pods of a Deployment pod's shape", () => {
    const d = deployments[0];
    expect(allConnects(developerOf(appOf(d.metadata.namespace)), d.metadata.namespace, generateName(`${d.metadata.name}-bkp-`, 'bcdfg'))).toEqual([
      true,
      true,
      true,
    ]);
  });
  test("any app's developers are held to it; platform admins, break-glass and viewers are not matched", () => {
    const d = deployments[0];
    const ns = d.metadata.namespace;
    const jobPod = cronJobPodsOf(cronJobs.find((c) => c.metadata.namespace === ns) ?? cronJobs[0])[0];
    const jobNs = (cronJobs.find((c) => c.metadata.namespace === ns) ?? cronJobs[0]).metadata.namespace;
    expect(allConnects(developerOf('some-other-app'), jobNs, jobPod)).toEqual([false, false, false]);
    expect(allConnects(operator, jobNs, jobPod)).toEqual([true, true, true]);
    expect(allConnects(user('ops-lead', [PLATFORM_ADMINS_GROUP, BREAK_GLASS_GROUP]), jobNs, jobPod)).toEqual([true, true, true]);
    expect(allConnects(user('ops-dev', [PLATFORM_ADMINS_GROUP, appGroupOf(appOf(jobNs), 'developers')]), jobNs, jobPod)).toEqual([true, true, true]);
    // Viewers have no exec right (EXEC_ROLE is bound to admins and developers only); RBAC refuses them first.
    expect(allConnects(user('viewer', [appGroupOf(appOf(jobNs), 'viewers')]), jobNs, jobPod)).toEqual([true, true, true]);
  });
  test('no Deployment pod name is cut: the longest app name, the longest hash and the dashes fit the generateName base', () => {
    expect(podTemplateHashOf(2 ** 32 - 1)).toHaveLength(POD_TEMPLATE_HASH_LENGTH.max);
    expect(podTemplateHashOf(0)).toHaveLength(POD_TEMPLATE_HASH_LENGTH.min);
    expect(`${deploymentOf('a'.repeat(APP_NAME_MAX_LENGTH))}-${podTemplateHashOf(2 ** 32 - 1)}-`.length).toBeLessThanOrEqual(MAX_GENERATED_NAME_BASE);
  });
});
