import type { KubeObject } from '../model/kube-object';
import { podIdOf, type ContainerPortView, type PodGroup } from './endpoints';
import type { Protocol } from './port-set';

interface PodTemplate {
  readonly metadata?: { readonly labels?: Record<string, string> };
  readonly spec?: { readonly containers?: readonly { readonly ports?: readonly { name?: string; containerPort: number; protocol?: Protocol }[] }[] };
}

/** Where each pod-bearing kind keeps its pod template. */
const TEMPLATE_OF: Readonly<Record<string, (o: KubeObject) => PodTemplate | undefined>> = {
  Deployment: (o) => (o.spec as { template?: PodTemplate })?.template,
  StatefulSet: (o) => (o.spec as { template?: PodTemplate })?.template,
  DaemonSet: (o) => (o.spec as { template?: PodTemplate })?.template,
  ReplicaSet: (o) => (o.spec as { template?: PodTemplate })?.template,
  Job: (o) => (o.spec as { template?: PodTemplate })?.template,
  CronJob: (o) => (o.spec as { jobTemplate?: { spec?: { template?: PodTemplate } } })?.jobTemplate?.spec?.template,
  Pod: (o) => ({ metadata: o.metadata, spec: o.spec as PodTemplate['spec'] }),
};

/** Every pod-bearing object of the synthesized output, as the pods it makes: their namespace, labels and container ports. */
export function outputPodsOf(objects: readonly KubeObject[], address: string): PodGroup[] {
  return objects
    .filter((o) => o.kind in TEMPLATE_OF)
    .map((o) => {
      const template = TEMPLATE_OF[o.kind](o) ?? {};
      const namespace = o.metadata.namespace ?? 'default';
      const ports: ContainerPortView[] = (template.spec?.containers ?? []).flatMap((c) =>
        (c.ports ?? []).map((p) => ({ name: p.name, port: p.containerPort, protocol: p.protocol ?? 'TCP' })),
      );
      return {
        type: 'pods' as const,
        id: podIdOf(namespace, o.kind, o.metadata.name),
        namespace,
        kind: o.kind,
        name: o.metadata.name,
        labels: { ...(template.metadata?.labels ?? {}) },
        ports,
        address,
      };
    });
}
