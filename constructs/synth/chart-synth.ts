import { ApiObject, App, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { SynthError } from '../model/spec-error';
import type { KubeObject } from '../model/kube-object';
import { withFastObjectJson } from './object-json';

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
 * synth, so one App per chart keeps the cost linear in the number of charts. The objects' JSON is
 * cdk8s's, made by one walk of each object (object-json.ts) instead of cdk8s's resolve and sanitize.
 */
export function synthChart(build: (app: App) => Chart): KubeObject[] {
  const app = new App();
  const chart = build(app);
  const constructs = app.node.findAll();
  const errors = constructs.flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
  if (errors.length > 0) throw new SynthError(errors, 'construct validation failed');
  return withFastObjectJson(() => objectsOf(chart, constructs)).map(withoutNamespaceIfClusterScoped);
}

/**
 * The chart's objects, as chart.toJson() gives them. Without dependencies between constructs, cdk8s's
 * dependency graph orders the objects as the construct tree does (preorder); building that graph, and
 * validating the App a second time, was a third of each app chart's synth, so it is skipped then.
 */
function objectsOf(chart: Chart, constructs: readonly IConstruct[]): KubeObject[] {
  if (constructs.some((c) => c.node.dependencies.length > 0)) return chart.toJson() as KubeObject[];
  return constructs.filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart).map((o) => o.toJson() as KubeObject);
}

function withoutNamespaceIfClusterScoped(obj: KubeObject): KubeObject {
  if (!CLUSTER_SCOPED.has(obj.kind) || obj.metadata.namespace === undefined) return obj;
  const { namespace: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
