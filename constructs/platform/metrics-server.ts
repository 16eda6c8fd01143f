import { hardenedContainer, restrictedPod, sized } from '../blocks/hardened-container';
import { KUBELET_PORT } from '../model/network-ranges';
import { HelmAddOn, type AddOnNetwork, type ChartSource, type AddOnKind } from './add-on';
import type { ChartWorkload } from './chart-workload';
import type { WorkloadEgress } from './network-needs';
import { PLATFORM_PRIORITY } from '../model/priority-names';

export const metricsServerDefaults = {
  name: 'metrics-server',
  namespace: 'metrics-server',
  chart: { repository: 'https://kubernetes-sigs.github.io/metrics-server/', chart: 'metrics-server', version: '3.13.0' } as ChartSource,
};
export type MetricsServerProps = Partial<typeof metricsServerDefaults>;

/**
 * Its egress, declared for its workload too so that its replicas do not reach each other: each scrapes every
 * kubelet and answers the API server on its own, with no peer (chart 3.13.0, values.yaml defaultArgs,
 * templates/deployment.yaml args: no address of another replica).
 */
const EGRESS = { egressApiServer: true, egressNodes: [{ port: KUBELET_PORT, name: 'kubelet' }] } as const satisfies WorkloadEgress;

/** metrics-server: the CPU figures every app's HPA scales on. */
export class MetricsServerAddOn extends HelmAddOn<typeof metricsServerDefaults> {
  readonly dependsOn: readonly AddOnKind[] = [];
  // The API server calls its APIService (chart 3.13.0, values.yaml containerPort: 10250); it reads every
  // node's kubelet on 10250.
  readonly network: AddOnNetwork = {
    ingressFromApiServer: [{ port: 10250, name: 'APIService' }],
    ...EGRESS,
  };
  /** From the chart at its pinned version. */
  readonly clusterRights =
    'reads Pods, Nodes, node metrics, Namespaces and ConfigMaps in every namespace, and delegates authentication to the API server (templates/clusterrole.yaml, clusterrolebinding-auth-delegator.yaml)';

  constructor(props: MetricsServerProps = {}) {
    super(metricsServerDefaults, props);
  }

  values(): Record<string, unknown> {
    return {};
  }

  /** Source: kubernetes-sigs/metrics-server@metrics-server-helm-chart-3.13.0 charts/metrics-server (values.yaml, templates/deployment.yaml, pdb.yaml, apiservice.yaml). */
  workloads(): ChartWorkload[] {
    return [
      {
        kind: 'Deployment',
        name: 'metrics-server',
        // The API server proxies the metrics API to it: every HPA reads through it.
        role: 'webhook',
        podLabels: { 'app.kubernetes.io/name': 'metrics-server', 'app.kubernetes.io/instance': this.name },
        podSecurity: 'restricted',
        settings: {
          replicas: 2,
          podSecurityContext: restrictedPod(),
          containers: { 'metrics-server': { securityContext: hardenedContainer(), resources: sized('50m', '96Mi', '256Mi') } },
          disruptionBudget: { maxUnavailable: 1 },
          priorityClassName: PLATFORM_PRIORITY,
          spread: true,
        },
        keys: {
          replicas: 'replicas',
          podSecurityContext: 'podSecurityContext',
          containers: { 'metrics-server': { securityContext: 'securityContext', resources: 'resources' } },
          disruptionBudget: { path: 'podDisruptionBudget', enabledFlag: true, unhealthyPodEvictionPolicy: true },
          priorityClassName: 'priorityClassName',
          topologySpreadConstraints: 'topologySpreadConstraints',
        },
        egress: EGRESS,
        ports: [{ port: 10250, purpose: 'webhook' }],
      },
    ];
  }
}
