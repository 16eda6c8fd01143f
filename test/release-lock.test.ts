import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { releasesFileOf, type ReleasesFile, type ReleaseVersion } from '../constructs/model/releases';
import { promoteCli, releaseCli, type Console } from '../scripts/lib/commands';
import type { Repo } from '../scripts/lib/release';
import { LOCK_FILE, RepoBusyError, withRepoLock, type LockHolder } from '../scripts/lib/repo-lock';
import { retire } from '../scripts/lib/retire';
import { newApp } from '../scripts/new-app';
import { copyRepo, scriptCommand } from '../scripts/repo-copy';
import { REPO_ROOT, scopedTempDirs, treeHash } from './support';

/*
 * release, promote, new-app and retire each hold the repo's write lock (scripts/lib/repo-lock.ts) from
 * their first read to their last write, so that two at once never lose a write.
 */

const tempDir = scopedTempDirs();
const copy = (prefix: string): string => copyRepo(REPO_ROOT, path.join(tempDir(prefix), 'repo'));
const releasesOf = (root: string, env: string): ReleasesFile => JSON.parse(fs.readFileSync(path.join(root, releasesFileOf(env)), 'utf8'));
/** Every file the commands may touch: the apps, the cluster specs and releases, the generated output, and the repo root's own files. */
const filesHash = (root: string): string =>
  [...['apps', 'clusters', 'dist'].map((d) => treeHash(path.join(root, d))), ...fs.readdirSync(root).filter((f) => f.startsWith('.'))].join();
const version = (tag: string, byte: string): ReleaseVersion => ({ tag, digest: `sha256:${byte.repeat(32)}` });
const imageOf = (app: string, v: ReleaseVersion): string => `ghcr.io/acme-web/${app}:${v.tag}@${v.digest}`;

/** Runs `npm run release` as its own process (node + tsx, as npm would), resolving with its exit code and output. */
function releaseProcess(root: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const [cmd, argv] = scriptCommand(root, 'scripts/release.ts', args);
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: root, env: { ...process.env, WEBAPPS_LOCK_WAIT_SECONDS: '600' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('two release processes at once', () => {
  test('three real `npm run release` processes started together: every release is kept, and the later ones say they waited', async () => {
    const root = copy('release-concurrent');
    const [shopA, shopB, legacy] = [version('3.9.0', 'a1'), version('3.9.1', 'b2'), version('2025.1.0', 'c3')];
    const before = releasesOf(root, 'staging').apps;

    const results = await Promise.all([
      releaseProcess(root, ['--env', 'staging', '--app', 'shop', '--image', imageOf('shop', shopA)]),
      releaseProcess(root, ['--env', 'staging', '--app', 'shop', '--image', imageOf('shop', shopB)]),
      releaseProcess(root, ['--env', 'staging', '--app', 'legacy-site', '--image', imageOf('legacy-site', legacy)]),
    ]);
    for (const r of results) expect([r.code, r.err.replace(/^waiting up to \d+ s for \S+, held by release \(pid \d+\)\n$/, '')]).toEqual([0, '']);
    expect(results.filter((r) => r.err.includes('waiting')).length).toBeGreaterThanOrEqual(1);

    const after = releasesOf(root, 'staging').apps;
    // Both shop releases are there: the later one current, the earlier one at the head of the history.
    expect([after.shop.current, after.shop.history[0]]).toEqual(expect.arrayContaining([shopA, shopB]));
    expect(after.shop.history.slice(1)).toEqual([before.shop.current, ...before.shop.history]);
    expect(after['legacy-site']).toEqual({ current: legacy, history: [before['legacy-site'].current] });
    // dist/ holds what the releases file says: the last writer rendered every release before it.
    const deployed = (app: string) => fs.readFileSync(path.join(root, `dist/staging/apps/${app}.yaml`), 'utf8');
    expect(deployed('shop')).toContain(`image: ${imageOf('shop', after.shop.current)}\n`);
    expect(deployed('legacy-site')).toContain(`image: ${imageOf('legacy-site', legacy)}\n`);
    expect(fs.readdirSync(root).filter((f) => f === LOCK_FILE || f.startsWith('.dist-') || f.includes('.tmp-'))).toEqual([]);
  }, 600_000);
});

describe('the write lock', () => {
  const root = copy('release-lock');
  const repo: Repo = { root, clusters: CLUSTERS, apps: APPS, lock: { waitSeconds: 0.5 } };
  const lockPath = path.join(root, LOCK_FILE);
  const run = (cli: typeof releaseCli, argv: string[], target: Repo = repo) => {
    const out: string[] = [];
    const err: string[] = [];
    const console: Console = { log: (t) => out.push(t), error: (t) => err.push(t) };
    return { code: cli(argv, target, console), out: out.join('\n'), err: err.join('\n') };
  };
  const hold = (holder: Partial<LockHolder>) =>
    fs.writeFileSync(lockPath, JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'release', startedAt: '2026-11-30T02:00:00.000Z', ...holder }));
  /** The pid of a process that has ended. */
  const deadPid = (): number => {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(child.stdout);
  };
  afterEach(() => fs.rmSync(lockPath, { force: true }));

  test.each([
    ['by a running process on this host', {}, `held by release (pid ${process.pid} on ${os.hostname()}, since 2026-11-30T02:00:00.000Z)`],
    ['by a process on another host, which cannot be checked', { host: 'ci-runner-7', pid: 1 }, 'held by release (pid 1 on ci-runner-7, since'],
  ])('held %s: release and promote wait, then fail naming the holder; every file untouched', (_case, holder, named) => {
    hold(holder);
    const before = filesHash(root);
    const released = run(releaseCli, ['--env', 'staging', '--app', 'shop', '--image', imageOf('shop', version('3.9.0', 'a1'))]);
    expect(released.code).toBe(3);
    expect(released.err).toMatch(
      /^waiting up to 0\.5 s for \.repo-write\.lock, held by release \(pid \d+\)\nrelease failed, nothing changed: \.repo-write\.lock is /,
    );
    expect(released.err).toContain(named);
    expect(released.err).toContain('waited 0.5 s. Run again when it is done; if no such process runs, delete .repo-write.lock');
    expect(run(promoteCli, ['--app', 'shop']).code).toBe(3);
    expect(filesHash(root)).toBe(before);
  });

  test.each([
    ['an ended process', () => hold({ pid: deadPid() })],
    [
      'a writer killed before it filled the file (empty, older than 10 s)',
      () => {
        fs.writeFileSync(lockPath, '');
        const old = new Date(Date.now() - 60_000);
        fs.utimesSync(lockPath, old, old);
      },
    ],
  ])('a stale lock left by %s is taken over, and released afterwards', (_case, leave) => {
    leave();
    expect(withRepoLock(root, 'test', () => JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockHolder, { waitSeconds: 0.5 })).toMatchObject({
      pid: process.pid,
      command: 'test',
    });
    expect(fs.existsSync(lockPath)).toBe(false);
  });

  test('an empty lock file that is fresh (its writer may still be filling it) is waited for', () => {
    fs.writeFileSync(lockPath, '');
    expect(() => withRepoLock(root, 'test', () => 0, { waitSeconds: 0.3 })).toThrow(/held by another command; waited 0\.3 s/);
  });

  test.each([
    [
      'a body that throws',
      () =>
        withRepoLock(root, 'test', () => {
          throw new Error('boom');
        }),
    ],
    ['a refused release', () => expect(run(releaseCli, ['--env', 'dev', '--app', 'shop', '--rollback']).code).toBe(2)],
  ])('is released after %s', (_case, act) => {
    try {
      act();
    } catch {
      // the body's own error
    }
    expect(fs.existsSync(lockPath)).toBe(false);
  });

  test.each([
    ['new-app', () => newApp(root, 'blog', {}, { waitSeconds: 0.3 })],
    ['retire', () => retire({ ...repo, lock: { waitSeconds: 0.3 } }, { app: 'backoffice', reason: 'test' })],
  ])('%s waits for it too, then fails with every file untouched', (_case, act) => {
    hold({ command: 'release' });
    const before = filesHash(root);
    expect(act).toThrow(RepoBusyError);
    expect(filesHash(root)).toBe(before);
  });
});
