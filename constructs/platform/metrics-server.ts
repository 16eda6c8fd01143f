import { KUBELET_PORT } from '../model/network-ranges';
import { HelmAddOn, type AddOnNetwork, type ChartSource } from './add-on';
import { PLATFORM_PRIORITY } from './priority-classes';

export const metricsServerDefaults = {
  name: 'metrics-server',
  namespace: 'metrics-server',
  chart: { repository: 'https://kubernetes-sigs.github.io/metrics-server/', chart: 'metrics-server', version: '3.13.0' } as ChartSource,
};
export type MetricsServerProps = Partial<typeof metricsServerDefaults>;

/** metrics-server: the CPU figures every app's HPA scales on. */
export class MetricsServerAddOn extends HelmAddOn<typeof metricsServerDefaults> {
  readonly dependsOn: readonly string[] = [];
  readonly podSecurity = 'restricted' as const;
  // The API server calls its APIService (chart 3.13.0, values.yaml containerPort: 10250); it reads every
  // node's kubelet on 10250.
  readonly network: AddOnNetwork = {
    ingressFromApiServer: [{ port: 10250, name: 'APIService' }],
    egressApiServer: true,
    egressVpc: [{ port: KUBELET_PORT, name: 'kubelet' }],
  };

  constructor(props: MetricsServerProps = {}) {
    super(metricsServerDefaults, props);
  }

  values(): Record<string, unknown> {
    return { replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 }, priorityClassName: PLATFORM_PRIORITY };
  }
}
