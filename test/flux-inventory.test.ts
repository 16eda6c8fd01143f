import type { KubeObject } from '../constructs/model/kube-object';
import { fluxInventoryProblems, INVENTORY_BUDGET_BYTES, inventoryBytesOf, inventoryEntryOf } from '../constructs/rules/flux-inventory-rules';
import { fluxLayersOf } from '../constructs/synth/build-cluster';
import { fluxPathsOf } from '../constructs/gitops/flux-entry';
import { FIXTURE_INPUT, fixtureOutput } from './support';

// Each Flux Kustomization records what it applied in its status, one entry per object, and etcd refuses the
// Kustomization past 1.5 MiB (constructs/rules/flux-inventory-rules.ts). The entry's shape is
// kustomize-controller's ResourceRef (api/v1/inventory_types.go): `id` is `<namespace>_<name>_<group>_<kind>`,
// `v` the version alone.

const object = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({ apiVersion, kind, metadata: { name, namespace } });

test("an entry is kustomize-controller's: namespace, name, group and kind in the id, the version alone in v", () => {
  expect(inventoryEntryOf(object('apps/v1', 'Deployment', 'shop', 'shop'))).toBe('{"id":"shop_shop_apps_Deployment","v":"v1"}');
  expect(inventoryEntryOf(object('v1', 'ConfigMap', 'rules', 'elastalert'))).toBe('{"id":"elastalert_rules__ConfigMap","v":"v1"}');
  expect(inventoryEntryOf(object('gateway.networking.k8s.io/v1', 'GatewayClass', 'eg'))).toBe('{"id":"_eg_gateway.networking.k8s.io_GatewayClass","v":"v1"}');
  expect(inventoryBytesOf([])).toBe(Buffer.byteLength('[]') - 1);
});

test('a layer whose inventory passes the budget fails, named by its Kustomization, with the way out', () => {
  const named = (i: number) => `app-${String(i).padStart(6, '0')}`;
  const objects = (count: number) => Array.from({ length: count }, (_, i) => object('apps/v1', 'Deployment', named(i), named(i)));
  const perObject = inventoryBytesOf(objects(1000)) / 1000;
  const fits = objects(Math.floor(INVENTORY_BUDGET_BYTES / perObject) - 10);
  const passes = objects(Math.ceil(INVENTORY_BUDGET_BYTES / perObject) + 10);
  expect(fluxInventoryProblems(new Map([['apps', fits]]))).toEqual([]);
  expect(fluxInventoryProblems(new Map([['apps', passes]]))).toEqual([
    expect.stringMatching(
      /^Flux Kustomization apps: its inventory of \d+ objects would take 1\.2\d MiB of its status, more than the 1\.25 MiB .*fewer apps per Flux shard \(FLUX_SHARD_APPS in constructs\/model\/flux-shards\.ts\) or fewer platform objects in the layer$/,
    ),
  ]);
});

test("every object synth writes below a Flux path counts in that path's Kustomization, and no other", () => {
  const files = fixtureOutput();
  for (const { env } of FIXTURE_INPUT.clusters) {
    const layers = fluxLayersOf(env, files);
    expect([...layers.keys()]).toEqual(Object.keys(fluxPathsOf(env)));
    const applied = files.filter((f) => f.path.startsWith(`dist/${env}/`)).flatMap((f) => f.objects ?? []);
    const counted = [...layers.values()].flat();
    expect(counted.length).toBe(applied.length);
    expect(new Set(counted)).toEqual(new Set(applied));
    for (const objects of layers.values()) expect(objects.length).toBeGreaterThan(0);
  }
});
