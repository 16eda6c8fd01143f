import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { CLUSTERS } from '../clusters';
import { APPS } from '../apps';
import { clusterAppsOf } from '../constructs/model/resolve';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { mergeValues, workloadValuesOf } from '../constructs/platform/workload-values';
import { parseRendered, renderedProblems } from '../constructs/rules/rendered-check';
import type { KubeObject } from '../constructs/model/kube-object';
import { admissionSets, podOfWorkload } from '../scripts/ci/admission-sets';
import { clusterScopedKindsOf, helmTemplateArgs, kustomizationOf, ReleaseError, releasesToRender, withReleaseNamespace } from '../scripts/ci/helm-releases';
import { REAL_RELEASES, realObjectsOf, tempDir } from './support';
import { requireTool } from './tool';

/* The CI render job's own logic (scripts/ci/): reading the HelmReleases of dist/, the helm and kustomize
   inputs, and the sorting of objects for the kind cluster. helm itself does not run here. */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const FIXTURES = path.join(__dirname, 'fixtures', 'rendered');
const fixture = (dir: string, file: string) => fs.readFileSync(path.join(FIXTURES, dir, file), 'utf8');

describe('the HelmReleases of dist/<env>', () => {
  test.each(CLUSTERS.map((c) => [c.env, c] as const))(
    '%s: every add-on is rendered from its pinned chart, as its release, into its namespace, with its values',
    (env, cluster) => {
      const releases = releasesToRender(realObjectsOf(env));
      const ctx = { cluster, apps: clusterAppsOf(cluster, APPS, (name) => REAL_RELEASES[env].apps[name].current) };
      const addOns = addOnsOf(ctx);
      expect(addOns.length).toBeGreaterThan(0);
      expect(releases.map((r) => r.name).sort()).toEqual(addOns.map((a) => a.name).sort());
      for (const addOn of addOns) {
        const r = releases.find((x) => x.name === addOn.name)!;
        expect({ repository: r.repository, chart: r.chart, version: r.version }).toEqual({
          repository: addOn.chart.repository.replace(/\/+$/, ''),
          chart: addOn.chart.chart,
          version: addOn.chart.version,
        });
        expect([r.releaseName, r.namespace]).toEqual([addOn.name, addOn.namespace]);
        // Its values and post-render patches as FluxHelmRelease writes them: its own values merged with those its declarations generate.
        const generated = workloadValuesOf(addOn.name, addOn.workloads(ctx));
        expect(r.values).toEqual(JSON.parse(JSON.stringify(mergeValues(addOn.values(ctx), generated.values, addOn.name))));
        expect(r.postRenderers.flatMap((p) => p.patches ?? [])).toEqual(
          JSON.parse(JSON.stringify(generated.patches.map((p) => ({ target: p.target, patch: p.patch })))),
        );
      }
    },
  );

  test('helm template takes an https chart with --repo and an OCI chart by its full reference, always pinned, with CRDs and without tests', () => {
    const base = { name: 'x', releaseName: 'x', namespace: 'ns', version: '1.2.3', values: {}, postRenderers: [] };
    expect(helmTemplateArgs({ ...base, repository: 'https://charts.example.org', chart: 'c' }, 'v.yaml', 'v1.35.0')).toEqual(
      'template x c --repo https://charts.example.org --version 1.2.3 --namespace ns --values v.yaml --include-crds --skip-tests --kube-version v1.35.0'.split(
        ' ',
      ),
    );
    expect(helmTemplateArgs({ ...base, repository: 'oci://docker.io/envoyproxy', chart: 'gateway-helm' }, 'v.yaml', 'v1.35.0').slice(0, 5)).toEqual([
      'template',
      'x',
      'oci://docker.io/envoyproxy/gateway-helm',
      '--version',
      '1.2.3',
    ]);
    expect(helmTemplateArgs({ ...base, repository: 'https://r', chart: 'c' }, 'v.yaml', 'v1.35.0', '/charts/c').slice(0, 4)).toEqual([
      'template',
      'x',
      '/charts/c',
      '--namespace',
    ]);
  });

  const source: KubeObject = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: { name: 'src', namespace: 'flux-system' },
    spec: { url: 'https://r/' },
  };
  const release = (spec: Json): KubeObject => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'app', namespace: 'flux-system' },
    spec: { chart: { spec: { chart: 'c', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'src' } } }, ...spec },
  });

  test("Flux's defaults: releaseName is <targetNamespace>-<name>, the namespace is the HelmRelease's own without a targetNamespace", () => {
    expect(releasesToRender([source, release({ targetNamespace: 'web' })])[0]).toMatchObject({
      releaseName: 'web-app',
      namespace: 'web',
      repository: 'https://r',
    });
    expect(releasesToRender([source, release({})])[0]).toMatchObject({ releaseName: 'app', namespace: 'flux-system' });
  });

  test.each([
    [
      'valuesFrom',
      { valuesFrom: [{ kind: 'ConfigMap', name: 'v' }] },
      'HelmRelease flux-system/app: field "spec.valuesFrom": is not supported by the render job',
    ],
    [
      'a version range',
      { chart: { spec: { chart: 'c', version: '1.x', sourceRef: { kind: 'HelmRepository', name: 'src' } } } },
      'field "spec.chart.spec.version": "1.x" is not an exact version',
    ],
    [
      'a missing source',
      { chart: { spec: { chart: 'c', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'gone' } } } },
      'names HelmRepository flux-system/gone',
    ],
    [
      'a post-renderer field the job cannot apply',
      { postRenderers: [{ kustomize: { patchesStrategicMerge: [{}] } }] },
      'field "spec.postRenderers[0].kustomize.patchesStrategicMerge"',
    ],
  ])('%s is refused, naming the HelmRelease and the field', (_what, spec, message) => {
    expect(() => releasesToRender([source, release(spec)])).toThrow(ReleaseError);
    expect(() => releasesToRender([source, release(spec)])).toThrow(message);
  });
});

describe('after helm template', () => {
  test("namespaced objects without a namespace go into the release's namespace; cluster-scoped ones (built in or by CRD) do not; comments stay", () => {
    const text = [
      '---\n# Source: c/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n',
      '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: elsewhere\n',
      '---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: c\n',
      '---\napiVersion: example.org/v1\nkind: Widget\nmetadata:\n  name: d\n',
    ].join('');
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.org' },
      spec: { scope: 'Cluster', names: { kind: 'Widget' } },
    };
    const out = withReleaseNamespace(text, 'rel', clusterScopedKindsOf([crd as KubeObject]));
    expect(parseRendered('x', out).map((o) => [o.object.metadata.name, o.object.metadata.namespace, o.template])).toEqual([
      ['a', 'rel', 'c/templates/sa.yaml'],
      ['b', 'elsewhere', undefined],
      ['c', undefined, undefined],
      ['d', undefined, undefined],
    ]);
  });

  const hasKubectl = requireTool('kubectl', 'apt-get install -y kubernetes-client');
  (hasKubectl ? test : test.skip)(
    'a kustomize post-renderer, applied with the real kubectl kustomize, hardens the cluster-autoscaler render of today so that it passes',
    () => {
      const dir = tempDir('post-render');
      fs.writeFileSync(path.join(dir, 'rendered.yaml'), fixture('cluster-autoscaler-today', 'cluster-autoscaler.yaml'));
      const patch = {
        target: { kind: 'Deployment', name: 'cluster-autoscaler-aws-cluster-autoscaler' },
        patch: stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'cluster-autoscaler-aws-cluster-autoscaler' },
          spec: {
            template: {
              spec: {
                securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
                containers: [
                  {
                    name: 'aws-cluster-autoscaler',
                    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                    resources: { requests: { cpu: '50m', memory: '300Mi' }, limits: { memory: '600Mi' } },
                  },
                ],
              },
            },
          },
        }),
      };
      fs.writeFileSync(path.join(dir, 'kustomization.yaml'), stringify(kustomizationOf({ patches: [patch] }, 'rendered.yaml')));
      const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      const declared = [
        {
          addOn: 'cluster-autoscaler',
          namespace: 'cluster-autoscaler',
          workload: {
            kind: 'Deployment' as const,
            name: 'cluster-autoscaler-aws-cluster-autoscaler',
            role: 'controller' as const,
            podLabels: {},
            podSecurity: 'restricted' as const,
            settings: { replicas: 1, podSecurityContext: {}, containers: {}, priorityClassName: 'platform-critical' },
          },
        },
      ];
      expect(renderedProblems(parseRendered('today', fixture('cluster-autoscaler-today', 'cluster-autoscaler.yaml')), declared).length).toBeGreaterThan(0);
      expect(renderedProblems(parseRendered('patched', result.stdout), declared)).toEqual([]);
    },
  );
});

describe('the objects sorted for the kind cluster', () => {
  const crd = (name: string, conversion?: Json): KubeObject => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec: { scope: 'Namespaced', names: { kind: 'W' }, ...(conversion ? { conversion } : {}) },
  });

  test('webhook configurations and APIServices are left out; a CRD loses its conversion webhook; missing namespaces and service accounts are made', () => {
    const objects: KubeObject[] = [
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'hook' } },
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'hook' } },
      { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1beta1.metrics.k8s.io' } },
      crd('ws.example.org', { strategy: 'Webhook', webhook: { clientConfig: { service: { name: 's', namespace: 'n' } } } }),
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'p' } },
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'p' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'other' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'k', namespace: 'kube-system' } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd', namespace: 'web' },
        spec: { template: { metadata: { labels: { a: 'b' } }, spec: { serviceAccountName: 'runner', containers: [{ name: 'c', image: 'x' }] } } },
      },
    ];
    const sets = admissionSets(objects);
    expect(sets.skipped).toEqual(['ValidatingWebhookConfiguration hook', 'MutatingWebhookConfiguration hook', 'APIService v1beta1.metrics.k8s.io']);
    expect((sets.crds[0].spec as Json).conversion).toEqual({ strategy: 'None' });
    expect(sets.namespaces.map((n) => n.metadata.name)).toEqual(['web', 'other']);
    expect(sets.real.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'ValidatingAdmissionPolicy /p',
      'ValidatingAdmissionPolicyBinding /p',
      'ServiceAccount web/runner',
    ]);
    expect(sets.dryRun.map((o) => o.metadata.name)).toEqual(['c', 'k', 'd']);
    expect(sets.pods).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'deployment-d',
          namespace: 'web',
          labels: { a: 'b' },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'd', uid: '00000000-0000-0000-0000-000000000000', controller: true }],
        },
        spec: { serviceAccountName: 'runner', containers: [{ name: 'c', image: 'x' }] },
      },
    ]);
  });

  test("a StatefulSet's pod gets the claims of its first replica; a CronJob's pod is its job's", () => {
    const template = { spec: { containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] } };
    const sts = podOfWorkload({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'es', namespace: 'n' },
      spec: { template, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }] },
    })!;
    expect((sts.spec as Json).volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'data-es-0' } }]);
    const cron = podOfWorkload({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'b', namespace: 'n' },
      spec: { jobTemplate: { spec: { template } } },
    })!;
    expect(cron.metadata.name).toBe('cronjob-b');
    // Owned by a Job, as the Job controller's pods are: the service-account guard judges pods by their owner.
    expect((cron.metadata as Json).ownerReferences).toEqual([expect.objectContaining({ apiVersion: 'batch/v1', kind: 'Job', controller: true })]);
    expect(podOfWorkload({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } })).toBeUndefined();
  });

  test.each(CLUSTERS.map((c) => [c.env] as const))(
    '%s: every workload of dist/ and of the chart fixtures becomes a pod; nothing of ours is left out',
    (env) => {
      const objects = [...realObjectsOf(env), ...parseRendered('f', fixture('cluster-autoscaler-hardened', 'cluster-autoscaler.yaml')).map((o) => o.object)];
      const sets = admissionSets(objects);
      const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind));
      expect(workloads.length).toBeGreaterThan(0);
      expect(sets.pods).toHaveLength(workloads.length);
      expect(sets.skipped).toEqual([]);
      expect(sets.real.filter((o) => o.kind === 'ValidatingAdmissionPolicy').length).toBeGreaterThan(0);
      // The dry-run file holds no kind that is applied for real or left out.
      expect(sets.dryRun.filter((o) => ['Namespace', 'CustomResourceDefinition', 'ValidatingAdmissionPolicy', 'ServiceAccount'].includes(o.kind))).toEqual([]);
      // Every file kind-admission.sh applies parses back.
      expect(() => parse(stringify(sets.pods))).not.toThrow();
    },
  );
});
