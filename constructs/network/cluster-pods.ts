import type { ClusterSpec } from '../model/cluster-spec';
import type { ResolvedApp } from '../model/resolve';
import { CLUSTER_DNS, NAMESPACE_NAME_LABEL } from '../model/network-ranges';
import { MOUNTPOINT_DRIVER_LABEL_KEY, MOUNTPOINT_POD_LABEL_KEY, MOUNTPOINT_POD_NAMESPACE, usesMountpoint } from '../model/mountpoint-pods';
import { podIdOf, type NamespaceView, type PodGroup } from './endpoints';

/** Label values are the driver's versions: placeholders here (policies select on the keys). */
const MOUNTPOINT_POD_LABELS = { [MOUNTPOINT_POD_LABEL_KEY]: 'v2', [MOUNTPOINT_DRIVER_LABEL_KEY]: 'v2' };

/** The namespaces EKS itself runs pods in, with the labels their Namespace objects carry. */
export function clusterNamespacesOf(cluster: ClusterSpec, apps: readonly ResolvedApp[]): NamespaceView[] {
  const kubeSystem: NamespaceView = { name: CLUSTER_DNS.namespace, labels: { [NAMESPACE_NAME_LABEL]: CLUSTER_DNS.namespace }, kind: 'cluster' };
  const mountS3: NamespaceView = {
    name: MOUNTPOINT_POD_NAMESPACE,
    labels: { [NAMESPACE_NAME_LABEL]: MOUNTPOINT_POD_NAMESPACE, name: MOUNTPOINT_POD_NAMESPACE, 'pod-security.kubernetes.io/enforce': 'restricted' },
    kind: 'cluster',
  };
  return usesMountpoint(cluster, apps) ? [kubeSystem, mountS3] : [kubeSystem];
}

/** CoreDNS (the EKS add-on) and, where the cluster holds Mountpoint volumes, the Mountpoint pods. */
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
  return usesMountpoint(cluster, apps) ? [coreDns, mounters] : [coreDns];
}
