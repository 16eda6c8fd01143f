import type { AddOn, AddOnContext } from '../platform/add-on';
import { declaredWorkloadsOf } from '../platform/declared-workloads';
import type { ClusterNetwork } from './endpoints';
import { podIdOf } from './endpoints';
import type { FlowEvaluator } from './policy-evaluator';
import { probeAllows, type Probe } from './probes';

export interface WebhookPort {
  readonly addOn: string;
  /** The workload that listens, as a probe end. */
  readonly target: string;
  readonly port: number;
  readonly source: string;
}

/** Every port the API server calls in the cluster's add-ons (admission webhooks, APIServices), as their workloads declare them. */
export function webhookPortsOf(addOns: readonly AddOn[], ctx: AddOnContext): WebhookPort[] {
  return declaredWorkloadsOf(addOns, ctx).flatMap(({ addOn, namespace, workload }) =>
    (workload.ports ?? [])
      .filter((p) => p.purpose === 'webhook')
      .map((p) => ({
        addOn,
        target: podIdOf(namespace, workload.kind, workload.name),
        port: p.port,
        source: `workload ${workload.kind} ${namespace}/${workload.name}`,
      })),
  );
}

/** The probe that the API server reaches a webhook port. */
export const webhookProbeOf = (w: WebhookPort): Probe => ({
  from: 'ext:api-server',
  to: w.target,
  protocol: 'TCP',
  port: w.port,
  expected: 'allowed',
  rule: `add-on "${w.addOn}": the API server calls it on ${w.port} (${w.source})`,
});

/** The webhook ports the API server cannot reach. */
export const unreachableWebhooksOf = (network: ClusterNetwork, evaluator: FlowEvaluator, webhooks: readonly WebhookPort[]): WebhookPort[] =>
  webhooks.filter((w) => !probeAllows(network, evaluator, webhookProbeOf(w)));
