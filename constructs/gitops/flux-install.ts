import type { Grant } from '../access/rbac-evaluator';
import { FLUX_NAMESPACE } from '../model/naming';

/**
 * What `flux bootstrap` installs beside dist/, which synth does not write but access.md must show. From
 * fluxcd/flux2 v2.6.4 (unchanged in v2.9.4): the default components (pkg/manifestgen/install/options.go),
 * and manifests/rbac/reconciler.yaml and controller.yaml, whose cluster-scoped names get the
 * `-flux-system` suffix (pkg/manifestgen/install/templates.go).
 */
export const FLUX_CONTROLLERS = ['helm-controller', 'kustomize-controller', 'notification-controller', 'source-controller'] as const;
/**
 * What each controller's pod asks the scheduler for; one replica each. From config/manager/deployment.yaml of
 * the releases flux2 v2.6.4 (6bf37f6) installs (manifests/bases/<controller>/kustomization.yaml), whose
 * patches leave the resources alone: helm-controller v1.3.0 (e47f47f), kustomize-controller v1.6.1 (8ec4a6e),
 * notification-controller v1.6.0 (3a6de1f), source-controller v1.6.2 (254ef2e).
 */
export const FLUX_CONTROLLER_PODS: Readonly<Record<(typeof FLUX_CONTROLLERS)[number], { readonly cpu: string; readonly memory: string }>> = {
  'helm-controller': { cpu: '100m', memory: '64Mi' },
  'kustomize-controller': { cpu: '100m', memory: '64Mi' },
  'notification-controller': { cpu: '100m', memory: '64Mi' },
  'source-controller': { cpu: '50m', memory: '64Mi' },
};
/** The two that apply what git says: kustomize-controller the Kustomizations, helm-controller the charts. */
const RECONCILERS = ['helm-controller', 'kustomize-controller'];
const FLUX_GROUPS = [
  'helm.toolkit.fluxcd.io',
  'image.toolkit.fluxcd.io',
  'kustomize.toolkit.fluxcd.io',
  'notification.toolkit.fluxcd.io',
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

/** Flux's objects in flux-system: the controllers apply what they say as cluster-admin, so writing one is commanding them. */
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
