import { hardenedContainer, restrictedPod, sized } from '../blocks/hardened-container';
import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource, type AddOnKind } from './add-on';
import type { ChartWorkload } from './chart-workload';
import type { WorkloadEgress } from './network-needs';
import { PLATFORM_PRIORITY } from '../model/priority-names';
import { CLUSTER_AUTOSCALER_ACCOUNT } from '../model/aws-add-on-accounts';

export const clusterAutoscalerDefaults = {
  name: 'cluster-autoscaler',
  namespace: CLUSTER_AUTOSCALER_ACCOUNT.namespace,
  chart: { repository: 'https://kubernetes.github.io/autoscaler', chart: 'cluster-autoscaler', version: '9.50.1' } as ChartSource,
};
export type ClusterAutoscalerProps = Partial<typeof clusterAutoscalerDefaults>;

/**
 * Its egress, declared for its workload too, so that its pod reaches no pod of its own namespace: a standby
 * replica learns of its leader through a Lease in the API, not from the leader (chart 9.50.1 sets no peer address).
 */
const EGRESS = {
  egressApiServer: true,
  egressInternet: [{ port: 443, name: 'EC2 and Auto Scaling APIs' }],
  awsCredentials: true,
} as const satisfies WorkloadEgress;

/** The ServiceAccount that the cloud stack's autoscaler role is bound to through Pod Identity. */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = CLUSTER_AUTOSCALER_ACCOUNT.serviceAccount;

/**
 * cluster-autoscaler: when the HPAs add pods that no node has room for, it grows the node group of a zone
 * where they fit (each zone has one, up to its share of the node pool's max: model/zone-node-groups.ts),
 * and shrinks it again when nodes sit idle. `balance-similar-node-groups` keeps the zones' groups level, as
 * its AWS README asks of an ASG per AZ (kubernetes/autoscaler@cluster-autoscaler-1.33.0,
 * cluster-autoscaler/cloudprovider/aws/README.md, "Common Notes and Gotchas"); the groups differ only in
 * labels it ignores there (processors/nodegroupset/aws_nodegroups.go: the zone, eks.amazonaws.com/nodegroup).
 */
export class ClusterAutoscalerAddOn extends HelmAddOn<typeof clusterAutoscalerDefaults> {
  readonly dependsOn: readonly AddOnKind[] = [];
  readonly network: AddOnNetwork = EGRESS;
  /** From the chart at its pinned version. */
  readonly clusterRights =
    'evicts Pods and updates and deletes Nodes; reads the workloads, volumes and disruption budgets it must respect, in every namespace (templates/clusterrole.yaml)';

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
    };
  }

  /** Source: kubernetes/autoscaler@cluster-autoscaler-chart-9.50.1 charts/cluster-autoscaler (values.yaml, templates/deployment.yaml, pdb.yaml, _helpers.tpl). */
  workloads(): ChartWorkload[] {
    return [
      {
        kind: 'Deployment',
        // <release>-<cloudProvider>-<chart>, as the chart's fullname helper builds it.
        name: 'cluster-autoscaler-aws-cluster-autoscaler',
        role: 'controller',
        podLabels: { 'app.kubernetes.io/instance': this.name, 'app.kubernetes.io/name': 'aws-cluster-autoscaler' },
        podSecurity: 'restricted',
        settings: {
          // Leader election makes a second replica a cold standby; one that restarts in seconds is enough.
          replicas: 1,
          // The image is distroless `nonroot` (65532); the chart's defaults are empty contexts.
          podSecurityContext: restrictedPod(65532),
          containers: { 'aws-cluster-autoscaler': { securityContext: hardenedContainer(), resources: sized('50m', '128Mi', '512Mi') } },
          disruptionBudget: { maxUnavailable: 1 },
          priorityClassName: PLATFORM_PRIORITY,
        },
        keys: {
          replicas: 'replicaCount',
          podSecurityContext: 'securityContext',
          containers: { 'aws-cluster-autoscaler': { securityContext: 'containerSecurityContext', resources: 'resources' } },
          disruptionBudget: { path: 'podDisruptionBudget', defaultBound: 'maxUnavailable' },
          priorityClassName: 'priorityClassName',
          topologySpreadConstraints: 'topologySpreadConstraints',
        },
        ports: [{ port: 8085, purpose: 'metrics' }],
        egress: EGRESS,
      },
    ];
  }
}
