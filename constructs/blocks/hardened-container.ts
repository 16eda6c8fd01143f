import * as kplus from 'cdk8s-plus-28';

/**
 * The security contexts of a Pod Security `restricted` pod, written once: every container drops all
 * capabilities, is not privileged, cannot escalate, has a read-only root and the runtime's seccomp
 * profile; the pod runs as a non-root user. Containers built with cdk8s-plus take the same settings
 * through `hardenedPlusContainer`.
 */
export const RUNTIME_DEFAULT_SECCOMP = { type: 'RuntimeDefault' as const };

export interface HardeningOptions {
  /** For the few images that write beside their binaries; each use says why. */
  readonly writableRoot?: boolean;
  /** Sets runAsUser and runAsGroup on the container. */
  readonly user?: number;
}

export const hardenedContainer = (options: HardeningOptions = {}) => ({
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  ...(options.writableRoot ? {} : { readOnlyRootFilesystem: true }),
  runAsNonRoot: true,
  ...(options.user === undefined ? {} : { runAsUser: options.user, runAsGroup: options.user }),
  seccompProfile: RUNTIME_DEFAULT_SECCOMP,
});

/** `hardenedContainer({ user })` in cdk8s-plus' terms. */
export function hardenedPlusContainer(user: number): kplus.ContainerSecurityContextProps {
  const c = hardenedContainer({ user });
  return {
    ensureNonRoot: c.runAsNonRoot,
    user: c.runAsUser,
    group: c.runAsGroup,
    readOnlyRootFilesystem: c.readOnlyRootFilesystem,
    allowPrivilegeEscalation: c.allowPrivilegeEscalation,
    privileged: c.privileged,
    capabilities: { drop: c.capabilities.drop.map((name) => name as kplus.Capability) },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

/** The pod level; `user` also sets the group and, for volumes, the fsGroup. */
export const restrictedPod = (user?: number) => ({
  runAsNonRoot: true,
  ...(user === undefined ? {} : { runAsUser: user, runAsGroup: user, fsGroup: user }),
  seccompProfile: RUNTIME_DEFAULT_SECCOMP,
});

/** Requests and a memory limit, the shape every declared container takes. */
export const sized = (cpu: string, memory: string, memoryLimit: string) => ({ requests: { cpu, memory }, limits: { memory: memoryLimit } });
