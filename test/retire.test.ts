import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { AppSpec } from '../constructs/model/app-spec';
import { bucketOf, geesefsUserOf } from '../constructs/model/naming';
import { buildAll } from '../constructs/synth/pipeline';
import { writeOutput } from '../constructs/synth/write-output';
import type { Console } from '../scripts/lib/commands';
import type { Repo } from '../scripts/lib/release';
import { LOCK_FILE } from '../scripts/lib/repo-lock';
import { retireCli } from '../scripts/lib/retire-cli';
import { retireInCluster } from '../scripts/lib/source-edits';
import { FIXTURE_ROOT } from './fixtures/specs';
import {
  FIXTURE_APPS as APPS,
  FIXTURE_CLUSTERS as CLUSTERS,
  FIXTURE_RELEASES,
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

/** Every Kubernetes object of the env's output, in the order synth writes them. */
const kubeObjectsOf = (root: string, env: string) =>
  [...filesBelow(path.join(root, 'dist', env), ['.']).entries()]
    .filter(([file]) => file.endsWith('.yaml'))
    .flatMap(([, text]) => parseAllDocuments(text).map((doc) => doc.toJS()))
    .filter((o) => o !== null && o !== undefined);
/** The names of the PersistentVolumes of the app in the env's output. */
const persistentVolumesOf = (root: string, env: string, app: string): string[] =>
  kubeObjectsOf(root, env)
    .filter((o) => o.kind === 'PersistentVolume' && o.metadata.labels?.['app.kubernetes.io/instance'] === app)
    .map((o) => o.metadata.name);
/** Whether the env's output installs the GeeseFS driver (the csi-s3 HelmRelease). */
const installsGeesefs = (root: string, env: string): boolean => kubeObjectsOf(root, env).some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'csi-s3');

describe('npm run retire -- <app> --reason <why>', () => {
  const root = fixtureRepoCopy(path.join(tempDir('retire'), 'repo'));
  const repo: Repo = { root, clusters: CLUSTERS, apps: APPS };
  const envs = [...new Set(CLUSTERS.map((c) => c.env))];

  test.each([
    ['an internal app without storage, in the access list for its login groups only', 'backoffice', { storage: false, access: true }],
    ['an app with storage (Mountpoint), backups and people', 'shop', { storage: true, access: true }],
  ])(
    'retires %s: out of every spec, releases file and apps/index.ts, its file gone, its bucket kept; the output names every file and what remains',
    (_case, app, has) => {
      const spec = APPS.find((a) => a.name === app)!;
      expect(Boolean(spec.storage)).toBe(has.storage);
      const running = CLUSTERS.filter((c) => app in c.apps);
      expect(running.length).toBeGreaterThan(0);
      const bucketsBefore = Object.fromEntries(envs.map((env) => [env, addressesOf(root, env, app).filter((a) => a.startsWith('aws_s3_bucket'))]));
      for (const env of envs) expect(bucketsBefore[env]).toContain(`aws_s3_bucket.app_data_${app}`);

      // The PersistentVolumes the app's output holds, which outlive it: every app has some, as its backup and
      // restore jobs mount its bucket (through Mountpoint for an app without storage).
      const volumesBefore = Object.fromEntries(envs.map((env) => [env, persistentVolumesOf(root, env, app)]));
      for (const env of envs) expect([env, volumesBefore[env].length > 0]).toEqual([env, true]);
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
        // The driver of its volumes, which stay, is recorded: the app file that said it is gone. Without storage,
        // its volumes are its backup jobs', on Mountpoint.
        const note = `{ retiredOn: '2026-11-30', reason: 'moved to a SaaS; keep its data 10 years (ask ops-lead)', storageDriver: 'mountpoint-s3' }`;
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
        // Every app is backed up, with storage or without: its backups stay.
        expect(result.out).toContain(`  ${cluster.name}: its backups under ${app}/ in ${cluster.name}-backup`);
        // Nothing prunes them any more and the lock renewal keeps the offsite copies locked: they go only when deleted.
        expect(result.out).toContain('until a platform admin deletes them (the final clean-up)');
        const volumesLine = result.out.split('\n').find((line) => line.startsWith(`  ${cluster.name}: PersistentVolume`)) ?? '';
        expect(volumesLine.match(/PersistentVolumes? (.*) and (?:their claims|its claim)/)?.[1]?.split(/, | and /) ?? []).toEqual(volumesBefore[cluster.env]);
      }
    },
  );

  test("retires the only GeeseFS app: its note records the driver, which stays for its volume; its IAM user goes, and the output says to delete the key's secret", () => {
    const geesefsRoot = fixtureRepoCopy(path.join(tempDir('retire-geesefs'), 'repo'));
    const apps: AppSpec[] = APPS.map((a) => (a.name === 'shop' ? { ...a, storage: { ...a.storage!, driver: 'geesefs' } } : a));
    expect(apps.filter((a) => a.storage?.driver === 'geesefs').map((a) => a.name)).toEqual(['shop']);
    const appFile = path.join(geesefsRoot, 'apps/shop.ts');
    const mountPath = "storage: { mountPath: '/app/media',";
    expect(read(geesefsRoot, 'apps/shop.ts')).toContain(mountPath);
    fs.writeFileSync(appFile, read(geesefsRoot, 'apps/shop.ts').replace(mountPath, `${mountPath} driver: 'geesefs',`));
    writeOutput(geesefsRoot, buildAll({ clusters: CLUSTERS, apps, releases: FIXTURE_RELEASES }));
    const running = CLUSTERS.filter((c) => 'shop' in c.apps);
    expect(running.length).toBeGreaterThan(0);
    for (const { env } of running) {
      expect([env, installsGeesefs(geesefsRoot, env)]).toEqual([env, true]);
      expect(terraformOf(geesefsRoot, env).resource.aws_iam_user).toHaveProperty('geesefs_user_shop');
    }
    // One volume, named after its source (constructs/app/bucket-volume.ts).
    const volumesBefore = Object.fromEntries(running.map(({ env }) => [env, persistentVolumesOf(geesefsRoot, env, 'shop')]));
    for (const { env } of running) expect(volumesBefore[env]).toEqual([expect.stringMatching(/^shop-data-[0-9a-f]{8}$/)]);

    const result = run({ root: geesefsRoot, clusters: CLUSTERS, apps }, ['shop', '--reason', 'moved to a SaaS', '--date', '2026-11-30']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    for (const cluster of running) {
      const { env, name } = cluster;
      expect(read(geesefsRoot, `clusters/${env}/cluster.ts`)).toContain(
        `shop: { retiredOn: '2026-11-30', reason: 'moved to a SaaS', storageDriver: 'geesefs' },`,
      );
      // The app's pods are unmounted after the platform layer changed, and its PV stays: so does the driver.
      expect(persistentVolumesOf(geesefsRoot, env, 'shop')).toEqual([]);
      expect([env, installsGeesefs(geesefsRoot, env)]).toEqual([env, true]);
      expect(terraformOf(geesefsRoot, env).resource.aws_iam_user?.geesefs_user_shop).toBeUndefined();
      expect(result.out).toContain(
        `  ${name}: PersistentVolume ${volumesBefore[env][0]} and its claim, with any an earlier storage change left (kubectl get pv -l app.kubernetes.io/name=shop): ` +
          `never pruned; the GeeseFS driver (csi-s3) stays for them while appData.shop.storageDriver says 'geesefs'`,
      );
      expect(result.out).toContain(
        `  ${name}: its secrets under webapps/${env}/shop/ in AWS Secrets Manager; s3-credentials there holds the access key of its GeeseFS user ${geesefsUserOf(name, 'shop')}, which the Terraform apply deletes with the user: delete webapps/${env}/shop/s3-credentials then`,
      );
    }
    expect(result.out).toContain(
      "apply each env's Terraform: the app's Pod Identity associations, access entries and GeeseFS user (with its access keys) go, the bucket stays",
    );
  });

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

describe('the retirement note in the cluster file', () => {
  const file = 'clusters/staging/cluster.ts';
  const text = fs.readFileSync(path.join(FIXTURE_ROOT, file), 'utf8');
  const prettierCheck = (edited: string): [number | null, string] => {
    const at = path.join(tempDir('retire-note'), 'cluster.ts');
    fs.writeFileSync(at, edited);
    const check = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'node_modules/prettier/bin/prettier.cjs'), '--config', path.join(REPO_ROOT, '.prettierrc.json'), '--check', at],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    return [check.status, check.stderr];
  };

  test.each([
    [
      "a short reason: on the entry's line",
      'kept for the audit',
      /\n {4}'legacy-site': \{ retiredOn: '2026-11-30', reason: 'kept for the audit', storageDriver: 'mountpoint-s3' \},\n/,
    ],
    [
      'a reason too long for the line: one field a line',
      `moved to a SaaS; keep uploads ${'and more '.repeat(6)}for 10 years (ask ops-lead)`,
      /\n {4}'legacy-site': \{\n {6}retiredOn: '2026-11-30',\n {6}reason: 'moved to a SaaS; [^']+',\n {6}storageDriver: 'mountpoint-s3',\n {4}\},\n/,
    ],
    [
      'a reason too long for a line of its own: its value on the next',
      `moved to a SaaS; keep uploads ${'and more '.repeat(12)}for 10 years (ask ops-lead)`,
      /\n {4}'legacy-site': \{\n {6}retiredOn: '2026-11-30',\n {6}reason:\n {8}'moved to a SaaS; [^']+',\n {6}storageDriver: 'mountpoint-s3',\n {4}\},\n/,
    ],
  ])('%s', (_case, reason, expected) => {
    const edited = retireInCluster(file, text, 'legacy-site', { retiredOn: '2026-11-30', reason, storageDriver: 'mountpoint-s3' });
    expect(edited.fields).toEqual(['apps.legacy-site', 'access.apps.legacy-site', 'appData.legacy-site']);
    expect(edited.text).toMatch(expected);
    expect(prettierCheck(edited.text)).toEqual([0, '']);
  });
});
