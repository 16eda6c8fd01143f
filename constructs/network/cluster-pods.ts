import type { ClusterSpec } from '../model/cluster-spec';
import type { ResolvedApp } from '../model/resolve';
import { CLUSTER_DNS, NAMESPACE_NAME_LABEL } from '../model/network-ranges';
import { MOUNTPOINT_DRIVER_LABEL_KEY, MOUNTPOINT_POD_LABEL_KEY, MOUNTPOINT_POD_NAMESPACE, usesMountpoint } from '../model/mountpoint-pods';
import { podIdOf, type NamespaceView, type PodGroup } from './endpoints';
import { FLUX_CONTROLLER_PORTS, FLUX_CONTROLLERS, FLUX_VERSION } from '../gitops/flux-install';
import { FLUX_NAMESPACE } from '../model/naming';

const PART_OF = 'app.kubernetes.io/part-of';
/** Label values are the driver's versions: placeholders here (policies select on the keys). */
const MOUNTPOINT_POD_LABELS = { [MOUNTPOINT_POD_LABEL_KEY]: 'v2', [MOUNTPOINT_DRIVER_LABEL_KEY]: 'v2' };

/** The namespaces EKS and Flux's bootstrap run pods in, with the labels their Namespace objects carry. */
export function clusterNamespacesOf(cluster: ClusterSpec, apps: readonly ResolvedApp[]): NamespaceView[] {
  const kubeSystem: NamespaceView = { name: CLUSTER_DNS.namespace, labels: { [NAMESPACE_NAME_LABEL]: CLUSTER_DNS.namespace }, kind: 'cluster' };
  const mountS3: NamespaceView = {
    name: MOUNTPOINT_POD_NAMESPACE,
    labels: { [NAMESPACE_NAME_LABEL]: MOUNTPOINT_POD_NAMESPACE, name: MOUNTPOINT_POD_NAMESPACE, 'pod-security.kubernetes.io/enforce': 'restricted' },
    kind: 'cluster',
  };
  // As flux2's manifests/install (namespace.yaml, labels.yaml) makes it.
  const fluxSystem: NamespaceView = {
    name: FLUX_NAMESPACE,
    labels: {
      [NAMESPACE_NAME_LABEL]: FLUX_NAMESPACE,
      [PART_OF]: 'flux',
      'app.kubernetes.io/instance': FLUX_NAMESPACE,
      'pod-security.kubernetes.io/warn': 'restricted',
    },
    kind: 'cluster',
  };
  return usesMountpoint(cluster, apps) ? [kubeSystem, mountS3, fluxSystem] : [kubeSystem, fluxSystem];
}

/** The controllers `flux bootstrap` runs, labelled as flux2's manifests label them. */
const fluxPodsOf = (address: string): PodGroup[] =>
  FLUX_CONTROLLERS.map((name) => ({
    type: 'pods',
    id: podIdOf(FLUX_NAMESPACE, 'Deployment', name),
    namespace: FLUX_NAMESPACE,
    kind: 'Deployment',
    name,
    labels: { app: name, [PART_OF]: 'flux', 'app.kubernetes.io/instance': FLUX_NAMESPACE },
    ports: FLUX_CONTROLLER_PORTS[name].map((port) => ({ port, protocol: 'TCP' as const })),
    address,
    source: `flux bootstrap ${FLUX_VERSION} (fluxcd/flux2 manifests/install)`,
  }));

/** CoreDNS (the EKS add-on), where the cluster holds Mountpoint volumes the Mountpoint pods, and Flux's controllers. */
export function clusterPodsOf(cluster: ClusterSpec, apps: readonly ResolvedApp[], address: string): PodGroup[] {
  const coreDns: PodGroup = {
    type: 'pods',
    id: podIdOf(CLUSTER_DNS.namespace, 'Deployment', 'coredns'),
    namespace: CLUSTER_DNS.namespace,
    kind: 'Deployment',
    name: 'coredns',
    labels: { ...CLUSTER_DNS.podLabels, 'eks.amazonaws.com/component': 'coredns' },
    ports: [
      { name: 'dns', port: CLUSTER_DNS.port, protocol: 'UDP' },
      { name: 'dns-tcp', port: CLUSTER_DNS.port, protocol: 'TCP' },
      { name: 'metrics', port: 9153, protocol: 'TCP' },
    ],
    address,
    source: 'EKS add-on coredns (Deployment kube-system/coredns, k8s-app=kube-dns)',
  };
  const mounters: PodGroup = {
    type: 'pods',
    id: podIdOf(MOUNTPOINT_POD_NAMESPACE, 'Pod', 'mountpoint'),
    namespace: MOUNTPOINT_POD_NAMESPACE,
    kind: 'Pod',
    name: 'mountpoint',
    labels: MOUNTPOINT_POD_LABELS,
    ports: [],
    address,
    source: 'EKS add-on aws-mountpoint-s3-csi-driver v2: one Mountpoint pod per volume and node (awslabs/mountpoint-s3-csi-driver v2.0.0)',
  };
  return [coreDns, ...(usesMountpoint(cluster, apps) ? [mounters] : []), ...fluxPodsOf(address)];
}
