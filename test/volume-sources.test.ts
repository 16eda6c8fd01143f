import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import { GEESEFS_DRIVER, MOUNTPOINT_DRIVER } from '../constructs/app/bucket-volume';
import type { AppSpec } from '../constructs/model/app-spec';
import { allObjects, describe as describeObject, type KubeObject } from '../constructs/model/kube-object';
import { selectorMatches } from '../constructs/model/label-selector';
import { namespaceOf, VOLUME_SOURCE_LABEL } from '../constructs/model/naming';
import { DEFAULT_RUN_AS_USER } from '../constructs/model/resolve';
import { podSpecOf } from '../constructs/rules/pod-template';
import { buildAll } from '../constructs/synth/pipeline';
import { FIXTURE_RELEASES } from './support';

/*
 * Kubernetes refuses to change a live PV's source (ValidatePersistentVolumeUpdate: "spec.persistentvolumesource
 * is immutable after creation") and a bound claim's spec, and one refused object fails Flux's apply of the whole
 * platform layer. So between any two outputs, before and after a change to an app's storage, no PV or claim
 * of one name may differ in those fields: the change must make volumes of new names (constructs/app/bucket-volume.ts).
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const shop = APPS.find((a) => a.name === 'shop')!;
const withShop = (edit: (storage: NonNullable<AppSpec['storage']>) => Partial<AppSpec>): AppSpec[] =>
  APPS.map((a) => (a === shop ? { ...shop, ...edit(shop.storage!) } : a));
/** Each cluster's objects, by env: a PV's name is unique within its cluster. */
const outputOf = (apps: readonly AppSpec[]): ReadonlyMap<string, KubeObject[]> => {
  const files = buildAll({ clusters: CLUSTERS, apps, releases: FIXTURE_RELEASES });
  return new Map(CLUSTERS.map((c) => [c.env, allObjects(files.filter((f) => f.path.startsWith(`dist/${c.env}/`)))]));
};
const ENVS = CLUSTERS.map((c) => c.env);

const geesefs = withShop((storage) => ({ storage: { ...storage, driver: 'geesefs' } }));
const OUTPUTS = {
  'as the fixtures have it (Mountpoint)': outputOf(APPS),
  'with a Mountpoint cacheSize': outputOf(withShop((storage) => ({ storage: { ...storage, cacheSize: '2Gi' } }))),
  'on GeeseFS': outputOf(geesefs),
  'on GeeseFS with another runAsUser': outputOf(withShop((storage) => ({ storage: { ...storage, driver: 'geesefs' }, runAsUser: DEFAULT_RUN_AS_USER + 1000 }))),
} as const;
type Variant = keyof typeof OUTPUTS;
const CHANGES: ReadonlyArray<readonly [Variant, Variant]> = [
  ['as the fixtures have it (Mountpoint)', 'with a Mountpoint cacheSize'],
  ['as the fixtures have it (Mountpoint)', 'on GeeseFS'],
  ['with a Mountpoint cacheSize', 'on GeeseFS'],
  ['on GeeseFS', 'on GeeseFS with another runAsUser'],
];

/** Where an object lives in the cluster: a PV by name, a claim by namespace and name. */
const keyOf = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
/** What Kubernetes keeps as it was created: a PV's source (`csi`), volumeMode and node affinity; a claim's spec but its requests. */
const immutableOf = (o: KubeObject): Json => {
  const spec = o.spec as Json;
  if (o.kind === 'PersistentVolume') return { csi: spec.csi, volumeMode: spec.volumeMode, nodeAffinity: spec.nodeAffinity };
  const { resources: _mayGrow, ...rest } = spec;
  return rest;
};
const volumesOf = (objects: readonly KubeObject[]) => objects.filter((o) => o.kind === 'PersistentVolume' || o.kind === 'PersistentVolumeClaim');

describe.each(ENVS.flatMap((env) => CHANGES.map(([from, to]) => [env, from, to] as const)))('cluster %s: shop %s, then %s', (env, from, to) => {
  const before = new Map(volumesOf(OUTPUTS[from].get(env)!).map((o) => [keyOf(o), o]));
  const after = new Map(volumesOf(OUTPUTS[to].get(env)!).map((o) => [keyOf(o), o]));

  test('the change gives the app volumes of new names: the old ones are left as they are', () => {
    expect(before.size).toBeGreaterThan(0);
    const renamed = [...after.keys()].filter((k) => !before.has(k) && k.includes(' shop'));
    expect(renamed.length).toBeGreaterThan(0);
  });

  test('no PersistentVolume or claim of one name changes a field Kubernetes keeps immutable', () => {
    const shared = [...after.keys()].filter((k) => before.has(k));
    expect(shared.length).toBeGreaterThan(0);
    for (const key of shared) expect([key, immutableOf(after.get(key)!)]).toEqual([key, immutableOf(before.get(key)!)]);
  });
});

test.each(ENVS)('cluster %s: every Mountpoint PV of every output has a handle of its own, as the driver requires, within CSI 128 bytes', (env) => {
  // The old volumes stay in the cluster beside the new ones: a handle must not come back under another name.
  const names = new Map<string, Set<string>>();
  for (const o of Object.values(OUTPUTS).flatMap((output) => output.get(env)!)) {
    const csi = (o.spec as Json)?.csi;
    if (o.kind !== 'PersistentVolume' || csi.driver !== MOUNTPOINT_DRIVER) continue;
    names.set(csi.volumeHandle, (names.get(csi.volumeHandle) ?? new Set()).add(o.metadata.name));
  }
  expect(names.size).toBeGreaterThan(0);
  for (const [handle, of] of names) expect([handle, [...of], Buffer.byteLength(handle) <= 128]).toEqual([handle, [...of].slice(0, 1), true]);
});

describe.each(ENVS)('cluster %s: GeeseFS volumes share a handle (the bucket), so pods of two of its sources never share a node', (env) => {
  const ns = namespaceOf('shop');
  /** Every pod template of shop that mounts a GeeseFS claim, with that claim's PV. */
  const mountersOf = (objects: readonly KubeObject[]) => {
    const pvs = new Map(objects.filter((o) => o.kind === 'PersistentVolume').map((pv) => [pv.metadata.name, pv.spec as Json]));
    return objects
      .filter((o) => o.metadata.namespace === ns && ['Deployment', 'CronJob'].includes(o.kind))
      .flatMap((o) => {
        const claims = (podSpecOf(o).volumes ?? []).map((v: Json) => v.persistentVolumeClaim?.claimName).filter(Boolean);
        return claims
          .filter((c: string) => pvs.get(c)?.csi.driver === GEESEFS_DRIVER)
          .map((claim: string) => ({ o, claim, handle: pvs.get(claim)!.csi.volumeHandle }));
      });
  };
  const podLabelsOf = (o: KubeObject): Record<string, string> => {
    const spec = o.spec as Json;
    return (o.kind === 'CronJob' ? spec.jobTemplate.spec.template : spec.template).metadata.labels;
  };
  /** Whether the pod of `a` refuses a node that runs the pod of `b`, by a required anti-affinity over hostnames. */
  const refuses = (a: KubeObject, b: KubeObject): boolean =>
    (podSpecOf(a).affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).some(
      (term: Json) => term.topologyKey === 'kubernetes.io/hostname' && selectorMatches(term.labelSelector, podLabelsOf(b)),
    );
  const old = mountersOf(OUTPUTS['on GeeseFS'].get(env)!);
  const changed = mountersOf(OUTPUTS['on GeeseFS with another runAsUser'].get(env)!);

  test('the two sources are two volumes over one handle, each mounted by the app, its backup and its restore', () => {
    expect(old.map(({ o }) => describeObject(o)).sort()).toEqual(['CronJob shop/shop-backup', 'CronJob shop/shop-restore', 'Deployment shop/shop']);
    expect(changed.map(({ o }) => describeObject(o)).sort()).toEqual(old.map(({ o }) => describeObject(o)).sort());
    expect(new Set([...old, ...changed].map((m) => m.handle)).size).toBe(1);
    expect(new Set(old.map((m) => m.claim))).not.toEqual(new Set(changed.map((m) => m.claim)));
  });

  test("a pod of either source refuses every node with a pod of the other, never one with a pod of its own; Mountpoint's pods carry no such rule", () => {
    for (const a of old) {
      for (const b of changed) {
        expect([describeObject(a.o), a.claim, b.claim, refuses(a.o, b.o), refuses(b.o, a.o)]).toEqual([describeObject(a.o), a.claim, b.claim, true, true]);
      }
      for (const b of old) expect([describeObject(a.o), describeObject(b.o), refuses(a.o, b.o)]).toEqual([describeObject(a.o), describeObject(b.o), false]);
    }
    const mountpoint = OUTPUTS['as the fixtures have it (Mountpoint)']
      .get(env)!
      .filter((o) => o.metadata.namespace === ns && ['Deployment', 'CronJob'].includes(o.kind));
    expect(mountpoint.length).toBeGreaterThan(0);
    for (const o of mountpoint)
      expect([describeObject(o), podSpecOf(o).affinity, podLabelsOf(o)[VOLUME_SOURCE_LABEL]]).toEqual([describeObject(o), undefined, undefined]);
  });
});

test("an app's quota counts no claims nor their storage: the claims a storage change leaves behind never fill it", () => {
  const quotas = ENVS.flatMap((env) => OUTPUTS['as the fixtures have it (Mountpoint)'].get(env)!).filter((o) => o.kind === 'ResourceQuota');
  expect(quotas.length).toBeGreaterThan(0);
  for (const q of quotas) {
    const counted = Object.keys((q.spec as Json).hard).filter((k) => /persistentvolumeclaims|storage/.test(k));
    expect([describeObject(q), counted]).toEqual([describeObject(q), []]);
  }
});
