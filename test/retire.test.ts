import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { bucketOf } from '../constructs/model/naming';
import type { Console } from '../scripts/lib/commands';
import type { Repo } from '../scripts/lib/release';
import { LOCK_FILE } from '../scripts/lib/repo-lock';
import { retireCli } from '../scripts/lib/retire-cli';
import {
  FIXTURE_APPS as APPS,
  FIXTURE_CLUSTERS as CLUSTERS,
  fixtureRepoCopy,
  REPO_ROOT,
  scopedTempDirs,
  treeHash,
  changedBetween,
  filesBelow,
} from './support';

/*
 * npm run retire -- <app>: the runbook docs/retire-an-app.md as a command. The app leaves every cluster
 * spec, releases file and apps/index.ts, its file goes, and its data stays: the bucket in the Terraform,
 * the retirement note in appData.
 */

const tempDir = scopedTempDirs();
const read = (root: string, file: string): string => fs.readFileSync(path.join(root, file), 'utf8');

/** Every file below the folders retire may touch. */
const filesOf = (root: string): Map<string, string> => filesBelow(root, ['apps', 'clusters', 'dist', 'docs', 'test']);
const inputsAndOutput = (root: string): string =>
  [...['apps', 'clusters', 'dist', 'docs'].map((d) => treeHash(path.join(root, d))), fs.existsSync(path.join(root, LOCK_FILE))].join();

function run(repo: Repo, argv: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const console: Console = { log: (t) => out.push(t), error: (t) => err.push(t) };
  const code = retireCli(argv, repo, console);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const terraformOf = (root: string, env: string): { resource: Record<string, Record<string, unknown>> } =>
  JSON.parse(read(root, `dist/${env}/terraform/main.tf.json`));
/** The Terraform addresses that name the app. */
const addressesOf = (root: string, env: string, app: string): string[] =>
  Object.entries(terraformOf(root, env).resource)
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .filter((address) => address.includes(app.replace(/-/g, '_')) || address.includes(app))
    .sort();

/** The names of the PersistentVolumes of the app in the env's output, in the order synth writes them. */
const persistentVolumesOf = (root: string, env: string, app: string): string[] =>
  [...filesBelow(path.join(root, 'dist', env), ['.']).entries()]
    .filter(([file]) => file.endsWith('.yaml'))
    .flatMap(([, text]) => parseAllDocuments(text).map((doc) => doc.toJS()))
    .filter((o) => o?.kind === 'PersistentVolume' && o.metadata.labels?.['app.kubernetes.io/instance'] === app)
    .map((o) => o.metadata.name);

describe('npm run retire -- <app> --reason <why>', () => {
  const root = fixtureRepoCopy(path.join(tempDir('retire'), 'repo'));
  const repo: Repo = { root, clusters: CLUSTERS, apps: APPS };
  const envs = [...new Set(CLUSTERS.map((c) => c.env))];

  test.each([
    ['an internal app without storage, in the access list for its login groups only', 'backoffice', { storage: false, access: true }],
    ['an app with storage, backups and people', 'shop', { storage: true, access: true }],
  ])(
    'retires %s: out of every spec, releases file and apps/index.ts, its file gone, its bucket kept; the output names every file and what remains',
    (_case, app, has) => {
      const spec = APPS.find((a) => a.name === app)!;
      expect(Boolean(spec.storage)).toBe(has.storage);
      const running = CLUSTERS.filter((c) => app in c.apps);
      expect(running.length).toBeGreaterThan(0);
      const bucketsBefore = Object.fromEntries(envs.map((env) => [env, addressesOf(root, env, app).filter((a) => a.startsWith('aws_s3_bucket'))]));
      for (const env of envs) expect(bucketsBefore[env]).toContain(`aws_s3_bucket.app_data_${app}`);

      // The PersistentVolumes the app's output holds, which outlive it.
      const volumesBefore = Object.fromEntries(envs.map((env) => [env, persistentVolumesOf(root, env, app)]));
      expect(Object.values(volumesBefore).flat().length > 0).toBe(has.storage);
      const filesBefore = filesOf(root);
      const result = run(repo, [app, '--reason', 'moved to a SaaS; keep its data 10 years (ask ops-lead)', '--date', '2026-11-30']);
      expect(result.err).toBe('');
      expect(result.code).toBe(0);
      const changed = changedBetween(filesBefore, filesOf(root));

      // Sources: the app's file is gone, and nothing names it any more but its retirement note.
      expect(fs.existsSync(path.join(root, `apps/${app}.ts`))).toBe(false);
      expect(read(root, 'apps/index.ts')).not.toMatch(new RegExp(`'\\./${app}'`));
      for (const env of envs) {
        const cluster = read(root, `clusters/${env}/cluster.ts`);
        const note = `{ retiredOn: '2026-11-30', reason: 'moved to a SaaS; keep its data 10 years (ask ops-lead)' }`;
        expect(cluster).toContain(`${app.includes('-') ? `'${app}'` : app}: ${note},`);
        // The note is the one entry left that is keyed by the app's name.
        expect(cluster.match(new RegExp(`(?<![-\\w'])'?${app}'?:`, 'g'))).toHaveLength(1);
        expect(JSON.parse(read(root, `clusters/${env}/releases.json`)).apps[app]).toBeUndefined();
        // The cloud side keeps the bucket (and its protection); the app's role goes.
        expect(addressesOf(root, env, app).filter((a) => a.startsWith('aws_s3_bucket'))).toEqual(bucketsBefore[env]);
        expect(terraformOf(root, env).resource.aws_s3_bucket[`app_data_${app}`]).toMatchObject({ lifecycle: { prevent_destroy: true } });
        expect(addressesOf(root, env, app).filter((a) => a.startsWith('aws_iam_role.'))).toEqual([]);
        expect(fs.existsSync(path.join(root, `dist/${env}/apps/${app}.yaml`))).toBe(false);
      }
      // The edited files stay as Prettier writes them.
      const prettier = spawnSync(
        process.execPath,
        [
          path.join(REPO_ROOT, 'node_modules/prettier/bin/prettier.cjs'),
          '--check',
          ...changed.filter((f) => !f.startsWith('dist/') && fs.existsSync(path.join(root, f))),
        ],
        {
          cwd: root,
          encoding: 'utf8',
        },
      );
      expect([prettier.status, prettier.stderr]).toEqual([0, '']);

      // The output names every file that changed, and what remains in each cluster.
      expect(changed).toEqual(
        expect.arrayContaining([`apps/${app}.ts`, 'apps/index.ts', ...envs.flatMap((e) => [`clusters/${e}/cluster.ts`, `clusters/${e}/releases.json`])]),
      );
      for (const file of changed) expect([file, result.out.includes(file)]).toEqual([file, true]);
      expect(result.out).toContain(`retire: removed apps/${app}.ts`);
      for (const env of envs) {
        expect(result.out).toContain(`retire: changed clusters/${env}/cluster.ts (apps.${app}${has.access ? `, access.apps.${app}` : ''}, appData.${app})`);
      }
      for (const cluster of running) {
        expect(result.out).toContain(
          `  ${cluster.name}: bucket ${bucketOf(cluster.name, app)}: kept in dist/${cluster.env}/terraform/main.tf.json (prevent_destroy)`,
        );
        expect(result.out.includes(`  ${cluster.name}: its backups under ${app}/ in ${cluster.name}-backup`)).toBe(has.storage);
        const volumesLine = result.out.split('\n').find((line) => line.startsWith(`  ${cluster.name}: PersistentVolumes `)) ?? '';
        expect(volumesLine.match(/PersistentVolumes (.*) and their claims/)?.[1]?.split(/, | and /) ?? []).toEqual(volumesBefore[cluster.env]);
      }
    },
  );

  describe('refused, with one clear message and every file untouched', () => {
    const nothing = () => () => undefined;
    const CASES: ReadonlyArray<readonly [string, string[], RegExp, () => () => void]> = [
      [
        'an unknown app',
        ['blog', '--reason', 'x'],
        /^retire failed, nothing changed: app "blog": is not an app in apps\/index\.ts \(known: [a-z, -]+\)$/,
        nothing,
      ],
      [
        'no reason',
        ['legacy-site'],
        /^retire failed, nothing changed: --reason is required: the retirement note says why the data is kept; usage: npm run retire -- <app>/,
        nothing,
      ],
      [
        'a reason of two lines',
        ['legacy-site', '--reason', 'one\ntwo'],
        /^retire failed, nothing changed: --reason "one\\ntwo": must say, in one line, why the data is kept/,
        nothing,
      ],
      ['a blank reason', ['legacy-site', '--reason', '  '], /^retire failed, nothing changed: --reason " {2}": must say/, nothing],
      [
        'a date that is no date',
        ['legacy-site', '--reason', 'x', '--date', '30.11.2026'],
        /^retire failed, nothing changed: --date "30\.11\.2026": must be a date, YYYY-MM-DD$/,
        nothing,
      ],
      ['two apps', ['legacy-site', 'shop', '--reason', 'x'], /^retire failed, nothing changed: name exactly one app; usage/, nothing],
      [
        'another file importing the app file',
        ['legacy-site', '--reason', 'x'],
        /^retire failed, nothing changed: app "legacy-site": test\/uses-legacy-site\.ts imports apps\/legacy-site\.ts; remove that first$/,
        () => {
          const file = path.join(root, 'test/uses-legacy-site.ts');
          fs.writeFileSync(file, "import { legacySite } from '../apps/legacy-site';\nexport const name = legacySite.name;\n");
          return () => fs.rmSync(file);
        },
      ],
      [
        'a releases file with a repeated app',
        ['legacy-site', '--reason', 'x'],
        /^retire failed, nothing changed: invalid releases:\n {2}- file "clusters\/prod\/releases\.json", env "prod", app "legacy-site": field "apps\.legacy-site" = .*: is repeated \(lines \d+ and \d+\)[^\n]*\nfix clusters\/prod\/releases\.json first$/,
        () => {
          const file = path.join(root, 'clusters/prod/releases.json');
          const original = fs.readFileSync(file, 'utf8');
          fs.writeFileSync(file, original.replace('"legacy-site": {', '"legacy-site": {"current": {}, "history": []},\n    "legacy-site": {'));
          return () => fs.writeFileSync(file, original);
        },
      ],
    ];

    test.each(CASES)('%s', (_case, argv, expected, arrange) => {
      const undo = arrange();
      try {
        const before = inputsAndOutput(root);
        const result = run(repo, argv);
        expect(result.err).toMatch(expected);
        expect([result.code, result.out]).toEqual([2, '']);
        expect(inputsAndOutput(root)).toBe(before);
      } finally {
        undo();
      }
    });
  });

  test('when the synth fails, every file is put back, the app file included', () => {
    const broken = fixtureRepoCopy(path.join(tempDir('retire-broken'), 'repo'));
    const cluster = path.join(broken, 'clusters/staging/cluster.ts');
    fs.writeFileSync(cluster, read(broken, 'clusters/staging/cluster.ts').replace(/min: 3, max: 5/, 'min: 2, max: 5'));
    const before = inputsAndOutput(broken);
    const result = run({ ...repo, root: broken }, ['legacy-site', '--reason', 'x']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^retire failed, nothing changed: synth failed, so every file is back as it was:\n[\s\S]*field "nodePool\.min" = 2/);
    expect(inputsAndOutput(broken)).toBe(before);
  });
});
