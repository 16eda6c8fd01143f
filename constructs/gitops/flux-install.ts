import type { Grant } from '../access/rbac-evaluator';
import { FLUX_NAMESPACE } from '../model/naming';

/**
 * The Flux every cluster runs: docs/bootstrap.md passes it to `flux bootstrap --version`, CI's render job
 * installs its CLI (flux install --export: its CRDs) and renders with its helm-controller's Helm.
 * test/flux-version.test.ts holds the three to this one value. v2.9.4 rather than v2.6.4, which the
 * assumptions below were first read against: fluxcd/flux2@v2.6.4 .github/workflows/conformance.yaml tests
 * Kubernetes 1.31–1.33, @v2.9.4 1.34–1.36, and our clusters run 1.35; everything below was read again at v2.9.4.
 */
export const FLUX_VERSION = 'v2.9.4';

/**
 * What `flux bootstrap` installs beside dist/, which synth does not write but access.md must show. From
 * fluxcd/flux2 v2.9.4: the default components (pkg/manifestgen/install/options.go; source-watcher is an
 * extra), and manifests/rbac/reconciler.yaml and controller.yaml, whose cluster-scoped names get the
 * `-flux-system` suffix (pkg/manifestgen/install/templates.go).
 */
export const FLUX_CONTROLLERS = ['helm-controller', 'kustomize-controller', 'notification-controller', 'source-controller'] as const;
/**
 * What each controller's pod asks the scheduler for; one replica each. From config/manager/deployment.yaml of
 * the releases flux2 v2.9.4 installs (manifests/bases/<controller>/kustomization.yaml), whose patches leave
 * the resources alone: helm-controller v1.6.3, kustomize-controller v1.9.4, notification-controller v1.9.3,
 * source-controller v1.9.4 (read at v1.9.1 and at the release/v1.9.x head; the same as in v2.6.4's releases).
 */
export const FLUX_CONTROLLER_PODS: Readonly<Record<(typeof FLUX_CONTROLLERS)[number], { readonly cpu: string; readonly memory: string }>> = {
  'helm-controller': { cpu: '100m', memory: '64Mi' },
  'kustomize-controller': { cpu: '100m', memory: '64Mi' },
  'notification-controller': { cpu: '100m', memory: '64Mi' },
  'source-controller': { cpu: '50m', memory: '64Mi' },
};
/** The two that apply what git says: kustomize-controller the Kustomizations, helm-controller the charts. */
const RECONCILERS = ['helm-controller', 'kustomize-controller'];
/** The groups manifests/rbac/controller.yaml (crd-controller) grants in full; v2.7 added source.extensions. */
const FLUX_GROUPS = [
  'helm.toolkit.fluxcd.io',
  'image.toolkit.fluxcd.io',
  'kustomize.toolkit.fluxcd.io',
  'notification.toolkit.fluxcd.io',
  'source.extensions.fluxcd.io',
  'source.toolkit.fluxcd.io',
];

const account = (name: string) => ({ kind: 'ServiceAccount', name, namespace: FLUX_NAMESPACE });

export const FLUX_INSTALL_GRANTS: readonly Grant[] = [
  ...RECONCILERS.map((name) => ({
    subject: account(name),
    role: 'cluster-admin',
    binding: 'ClusterRoleBinding cluster-reconciler-flux-system (Flux install)',
  })),
  ...FLUX_CONTROLLERS.map((name) => ({
    subject: account(name),
    role: 'crd-controller-flux-system',
    binding: 'ClusterRoleBinding crd-controller-flux-system (Flux install)',
    rules: [
      ...FLUX_GROUPS.map((group) => ({ apiGroups: [group], resources: ['*'], verbs: ['*'] })),
      { apiGroups: [''], resources: ['namespaces', 'secrets', 'configmaps', 'serviceaccounts'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
    ],
  })),
];

/**
 * Flux's objects in flux-system: the controllers apply what they say as cluster-admin, so writing one is
 * commanding them. Not an ExternalArtifact (source.toolkit.fluxcd.io): kustomize- and helm-controller read
 * one only with --feature-gates=ExternalArtifact=true (default false, kustomize-controller@v1.9.4
 * internal/features/features.go), which bootstrap sets only with the source-watcher extra.
 */
export const FLUX_CONTROL_OBJECTS = [
  { namespace: FLUX_NAMESPACE, apiGroup: 'kustomize.toolkit.fluxcd.io', resources: ['kustomizations'], controller: 'kustomize-controller' },
  { namespace: FLUX_NAMESPACE, apiGroup: 'helm.toolkit.fluxcd.io', resources: ['helmreleases'], controller: 'helm-controller' },
  {
    namespace: FLUX_NAMESPACE,
    apiGroup: 'source.toolkit.fluxcd.io',
    resources: ['buckets', 'gitrepositories', 'helmcharts', 'helmrepositories', 'ocirepositories'],
    controller: 'Flux',
  },
] as const;

/**
 * The ports each controller's pod declares, and the label the policies select it by (`app: <controller>`),
 * from config/manager/deployment.yaml of the same releases: source-controller (release/v1.9.x) and
 * notification-controller v1.9.3 serve on 9090 (`http`: the artifacts the appliers download, the events
 * every controller sends through `--events-addr`, flux2 v2.9.4 manifests/bases/<controller>/patch.yaml);
 * notification-controller also on 9292 (`http-webhook`, for Receivers); each on 8080 (`http-prom`) and 9440
 * (`healthz`, the kubelet's probes).
 */
export const FLUX_CONTROLLER_PORTS: Readonly<Record<(typeof FLUX_CONTROLLERS)[number], readonly number[]>> = {
  'helm-controller': [8080, 9440],
  'kustomize-controller': [8080, 9440],
  'notification-controller': [9090, 9292, 8080, 9440],
  'source-controller': [9090, 8080, 9440],
};
/** The port of source-controller's artifacts and of notification-controller's events. */
export const FLUX_HTTP_PORT = 9090;
