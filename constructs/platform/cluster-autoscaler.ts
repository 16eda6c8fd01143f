import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource } from './add-on';
import { PLATFORM_PRIORITY } from './priority-classes';

export const clusterAutoscalerDefaults = {
  name: 'cluster-autoscaler',
  namespace: 'cluster-autoscaler',
  chart: { repository: 'https://kubernetes.github.io/autoscaler', chart: 'cluster-autoscaler', version: '9.50.1' } as ChartSource,
};
export type ClusterAutoscalerProps = Partial<typeof clusterAutoscalerDefaults>;

/** The ServiceAccount that the cloud stack's autoscaler role is bound to through Pod Identity. */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = 'cluster-autoscaler';

/**
 * cluster-autoscaler: when the HPAs add pods that no node has room for, it grows the node group (up to
 * the node pool's max from the cluster spec), and shrinks it again when nodes sit idle.
 */
export class ClusterAutoscalerAddOn extends HelmAddOn<typeof clusterAutoscalerDefaults> {
  readonly dependsOn: readonly string[] = [];
  readonly podSecurity = 'restricted' as const;
  readonly network: AddOnNetwork = { egressApiServer: true, egressInternet: [{ port: 443, name: 'EC2 and Auto Scaling APIs' }], awsCredentials: true };

  constructor(props: ClusterAutoscalerProps = {}) {
    super(clusterAutoscalerDefaults, props);
  }

  values(ctx: AddOnContext): Record<string, unknown> {
    return {
      cloudProvider: 'aws',
      awsRegion: ctx.cluster.region,
      autoDiscovery: { clusterName: ctx.cluster.name },
      rbac: { serviceAccount: { create: true, name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } },
      extraArgs: { 'balance-similar-node-groups': true, expander: 'least-waste', 'skip-nodes-with-system-pods': false },
      priorityClassName: PLATFORM_PRIORITY,
    };
  }
}
