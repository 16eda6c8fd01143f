import type { KubeObject } from '../model/kube-object';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod']);

/** The pod spec inside any workload kind. */
export function podSpecOf(obj: KubeObject): Json | undefined {
  const spec = obj.spec as Json;
  switch (obj.kind) {
    case 'Pod':
      return spec;
    case 'CronJob':
      return spec?.jobTemplate?.spec?.template?.spec;
    default:
      return WORKLOAD_KINDS.has(obj.kind) ? spec?.template?.spec : undefined;
  }
}

export function podLabelsOf(obj: KubeObject): Record<string, string> {
  if (obj.kind === 'Pod') return obj.metadata.labels ?? {};
  const spec = obj.spec as Json;
  return (obj.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template : spec?.template)?.metadata?.labels ?? {};
}
