import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { FLUX_APPS_ACCOUNT } from '../constructs/gitops/flux-apps-identity';
import { fluxPathsOf } from '../constructs/gitops/flux-entry';
import {
  appsLayerOf,
  FLUX_SHARD_APPS,
  fluxShardsFileOf,
  fluxShardsOf,
  overfullShardWarnings,
  tenantsLayerOf,
  type FluxShardLedger,
} from '../constructs/model/flux-shards';
import type { KubeObject, OutputFile } from '../constructs/model/kube-object';
import { fluxEntryFileOf, fluxLayersOf } from '../constructs/synth/build-cluster';
import { readFluxShardLedgers } from '../constructs/synth/ledger-io';
import { buildAll, type SynthInput } from '../constructs/synth/pipeline';
import { writeOutput } from '../constructs/synth/write-output';
import { synthesizeEnvs } from '../constructs/synth/synth-envs';
import { SynthError } from '../constructs/model/spec-error';
import { scaledInput } from '../scripts/bench-synth';
import { tempDir } from './support';
import { requireTool } from './tool';

// Which Flux Kustomizations apply each app (constructs/model/flux-shards.ts says why: kustomize's build
// time, measured with kubectl kustomize, grows far faster than the objects of one Kustomization).

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const names = (count: number, prefix = 'app') => Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
const sizes = (shardOf: ReadonlyMap<string, number>) => [...shardOf.values()].reduce<number[]>((n, s) => ((n[s] = (n[s] ?? 0) + 1), n), []);

describe('the shard of each app', () => {
  test('shards fill in order, none above its size; a cluster of few apps has shard 0 alone', () => {
    const many = fluxShardsOf(names(FLUX_SHARD_APPS * 2 + 7));
    expect(many.shards).toEqual([0, 1, 2]);
    expect(sizes(many.shardOf)).toEqual([FLUX_SHARD_APPS, FLUX_SHARD_APPS, 7]);
    expect(fluxShardsOf(['shop', 'blog']).shards).toEqual([0]);
    expect(fluxShardsOf([]).shards).toEqual([0]);
  });

  test('adding or removing apps never moves another app; a new app takes the first shard with room', () => {
    const apps = names(FLUX_SHARD_APPS * 2 + 7);
    const first = fluxShardsOf(apps);
    // A name that sorts first, and one that sorts last: placed afresh, either would shift every app after it.
    const added = fluxShardsOf(['aaa', ...apps, 'zzz'], first.ledger);
    for (const app of apps) expect(added.shardOf.get(app)).toBe(first.shardOf.get(app));
    expect([added.shardOf.get('aaa'), added.shardOf.get('zzz')]).toEqual([2, 2]);

    const removed = apps.filter((a) => a !== apps[3] && a !== apps[FLUX_SHARD_APPS + 1]);
    const after = fluxShardsOf(removed, first.ledger);
    for (const app of removed) expect(after.shardOf.get(app)).toBe(first.shardOf.get(app));
    expect(Object.keys(after.ledger.apps)).toEqual(removed);
    const refilled = fluxShardsOf([...removed, 'new-1', 'new-2', 'new-3'], after.ledger);
    expect(['new-1', 'new-2', 'new-3'].map((a) => refilled.shardOf.get(a))).toEqual([0, 1, 2]);
  });

  test('a shard whose apps all left has no Kustomizations; the ones after it keep theirs', () => {
    const apps = names(FLUX_SHARD_APPS * 2 + 1);
    const first = fluxShardsOf(apps);
    const left = fluxShardsOf(
      apps.filter((a) => first.shardOf.get(a) !== 1),
      first.ledger,
    );
    expect(left.shards).toEqual([0, 2]);
    expect(Object.keys(fluxPathsOf('staging', left.shards))).toEqual([
      'platform-controllers',
      'platform-configs',
      'platform-credentials',
      'platform-setup',
      'platform-services',
      'apps',
      'tenants-2',
      'apps-2',
    ]);
  });
});

describe('a ledger that is not what synth wrote stops synth, naming the file', () => {
  const root = tempDir('flux-shard-ledger');
  const write = (text: string) => {
    fs.mkdirSync(path.join(root, 'clusters', 'staging'), { recursive: true });
    fs.writeFileSync(path.join(root, fluxShardsFileOf('staging')), text);
  };
  const problemsOf = () => {
    try {
      readFluxShardLedgers(root, ['staging']);
    } catch (error) {
      return (error as SynthError).problems;
    }
    return [];
  };
  test.each([
    ['{', /^file "clusters\/staging\/flux-shards.json", env "staging": is not valid JSON: .*; synth writes this file, restore it from git$/],
    ['{"apps": []}', /^file "clusters\/staging\/flux-shards.json", env "staging": field "apps" must be an object of app → shard; synth writes/],
    ['{"apps": {"shop": -1}}', /^file "clusters\/staging\/flux-shards.json", env "staging": field "apps.shop" = -1: is not a shard number \(0, 1, …\); synth/],
    ['{"apps": {"shop": "0"}}', /field "apps.shop" = "0": is not a shard number/],
  ])('%s', (text, expected) => {
    write(text);
    expect(problemsOf()).toEqual([expect.stringMatching(expected)]);
  });
  test('a shard past the first overfilled by hand; shard 0 may hold the apps of a cluster from before shards', () => {
    write(JSON.stringify({ apps: Object.fromEntries(names(FLUX_SHARD_APPS + 1).map((n) => [n, 1])) }));
    expect(problemsOf()).toEqual([
      `file "clusters/staging/flux-shards.json", env "staging": shard 1 holds ${FLUX_SHARD_APPS + 1} apps, more than ${FLUX_SHARD_APPS}; synth writes this file, restore it from git`,
    ]);
    write(JSON.stringify({ apps: Object.fromEntries(names(FLUX_SHARD_APPS).map((n) => [n, 1])) }));
    expect(problemsOf()).toEqual([]);
    write(JSON.stringify({ apps: Object.fromEntries(names(FLUX_SHARD_APPS + 1).map((n) => [n, 0])) }));
    expect(problemsOf()).toEqual([]);
  });
  test('a missing ledger, without a committed dist/, starts empty', () => {
    expect(readFluxShardLedgers(tempDir('no-flux-shard-ledger'), ['staging'])).toEqual({ staging: { apps: {} } });
  });
});

describe("without a ledger, each app's shard is the apps layer of the committed dist/ that lists it", () => {
  const layersRoot = (layers: Record<string, string>) => {
    const root = tempDir('flux-shard-layers');
    for (const [layer, text] of Object.entries(layers)) {
      fs.mkdirSync(path.join(root, 'dist', 'staging', layer), { recursive: true });
      fs.writeFileSync(path.join(root, 'dist', 'staging', layer, 'kustomization.yaml'), text);
    }
    return root;
  };
  const listing = (apps: readonly string[]) => `# Generated\nkind: Kustomization\nresources:\n${apps.map((a) => `  - ${a}.yaml\n`).join('')}`;

  test('apps/ is shard 0, apps-<n>/ shard n, past FLUX_SHARD_APPS too; no other folder counts', () => {
    const first = names(FLUX_SHARD_APPS + 5);
    const root = layersRoot({
      apps: listing(first),
      'apps-2': listing(['late-1', 'late-2']),
      'platform-controllers': listing(['controllers']),
      'tenants-2': listing(['late-1']),
    });
    expect(readFluxShardLedgers(root, ['staging']).staging.apps).toEqual({
      ...Object.fromEntries(first.map((a) => [a, 0])),
      'late-1': 2,
      'late-2': 2,
    });
  });

  test.each([
    [
      { apps: 'resources: [' },
      /^file "dist\/staging\/apps\/kustomization.yaml", env "staging": is not valid YAML: .*; synth writes this file, restore it from git$/,
    ],
    [
      { apps: 'resources: shop.yaml' },
      /^file "dist\/staging\/apps\/kustomization.yaml", env "staging": field "resources" must list the app files of the layer/,
    ],
    [
      { apps: listing(['shop']), 'apps-1': listing(['shop']) },
      /^file "dist\/staging\/apps-1\/kustomization.yaml", env "staging": lists app "shop", which apps\/ lists too; synth/,
    ],
  ])('a committed layer synth did not write stops synth, naming its file: %j', (layers, expected) => {
    let problems: readonly unknown[] = [];
    try {
      readFluxShardLedgers(layersRoot(layers), ['staging']);
    } catch (error) {
      problems = (error as SynthError).problems;
    }
    expect(problems).toEqual([expect.stringMatching(expected)]);
  });

  test('a cluster synthesized before shards, with more apps than one shard holds: its first synth with shards changes its ledger alone, and warns', () => {
    const scaled = scaledInput(FLUX_SHARD_APPS + 5);
    // A floor that holds the apps at rest: no warning of too few nodes beside the shard's.
    const input = { ...scaled, clusters: scaled.clusters.map((c) => ({ ...c, nodePool: { ...c.nodePool, min: c.nodePool.max } })) };
    const env = input.clusters[0].env;
    const apps = input.apps.map((a) => a.name);
    // Before shards, every app was in shard 0's layers: the layout shard 0 keeps.
    const before = buildAll({ ...input, fluxShardLedgers: { [env]: { apps: Object.fromEntries(apps.map((a) => [a, 0])) } } });
    const root = tempDir('flux-shards-before');
    writeOutput(
      root,
      before.filter((f) => f.path !== fluxShardsFileOf(env)),
    );
    const ledgers = readFluxShardLedgers(root, [env]);
    const report = synthesizeEnvs(root, { ...input, fluxShardLedgers: ledgers });
    expect(report.changed).toEqual([fluxShardsFileOf(env)]);
    expect(report.warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^clusters/${env}/flux-shards.json: Flux shard 0 \\(Kustomizations platform-controllers and apps\\) holds ${apps.length} apps, more than ${FLUX_SHARD_APPS}\\.`,
        ),
      ),
    ]);
    // A new app goes to the next shard; placed afresh, the apps past the 50th would have moved.
    expect(fluxShardsOf([...apps, 'zzz'], ledgers[env]).shardOf.get('zzz')).toBe(1);
    const afresh = fluxShardsOf(apps);
    expect([...afresh.shardOf.values()].filter((shard) => shard === 1)).toHaveLength(apps.length - FLUX_SHARD_APPS);
    expect(overfullShardWarnings(env, afresh)).toEqual([]);
  });
});

const hasKubectl = requireTool('kubectl', 'apt-get install kubectl (or see https://kubernetes.io/docs/tasks/tools/)');

describe('a cluster of more apps than one shard holds', () => {
  const count = FLUX_SHARD_APPS + 5;
  const input = scaledInput(count);
  const env = input.clusters[0].env;
  const files = buildAll(input);
  const ledger = JSON.parse(files.find((f) => f.path === fluxShardsFileOf(env))!.text!) as FluxShardLedger;
  const shardOf = (app: string) => ledger.apps[app];
  const entry = files.find((f) => f.path === fluxEntryFileOf(env))!.objects!.filter((o) => o.kind === 'Kustomization') as Array<
    KubeObject & { spec: Record<string, Json> }
  >;
  const kustomization = (name: string) => entry.find((k) => k.metadata.name === name)!;

  test("every app's files are below its shard's paths, and its namespace comes from its shard's tenants layer", () => {
    expect(new Set(Object.values(ledger.apps))).toEqual(new Set([0, 1]));
    for (const app of input.apps) {
      const shard = shardOf(app.name);
      const own = files.filter((f) =>
        (f.objects ?? []).some((o) => o.metadata.namespace === app.name || (o.kind === 'Namespace' && o.metadata.name === app.name)),
      );
      const layers = own.map((f) => f.path.split('/')[2]);
      expect(new Set(layers)).toEqual(new Set([tenantsLayerOf(shard), appsLayerOf(shard)]));
    }
  });

  test("each further shard's Kustomizations: tenants as Flux after the controllers, apps as flux-apps after their tenants", () => {
    expect(entry.map((k) => k.metadata.name)).toEqual(Object.keys(fluxPathsOf(env, [0, 1])));
    expect(kustomization('tenants-1').spec).toMatchObject({
      path: `./dist/${env}/tenants-1`,
      prune: true,
      wait: true,
      dependsOn: [{ name: 'platform-controllers' }],
    });
    expect(kustomization('tenants-1').spec.serviceAccountName).toBeUndefined();
    expect(kustomization('apps-1').spec).toMatchObject({
      path: `./dist/${env}/apps-1`,
      serviceAccountName: FLUX_APPS_ACCOUNT,
      dependsOn: [{ name: 'tenants-1' }, { name: 'platform-configs' }],
    });
    // The spec's other settings are shard 0's own.
    const { path: _p, dependsOn: _d, ...rest } = kustomization('apps-1').spec;
    const { path: _p0, dependsOn: _d0, ...rest0 } = kustomization('apps').spec;
    expect(rest).toEqual(rest0);
  });

  test('every object below dist/ is in exactly one Kustomization, and no shard holds more apps than FLUX_SHARD_APPS', () => {
    const layers = fluxLayersOf(env, files, [0, 1]);
    const applied = files.filter((f) => f.path.startsWith(`dist/${env}/`)).flatMap((f) => f.objects ?? []);
    const counted = [...layers.values()].flat();
    expect(counted.length).toBe(applied.length);
    expect(new Set(counted)).toEqual(new Set(applied));
    const deploymentsIn = (layer: string) => layers.get(layer)!.filter((o) => o.kind === 'Deployment').length;
    expect([deploymentsIn('apps'), deploymentsIn('apps-1')]).toEqual([FLUX_SHARD_APPS, 5]);
  });

  test("the next synth, with the ledger, leaves every app's files where they were when one app comes and one goes", () => {
    const pathsOf = (out: readonly OutputFile[]) => new Map(out.filter((f) => f.path.startsWith(`dist/${env}/`) && f.objects).map((f) => [f.path, f]));
    const before = pathsOf(files);
    const extra = scaledInput(count + 1);
    const gone = extra.apps[0].name;
    const next: SynthInput = {
      ...extra,
      clusters: [
        {
          ...extra.clusters[0],
          apps: Object.fromEntries(Object.entries(extra.clusters[0].apps).filter(([n]) => n !== gone)),
          appData: { ...extra.clusters[0].appData, [gone]: { retiredOn: '2026-12-01', reason: 'a test of an app leaving' } },
        },
      ],
      apps: extra.apps.filter((a) => a.name !== gone),
      releases: { [env]: { apps: Object.fromEntries(Object.entries(extra.releases[env].apps).filter(([n]) => n !== gone)) } },
      fluxShardLedgers: { [env]: ledger },
    };
    const after = pathsOf(buildAll(next));
    for (const app of input.apps.filter((a) => a.name !== gone)) {
      for (const file of [...before.keys()].filter((p) => p.endsWith(`/${app.name}.yaml`))) expect(after.has(file)).toBe(true);
    }
    const added = extra.apps[count].name;
    // The app that left freed a place in shard 0: the new one takes it.
    expect([...after.keys()].filter((p) => p.endsWith(`/${added}.yaml`))).toEqual([
      `dist/${env}/platform-controllers/tenants/${added}.yaml`,
      `dist/${env}/apps/${added}.yaml`,
    ]);
  });

  (hasKubectl ? test : test.skip)('kubectl kustomize builds each path Flux is pointed at into exactly the objects below it', () => {
    const root = tempDir('flux-shards-build');
    writeOutput(root, files);
    for (const [layer, objects] of fluxLayersOf(env, files, [0, 1])) {
      const run = spawnSync('kubectl', ['kustomize', path.join(root, fluxPathsOf(env, [0, 1])[layer])], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
      expect(run.stderr).toBe('');
      const built = parseAllDocuments(run.stdout).map((d) => d.toJSON() as KubeObject);
      const id = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      expect(built.map(id).sort()).toEqual(objects.map(id).sort());
    }
  });
});
