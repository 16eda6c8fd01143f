import { HOST_KEY, topologySpreadOf, ZONE_KEY } from '../constructs/model/topology-spread';
import type { KubeObject } from '../constructs/model/kube-object';
import { zoneSpreadProblems } from '../constructs/rules/zone-spread-rules';
import { fixtureObjects } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/* A hard zone spread must honour node taints, or a dead zone blocks every new pod of the app
   (model/topology-spread.ts has the upstream facts). */

const labels = { 'app.kubernetes.io/name': 'shop' };
const deployment = (spread: Json[]): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'shop', namespace: 'shop' },
  spec: { template: { metadata: { labels }, spec: { topologySpreadConstraints: spread } } },
});
const zone = (extra: Json = {}): Json => ({
  maxSkew: 1,
  topologyKey: ZONE_KEY,
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: labels },
  ...extra,
});

test('the zone constraint is hard and honours taints; the node constraint stays soft', () => {
  const [byZone, byNode] = topologySpreadOf(labels);
  expect(byZone).toMatchObject({
    topologyKey: ZONE_KEY,
    whenUnsatisfiable: 'DoNotSchedule',
    nodeTaintsPolicy: 'Honor',
    labelSelector: { matchLabels: labels },
  });
  expect(byNode).toMatchObject({ topologyKey: HOST_KEY, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } });
  expect(zoneSpreadProblems([deployment(topologySpreadOf(labels))])).toEqual([]);
});

test.each<[string, Json, string]>([
  ['no nodeTaintsPolicy', zone(), 'it is "unset"'],
  ['nodeTaintsPolicy Ignore', zone({ nodeTaintsPolicy: 'Ignore' }), 'it is "Ignore"'],
])('a DoNotSchedule zone constraint with %s fails', (_, constraint, message) => {
  expect(zoneSpreadProblems([deployment([constraint])])).toEqual([
    `Deployment shop/shop: spec.template.spec.topologySpreadConstraints[0]: a DoNotSchedule zone constraint needs nodeTaintsPolicy: Honor (${message}), or a dead zone's nodes block every new pod`,
  ]);
});

test('soft zone constraints and hard constraints on other keys need no policy', () => {
  expect(zoneSpreadProblems([deployment([zone({ whenUnsatisfiable: 'ScheduleAnyway' }), zone({ topologyKey: HOST_KEY })])])).toEqual([]);
});

test('constraints are found wherever an object carries them: a custom resource and a post-renderer patch', () => {
  const envoyProxy: KubeObject = {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'EnvoyProxy',
    metadata: { name: 'envoy', namespace: 'envoy-gateway-system' },
    spec: { provider: { kubernetes: { envoyDeployment: { pod: { topologySpreadConstraints: [zone()] } } } } },
  };
  const release: KubeObject = {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'x', namespace: 'x' },
    spec: {
      postRenderers: [{ kustomize: { patches: [{ patch: JSON.stringify({ spec: { template: { spec: { topologySpreadConstraints: [zone()] } } } }) }] } }],
    },
  };
  expect(zoneSpreadProblems([envoyProxy])).toEqual([
    expect.stringContaining('EnvoyProxy envoy-gateway-system/envoy: spec.provider.kubernetes.envoyDeployment.pod.topologySpreadConstraints[0]:'),
  ]);
  expect(zoneSpreadProblems([release])).toEqual([
    expect.stringContaining('HelmRelease x/x: spec.postRenderers[0].kustomize.patches[0].patch(json).spec.template.spec.topologySpreadConstraints[0]:'),
  ]);
});

test('every DoNotSchedule zone constraint of the synthesized output honours taints', () => {
  const objects = fixtureObjects();
  const hard = objects.filter((o) => /"whenUnsatisfiable":"DoNotSchedule"/.test(JSON.stringify(o)));
  // The output has hard zone spreads in app workloads and in platform custom resources alike.
  expect(hard.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'EnvoyProxy', 'HelmRelease']));
  expect(zoneSpreadProblems(objects)).toEqual([]);
});
