/*
 * What the CI render job needs to know of each HelmRelease in dist/<env>: the chart (repository, name,
 * exact version), the release name and namespace, the values, and the post-renderers; and how to turn
 * them into a `helm template` command line and a kustomization. Pure: scripts/ci/render-charts.ts runs it.
 * Read the way Flux's helm-controller reads a HelmRelease (helm.toolkit.fluxcd.io/v2): releaseName
 * defaults to `<targetNamespace>-<name>` (or `<name>`), the namespace to targetNamespace (or the
 * HelmRelease's own), values are spec.values, and post-renderers run in order.
 */
import { isMap, isSeq, parseAllDocuments, type Document } from 'yaml';
import type { KubeObject } from '../../constructs/model/kube-object';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A kustomize post-renderer of a HelmRelease: its patches and image overrides. */
export interface KustomizePostRenderer {
  readonly patches?: readonly Json[];
  readonly images?: readonly Json[];
}

export interface ReleaseToRender {
  /** The HelmRelease's metadata.name. */
  readonly name: string;
  readonly releaseName: string;
  readonly namespace: string;
  /** `https://…` for a Helm repository, `oci://…` for an OCI registry (the chart's parent). */
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
  readonly values: Record<string, unknown>;
  readonly postRenderers: readonly KustomizePostRenderer[];
}

/** A HelmRelease this job cannot render as Flux would: names the object and the field. */
export class ReleaseError extends Error {}

const SOURCE_KINDS = new Set(['HelmRepository', 'OCIRepository']);

/** Every HelmRelease among the objects, with its chart source resolved. */
export function releasesToRender(objects: readonly KubeObject[]): ReleaseToRender[] {
  return objects
    .filter((o) => o.kind === 'HelmRelease')
    .map((hr) => {
      const spec = (hr.spec ?? {}) as Json;
      const where = `HelmRelease ${hr.metadata.namespace}/${hr.metadata.name}`;
      const fail = (field: string, why: string): never => {
        throw new ReleaseError(`${where}: field "${field}": ${why}`);
      };
      if (spec.valuesFrom?.length) fail('spec.valuesFrom', 'is not supported by the render job: put the values in spec.values');
      const ref = spec.chart?.spec?.sourceRef ?? spec.chartRef;
      if (!ref) fail('spec.chart.spec.sourceRef', 'is missing (and so is spec.chartRef)');
      const source = objects.find(
        (o) =>
          SOURCE_KINDS.has(o.kind) && o.kind === ref.kind && o.metadata.name === ref.name && o.metadata.namespace === (ref.namespace ?? hr.metadata.namespace),
      );
      if (!source) fail('spec.chart.spec.sourceRef', `names ${ref.kind} ${ref.namespace ?? hr.metadata.namespace}/${ref.name}, which is not among the objects`);
      const sourceSpec = source!.spec as Json;
      let repository: string;
      let chart: string;
      let version: string;
      if (source!.kind === 'HelmRepository') {
        chart = spec.chart?.spec?.chart ?? fail('spec.chart.spec.chart', 'is missing');
        version = spec.chart?.spec?.version ?? fail('spec.chart.spec.version', 'is missing: pin an exact version');
        repository = sourceSpec.type === 'oci' ? String(sourceSpec.url) : String(sourceSpec.url).replace(/\/+$/, '');
      } else {
        // An OCIRepository points at the chart itself: its url's last segment is the chart.
        const url = String(sourceSpec.url);
        repository = url.slice(0, url.lastIndexOf('/'));
        chart = url.slice(url.lastIndexOf('/') + 1);
        version = sourceSpec.ref?.tag ?? fail(`${source!.kind} spec.ref.tag`, 'is missing: pin an exact tag');
      }
      if (!/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) fail('spec.chart.spec.version', `"${version}" is not an exact version`);
      const postRenderers = (spec.postRenderers ?? []).map((p: Json, i: number): KustomizePostRenderer => {
        const k = p.kustomize ?? fail(`spec.postRenderers[${i}]`, 'has no kustomize: the only post-renderer Flux has');
        const unknown = Object.keys(k).filter((key) => key !== 'patches' && key !== 'images');
        if (unknown.length > 0) fail(`spec.postRenderers[${i}].kustomize.${unknown[0]}`, 'is not supported by the render job: use patches');
        return { ...(k.patches ? { patches: k.patches } : {}), ...(k.images ? { images: k.images } : {}) };
      });
      const targetNamespace: string | undefined = spec.targetNamespace;
      return {
        name: hr.metadata.name,
        releaseName: spec.releaseName ?? (targetNamespace ? `${targetNamespace}-${hr.metadata.name}` : hr.metadata.name),
        namespace: targetNamespace ?? hr.metadata.namespace ?? 'default',
        repository,
        chart,
        version,
        values: spec.values ?? {},
        postRenderers,
      };
    });
}

/**
 * The arguments of `helm template` for a release: the chart from its repository (or, with `chartDir`,
 * from a local folder), its CRDs included (Flux installs them: install.crds), its tests left out (Flux
 * runs none unless spec.test.enable), for the cluster's Kubernetes version.
 */
export function helmTemplateArgs(r: ReleaseToRender, valuesFile: string, kubeVersion: string, chartDir?: string): string[] {
  const chart = chartDir ? [chartDir] : r.repository.startsWith('oci://') ? [`${r.repository}/${r.chart}`] : [r.chart, '--repo', r.repository];
  return [
    'template',
    r.releaseName,
    ...chart,
    ...(chartDir ? [] : ['--version', r.version]),
    '--namespace',
    r.namespace,
    '--values',
    valuesFile,
    '--include-crds',
    '--skip-tests',
    '--kube-version',
    kubeVersion,
  ];
}

/** The kustomization that applies one post-renderer to the rendered file, as Flux's kustomize post-renderer does. */
export function kustomizationOf(postRenderer: KustomizePostRenderer, resource: string): Record<string, unknown> {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [resource],
    ...(postRenderer.patches ? { patches: postRenderer.patches } : {}),
    ...(postRenderer.images ? { images: postRenderer.images } : {}),
  };
}

/** Built-in kinds that live outside any namespace; CRDs say so themselves (spec.scope). */
const CLUSTER_SCOPED = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'FlowSchema',
  'IngressClass',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

/** The kinds the CRDs among the objects declare cluster-scoped. */
export function clusterScopedKindsOf(objects: readonly KubeObject[]): Set<string> {
  const kinds = new Set(CLUSTER_SCOPED);
  for (const o of objects) {
    const spec = o.spec as Json;
    if (o.kind === 'CustomResourceDefinition' && spec?.scope === 'Cluster' && spec?.names?.kind) kinds.add(spec.names.kind);
  }
  return kinds;
}

/**
 * The rendered text with every namespaced object that has no metadata.namespace put in the release's
 * namespace, as Helm does when it installs; comments (Helm's `# Source:` lines) are kept.
 */
export function withReleaseNamespace(text: string, namespace: string, clusterScoped: ReadonlySet<string>): string {
  const docs: Document[] = parseAllDocuments(text) as Document[];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new ReleaseError(`the rendered output is not valid YAML: ${doc.errors[0].message}`);
    if (!isMap(doc.contents)) continue;
    const kind = doc.get('kind');
    if (typeof kind !== 'string' || clusterScoped.has(kind)) continue;
    if (kind.endsWith('List') && isSeq(doc.get('items'))) continue;
    if (!doc.hasIn(['metadata', 'namespace'])) doc.setIn(['metadata', 'namespace'], namespace);
  }
  return docs.map((d) => d.toString({ lineWidth: 0 })).join('');
}
