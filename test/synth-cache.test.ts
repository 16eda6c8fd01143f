import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appChartInputOf, type AppChartInput } from '../constructs/model/app-chart-input';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { clusterAppsOf } from '../constructs/model/resolve';
import { clusterGatewaysOf } from '../constructs/platform/cluster-gateways';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { platformEndpointsOf } from '../constructs/platform/internal-endpoint';
import { cacheKeyOf, keepEntries, keptOrMade, readEntryFile, readKeptUnderAnyKey, writeEntryFile } from '../constructs/synth/synth-cache';
import { checkedAndRenderedAppFiles, keptAppFilesOf, type KeptAppFiles } from '../constructs/synth/app-file-checks';
import { appFilesOfEach } from '../constructs/synth/app-files';
import { cloudAppOf, cloudClusterOf } from '../constructs/model/cloud-input';
import { terraformFileOf } from '../constructs/synth/terraform-file';
import { buildAll, synthesize, type SynthInput } from '../constructs/synth/pipeline';
import { digestOf, knownDigestOf, render } from '../constructs/synth/render';
import { renderedTree } from '../constructs/synth/output-tree';
import type { OutputFile } from '../constructs/model/kube-object';
import type { RuleFile } from '../constructs/alerts/render';
import type { KeyedVerdicts } from '../constructs/rules/object-verdicts';
import { FIXTURE_INPUT, scopedTempDirs, synthProblemsOf } from './support';

// Each app's files, each cluster's Terraform and network table, and the platform objects' verdicts are kept
// between runs (constructs/synth/synth-cache.ts) under a key of their input and the code. These hold that a
// run that reads them back writes the very bytes, and finds the very problems, of a run that builds
// everything; that what is kept is read back, not made again; and that one app's change, arrival or
// departure leaves every other app's key as it is, and the Terraform's unless the app's storage changes.

const tempDir = scopedTempDirs();
const [cluster] = FIXTURE_INPUT.clusters;
const env = cluster.env;

/** Every file's path and bytes. */
const bytesOf = (input: SynthInput): Map<string, string> => new Map(buildAll(input).map((f) => [f.path, render(f)]));
const entriesIn = (dir: string, folder = `app-files/${env}`): string[] => fs.readdirSync(path.join(dir, folder)).sort();

/** The fixture cluster's input with a cache folder, after one synth filled it. */
function filledCache(): { dir: string; input: SynthInput } {
  const dir = tempDir('synth-cache-');
  const input = { ...FIXTURE_INPUT, clusters: [cluster], cache: dir };
  buildAll(input);
  return { dir, input };
}

/** Rewrites the first entry of a cache folder as edit() makes it of what it holds: what a later synth then reads back. */
function editKept<T>(dir: string, folder: string, edit: (kept: T) => unknown): T {
  const file = path.join(dir, folder, entriesIn(dir, folder)[0]);
  const kept = readEntryFile(file) as T;
  writeEntryFile(file, edit(kept));
  return kept;
}

/** Each app's chart input in a cluster. */
function chartInputsOf(c: ClusterSpec, apps = FIXTURE_INPUT.apps): AppChartInput[] {
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
  return resolved.map((app) => appChartInputOf(app, c, gateways));
}

/** Each app's key in a cluster, by app name. */
const keysOf = (c: ClusterSpec, apps = FIXTURE_INPUT.apps): Map<string, string> =>
  new Map(chartInputsOf(c, apps).map((input) => [input.app.name, cacheKeyOf('app-files', input)]));

test('an app entry is plain JSON: what the cache reads back is exactly what the run made, no undefined field or class lost', () => {
  for (const c of FIXTURE_INPUT.clusters) {
    const files = appFilesOfEach(chartInputsOf(c));
    const checked = checkedAndRenderedAppFiles(files);
    const made: KeptAppFiles[] = files.map((f, i) => keptAppFilesOf(f, checked[i]));
    expect(JSON.parse(JSON.stringify(made))).toStrictEqual(made);
  }
});

test("an entry is read back under any key only where this code made it: after a change to the code, nothing of the earlier run's is read", () => {
  const dir = tempDir('synth-cache-');
  keepEntries(dir, 'folder', [{ name: 'entry', key: 'a-key', made: () => ({ kept: true }) }]);
  expect(readKeptUnderAnyKey(dir, 'folder', 'entry')).toEqual({ kept: true });
  const [file] = fs.readdirSync(path.join(dir, 'folder'));
  // The same entry, as other code would have named it.
  const otherCode = file.replace(/^entry\.[0-9a-f]{16}\./, `entry.${'0'.repeat(16)}.`);
  expect(otherCode).not.toBe(file);
  fs.renameSync(path.join(dir, 'folder', file), path.join(dir, 'folder', otherCode));
  expect(readKeptUnderAnyKey(dir, 'folder', 'entry')).toBeUndefined();
});

test('a run that reads every app back from the cache writes the bytes of a run without one; so does the run that fills it', () => {
  const dir = tempDir('synth-cache-');
  const input = { ...FIXTURE_INPUT, clusters: [cluster] };
  const fresh = bytesOf(input);
  expect(bytesOf({ ...input, cache: dir })).toEqual(fresh);
  const entries = entriesIn(dir);
  expect(entries).toHaveLength(Object.keys(cluster.apps).length);
  expect(entriesIn(dir, `terraform/${env}`)).toHaveLength(1);
  expect(bytesOf({ ...input, cache: dir })).toEqual(fresh);
  expect(entriesIn(dir)).toEqual(entries);
});

test('a kept app is read back, not built again: its files are rendered from the objects its entry holds', () => {
  const { dir, input } = filledCache();
  const kept = editKept<KeptAppFiles>(dir, `app-files/${env}`, (k) => ({ ...k, files: { ...k.files, tenant: readBackMarked(k.files.tenant) } }));
  expect(bytesOf(input).get(kept.files.tenant.path)).toContain('read-back: marked');
});

/** The file with an annotation on its first object that only a file rendered from a kept entry's objects carries. */
function readBackMarked(file: OutputFile): OutputFile {
  const [first, ...rest] = file.objects!;
  return { ...file, objects: [{ ...first, metadata: { ...first.metadata, annotations: { ...first.metadata.annotations, 'read-back': 'marked' } } }, ...rest] };
}

test("synth renders a kept app's file only where the bytes on disk differ from the digest kept with it; a file edited by hand is put right", () => {
  const { dir, input } = filledCache();
  const root = tempDir('synth-root-');
  synthesize(root, input);
  const kept = editKept<KeptAppFiles>(dir, `app-files/${env}`, (k) => ({
    ...k,
    files: { tenant: readBackMarked(k.files.tenant), apps: readBackMarked(k.files.apps) },
  }));
  const [tenant, apps] = [kept.files.tenant.path, kept.files.apps.path].map((p) => path.join(root, p));
  const before = fs.readFileSync(tenant, 'utf8');
  expect(digestOf(before)).toBe(kept.digests[0]);
  fs.writeFileSync(apps, '# edited by hand\n');
  synthesize(root, input);
  // Its digest matched: not rendered, the bytes as they were.
  expect(fs.readFileSync(tenant, 'utf8')).toBe(before);
  // Its digest did not: rendered from the kept objects, and written.
  expect(fs.readFileSync(apps, 'utf8')).toContain('read-back: marked');
});

test("a diff takes a kept file's bytes from the tree it compares with where they match the kept digest, and renders the file where they do not", () => {
  const { dir, input } = filledCache();
  const fresh = renderedTree(buildAll({ ...input, cache: undefined }));
  const kept = editKept<KeptAppFiles>(dir, `app-files/${env}`, (k) => ({ ...k, files: { ...k.files, apps: readBackMarked(k.files.apps) } }));
  const files = buildAll(input);
  const app = kept.files.apps.path;
  expect(knownDigestOf(files.find((f) => f.path === app)!)).toBe(kept.digests[1]);
  // The earlier bytes match the digest: taken as they are, the (marked) objects not rendered.
  expect(renderedTree(files, fresh)).toEqual(fresh);
  // They do not: rendered from the kept objects.
  const earlier = new Map([...fresh].map(([p, text]) => [p, p === app ? `${text}# older\n` : text]));
  expect(renderedTree(files, earlier).get(app)).toContain('read-back: marked');
  expect(renderedTree(files).get(app)).toContain('read-back: marked');
});

test("a file's digest is git's id of its bytes as a blob", () => {
  const file = path.join(tempDir('digest-'), 'file.yaml');
  const text = 'kind: ConfigMap\ndata:\n  greeting: grüß dich\n';
  fs.writeFileSync(file, text);
  expect(digestOf(text)).toBe(execFileSync('git', ['hash-object', file], { encoding: 'utf8' }).trim());
  expect(digestOf(fs.readFileSync(file))).toBe(digestOf(text));
});

test('an entry that cannot be read is built again and replaced; entries of apps that left, and older keys, are dropped', () => {
  const dir = tempDir('synth-cache-');
  const input = { ...FIXTURE_INPUT, clusters: [cluster] };
  const fresh = bytesOf(input);
  bytesOf({ ...input, cache: dir });
  const entries = entriesIn(dir);
  fs.writeFileSync(path.join(dir, 'app-files', env, entries[0]), 'not an entry');
  fs.writeFileSync(path.join(dir, 'app-files', env, 'gone-app.0123'), 'an app that left');
  fs.writeFileSync(path.join(dir, 'app-files', env, `${entries[1].split('.')[0]}.older-key`), 'an older key');
  expect(bytesOf({ ...input, cache: dir })).toEqual(fresh);
  expect(entriesIn(dir)).toEqual(entries);
  expect(readEntryFile(path.join(dir, 'app-files', env, entries[0]))).toHaveProperty('digests');
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

test('kept Terraform is read back, not built again', () => {
  const { dir, input } = filledCache();
  editKept<string>(dir, `terraform/${env}`, (text) => `${text} `);
  expect(bytesOf(input).get(terraformFileOf(env))).toMatch(/\}\n $/);
});

test("the Terraform's key holds what the cloud side reads of the apps, their names and storage, and not their releases, scaling or env", () => {
  const resolved = clusterAppsOf(cluster, FIXTURE_INPUT.apps, (name) => FIXTURE_INPUT.releases[env].apps[name].current);
  const keyOf = (c: ClusterSpec, apps = resolved) => cacheKeyOf('terraform', [cloudClusterOf(c), apps.map(cloudAppOf)]);
  const before = keyOf(cluster);
  const first = resolved.find((a) => a.storage)!;
  const other = (change: object) => resolved.map((a) => (a === first ? { ...a, ...change } : a));
  expect(keyOf(cluster, other({ scaling: { min: 2, max: 9 }, image: 'example/other:2@sha256:' + '1'.repeat(64), env: { MORE: '1' } }))).toBe(before);
  expect(keyOf({ ...cluster, apps: { ...cluster.apps, [first.name]: { scaling: { min: 2, max: 9 } } } })).toBe(before);
  expect(keyOf(cluster, resolved.slice(1))).not.toBe(before);
  expect(keyOf(cluster, other({ storage: undefined }))).not.toBe(before);
  expect(keyOf({ ...cluster, region: 'eu-west-1' })).not.toBe(before);
});

test('keptOrMade makes a value once per input and code, reads it back after, keeps nothing when making throws, and makes it every time without a cache', () => {
  const dir = tempDir('synth-cache-');
  let made = 0;
  const make = () => ({ made: ++made });
  expect(keptOrMade(dir, 'things', 'thing', { a: 1 }, make)).toEqual({ made: 1 });
  expect(keptOrMade(dir, 'things', 'thing', { a: 1 }, make)).toEqual({ made: 1 });
  expect(keptOrMade(dir, 'things', 'thing', { a: 2 }, make)).toEqual({ made: 2 });
  expect(fs.readdirSync(path.join(dir, 'things'))).toHaveLength(1);
  expect(() =>
    keptOrMade(dir, 'things', 'thing', { a: 3 }, () => {
      throw new Error('refused');
    }),
  ).toThrow('refused');
  expect(keptOrMade(dir, 'things', 'thing', { a: 2 }, make)).toEqual({ made: 2 });
  expect(keptOrMade(undefined, 'things', 'thing', { a: 2 }, make)).toEqual({ made: 3 });
});

test("the network table is kept, and an app's scaling leaves it as it is", () => {
  const { dir, input } = filledCache();
  editKept<{ value: string }>(dir, `network/${env}`, (kept) => ({ value: `${kept.value}<!-- read back -->\n` }));
  const [first] = Object.keys(cluster.apps);
  const scaled = { ...cluster, apps: { ...cluster.apps, [first]: { ...cluster.apps[first], scaling: { min: 2, max: 3 } } } };
  const after = bytesOf({ ...input, clusters: [scaled] });
  expect(after.get(`dist/${env}/network.md`)).toMatch(/<!-- read back -->\n$/);
  expect(after.get(`dist/${env}/apps/${first}.yaml`)).not.toBe(bytesOf({ ...input, cache: undefined }).get(`dist/${env}/apps/${first}.yaml`));
});

/** What the cache keeps of a cluster's alert rules (constructs/synth/kept-or-built.ts). */
interface KeptRules {
  readonly files: readonly RuleFile[];
  readonly appKeys: Record<string, string>;
  readonly queryProblems: Record<string, string[]>;
}

test("the query check's verdicts on the alert rules are kept with them, and read back: a kept problem fails the synth as a found one would", () => {
  const { dir, input } = filledCache();
  const kept = editKept<KeptRules>(dir, `alert-rules/${env}`, (k) => ({
    ...k,
    queryProblems: { [k.files[0].id]: ['a query problem kept from an earlier run'] },
  }));
  expect(kept.queryProblems).toEqual({});
  expect(synthProblemsOf(() => buildAll(input))).toEqual([expect.stringContaining('a query problem kept from an earlier run')]);
});

test("the cluster's alert rules are kept by the apps and receivers they are made of, and read back", () => {
  const { dir, input } = filledCache();
  const kept = editKept<KeptRules>(dir, `alert-rules/${env}`, (k) => ({
    ...k,
    files: k.files.map((rule, i) => (i === 0 ? { ...rule, text: `${rule.text}# read back\n` } : rule)),
  }));
  expect(kept.files.length).toBeGreaterThan(0);
  expect(bytesOf(input).get(`dist/${env}/platform-configs/configs.yaml`)).toContain('# read back');
  expect(bytesOf({ ...input, cache: undefined }).get(`dist/${env}/platform-configs/configs.yaml`)).not.toContain('# read back');
});

test("an app's arrival renders its own alert rules and the platform's; every other app's are read from the earlier entry by that app's key", () => {
  const { dir, input } = filledCache();
  editKept<KeptRules>(dir, `alert-rules/${env}`, (k) => ({ ...k, files: k.files.map((rule) => ({ ...rule, text: `${rule.text}# read back ${rule.id}\n` })) }));
  const configs = bytesOf(withArrival(input)).get(`dist/${env}/platform-configs/configs.yaml`)!;
  const readBack = new Set([...configs.matchAll(/# read back (\S+)/g)].map((m) => m[1]));
  const { files } = readEntryFile(path.join(dir, `alert-rules/${env}`, entriesIn(dir, `alert-rules/${env}`)[0])) as KeptRules;
  const ofApp = (app: string | undefined) => files.filter((f) => f.app === app).map((f) => f.id);
  for (const app of Object.keys(cluster.apps)) for (const id of ofApp(app)) expect(readBack).toContain(id);
  expect(ofApp('arrival').length).toBeGreaterThan(0);
  for (const id of [...ofApp('arrival'), ...ofApp(undefined)]) expect(readBack).not.toContain(id);
  // And with nothing to read back, the bytes of a run without a cache.
  expect(bytesOf(withArrival({ ...input, cache: tempDir('synth-cache-') }))).toEqual(bytesOf({ ...withArrival(input), cache: undefined }));
});

test("the platform objects' verdicts are kept by namespace, and read back: a kept problem fails the synth as a found one would", () => {
  const { dir, input } = filledCache();
  const namespaces = new Set(buildAll({ ...input, cache: undefined }).flatMap((f) => (f.objects ?? []).map((o) => o.metadata.namespace)));
  expect(entriesIn(dir, `platform-verdicts/${env}`).length).toBeGreaterThan(1);
  expect(entriesIn(dir, `platform-verdicts/${env}`).length).toBeLessThanOrEqual(namespaces.size);
  const kept = editKept<KeyedVerdicts>(dir, `platform-verdicts/${env}`, (k) => ({
    ...k,
    verdicts: { ...k.verdicts, schema: { 0: ['a problem kept from an earlier run'] } },
  }));
  expect(Object.keys(kept.verdicts)).toContain('schema');
  expect(synthProblemsOf(() => buildAll(input))).toEqual([expect.stringContaining('a problem kept from an earlier run')]);
});

/** The fixture cluster with one app more, and that app's input. */
function withArrival(input: SynthInput): SynthInput {
  const [template] = FIXTURE_INPUT.apps.filter((a) => a.name in cluster.apps);
  const arrival = { ...template, name: 'arrival', hosts: { [env]: [`arrival.${cluster.domain}`] }, scaling: { min: 1, max: 1 } };
  const releases = { ...input.releases, [env]: { apps: { ...input.releases[env].apps, arrival: input.releases[env].apps[template.name] } } };
  const grown = { ...cluster, apps: { ...cluster.apps, arrival: {} }, appData: { ...cluster.appData, arrival: 'live' as const } };
  return { ...input, apps: [...input.apps, arrival], clusters: [grown], releases };
}

test("in a namespace judged again, only the objects that changed are judged again by the checks of one object alone; the others' verdicts are read back", () => {
  const { dir, input } = filledCache();
  const folder = path.join(dir, `platform-verdicts/${env}`);
  // Every object's kept schema verdict becomes a problem that names its key: a run reports it only where it reads it back.
  const keysBefore = new Map<string, readonly string[]>();
  for (const file of entriesIn(dir, `platform-verdicts/${env}`)) {
    const kept = readEntryFile(path.join(folder, file)) as KeyedVerdicts;
    keysBefore.set(file, kept.keys);
    const schema = Object.fromEntries(kept.keys.map((key, i) => [i, [`kept verdict of ${key}`]]));
    writeEntryFile(path.join(folder, file), { ...kept, verdicts: { ...kept.verdicts, schema } });
  }
  const readBack = new Set(synthProblemsOf(() => buildAll(withArrival(input))).flatMap((p) => /kept verdict of (\w+)/.exec(p)?.[1] ?? []));
  const after = new Set(entriesIn(dir, `platform-verdicts/${env}`));
  const judgedAgain = [...keysBefore].filter(([file]) => !after.has(file));
  expect(judgedAgain.length).toBeGreaterThan(0);
  // In each namespace judged again, some objects are read back and some, the changed ones, judged afresh.
  const readBackIn = judgedAgain.map(([, keys]) => keys.filter((k) => readBack.has(k)).length);
  expect(readBackIn.some((n) => n > 0)).toBe(true);
  expect(judgedAgain.some(([, keys], i) => readBackIn[i] < keys.length)).toBe(true);
  // And the bytes are those of a run that judges everything.
  expect(bytesOf(withArrival({ ...input, cache: tempDir('synth-cache-') }))).toEqual(bytesOf({ ...withArrival(input), cache: undefined }));
});

test("an app's arrival judges again only the namespaces whose platform objects it changes", () => {
  const { dir, input } = filledCache();
  const folder = path.join(dir, `platform-verdicts/${env}`);
  const before = new Map(entriesIn(dir, `platform-verdicts/${env}`).map((f) => [f, fs.statSync(path.join(folder, f)).mtimeMs]));
  const grown = withArrival(input);
  expect(bytesOf(grown)).toEqual(bytesOf({ ...grown, cache: undefined }));
  const after = entriesIn(dir, `platform-verdicts/${env}`);
  const unchanged = after.filter((f) => before.get(f) === fs.statSync(path.join(folder, f)).mtimeMs);
  expect(unchanged.length).toBeGreaterThan(0);
  expect(unchanged.length).toBeLessThan(after.length);
});
