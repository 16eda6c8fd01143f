/**
 * The most processes and threads one pod may run (the kubelet's `podPidsLimit`, a pids cgroup per pod).
 * Unset, the kubelet leaves it at -1, and nodeadm sets no PID limit or PID eviction of its own (its
 * kubelet defaults evict on memory, nodefs and inodes only: amazon-eks-ami v20260724,
 * nodeadm/internal/kubelet/config.go), so one pod's runaway fork or thread loop can take every PID of the
 * node and break every pod on it; a ResourceQuota cannot bound PIDs. 4096 is an order above what our
 * busiest pods run (Elasticsearch's thread pools, a JVM's or Envoy's workers: hundreds), and the largest
 * pod count of a node in model/instance-types.ts (58) at this limit stays far under the node's
 * kernel.pid_max, 4194304 (amazon-eks-ami v20260724, templates/al2023/runtime/rootfs/etc/sysctl.conf).
 */
export const POD_PIDS_LIMIT = 4096;

const BOUNDARY = 'NODEADM';

/**
 * The nodes' user data: a MIME multipart document with one nodeadm NodeConfig part (the AL2023 images), as
 * the base64 a launch template's `user_data` takes. EKS adds its own NodeConfig part (the cluster's name,
 * endpoint and CA) to a managed node group's user data, and nodeadm merges the parts in order, a later
 * value over an earlier one (amazon-eks-ami v20260724, nodeadm/internal/configprovider/mime.go
 * ParseMultipart, nodeadm/internal/api/merge.go); ours sets only the kubelet config, which nodeadm writes
 * as a kubelet drop-in over its defaults (nodeadm/internal/kubelet/config.go writeKubeletConfig).
 */
export function nodeUserDataOf(podPidsLimit: number = POD_PIDS_LIMIT): string {
  const nodeConfig = ['apiVersion: node.eks.aws/v1alpha1', 'kind: NodeConfig', 'spec:', '  kubelet:', '    config:', `      podPidsLimit: ${podPidsLimit}`];
  const lines = [
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`,
    '',
    `--${BOUNDARY}`,
    'Content-Type: application/node.eks.aws',
    '',
    ...nodeConfig,
    '',
    `--${BOUNDARY}--`,
    '',
  ];
  return Buffer.from(lines.join('\n')).toString('base64');
}
