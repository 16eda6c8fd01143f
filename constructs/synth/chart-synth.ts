import { App, Chart } from 'cdk8s';
import { SynthError } from '../model/spec-error';
import type { KubeObject } from '../model/kube-object';

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
  'GatewayClass',
  'ClusterIssuer',
  'ClusterSecretStore',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'CustomResourceDefinition',
  'PriorityClass',
]);

/**
 * Synthesizes one chart in an App of its own. cdk8s resolves and validates the whole App on every
 * synth, so one App per chart keeps the cost linear in the number of charts.
 */
export function synthChart(build: (app: App) => Chart): KubeObject[] {
  const app = new App();
  const chart = build(app);
  const errors = app.node.findAll().flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
  if (errors.length > 0) throw new SynthError(errors, 'construct validation failed');
  return (chart.toJson() as KubeObject[]).map(withoutNamespaceIfClusterScoped);
}

function withoutNamespaceIfClusterScoped(obj: KubeObject): KubeObject {
  if (!CLUSTER_SCOPED.has(obj.kind) || obj.metadata.namespace === undefined) return obj;
  const { namespace: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
