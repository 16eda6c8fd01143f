import { sized } from '../blocks/hardened-container';
import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource, type AddOnKind } from './add-on';
import type { ChartWorkload } from './chart-workload';
import type { WorkloadEgress } from './network-needs';
import { keepsVolumesOf } from '../model/kept-volume-drivers';
import { PLATFORM_PRIORITY } from '../model/priority-names';

export const geesefsCsiDefaults = {
  name: 'csi-s3',
  namespace: 'csi-s3',
  chart: { repository: 'https://yandex-cloud.github.io/k8s-csi-s3/charts', chart: 'csi-s3', version: '0.43.2' } as ChartSource,
};
export type GeesefsCsiProps = Partial<typeof geesefsCsiDefaults>;

/**
 * Its egress, declared for each workload too: the node plugin and the provisioner each speak CSI to their own
 * containers over a unix socket (yandex-cloud/k8s-csi-s3@v0.43.2 deploy/helm/csi-s3/templates/csi-s3.yaml and
 * provisioner.yaml: ADDRESS and CSI_ENDPOINT are `…/csi.sock`), so neither reaches a pod of its namespace.
 */
const EGRESS = { egressApiServer: true, egressInternet: [{ port: 443, name: 'S3' }] } as const satisfies WorkloadEgress;

/**
 * k8s-csi-s3 with GeeseFS, for apps whose storage asks for `geesefs` (they rename, append or write in
 * place, which Mountpoint cannot). Installed only in clusters that hold such a volume: a live app's, or a
 * retired app's whose retirement note names `geesefs` (its PersistentVolume stays, and without the driver
 * its pods could not be unmounted, nor the volume mounted again should the app come back). Its node plugin
 * mounts FUSE on the host, so its namespace is privileged; the app pods stay restricted.
 */
export class GeesefsCsiAddOn extends HelmAddOn<typeof geesefsCsiDefaults> {
  readonly dependsOn: readonly AddOnKind[] = [];
  readonly network: AddOnNetwork = EGRESS;
  /** From the chart at its pinned version. */
  readonly clusterRights =
    'reads Secrets (the S3 keys a volume names) in every namespace, creates and deletes PersistentVolumes, updates claims (templates/provisioner.yaml, csi-s3.yaml)';

  constructor(props: GeesefsCsiProps = {}) {
    super(geesefsCsiDefaults, props);
  }

  neededBy(ctx: AddOnContext): boolean {
    return keepsVolumesOf(ctx.cluster, ctx.apps, 'geesefs');
  }

  values(): Record<string, unknown> {
    // Volumes are static PVs with per-app keys: no shared StorageClass, no shared secret.
    return { storageClass: { create: false }, secret: { create: false } };
  }

  /**
   * Source: yandex-cloud/k8s-csi-s3@v0.43.2 deploy/helm/csi-s3 (values.yaml, templates/csi-s3.yaml, provisioner.yaml).
   * The chart has no values for contexts, resources or priority: a post-renderer sets resources and priority, and
   * the contexts stay the chart's.
   */
  workloads(): ChartWorkload[] {
    return [
      {
        kind: 'DaemonSet',
        name: 'csi-s3',
        role: 'daemon',
        podLabels: { app: 'csi-s3' },
        podSecurity: 'privileged',
        podSecurityReason:
          'the node plugin mounts FUSE for the kubelet: a privileged container with SYS_ADMIN, /dev/fuse and Bidirectional mounts of the kubelet folders',
        settings: {
          replicas: 'perNode',
          podSecurityContext: {},
          containers: {
            'driver-registrar': { securityContext: {}, resources: sized('10m', '16Mi', '64Mi') },
            'csi-s3': { securityContext: {}, resources: sized('50m', '64Mi', '512Mi') },
          },
          priorityClassName: PLATFORM_PRIORITY,
        },
        traits: {
          privilegedContainers: ['csi-s3'],
          addedCapabilities: { 'csi-s3': ['SYS_ADMIN'] },
          hostPathVolumes: [
            '/var/lib/kubelet/plugins_registry/',
            '/var/lib/kubelet/plugins/ru.yandex.s3.csi',
            '/var/lib/kubelet/plugins/kubernetes.io/csi',
            '/var/lib/kubelet/pods',
            '/dev/fuse',
            '/run/systemd',
          ],
        },
        keys: {},
        egress: EGRESS,
      },
      {
        kind: 'StatefulSet',
        name: 'csi-s3-provisioner',
        role: 'controller',
        podLabels: { app: 'csi-s3-provisioner' },
        podSecurity: 'baseline',
        podSecurityReason: 'the chart sets no security context and its images run as root; our volumes are static, so it never provisions',
        settings: {
          replicas: 1,
          podSecurityContext: {},
          containers: {
            'csi-provisioner': { securityContext: {}, resources: sized('10m', '32Mi', '128Mi') },
            'csi-s3': { securityContext: {}, resources: sized('10m', '32Mi', '128Mi') },
          },
          priorityClassName: PLATFORM_PRIORITY,
        },
        keys: {},
        egress: EGRESS,
      },
    ];
  }
}
