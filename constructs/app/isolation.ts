import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-28';
import { Quantity } from 'cdk8s-plus-28/lib/imports/k8s';
import { EXPOSURE_LABEL, HOSTS_ANNOTATION, labelsOf, namespaceOf } from '../model/naming';
import { formatCpu, formatMemory, parseQuantity } from '../model/quantity';
import type { ResourceSpec } from '../model/app-spec';
import type { ResolvedApp } from '../model/resolve';
import { BACKUP_JOB_RESOURCES } from './backup-jobs';
import { FLUX_PRUNE_DISABLED } from '../model/naming';
import { SECRET_CONSUMER_LABEL } from '../model/naming';

export interface IsolationProps {
  readonly app: ResolvedApp;
}

/** Job pods the quota keeps room for beyond max replicas and a rolling update's surge: two backup jobs at once. */
export const JOB_PODS_HEADROOM = 2;
export const surgeOf = (maxReplicas: number): number => Math.ceil(maxReplicas * 0.25);

/** The app's namespace quota, in cores, bytes and pods: its limits at max replicas plus a rolling update's surge, and its backup jobs. */
export interface AppQuota {
  readonly pods: number;
  /** App pods: max replicas and the surge, without the jobs. */
  readonly appPods: number;
  readonly requests: { readonly cpu: number; readonly memory: number };
  readonly limits: { readonly cpu: number; readonly memory: number };
}

export function appQuotaOf(app: Pick<ResolvedApp, 'scaling' | 'resources'>): AppQuota {
  const appPods = app.scaling.max + surgeOf(app.scaling.max);
  // Every app has backup jobs (backup-jobs.ts), with storage or without.
  const total = (pick: (r: ResourceSpec) => string) =>
    parseQuantity(pick(app.resources))! * appPods + parseQuantity(pick(BACKUP_JOB_RESOURCES))! * JOB_PODS_HEADROOM;
  return {
    pods: appPods + JOB_PODS_HEADROOM,
    appPods,
    requests: { cpu: total((r) => r.cpu.request), memory: total((r) => r.memory.request) },
    limits: { cpu: total((r) => r.cpu.limit), memory: total((r) => r.memory.limit) },
  };
}

/**
 * The app's own namespace and its ceilings: Pod Security `restricted`, a ResourceQuota sized from the
 * app's limits at max replicas plus its backup jobs (so a loaded app can never take more than its share of the cluster),
 * and a LimitRange that gives any container without requests and limits the app's values.
 */
export class Isolation extends Construct {
  constructor(scope: Construct, id: string, props: IsolationProps) {
    super(scope, id);
    const { app } = props;
    const namespace = namespaceOf(app.name);
    new kplus.Namespace(this, 'Resource', {
      metadata: {
        name: namespace,
        // Flux never deletes an app namespace: with it would go the bucket's claim, and the flux-apps Role
        // that the apps layer needs to remove the app's workloads after the platform layer let the app go.
        // The hosts its routes may serve: the route host guard refuses any other (shared listeners).
        annotations: { ...FLUX_PRUNE_DISABLED, [HOSTS_ANNOTATION]: app.hosts.join(' ') },
        labels: {
          ...labelsOf(app.name),
          [EXPOSURE_LABEL]: app.exposure,
          [SECRET_CONSUMER_LABEL]: 'true',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    });

    const quota = appQuotaOf(app);
    new kplus.k8s.KubeResourceQuota(this, 'Quota', {
      metadata: { name: 'app-quota', namespace, labels: labelsOf(app.name) },
      spec: {
        hard: {
          pods: Quantity.fromNumber(quota.pods),
          'requests.cpu': Quantity.fromString(formatCpu(quota.requests.cpu)),
          'limits.cpu': Quantity.fromString(formatCpu(quota.limits.cpu)),
          'requests.memory': Quantity.fromString(formatMemory(quota.requests.memory)),
          'limits.memory': Quantity.fromString(formatMemory(quota.limits.memory)),
          // The shared Gateway is the only way in: no app may open a port of its own.
          'services.loadbalancers': Quantity.fromNumber(0),
          'services.nodeports': Quantity.fromNumber(0),
        },
      },
    });

    new kplus.k8s.KubeLimitRange(this, 'Limits', {
      metadata: { name: 'container-defaults', namespace, labels: labelsOf(app.name) },
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: {
              cpu: Quantity.fromString(app.resources.cpu.request),
              memory: Quantity.fromString(app.resources.memory.request),
            },
            default: {
              cpu: Quantity.fromString(app.resources.cpu.limit),
              memory: Quantity.fromString(app.resources.memory.limit),
            },
          },
        ],
      },
    });
  }
}
