import type { ChartWorkload } from './chart-workload';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The pod a declared workload will run, as far as the declaration knows it: our settings plus the
 * chart's host access. Pod Security judges this pod at synth; the CI render job judges the real one.
 */
export function declaredPodOf(w: ChartWorkload): { metadata: { labels: Record<string, string> }; spec: Json } {
  const traits = w.traits ?? {};
  const s = w.settings;
  return {
    metadata: { labels: { ...w.podLabels } },
    spec: {
      ...(traits.hostNetwork ? { hostNetwork: true } : {}),
      ...(traits.hostPID ? { hostPID: true } : {}),
      securityContext: s.podSecurityContext,
      priorityClassName: s.priorityClassName,
      ...(s.automountServiceAccountToken === false ? { automountServiceAccountToken: false } : {}),
      volumes: (traits.hostPathVolumes ?? []).map((path, i) => ({ name: `host-${i}`, hostPath: { path } })),
      containers: Object.entries(s.containers).map(([name, c], i) => ({
        name,
        securityContext: {
          ...c.securityContext,
          ...(traits.privilegedContainers?.includes(name) ? { privileged: true } : {}),
          ...(traits.addedCapabilities?.[name] ? { capabilities: { ...c.securityContext.capabilities, add: [...traits.addedCapabilities[name]] } } : {}),
        },
        resources: c.resources,
        ...(i === 0 && traits.hostPorts?.length ? { ports: traits.hostPorts.map((port) => ({ containerPort: port, hostPort: port })) } : {}),
      })),
    },
  };
}
