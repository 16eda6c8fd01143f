/**
 * Where each pinned chart's source lives upstream, and what its release does to that folder beyond
 * `helm package`. `npm run charts:refresh` records this in the fixture's chart.json; the pinned version
 * itself comes from the add-on (constructs/platform/*.ts).
 */
export interface ChartUpstream {
  /** The source repository. */
  readonly repository: string;
  /** The chart's folder in it. */
  readonly path: string;
  /** The git tag of a chart version. */
  readonly tagOf: (version: string) => string;
  /** Where the packaged chart differs from the folder at the tag, and how the release makes it. */
  readonly packaging?: string;
  /**
   * The folder holds a template of values.yaml that the release fills in; the fixture keeps the filled
   * form. Every `${NAME}` is replaced (envsubst), so the variables list all the template uses.
   */
  readonly valuesTemplate?: { readonly file: string; readonly variables: (version: string) => Readonly<Record<string, string>>; readonly source: string };
  /** The folder's Chart.yaml carries a placeholder version; the release sets it (`helm package --version`). */
  readonly versionSetAtRelease?: boolean;
}

export const CHART_UPSTREAMS: Readonly<Record<string, ChartUpstream>> = {
  'cluster-autoscaler': {
    repository: 'https://github.com/kubernetes/autoscaler',
    path: 'charts/cluster-autoscaler',
    tagOf: (v) => `cluster-autoscaler-chart-${v}`,
  },
  'cert-manager': {
    repository: 'https://github.com/cert-manager/cert-manager',
    path: 'deploy/charts/cert-manager',
    tagOf: (v) => v,
    packaging:
      'make/manifests.mk builds the package: values.yaml, values.schema.json and templates/ copied unchanged, Chart.yaml written from ' +
      'Chart.template.yaml with version and appVersion set, and templates/crds.yaml added as the concatenation of deploy/crds/*.yaml ' +
      '(which reads crds.enabled, crds.keep and installCRDs).',
  },
  'gateway-helm': {
    repository: 'https://github.com/envoyproxy/gateway',
    path: 'charts/gateway-helm',
    tagOf: (v) => v,
    versionSetAtRelease: true,
    valuesTemplate: {
      file: 'values.tmpl.yaml',
      variables: (v) => ({ GatewayImage: `docker.io/envoyproxy/gateway:${v}`, GatewayImagePullPolicy: 'IfNotPresent' }),
      source:
        'tools/make/helm.mk (helm-generate): GatewayImage=${IMAGE}:${TAG} GatewayImagePullPolicy=${IMAGE_PULL_POLICY} envsubst < values.tmpl.yaml > values.yaml; ' +
        '.github/workflows/release.yaml runs it with IMAGE=docker.io/envoyproxy/gateway TAG=<release tag> IMAGE_PULL_POLICY=IfNotPresent, then helm package --version <tag>',
    },
  },
  'external-dns': {
    repository: 'https://github.com/kubernetes-sigs/external-dns',
    path: 'charts/external-dns',
    tagOf: (v) => `external-dns-helm-chart-${v}`,
  },
  'external-secrets': {
    repository: 'https://github.com/external-secrets/external-secrets',
    path: 'deploy/charts/external-secrets',
    tagOf: (v) => `helm-chart-${v}`,
    packaging:
      'Makefile helm.build: hack/helm.generate.sh first writes templates/crds/*.yml from the CRD bundle (they read installCRDs, ' +
      'crds.create<Kind> and crds.conversion.enabled, all keys of values.yaml), then helm package --dependency-update vendors the ' +
      'bitwarden-sdk-server subchart (oci://ghcr.io/external-secrets/charts v0.5.0); the repository holds neither.',
  },
  'metrics-server': {
    repository: 'https://github.com/kubernetes-sigs/metrics-server',
    path: 'charts/metrics-server',
    tagOf: (v) => `metrics-server-helm-chart-${v}`,
  },
  'eck-operator': {
    repository: 'https://github.com/elastic/cloud-on-k8s',
    path: 'deploy/eck-operator',
    tagOf: (v) => `v${v}`,
  },
  'fluent-bit': {
    repository: 'https://github.com/fluent/helm-charts',
    path: 'charts/fluent-bit',
    tagOf: (v) => `fluent-bit-${v}`,
  },
  elastalert2: {
    repository: 'https://github.com/jertel/elastalert2',
    path: 'chart/elastalert2',
    tagOf: (v) => v,
    packaging: 'published in the repository itself: gh-pages branch, elastalert2-<version>.tgz beside index.yaml',
  },
  'csi-s3': {
    repository: 'https://github.com/yandex-cloud/k8s-csi-s3',
    path: 'deploy/helm/csi-s3',
    tagOf: (v) => `v${v}`,
    packaging: 'published in the repository itself: github-pages branch, charts/csi-s3-<version>.tgz beside charts/index.yaml',
  },
};
