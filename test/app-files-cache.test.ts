import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { appChartInputOf } from '../constructs/model/app-chart-input';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { clusterAppsOf } from '../constructs/model/resolve';
import { clusterGatewaysOf } from '../constructs/platform/cluster-gateways';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { platformEndpointsOf } from '../constructs/platform/internal-endpoint';
import { appFilesKeyOf, type BuiltAppFiles } from '../constructs/synth/app-files-cache';
import { buildAll, type SynthInput } from '../constructs/synth/pipeline';
import { render } from '../constructs/synth/render';
import { FIXTURE_INPUT, scopedTempDirs } from './support';

// Each app's files are kept between runs (constructs/synth/app-files-cache.ts) under a key of their chart
// input and the code. These hold that a run that reads them back writes the very bytes of a run that builds
// everything, and that one app's change, arrival or departure leaves every other app's key as it is.

const tempDir = scopedTempDirs();
const [cluster] = FIXTURE_INPUT.clusters;
const env = cluster.env;

/** Every file's path and bytes. */
const bytesOf = (input: SynthInput): Map<string, string> => new Map(buildAll(input).map((f) => [f.path, render(f)]));
const entriesIn = (dir: string): string[] => fs.readdirSync(path.join(dir, env)).sort();

/** Each app's key in a cluster, by app name. */
function keysOf(c: ClusterSpec, apps = FIXTURE_INPUT.apps): Map<string, string> {
  const resolved = clusterAppsOf(
    c,
    apps,
    (name) => FIXTURE_INPUT.releases[env].apps[name]?.current ?? { version: 1, image: 'example/app:1.0.0@sha256:' + '0'.repeat(64) },
  );
  const gateways = clusterGatewaysOf({
    cluster: c,
    apps: resolved,
    endpoints: platformEndpointsOf({ cluster: c, apps: resolved }, addOnsOf({ cluster: c, apps: resolved })),
  });
  return new Map(resolved.map((app) => [app.name, appFilesKeyOf(appChartInputOf(app, c, gateways))]));
}

test('a run that reads every app back from the cache writes the bytes of a run without one; so does the run that fills it', () => {
  const dir = tempDir('app-files-cache-');
  const input = { ...FIXTURE_INPUT, clusters: [cluster] };
  const fresh = bytesOf(input);
  expect(bytesOf({ ...input, appFilesCache: dir })).toEqual(fresh);
  const entries = entriesIn(dir);
  expect(entries).toHaveLength(Object.keys(cluster.apps).length);
  expect(bytesOf({ ...input, appFilesCache: dir })).toEqual(fresh);
  expect(entriesIn(dir)).toEqual(entries);
});

test('a kept app is read back, not built again: what its entry holds is what the run writes', () => {
  const dir = tempDir('app-files-cache-');
  const input = { ...FIXTURE_INPUT, clusters: [cluster], appFilesCache: dir };
  buildAll(input);
  const [entry] = entriesIn(dir);
  const file = path.join(dir, env, entry);
  const kept = v8.deserialize(fs.readFileSync(file)) as BuiltAppFiles;
  const marked: BuiltAppFiles = { ...kept, checked: { ...kept.checked, texts: [`${kept.checked.texts[0]}# read back\n`, kept.checked.texts[1]] } };
  fs.writeFileSync(file, v8.serialize(marked));
  expect(bytesOf(input).get(kept.files.tenant.path)).toMatch(/# read back\n$/);
});

test('an entry that cannot be read is built again and replaced; entries of apps that left, and older keys, are dropped', () => {
  const dir = tempDir('app-files-cache-');
  const input = { ...FIXTURE_INPUT, clusters: [cluster] };
  const fresh = bytesOf(input);
  bytesOf({ ...input, appFilesCache: dir });
  const entries = entriesIn(dir);
  fs.writeFileSync(path.join(dir, env, entries[0]), 'not an entry');
  fs.writeFileSync(path.join(dir, env, 'gone-app.0123'), 'an app that left');
  fs.writeFileSync(path.join(dir, env, `${entries[1].split('.')[0]}.older-key`), 'an older key');
  expect(bytesOf({ ...input, appFilesCache: dir })).toEqual(fresh);
  expect(entriesIn(dir)).toEqual(entries);
  expect(v8.deserialize(fs.readFileSync(path.join(dir, env, entries[0])))).toHaveProperty('checked.texts');
});

test("one app's change, arrival or departure leaves every other app's key as it is", () => {
  const before = keysOf(cluster);
  const [first, second] = [...before.keys()];
  const others = (keys: Map<string, string>, but: string) => [...keys].filter(([name]) => name !== but);

  const scaled = keysOf({ ...cluster, apps: { ...cluster.apps, [first]: { ...cluster.apps[first], scaling: { min: 2, max: 7 } } } });
  expect(scaled.get(first)).not.toBe(before.get(first));
  expect(others(scaled, first)).toEqual(others(before, first));

  const { [second]: _left, ...remaining } = cluster.apps;
  const without = keysOf({ ...cluster, apps: remaining, appData: Object.fromEntries(Object.entries(cluster.appData ?? {}).filter(([n]) => n !== second)) });
  expect([...without]).toEqual(others(before, second));

  const template = FIXTURE_INPUT.apps.find((a) => a.name === first)!;
  const newcomer = { ...template, name: 'newcomer', hosts: { [env]: [`newcomer.${cluster.domain}`] } };
  const withNewcomer = keysOf({ ...cluster, apps: { ...cluster.apps, newcomer: {} } }, [...FIXTURE_INPUT.apps, newcomer]);
  expect(others(withNewcomer, 'newcomer')).toEqual([...before]);
});

test('what the apps read of their cluster is in the key; what they do not read is not', () => {
  const before = [...keysOf(cluster).values()];
  const changed = (c: ClusterSpec) => [...keysOf(c).values()].filter((key, i) => key !== before[i]).length;
  expect(changed({ ...cluster, region: 'eu-west-1' })).toBe(before.length);
  expect(changed({ ...cluster, nodePool: { ...cluster.nodePool, max: cluster.nodePool.max + 1 } })).toBe(0);
});
