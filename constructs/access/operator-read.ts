import type { RbacRule } from '../model/rbac-rule';

const READ = ['get', 'list', 'watch'];

/**
 * Every resource an operator may read, cluster-wide, by API group. RBAC cannot subtract, so "everything
 * but Secrets" is spelled out: Kubernetes' own resources, and the custom resources of Flux and the
 * add-ons, including those their controllers create at runtime (cert-manager's requests, orders and
 * challenges; Flux's HelmCharts). `test/access.test.ts` checks that every kind in dist/ but Secret is here.
 * Never `secrets`, and no subresource but logs: exec, attach and port-forward are separate grants.
 */
const READABLE: Readonly<Record<string, readonly string[]>> = {
  '': [
    'configmaps',
    'endpoints',
    'events',
    'limitranges',
    'namespaces',
    'nodes',
    'persistentvolumeclaims',
    'persistentvolumes',
    'pods',
    'pods/log',
    'podtemplates',
    'replicationcontrollers',
    'resourcequotas',
    'serviceaccounts',
    'services',
  ],
  'admissionregistration.k8s.io': [
    'mutatingwebhookconfigurations',
    'validatingadmissionpolicies',
    'validatingadmissionpolicybindings',
    'validatingwebhookconfigurations',
  ],
  'apiextensions.k8s.io': ['customresourcedefinitions'],
  apps: ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets'],
  autoscaling: ['horizontalpodautoscalers'],
  batch: ['cronjobs', 'jobs'],
  'coordination.k8s.io': ['leases'],
  'discovery.k8s.io': ['endpointslices'],
  'events.k8s.io': ['events'],
  'metrics.k8s.io': ['nodes', 'pods'],
  'networking.k8s.io': ['ingressclasses', 'ingresses', 'networkpolicies'],
  policy: ['poddisruptionbudgets'],
  'rbac.authorization.k8s.io': ['clusterrolebindings', 'clusterroles', 'rolebindings', 'roles'],
  'scheduling.k8s.io': ['priorityclasses'],
  'storage.k8s.io': ['csidrivers', 'csinodes', 'storageclasses', 'volumeattachments'],
  // Flux (installed by `flux bootstrap`).
  'helm.toolkit.fluxcd.io': ['helmreleases'],
  'kustomize.toolkit.fluxcd.io': ['kustomizations'],
  'notification.toolkit.fluxcd.io': ['alerts', 'providers', 'receivers'],
  'source.toolkit.fluxcd.io': ['buckets', 'gitrepositories', 'helmcharts', 'helmrepositories', 'ocirepositories'],
  // The add-ons' custom resources.
  'acme.cert-manager.io': ['challenges', 'orders'],
  'cert-manager.io': ['certificaterequests', 'certificates', 'clusterissuers', 'issuers'],
  'elasticsearch.k8s.elastic.co': ['elasticsearches'],
  'kibana.k8s.elastic.co': ['kibanas'],
  'external-secrets.io': ['clusterexternalsecrets', 'clustersecretstores', 'externalsecrets', 'secretstores'],
  'gateway.envoyproxy.io': [
    'backendtrafficpolicies',
    'backends',
    'clienttrafficpolicies',
    'envoyextensionpolicies',
    'envoypatchpolicies',
    'envoyproxies',
    'httproutefilters',
    'securitypolicies',
  ],
  'gateway.networking.k8s.io': ['backendtlspolicies', 'gatewayclasses', 'gateways', 'grpcroutes', 'httproutes', 'referencegrants'],
};

/** The operators' cluster-wide read: every resource above, get, list and watch only. */
export const OPERATOR_READ_RULES: readonly RbacRule[] = Object.entries(READABLE)
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([group, resources]) => ({ apiGroups: [group], resources: [...resources], verbs: READ }));
