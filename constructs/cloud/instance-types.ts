/* What an EC2 instance type name tells about the node image it needs. Plain data, no cdktf. */

export type CpuArchitecture = 'x86_64' | 'arm64';

const INSTANCE_TYPE = /^([a-z]+)(\d+)([a-z-]*)\.([a-z0-9]+)$/;

export const isInstanceType = (name: string): boolean => INSTANCE_TYPE.test(name);

/** Graviton types carry a `g` among the attributes after the generation (m7g, c7gn, t4g, im4gn). */
export function cpuArchitectureOf(instanceType: string): CpuArchitecture {
  const attributes = INSTANCE_TYPE.exec(instanceType)?.[3] ?? '';
  return attributes.includes('g') ? 'arm64' : 'x86_64';
}

/** The EKS-optimized Amazon Linux 2023 image for that architecture (AL2 ends with Kubernetes 1.32). */
export const amiTypeOf = (arch: CpuArchitecture): string => (arch === 'arm64' ? 'AL2023_ARM_64_STANDARD' : 'AL2023_x86_64_STANDARD');
