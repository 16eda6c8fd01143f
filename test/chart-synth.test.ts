import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { KubeConfigMap } from 'cdk8s-plus-28/lib/imports/k8s';
import { synthChart } from '../constructs/synth/chart-synth';

// synthChart skips cdk8s's dependency graph when no construct has a dependency; these hold it to what
// cdk8s's own chart.toJson() gives for the same chart, with and without dependencies.

/** A chart like the app charts: cdk8s-plus objects (with their Lazy values) beside plain L1 objects. */
function buildChart(scope: App, withDependency: boolean): Chart {
  const chart = new Chart(scope, 'demo', { namespace: 'demo', disableResourceNameHashes: true });
  const first = new KubeConfigMap(chart, 'first', { metadata: { name: 'first' }, data: { a: '1' } });
  const deployment = new kplus.Deployment(chart, 'web', {
    containers: [{ image: 'nginx:1.27', portNumber: 8080, securityContext: { user: 1000, group: 1000 } }],
  });
  deployment.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
  const last = new KubeConfigMap(chart, 'last', { metadata: { name: 'last' }, data: { b: '2' } });
  if (withDependency) first.addDependency(last);
  return chart;
}

const viaCdk8s = (withDependency: boolean) => buildChart(new App(), withDependency).toJson();
const names = (objects: readonly { kind: string; metadata: { name?: string } }[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

test('without dependencies, the objects and their order are those of chart.toJson()', () => {
  const ours = synthChart((app) => buildChart(app, false));
  expect(ours).toEqual(viaCdk8s(false));
  expect(names(ours)[0]).toBe('ConfigMap/first');
});

test('with a dependency, the order follows it, as chart.toJson() orders it', () => {
  const ours = synthChart((app) => buildChart(app, true));
  expect(ours).toEqual(viaCdk8s(true));
  expect(names(ours).indexOf('ConfigMap/last')).toBeLessThan(names(ours).indexOf('ConfigMap/first'));
});
