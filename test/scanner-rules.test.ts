import { CLUSTERS } from './fixtures/specs/clusters';
import {
  EXEMPTION_REASON_PREFIX,
  exemptionAnnotations,
  exemptionReasonKey,
  KUBE_LINTER_IGNORE_PREFIX,
  KUBE_SCORE_IGNORE,
  POLARIS_EXEMPT,
  type Scanner,
} from '../constructs/model/scanner-exemptions';
import { SCANNER_CHECKS } from '../constructs/rules/scanner-checks';
import {
  exemptionProblems,
  exemptionsOf,
  IMPLEMENTED_CHECKS,
  recommendedLabelProblems,
  scannerProblems,
  TABLE_RULE_CHECKS,
} from '../constructs/rules/scanner-rules';
import { buildAll } from '../constructs/synth/pipeline';
import type { KubeObject } from '../constructs/model/kube-object';
import { FIXTURE_INPUT, fixtureObjectsOf, synthProblemsOf } from './support';

/* The scanner checks (kube-score, Polaris, kube-linter) and their exemptions: each check passes on the
   real output and fails on an object broken for it; every exemption in the output has a reason. */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const STAGING = fixtureObjectsOf('staging');
const clone = (objects: readonly KubeObject[]): Json[] => JSON.parse(JSON.stringify(objects));
const find = (objects: Json[], kind: string, name: string, namespace = 'shop'): Json => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  if (!found) throw new Error(`fixture: no ${kind} ${namespace}/${name} in the staging output`);
  return found;
};
const deployment = (o: Json[]) => find(o, 'Deployment', 'shop');
const app = (o: Json[]) => deployment(o).spec.template.spec.containers[0];
const backup = (o: Json[]) => find(o, 'CronJob', 'shop-backup');
const pdb = (o: Json[]) => find(o, 'PodDisruptionBudget', 'shop');
const hpa = (o: Json[]) => find(o, 'HorizontalPodAutoscaler', 'shop');
const service = (o: Json[]) => find(o, 'Service', 'shop');

/** Removes one exemption and its reason, as if the object had never had it. */
function unexempt(obj: Json, scanner: Scanner, check: string): void {
  const a = obj.metadata.annotations;
  if (scanner === 'kube-score') {
    const rest = a[KUBE_SCORE_IGNORE].split(',').filter((id: string) => id !== check);
    if (rest.length > 0) a[KUBE_SCORE_IGNORE] = rest.join(',');
    else delete a[KUBE_SCORE_IGNORE];
  }
  if (scanner === 'polaris') delete a[`polaris.fairwinds.com/${check}-exempt`];
  if (scanner === 'kube-linter') delete a[`${KUBE_LINTER_IGNORE_PREFIX}${check}`];
  delete a[exemptionReasonKey(scanner, check)];
}

/** [check, how the staging output is broken for it]; the finding must name the object and the check. */
const BROKEN: readonly [string, (o: Json[]) => void, string][] = [
  ['kube-score/container-image-tag', (o) => (app(o).image = 'ghcr.io/acme-web/shop'), 'Deployment shop/shop container app'],
  [
    'kube-score/container-image-pull-policy',
    (o) => unexempt(backup(o), 'kube-score', 'container-image-pull-policy'),
    'CronJob shop/shop-backup container restic',
  ],
  [
    'kube-score/container-ephemeral-storage-request-and-limit',
    (o) => delete app(o).resources.limits['ephemeral-storage'],
    'Deployment shop/shop container app',
  ],
  ['kube-score/environment-variable-key-duplication', (o) => app(o).env.push({ ...app(o).env[0] }), 'Deployment shop/shop container app'],
  [
    'kube-score/container-security-context-user-group-id',
    (o) => {
      deployment(o).spec.template.spec.securityContext.runAsGroup = 1000;
      delete app(o).securityContext.runAsGroup;
    },
    'Deployment shop/shop',
  ],
  ['kube-score/pod-probes-identical', (o) => (app(o).livenessProbe = { ...app(o).readinessProbe, periodSeconds: 30 }), 'Deployment shop/shop container app'],
  [
    'kube-score/pod-networkpolicy',
    (o) => o.splice(0, o.length, ...o.filter((x) => !(x.kind === 'NetworkPolicy' && x.metadata.namespace === 'shop'))),
    'CronJob shop/shop-backup',
  ],
  ['kube-score/pod-topology-spread-constraints', (o) => (deployment(o).spec.template.spec.topologySpreadConstraints[0].maxSkew = 0), 'Deployment shop/shop'],
  ['kube-score/deployment-strategy', (o) => (deployment(o).spec.strategy = { type: 'Recreate' }), 'Deployment shop/shop'],
  [
    'kube-score/deployment-has-host-podantiaffinity',
    (o) => unexempt(deployment(o), 'kube-score', 'deployment-has-host-podantiaffinity'),
    'Deployment shop/shop',
  ],
  ['kube-score/deployment-targeted-by-hpa-does-not-have-replicas-configured', (o) => (deployment(o).spec.replicas = 3), 'Deployment shop/shop'],
  [
    'kube-score/deployment-pod-selector-labels-match-template-metadata-labels',
    (o) => (deployment(o).spec.selector.matchLabels['app.kubernetes.io/name'] = 'other'),
    'Deployment shop/shop',
  ],
  ['kube-score/poddisruptionbudget-has-policy', (o) => delete pdb(o).spec.maxUnavailable, 'PodDisruptionBudget shop/shop'],
  ['kube-score/cronjob-has-deadline', (o) => delete backup(o).spec.startingDeadlineSeconds, 'CronJob shop/shop-backup'],
  ['kube-score/cronjob-restartpolicy', (o) => (backup(o).spec.jobTemplate.spec.template.spec.restartPolicy = 'Always'), 'CronJob shop/shop-backup'],
  ['kube-score/service-targets-pod', (o) => (service(o).spec.selector = { 'app.kubernetes.io/name': 'nothing' }), 'Service shop/shop'],
  ['kube-score/horizontalpodautoscaler-has-target', (o) => (hpa(o).spec.scaleTargetRef.name = 'gone'), 'HorizontalPodAutoscaler shop/shop'],
  [
    'kube-score/horizontalpodautoscaler-replicas',
    (o) => unexempt(hpa(o), 'kube-score', 'horizontalpodautoscaler-replicas'),
    'HorizontalPodAutoscaler shop/shop',
  ],
  ['kube-score/label-values', (o) => (service(o).metadata.labels.tier = 'not a value!'), 'Service shop/shop'],

  ['polaris/tagNotSpecified', (o) => (app(o).image = 'ghcr.io/acme-web/shop:latest'), 'Deployment shop/shop container app'],
  ['polaris/pullPolicyNotAlways', (o) => unexempt(deployment(o), 'polaris', 'pullPolicyNotAlways'), 'Deployment shop/shop container app'],
  ['polaris/priorityClassNotSet', (o) => delete backup(o).spec.jobTemplate.spec.template.spec.priorityClassName, 'CronJob shop/shop-backup'],
  ['polaris/deploymentMissingReplicas', (o) => unexempt(deployment(o), 'polaris', 'deploymentMissingReplicas'), 'Deployment shop/shop'],
  ['polaris/metadataAndInstanceMismatched', (o) => unexempt(backup(o), 'polaris', 'metadataAndInstanceMismatched'), 'CronJob shop/shop-backup'],
  ['polaris/pdbDisruptionsIsZero', (o) => (pdb(o).spec.maxUnavailable = 0), 'PodDisruptionBudget shop/shop'],
  ['polaris/hpaMinAvailability', (o) => unexempt(hpa(o), 'polaris', 'hpaMinAvailability'), 'HorizontalPodAutoscaler shop/shop'],
  ['polaris/hpaMaxAvailability', (o) => (hpa(o).spec.maxReplicas = 1), 'HorizontalPodAutoscaler shop/shop'],
  [
    'polaris/pdbMinAvailableGreaterThanHPAMinReplicas',
    (o) => {
      delete pdb(o).spec.maxUnavailable;
      pdb(o).spec.minAvailable = 2;
    },
    'Deployment shop/shop',
  ],
  ['polaris/hostPathSet', (o) => deployment(o).spec.template.spec.volumes.push({ name: 'host', hostPath: { path: '/var' } }), 'Deployment shop/shop'],
  ['polaris/hostPortSet', (o) => (app(o).ports[0].hostPort = 3000), 'Deployment shop/shop container app'],
  ['polaris/missingNetworkPolicy', (o) => o.splice(o.indexOf(find(o, 'NetworkPolicy', 'shop')), 1), 'Deployment shop/shop'],
  ['polaris/sensitiveContainerEnvVar', (o) => app(o).env.push({ name: 'API_TOKEN', value: 'abc' }), 'Deployment shop/shop container app'],
  [
    'polaris/sensitiveConfigmapContent',
    (o) => (find(o, 'ConfigMap', 'elasticsearch-setup', 'logging').data['db-password'] = 'x'),
    'ConfigMap logging/elasticsearch-setup',
  ],

  [
    'kube-linter/env-var-secret',
    (o) => backup(o).spec.jobTemplate.spec.template.spec.containers[0].env.push({ name: 'CLIENT_SECRET', value: 'x' }),
    'CronJob shop/shop-backup container restic',
  ],
  ['kube-linter/duplicate-env-var', (o) => app(o).env.push({ ...app(o).env[1] }), 'Deployment shop/shop container app'],
  ['kube-linter/latest-tag', (o) => (app(o).image = 'ghcr.io/acme-web/shop'), 'Deployment shop/shop container app'],
  ['kube-linter/job-ttl-seconds-after-finished', (o) => (backup(o).spec.jobTemplate.spec.ttlSecondsAfterFinished = 60), 'CronJob shop/shop-backup'],
  ['kube-linter/liveness-port', (o) => (app(o).livenessProbe.tcpSocket.port = 9999), 'Deployment shop/shop container app'],
  ['kube-linter/readiness-port', (o) => (app(o).readinessProbe.httpGet.port = 9999), 'Deployment shop/shop container app'],
  ['kube-linter/startup-port', (o) => (app(o).startupProbe.httpGet.port = 'metrics'), 'Deployment shop/shop container app'],
  ['kube-linter/mismatching-selector', (o) => (deployment(o).spec.selector.matchLabels['app.kubernetes.io/name'] = 'other'), 'Deployment shop/shop'],
  ['kube-linter/dangling-service', (o) => (service(o).spec.selector = { 'app.kubernetes.io/name': 'nothing' }), 'Service shop/shop'],
  ['kube-linter/non-existent-service-account', (o) => (backup(o).spec.jobTemplate.spec.template.spec.serviceAccountName = 'ghost'), 'CronJob shop/shop-backup'],
  ['kube-linter/deprecated-service-account-field', (o) => (deployment(o).spec.template.spec.serviceAccount = 'shop'), 'Deployment shop/shop'],
  ['kube-linter/no-anti-affinity', (o) => (deployment(o).spec.replicas = 3), 'Deployment shop/shop'],
  ['kube-linter/pdb-max-unavailable', (o) => (pdb(o).spec.maxUnavailable = '0%'), 'PodDisruptionBudget shop/shop'],
  [
    'kube-linter/pdb-min-available',
    (o) => {
      delete pdb(o).spec.maxUnavailable;
      pdb(o).spec.minAvailable = '100%';
    },
    'PodDisruptionBudget shop/shop',
  ],
  ['kube-linter/pdb-unhealthy-pod-eviction-policy', (o) => delete pdb(o).spec.unhealthyPodEvictionPolicy, 'PodDisruptionBudget shop/shop'],
];

const broken = (mutate: (o: Json[]) => void): Json[] => {
  const objects = clone(STAGING);
  mutate(objects);
  return objects;
};

describe('the scanner checks', () => {
  test('the table names each check once, and scanner-rules implements exactly its scanner-rules checks', () => {
    const keys = SCANNER_CHECKS.map((c) => `${c.scanner}/${c.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(TABLE_RULE_CHECKS.length).toBeGreaterThan(0);
    expect([...IMPLEMENTED_CHECKS].sort()).toEqual([...TABLE_RULE_CHECKS].sort());
  });

  test('every implemented check has a broken fixture below', () => {
    expect(BROKEN.map(([key]) => key).sort()).toEqual([...IMPLEMENTED_CHECKS].sort());
  });

  test.each(CLUSTERS.map((c) => [c.env] as const))('the %s output passes every check, and its workloads carry the recommended labels', (env) => {
    const objects = fixtureObjectsOf(env);
    expect(objects.length).toBeGreaterThan(0);
    expect(scannerProblems(objects)).toEqual([]);
    expect(recommendedLabelProblems(objects)).toEqual([]);
  });

  test.each(BROKEN)('%s fails on an object broken for it, naming the object and the check', (key, mutate, where) => {
    const [scanner, id] = key.split('/');
    const problems = scannerProblems(broken(mutate));
    expect(problems.filter((p) => p.includes(`: ${scanner} ${id}: `) && p.startsWith(where))).not.toEqual([]);
  });

  test('an exemption from a check the object passes is refused', () => {
    const problems = scannerProblems(broken((o) => (app(o).imagePullPolicy = 'Always')));
    expect(problems).toContain('Deployment shop/shop: exempt from kube-score container-image-pull-policy, but passes it: drop the exemption');
    expect(problems).toContain('Deployment shop/shop: exempt from polaris pullPolicyNotAlways, but passes it: drop the exemption');
  });

  test('an exemption from a check that does not apply to the kind is refused too, and exempts from nothing else', () => {
    const [configMap] = clone(STAGING.filter((o) => o.kind === 'ConfigMap'));
    expect(configMap).toBeDefined();
    configMap.metadata.annotations = { ...configMap.metadata.annotations, 'polaris.fairwinds.com/hostPortSet-exempt': 'true' };
    configMap.data = { ...configMap.data, password: 'hunter2' };
    expect(scannerProblems([configMap])).toEqual([
      `ConfigMap ${configMap.metadata.namespace}/${configMap.metadata.name}: exempt from polaris hostPortSet, but passes it: drop the exemption`,
      `ConfigMap ${configMap.metadata.namespace}/${configMap.metadata.name}: polaris sensitiveConfigmapContent: key password looks like a secret`,
    ]);
  });

  test('prod carries no single-replica exemption: an app on one replica there stops synth', () => {
    const prod = FIXTURE_INPUT.clusters.find((c) => c.env === 'prod')!;
    const input = {
      ...FIXTURE_INPUT,
      clusters: FIXTURE_INPUT.clusters.map((c) => (c === prod ? { ...c, apps: { ...c.apps, shop: { ...c.apps.shop, scaling: { min: 1, max: 4 } } } } : c)),
    };
    expect(synthProblemsOf(() => buildAll(input))).toEqual(
      expect.arrayContaining([
        'acme-prod: HorizontalPodAutoscaler shop/shop: kube-score horizontalpodautoscaler-replicas: minReplicas is 1, below 2',
        'acme-prod: HorizontalPodAutoscaler shop/shop: polaris hpaMinAvailability: minReplicas is 1, below 2',
      ]),
    );
  });

  test('a workload or its pods without the instance label fails', () => {
    const problems = recommendedLabelProblems(
      broken((o) => {
        delete backup(o).metadata.labels['app.kubernetes.io/instance'];
        delete deployment(o).spec.template.metadata.labels['app.kubernetes.io/instance'];
      }),
    );
    expect(problems).toEqual([
      'Deployment shop/shop: its pods have no label app.kubernetes.io/instance',
      'CronJob shop/shop-backup: has no label app.kubernetes.io/instance',
    ]);
  });
});

describe('scanner exemptions', () => {
  test('every exemption annotation in the synthesized output has a non-empty reason', () => {
    const all = CLUSTERS.flatMap((c) => fixtureObjectsOf(c.env));
    let exemptions = 0;
    for (const obj of all) {
      const annotations = obj.metadata.annotations ?? {};
      for (const [key, value] of Object.entries(annotations)) {
        const reasons: (string | undefined)[] = [];
        if (key === KUBE_SCORE_IGNORE) reasons.push(...value.split(',').map((id) => annotations[exemptionReasonKey('kube-score', id)]));
        const polaris = POLARIS_EXEMPT.exec(key);
        if (polaris) reasons.push(annotations[exemptionReasonKey('polaris', polaris[1])]);
        if (key.startsWith(KUBE_LINTER_IGNORE_PREFIX)) reasons.push(value);
        exemptions += reasons.length;
        for (const reason of reasons)
          expect({ object: `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}`, key, reason: reason?.trim() || '' }).toMatchObject({
            reason: expect.stringMatching(/\S/),
          });
      }
    }
    expect(exemptions).toBeGreaterThan(0);
    expect(exemptionProblems(all)).toEqual([]);
  });

  test('kube-score ids are one list; Polaris takes "true" and a reason beside it; kube-linter takes the reason as its value', () => {
    const annotations = exemptionAnnotations([
      { scanner: 'kube-score', check: 'label-values', reason: 'reason one here' },
      { scanner: 'kube-score', check: 'cronjob-has-deadline', reason: 'reason two here' },
      { scanner: 'polaris', check: 'hostPathSet', reason: 'reason three here' },
      { scanner: 'kube-linter', check: 'latest-tag', reason: 'reason four here' },
    ]);
    expect(annotations).toEqual({
      'kube-score/ignore': 'cronjob-has-deadline,label-values',
      [`${EXEMPTION_REASON_PREFIX}kube-score.label-values`]: 'reason one here',
      [`${EXEMPTION_REASON_PREFIX}kube-score.cronjob-has-deadline`]: 'reason two here',
      'polaris.fairwinds.com/hostPathSet-exempt': 'true',
      [`${EXEMPTION_REASON_PREFIX}polaris.hostPathSet`]: 'reason three here',
      'ignore-check.kube-linter.io/latest-tag': 'reason four here',
    });
    expect([...exemptionsOf({ annotations })].sort()).toEqual([
      'kube-linter/latest-tag',
      'kube-score/cronjob-has-deadline',
      'kube-score/label-values',
      'polaris/hostPathSet',
    ]);
  });

  const REASON = exemptionReasonKey('kube-score', 'deployment-has-host-podantiaffinity');
  test.each([
    [
      'a missing reason',
      (o: Json[]) => delete deployment(o).metadata.annotations[REASON],
      `Deployment shop/shop: exempt from kube-score deployment-has-host-podantiaffinity without a reason: write one in ${REASON}`,
    ],
    [
      'a one-word reason',
      (o: Json[]) => (deployment(o).metadata.annotations[REASON] = 'spread'),
      `Deployment shop/shop: exempt from kube-score deployment-has-host-podantiaffinity without a reason: write one in ${REASON}`,
    ],
    [
      'an empty kube-linter reason',
      (o: Json[]) => (service(o).metadata.annotations = { 'ignore-check.kube-linter.io/dangling-service': '' }),
      'Service shop/shop: exempt from kube-linter dangling-service without a reason: write one in the value of ignore-check.kube-linter.io/dangling-service',
    ],
    [
      'a reason without its exemption',
      (o: Json[]) => {
        unexempt(deployment(o), 'kube-score', 'deployment-has-host-podantiaffinity');
        deployment(o).metadata.annotations[REASON] = 'left behind by an edit';
      },
      `Deployment shop/shop: ${REASON} gives a reason for an exemption it does not have`,
    ],
    [
      'an exemption from every check',
      (o: Json[]) => (pdb(o).metadata.annotations = { 'polaris.fairwinds.com/exempt': 'true' }),
      'PodDisruptionBudget shop/shop: annotation polaris.fairwinds.com/exempt exempts it from every check: exempt it from the failing checks, each with its reason',
    ],
    [
      'an exemption from a check synth does not judge',
      (o: Json[]) =>
        (pdb(o).metadata.annotations = { 'kube-score/ignore': 'stable-version', [exemptionReasonKey('kube-score', 'stable-version')]: 'an old api version' }),
      'PodDisruptionBudget shop/shop: exempt from kube-score stable-version, which synth does not judge: exempt only from a check of rules/scanner-checks.ts that scanner-rules implements',
    ],
    [
      'an exemption on the pod template',
      (o: Json[]) => (deployment(o).spec.template.metadata.annotations = { 'kube-score/ignore': 'pod-probes-identical' }),
      'Deployment shop/shop: its pod template carries exemptions (kube-score/pod-probes-identical): put them on the object',
    ],
  ])('%s is refused', (_name, mutate, expected) => {
    expect(exemptionProblems(broken(mutate))).toEqual([expected]);
  });
});
