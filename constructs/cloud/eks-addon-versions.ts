/* The exact version of every EKS add-on, one table per Kubernetes minor version. EKS would otherwise install
   its default version at creation and never move it, so what runs would depend on the day the cluster was
   made and show in no diff. The versions cannot be looked up live from here: each pin names where it was
   read and when. Before the first apply of a new pin, `aws eks describe-addon-versions --kubernetes-version
   <minor> --addon-name <name>` confirms it; EKS refuses a version it does not know, so a wrong pin stops the
   apply instead of installing something else. */

/**
 * The EKS add-ons every cluster has. `beforeNodes` ones must run for a node to become Ready (the cluster
 * is created without the self-managed defaults); the others schedule pods, so they wait for the nodes.
 * Each is pinned to an exact version per Kubernetes version (eks-addon-versions.ts).
 */
export const EKS_ADDONS = [
  { name: 'vpc-cni', beforeNodes: true },
  { name: 'kube-proxy', beforeNodes: true },
  { name: 'eks-pod-identity-agent', beforeNodes: true },
  { name: 'coredns', beforeNodes: false },
  { name: 'aws-ebs-csi-driver', beforeNodes: false },
  { name: 'aws-mountpoint-s3-csi-driver', beforeNodes: false },
  // GuardDuty Runtime Monitoring's agent, managed here rather than by GuardDuty (threat-detection.ts).
  { name: 'aws-guardduty-agent', beforeNodes: false },
] as const;

export type EksAddonName = (typeof EKS_ADDONS)[number]['name'];

/** One pinned add-on version and where it was read. */
export interface EksAddonPin {
  /** The exact EKS add-on version, `v<major>.<minor>.<patch>-eksbuild.<n>`. */
  readonly version: string;
  /** Where the version was read: a URL, and which table or row. */
  readonly source: string;
  /** The day it was read (ISO date). */
  readonly checked: string;
}

/** The pins of one Kubernetes minor version: every add-on of EKS_ADDONS, none left to EKS. */
export type EksAddonPins = Readonly<Record<EksAddonName, EksAddonPin>>;

/** `v1.21.1-eksbuild.7`: an exact add-on version, no range, no `latest`. */
export const EXACT_ADDON_VERSION = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;

/** Mountpoint for S3 CSI driver v2 is the first to mount with the pod's own Pod Identity credentials (`authenticationSource: pod`). */
export const MOUNTPOINT_MIN_MAJOR = 2;

/** Where the pins live, for error messages. */
export const EKS_ADDON_VERSIONS_FILE = 'constructs/cloud/eks-addon-versions.ts';

const CHECKED = '2026-11-30';
const USER_GUIDE = 'https://docs.aws.amazon.com/ja_jp/eks/latest/userguide';
const USER_GUIDE_CN = 'https://docs.amazonaws.cn/eks/latest/userguide';
/** An AWS sample that recorded the latest add-on builds of a 1.35 cluster on 2026-08-11 (describe-addon-versions). */
const AWS_SAMPLE_135 = 'https://github.com/aws-samples/comfyui-on-eks/blob/afda88e1ea5250963c2371cfac6091928d2c3225/docs/mirador-security-findings-status.md';
/** The user guide has no version table for these add-ons; it points to describe-addon-versions. */
const NO_GUIDE_TABLE = 'no version table in the EKS user guide (it points to describe-addon-versions)';
/** The GuardDuty guide's table "Kubernetes versions supported by GuardDuty security agent". */
const GUARDDUTY_AGENT_TABLE =
  'https://docs.aws.amazon.com/guardduty/latest/ug/prereq-runtime-monitoring-eks-support.html#gdu-agent-supported-k8-version, row "v1.16.0 (latest - v1.16.0-eksbuild.2) | 1.28 - 1.36"';
/** AWS, on the add-on's issue tracker: the v1.3.10 line became the default version in all regions. */
const POD_IDENTITY_LINE = 'AWS made v1.3.10 the default in all regions (https://github.com/aws/containers-roadmap/issues/2684, 2025-11-24)';

/** Per Kubernetes minor version (`1.35`), the pins. A minor version missing here is refused by input validation. */
export const EKS_ADDON_VERSIONS: Readonly<Record<string, EksAddonPins>> = {
  '1.35': {
    'vpc-cni': {
      version: 'v1.21.1-eksbuild.7',
      source: `${USER_GUIDE_CN}/managing-vpc-cni.md, table "Amazon VPC CNI versions", row 1.35`,
      checked: CHECKED,
    },
    'kube-proxy': {
      version: 'v1.35.3-eksbuild.18',
      source: `${AWS_SAMPLE_135}, "Latest available (1.35)"; it replaces v1.35.3-eksbuild.13 of ${USER_GUIDE}/managing-kube-proxy.md (row 1.35), whose distroless base has known CVEs`,
      checked: CHECKED,
    },
    'eks-pod-identity-agent': {
      version: 'v1.3.10-eksbuild.3',
      source: `${NO_GUIDE_TABLE}; ${POD_IDENTITY_LINE}; eksbuild.3 is the 1.35 default in public deployments of 2026 (search index), the newest build seen for 1.34 to 1.36`,
      checked: CHECKED,
    },
    coredns: {
      version: 'v1.14.3-eksbuild.3',
      source: `${USER_GUIDE}/managing-coredns.md, table "CoreDNS versions", row 1.35`,
      checked: CHECKED,
    },
    'aws-ebs-csi-driver': {
      version: 'v1.62.0-eksbuild.1',
      source: `${NO_GUIDE_TABLE}; the 1.34 default of describe-addon-versions on 2026-06-24 in a public deployment (search index), also deployed on 1.36; upstream https://github.com/kubernetes-sigs/aws-ebs-csi-driver/releases/tag/v1.62.0`,
      checked: CHECKED,
    },
    'aws-mountpoint-s3-csi-driver': {
      version: 'v2.7.0-eksbuild.1',
      source: `${AWS_SAMPLE_135}, "Latest available (1.35)"; upstream https://github.com/awslabs/mountpoint-s3-csi-driver/blob/v2.7.0/CHANGELOG.md`,
      checked: CHECKED,
    },
    'aws-guardduty-agent': {
      version: 'v1.16.0-eksbuild.2',
      source: `${GUARDDUTY_AGENT_TABLE}; the defaultVersion of describe-addon-versions for 1.35 in a public upgrade log of 2026 (search index)`,
      checked: CHECKED,
    },
  },
  '1.34': {
    'vpc-cni': {
      version: 'v1.21.1-eksbuild.7',
      source: `${USER_GUIDE_CN}/managing-vpc-cni.md, table "Amazon VPC CNI versions", row 1.34`,
      checked: CHECKED,
    },
    'kube-proxy': {
      version: 'v1.34.6-eksbuild.13',
      source: `${USER_GUIDE}/managing-kube-proxy.md, table "kube-proxy versions", row 1.34`,
      checked: CHECKED,
    },
    'eks-pod-identity-agent': {
      version: 'v1.3.10-eksbuild.3',
      source: `${NO_GUIDE_TABLE}; ${POD_IDENTITY_LINE}; eksbuild.3 is the 1.34 default of describe-addon-versions on 2026-06-24 in a public deployment (search index)`,
      checked: CHECKED,
    },
    coredns: {
      version: 'v1.13.2-eksbuild.11',
      source: `${USER_GUIDE}/managing-coredns.md, table "CoreDNS versions", row 1.34`,
      checked: CHECKED,
    },
    'aws-ebs-csi-driver': {
      version: 'v1.62.0-eksbuild.1',
      source: `${NO_GUIDE_TABLE}; the 1.34 default of describe-addon-versions on 2026-06-24 in a public deployment (search index); upstream https://github.com/kubernetes-sigs/aws-ebs-csi-driver/releases/tag/v1.62.0`,
      checked: CHECKED,
    },
    'aws-mountpoint-s3-csi-driver': {
      version: 'v2.7.0-eksbuild.1',
      source: `${AWS_SAMPLE_135} (1.35); the driver supports Kubernetes 1.30 and later (https://github.com/awslabs/mountpoint-s3-csi-driver/blob/v2.7.0/README.md, "Compatibility")`,
      checked: CHECKED,
    },
    'aws-guardduty-agent': {
      version: 'v1.16.0-eksbuild.2',
      source: `${GUARDDUTY_AGENT_TABLE}; the newest of describe-addon-versions for 1.34 on 2026-07-27 (https://github.com/ministryofjustice/cloud-platform/issues/8404)`,
      checked: CHECKED,
    },
  },
};

/** The pins for a Kubernetes minor version, or undefined when none are recorded. */
export const eksAddonPinsOf = (kubernetesVersion: string): EksAddonPins | undefined =>
  Object.prototype.hasOwnProperty.call(EKS_ADDON_VERSIONS, kubernetesVersion) ? EKS_ADDON_VERSIONS[kubernetesVersion] : undefined;

/** The major version of an exact add-on version (`v2.7.0-eksbuild.1` → 2), or undefined when it is not exact. */
export const addonMajorOf = (version: string): number | undefined => (EXACT_ADDON_VERSION.test(version) ? Number(/^v(\d+)\./.exec(version)![1]) : undefined);
