import { spawnSync } from 'node:child_process';
import { generatedAccessOf } from '../scripts/lib/generated-access';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LETSENCRYPT_PRODUCTION } from '../constructs/model/cluster-spec';
import { synthesizeEnvs, UsageError } from '../constructs/synth/synth-envs';
import { copyRepo, scriptCommand } from '../scripts/repo-copy';
import { REAL_INPUT, REPO_ROOT, scopedTempDirs, treeHash } from './support';

const tempDir = scopedTempDirs();

/** The generated trees of one env: its dist/ folder and its Flux entry point. */
const envHash = (root: string, env: string): string =>
  `${treeHash(path.join(root, 'dist', env))}\n${fs.readFileSync(path.join(root, 'clusters', env, 'flux-kustomizations.yaml'), 'utf8')}`;

describe('npm run synth -- --env <env>', () => {
  test('synthesizing one env replaces only its files, exactly as a full synth writes them, and counts what changed', () => {
    const root = tempDir('synth-env');
    fs.mkdirSync(path.join(root, 'clusters', 'staging'), { recursive: true });
    fs.mkdirSync(path.join(root, 'clusters', 'prod'), { recursive: true });
    const full = synthesizeEnvs(root, REAL_INPUT);
    expect(full.summary.map((s) => s.env)).toEqual(['staging', 'prod']);
    const fullStaging = envHash(root, 'staging');
    expect(synthesizeEnvs(root, REAL_INPUT).summary.map((s) => s.changed)).toEqual([0, 0]);

    fs.writeFileSync(path.join(root, 'dist', 'staging', 'apps', 'retired-app.yaml'), 'kind: Old\n');
    fs.writeFileSync(path.join(root, 'dist', 'prod', 'apps', 'hand-edit.yaml'), 'kind: Stale\n');
    const prodBefore = envHash(root, 'prod');

    const report = synthesizeEnvs(root, REAL_INPUT, ['staging']);
    expect(report.summary).toEqual([expect.objectContaining({ env: 'staging', apps: Object.keys(REAL_INPUT.clusters[0].apps).length, changed: 1 })]);
    expect(report.changed).toEqual(['dist/staging/apps/retired-app.yaml']);
    expect(envHash(root, 'staging')).toBe(fullStaging);
    expect(envHash(root, 'prod')).toBe(prodBefore);
    expect(fs.readdirSync(root).filter((f) => f.startsWith('.dist-'))).toEqual([]);
  });

  test('an unknown env exits with 2, names the known envs and writes nothing', () => {
    expect(() => synthesizeEnvs(tempDir('synth-env-unknown'), REAL_INPUT, ['qa'])).toThrow(UsageError);

    const root = copyRepo(REPO_ROOT, path.join(tempDir('synth-env-cli'), 'repo'));
    const before = ['dist', 'clusters', 'docs'].map((d) => treeHash(path.join(root, d))).join();
    const [cmd, args] = scriptCommand(root, 'main.ts', ['--env', 'qa']);
    const run = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown env "qa" (known: staging, prod)');
    expect(['dist', 'clusters', 'docs'].map((d) => treeHash(path.join(root, d))).join()).toBe(before);
  });
});

describe('the new-certificate warning of a synth', () => {
  /** The prod cluster, on the production CA, with 51 copies of a real app, each with a host of its own under customer.com. */
  const input = (() => {
    const prod = REAL_INPUT.clusters.find((c) => c.env === 'prod')!;
    // Without its private services: 51 copies would name the same database 51 times, which says nothing here.
    const template = { ...REAL_INPUT.apps.find((a) => prod.apps[a.name] !== undefined)!, privateServices: undefined };
    const apps = Array.from({ length: 51 }, (_, i) => ({ ...template, name: `${template.name}-${i}`, hosts: { prod: [`site-${i}.customer.com`] } }));
    const names = apps.map((a) => a.name);
    const cluster = {
      ...prod,
      acme: { ...prod.acme, server: LETSENCRYPT_PRODUCTION },
      extraHostDomains: ['customer.com'],
      // A floor that holds the 51 apps at rest: no warning of too few nodes beside the certificates'.
      nodePool: { ...prod.nodePool, min: 100, max: 100 },
      apps: Object.fromEntries(names.map((n) => [n, {}])),
      appData: Object.fromEntries(names.map((n) => [n, 'live' as const])),
      access: generatedAccessOf(prod.access, apps),
    };
    const release = REAL_INPUT.releases.prod.apps[template.name];
    return { clusters: [cluster], apps, releases: { prod: { apps: Object.fromEntries(names.map((n) => [n, release])) } } };
  })();

  test('counts the certificates on disk as known, whether their file is written again unchanged or changed', () => {
    const root = tempDir('synth-certificates');
    fs.mkdirSync(path.join(root, 'clusters', 'prod'), { recursive: true });
    expect(synthesizeEnvs(root, input).warnings).toEqual([expect.stringContaining('51 new certificates for customer.com')]);
    const again = synthesizeEnvs(root, input);
    expect(again.warnings).toEqual([]);
    const withCertificates = again.files.filter((f) => f.objects?.some((o) => o.kind === 'Certificate')).map((f) => path.join(root, f.path));
    expect(withCertificates.length).toBeGreaterThan(0);
    for (const file of withCertificates) fs.appendFileSync(file, '# edited by hand\n');
    expect(synthesizeEnvs(root, input).warnings).toEqual([]);
  });
});
