import type { EksAddonName } from './eks-addon-versions';

/*
 * The pods the EKS add-ons run (eks-addon-versions.ts), and what the scheduler sets aside for each: the
 * capacity check (validation/cluster-capacity.ts) counts them beside the apps and our own add-ons. They are
 * not in our declarations: EKS installs them from its own builds of the upstream charts, with their
 * defaults, since we give them no resources of our own. Read on 2026-11-30 at the upstream versions of the
 * pins; `readAt` names them, and a test fails when a pin moves past them, so that they are read again.
 */

/** What the scheduler sets aside for one pod: the sum of its containers' requests, or an init container's where it asks more. */
export interface PodRequests {
  readonly cpu: string;
  readonly memory: string;
}

export interface EksAddonWorkload {
  readonly addOn: EksAddonName;
  readonly name: string;
  /** A Deployment's replicas, or 'perNode' for a DaemonSet on every (Linux) node. */
  readonly replicas: number | 'perNode';
  readonly pod: PodRequests;
  /** The add-on versions, without `-eksbuild.<n>`, whose pods this was read for. */
  readonly readAt: readonly string[];
  readonly source: string;
}

const NONE = '0';
const MOUNTPOINT = 'awslabs/mountpoint-s3-csi-driver v2.7.0 (a2d4b06), charts/aws-mountpoint-s3-csi-driver';
const EBS_CSI = 'kubernetes-sigs/aws-ebs-csi-driver v1.62.0 (23f6c85), charts/aws-ebs-csi-driver (the same in chart tag helm-chart-aws-ebs-csi-driver-2.62.0)';
const EKSCTL_COREDNS =
  'eksctl-io/eksctl 3678ab4, pkg/addons/default/assets/coredns-1.3{4,5}.json (a dump of what EKS installs; images v1.13.2-eksbuild.11, v1.14.3-eksbuild.3)';

export const EKS_ADDON_WORKLOADS: readonly EksAddonWorkload[] = [
  {
    addOn: 'vpc-cni',
    name: 'aws-node',
    replicas: 'perNode',
    // aws-node and aws-eks-nodeagent 25m each; the init container aws-vpc-cni-init 25m, less than their sum.
    pod: { cpu: '50m', memory: NONE },
    readAt: ['v1.21.1'],
    source: 'aws/amazon-vpc-cni-k8s v1.21.1 (e082bae), config/master/aws-k8s-cni.yaml (cpu 25m per container, no memory)',
  },
  {
    addOn: 'kube-proxy',
    name: 'kube-proxy',
    replicas: 'perNode',
    pod: { cpu: '100m', memory: NONE },
    readAt: ['v1.35.3', 'v1.34.6'],
    source:
      "EKS builds its own manifest, with no upstream repository: cpu 100m and no memory in eksctl's dump of it (eksctl-io/eksctl ba7bf72d) and aws/containers-roadmap#1509",
  },
  {
    addOn: 'eks-pod-identity-agent',
    name: 'eks-pod-identity-agent',
    replicas: 'perNode',
    pod: { cpu: NONE, memory: NONE },
    readAt: ['v1.3.10'],
    source:
      'aws/eks-pod-identity-agent charts/eks-pod-identity-agent, `resources: {}` in every tag from v0.1.17 to v0.1.37 (d4dc0f3); the add-on numbers its builds apart from the tags',
  },
  {
    addOn: 'coredns',
    name: 'coredns',
    replicas: 2,
    pod: { cpu: '100m', memory: '70Mi' },
    readAt: ['v1.14.3', 'v1.13.2'],
    source: EKSCTL_COREDNS,
  },
  {
    addOn: 'aws-ebs-csi-driver',
    name: 'ebs-csi-controller',
    replicas: 2,
    // ebs-plugin, csi-provisioner, csi-attacher, csi-resizer 10m/40Mi; liveness-probe 10m/32Mi. No
    // csi-snapshotter: it runs only with the snapshot CRDs, which we do not install.
    pod: { cpu: '50m', memory: '192Mi' },
    readAt: ['v1.62.0'],
    source: `${EBS_CSI}, values.yaml controller.resources and templates/controller.yaml`,
  },
  {
    addOn: 'aws-ebs-csi-driver',
    name: 'ebs-csi-node',
    replicas: 'perNode',
    // ebs-plugin 10m/40Mi; node-driver-registrar and liveness-probe 10m/32Mi.
    pod: { cpu: '30m', memory: '104Mi' },
    readAt: ['v1.62.0'],
    source: `${EBS_CSI}, values.yaml node.resources and templates/node.yaml`,
  },
  {
    addOn: 'aws-mountpoint-s3-csi-driver',
    name: 's3-csi-node',
    replicas: 'perNode',
    // s3-plugin, node-driver-registrar and liveness-probe 10m/40Mi each.
    pod: { cpu: '30m', memory: '120Mi' },
    readAt: ['v2.7.0'],
    source: `${MOUNTPOINT}, values.yaml node.resources and templates/node.yaml`,
  },
  {
    addOn: 'aws-mountpoint-s3-csi-driver',
    name: 's3-csi-controller',
    replicas: 1,
    pod: { cpu: NONE, memory: NONE },
    readAt: ['v2.7.0'],
    source: `${MOUNTPOINT}, templates/controller.yaml (one replica, no resources)`,
  },
  {
    addOn: 'aws-guardduty-agent',
    name: 'aws-guardduty-agent',
    replicas: 'perNode',
    pod: { cpu: '200m', memory: '256Mi' },
    readAt: ['v1.16.0'],
    source:
      'AWS GuardDuty user guide, "Configure GuardDuty security agent (add-on) parameters for Amazon EKS" (guardduty-configure-security-agent-eks-addon.html, the default requests); no public manifest',
  },
];
