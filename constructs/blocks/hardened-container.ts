/**
 * The security contexts of a Pod Security `restricted` pod, written once: every container drops all
 * capabilities, cannot escalate, has a read-only root and the runtime's seccomp profile; the pod runs
 * as a non-root user.
 */
export const RUNTIME_DEFAULT_SECCOMP = { type: 'RuntimeDefault' as const };

export const hardenedContainer = (options: { readonly writableRoot?: boolean } = {}) => ({
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  ...(options.writableRoot ? {} : { readOnlyRootFilesystem: true }),
  runAsNonRoot: true,
  seccompProfile: RUNTIME_DEFAULT_SECCOMP,
});

/** The pod level; `user` also sets the group and, for volumes, the fsGroup. */
export const restrictedPod = (user?: number) => ({
  runAsNonRoot: true,
  ...(user === undefined ? {} : { runAsUser: user, runAsGroup: user, fsGroup: user }),
  seccompProfile: RUNTIME_DEFAULT_SECCOMP,
});

/** Requests and a memory limit, the shape every declared container takes. */
export const sized = (cpu: string, memory: string, memoryLimit: string) => ({ requests: { cpu, memory }, limits: { memory: memoryLimit } });
