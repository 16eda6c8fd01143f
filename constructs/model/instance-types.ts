/*
 * The EC2 instance types a node pool may use, and what each gives the pods: the one table that input
 * validation, the node group and the cost estimate read. Plain data, no cdktf.
 *
 * Sources, recorded 2026-11-30:
 * - vCPUs and memory: the EC2 instance type pages (DescribeInstanceTypes VCpuInfo.DefaultVCpus, MemoryInfo.SizeInMiB).
 * - ENIs and IPv4 addresses per ENI: awslabs/amazon-eks-ami v20260724, nodeadm/internal/kubelet/instance-info.jsonl
 *   (defaultMaxENIs, ipv4AddressesPerInterface), the figures nodeadm computes max pods from.
 * - On-demand price: the AWS price list for eu-central-1 (Linux, USD per hour), the region of constructs/reports/prices.ts.
 * Add a type here (all four figures) before a node pool names it.
 */

export type CpuArchitecture = 'x86_64' | 'arm64';

export interface InstanceTypeFacts {
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** ENIs on the default network card, and IPv4 addresses on each: the VPC CNI's pod addresses. */
  readonly defaultMaxEnis: number;
  readonly ipv4PerEni: number;
  /** On-demand list price in eu-central-1, USD per instance-hour. */
  readonly onDemandPerHour: number;
}

export const INSTANCE_TYPES: Readonly<Record<string, InstanceTypeFacts>> = {
  't3.large': { vcpus: 2, memoryMiB: 8192, defaultMaxEnis: 3, ipv4PerEni: 12, onDemandPerHour: 0.096 },
  't3.xlarge': { vcpus: 4, memoryMiB: 16384, defaultMaxEnis: 4, ipv4PerEni: 15, onDemandPerHour: 0.192 },
  't3a.large': { vcpus: 2, memoryMiB: 8192, defaultMaxEnis: 3, ipv4PerEni: 12, onDemandPerHour: 0.0864 },
  't3a.xlarge': { vcpus: 4, memoryMiB: 16384, defaultMaxEnis: 4, ipv4PerEni: 15, onDemandPerHour: 0.1728 },
  't4g.large': { vcpus: 2, memoryMiB: 8192, defaultMaxEnis: 3, ipv4PerEni: 12, onDemandPerHour: 0.0768 },
  'm7i.large': { vcpus: 2, memoryMiB: 8192, defaultMaxEnis: 3, ipv4PerEni: 10, onDemandPerHour: 0.1159 },
  'm7i.xlarge': { vcpus: 4, memoryMiB: 16384, defaultMaxEnis: 4, ipv4PerEni: 15, onDemandPerHour: 0.2318 },
};

/** The file to edit to add a type, for error messages. */
export const INSTANCE_TYPES_FILE = 'constructs/model/instance-types.ts';

export const isInstanceType = (name: string): boolean => Object.hasOwn(INSTANCE_TYPES, name);

const INSTANCE_TYPE = /^([a-z]+)(\d+)([a-z-]*)\.([a-z0-9]+)$/;

/** Graviton types carry a `g` among the attributes after the generation (m7g, c7gn, t4g, im4gn). */
export function cpuArchitectureOf(instanceType: string): CpuArchitecture {
  const attributes = INSTANCE_TYPE.exec(instanceType)?.[3] ?? '';
  return attributes.includes('g') ? 'arm64' : 'x86_64';
}

/** The EKS-optimized Amazon Linux 2023 image for that architecture (AL2 ends with Kubernetes 1.32). */
export const amiTypeOf = (arch: CpuArchitecture): string => (arch === 'arm64' ? 'AL2023_ARM_64_STANDARD' : 'AL2023_x86_64_STANDARD');

/** What the kubelet of one node offers the scheduler: cores, bytes and pods. */
export interface Allocatable {
  readonly cpu: number;
  readonly memory: number;
  readonly pods: number;
}

/**
 * Share of the nominal memory the node never reports (kernel, firmware): Karpenter's default
 * `vmMemoryOverheadPercent` (aws/karpenter-provider-aws chart, settings.vmMemoryOverheadPercent = 0.075),
 * the estimate AWS's own autoscaler schedules with.
 */
export const VM_MEMORY_OVERHEAD = 0.075;
/** nodeadm's kubelet config: evictionHard memory.available (amazon-eks-ami v20260724, nodeadm/internal/kubelet/config.go). */
const EVICTION_HARD_MIB = 100;

/** Max pods as nodeadm sets it without a custom expression: ENIs × (IPs per ENI − 1) + 2 (eni_max_pods.go). */
export const maxPodsOf = (facts: InstanceTypeFacts): number => facts.defaultMaxEnis * (facts.ipv4PerEni - 1) + 2;

/** kube-reserved CPU in millicores: 6% of the first core, 1% of the second, 0.5% of the next two, 0.25% above (config.go getCPUMillicoresToReserve). */
function kubeReservedMillicores(vcpus: number): number {
  const total = vcpus * 1000;
  const bands: readonly (readonly [number, number, number])[] = [
    [0, 1000, 600],
    [1000, 2000, 100],
    [2000, 4000, 50],
    [4000, total, 25],
  ];
  return bands.reduce((sum, [start, end, per10000]) => sum + (total <= start ? 0 : ((Math.min(total, end) - start) * per10000) / 10000), 0);
}

/**
 * A node's allocatable resources on the EKS AL2023 image: capacity less kube-reserved (CPU by the bands
 * above, memory 11 MiB per pod + 255 MiB: config.go getMemoryMebibytesToReserve) and the hard eviction
 * threshold; the memory capacity less the VM overhead. nodeadm sets no system-reserved.
 */
export function allocatableOf(facts: InstanceTypeFacts): Allocatable {
  const pods = maxPodsOf(facts);
  const memoryMiB = facts.memoryMiB * (1 - VM_MEMORY_OVERHEAD) - (11 * pods + 255) - EVICTION_HARD_MIB;
  return { cpu: (facts.vcpus * 1000 - kubeReservedMillicores(facts.vcpus)) / 1000, memory: Math.floor(memoryMiB) * 2 ** 20, pods };
}
