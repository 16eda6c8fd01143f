import type { AddOn, AddOnContext } from '../platform/add-on';
import { declaredWorkloadsOf } from '../platform/declared-workloads';
import type { ClusterNetwork } from './endpoints';
import { podIdOf } from './endpoints';
import type { FlowEvaluator } from './policy-evaluator';
import { probeAllows, type Probe } from './probes';

/**
 * The ports on which the API server calls each chart (admission webhooks, an APIService), read in the
 * chart source at the pinned version. An add-on that declares its `workloads` gives its webhook ports
 * there instead, and this list no longer speaks for it.
 */
export const CHART_WEBHOOK_PORTS: Readonly<Record<string, readonly { readonly port: number; readonly source: string }[]>> = {
  'gateway-helm': [
    {
      port: 9443,
      source:
        'envoyproxy/gateway v1.5.1 charts/gateway-helm: templates/envoy-gateway-deployment.yaml (containerPort `webhook` 9443 while topologyInjector.enabled, true in values.tmpl.yaml) and templates/envoy-proxy-topology-injector-webhook.yaml (port 9443)',
    },
  ],
  'cert-manager': [{ port: 10250, source: 'cert-manager/cert-manager v1.18.2 deploy/charts/cert-manager/values.yaml (webhook.securePort: 10250)' }],
  'external-secrets': [
    { port: 10250, source: 'external-secrets/external-secrets helm-chart-0.19.2 deploy/charts/external-secrets/values.yaml (webhook.port: 10250)' },
  ],
  'eck-operator': [{ port: 9443, source: 'elastic/cloud-on-k8s v3.2.0 deploy/eck-operator/values.yaml (webhook.port: 9443)' }],
  'metrics-server': [
    {
      port: 10250,
      source:
        'kubernetes-sigs/metrics-server metrics-server-helm-chart-3.13.0 charts/metrics-server/values.yaml (containerPort: 10250, the APIService backend)',
    },
  ],
};

export interface WebhookPort {
  readonly addOn: string;
  /** The probe end that listens: the declared workload, or the add-on's namespace. */
  readonly target: string;
  readonly port: number;
  readonly source: string;
}

/** Every port the API server calls in the cluster's add-ons. */
export function webhookPortsOf(addOns: readonly AddOn[], ctx: AddOnContext): WebhookPort[] {
  const declared = declaredWorkloadsOf(addOns, ctx);
  return addOns.flatMap((addOn) => {
    const mine = declared.filter((d) => d.addOn === addOn.name);
    if (mine.length > 0) {
      return mine.flatMap(({ namespace, workload }) =>
        (workload.ports ?? [])
          .filter((p) => p.purpose === 'webhook')
          .map((p) => ({
            addOn: addOn.name,
            target: podIdOf(namespace, workload.kind, workload.name),
            port: p.port,
            source: `the workloads of add-on ${addOn.name}`,
          })),
      );
    }
    return (CHART_WEBHOOK_PORTS[addOn.chart.chart] ?? []).map((w) => ({ addOn: addOn.name, target: `ns:${addOn.namespace}`, port: w.port, source: w.source }));
  });
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
