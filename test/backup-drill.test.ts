import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { backupJobNameOf, type BackupJob } from '../constructs/model/backup-job';
import { namespaceOf } from '../constructs/model/naming';
import { podSpecOf } from '../constructs/rules/pod-template';
import type { KubeObject } from '../constructs/model/kube-object';
import { KEY_ROTATION_JOB } from '../constructs/app/restic-scripts';
import { TAR_CONTAINER } from '../constructs/app/backup-jobs';
import { BACKUP_CONTAINER } from '../constructs/model/backup-job';
import { fixtureObjectsOf, tempDir } from './support';
import { requireTool } from './tool';
import { reportIn } from './report-line';

/*
 * The backup drill: real restic runs the exact command lines and environment of the synthesized
 * CronJobs. Only the repository moves to a local folder, and each volume the pods mount becomes a local
 * folder at the same place below a root, as kubelet would mount it.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const hasRestic = requireTool('restic', 'apt-get install -y restic');
const ENV = 'staging';
const APP = 'legacy-site';
const SPARSE_BYTES = 128 * 2 ** 20;

interface Report {
  event: string;
  job: string;
  app: string;
  status: string;
  duration_seconds: number;
  snapshot?: string;
  bytes_added?: number;
  files_new?: number;
  files_changed?: number;
  exit_code?: number;
  unreadable?: number;
  target?: string;
  key_rotation?: string;
  keys_removed?: number;
}

const cronJobOf = (objects: readonly KubeObject[], job: BackupJob): KubeObject => {
  const found = objects.find((o) => o.kind === 'CronJob' && o.metadata.namespace === namespaceOf(APP) && o.metadata.name === backupJobNameOf(APP, job));
  if (!found) throw new Error(`no CronJob ${backupJobNameOf(APP, job)} in the ${ENV} output`);
  return found;
};

/** Every mount path of every job, longest first, so /backup/data is mapped before a shorter prefix could be. */
function mountPathsOf(jobs: readonly KubeObject[]): string[] {
  const paths = jobs.flatMap((j) => podSpecOf(j).containers.flatMap((c: Json) => (c.volumeMounts ?? []).map((m: Json) => m.mountPath as string)));
  return [...new Set(paths)].sort((a, b) => b.length - a.length);
}

interface ContainerResult {
  stdout: string;
  stderr: string;
  status: number | null;
  signal: NodeJS.Signals | null;
}

/** The bytes of every file below dir. */
function bytesBelow(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
}

/** Files below dir (sparse and nested ones too) by relative path, with the sha256 of their bytes. */
function manifestOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

// Real restic on real files: minutes would be wrong, seconds are normal, and CI machines are slower.
jest.setTimeout(120_000);

const maybe = hasRestic ? describe : describe.skip;
maybe(`backup drill: real restic runs the ${APP} CronJobs of ${ENV}`, () => {
  const objects = fixtureObjectsOf(ENV);
  const jobs = (['backup', 'retention', 'check', 'restore'] as const).map((j) => cronJobOf(objects, j));
  const root = tempDir('backup-drill');
  const mountPaths = mountPathsOf(jobs);
  const local = (mountPath: string) => path.join(root, mountPath);
  const repository = path.join(root, 'repository');
  const timings: Record<string, number> = {};

  /** The pod's paths as the drill's folders, in one pass; nothing else in the text changes. */
  const mountPattern = new RegExp(`(?<![\\w/.-])(${mountPaths.map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})(?=[/\\s"'$;)]|$)`, 'g');
  const mapPaths = (text: string): string => text.replace(mountPattern, (p) => local(p));

  /** The command and env of the job's container (restic's, or the one named), with the drill's folders. */
  function invocationOf(
    job: BackupJob,
    overrides: Record<string, string>,
    containerName = BACKUP_CONTAINER,
  ): { command: string; args: string[]; env: Record<string, string> } {
    const pod = podSpecOf(jobs[['backup', 'retention', 'check', 'restore'].indexOf(job)]);
    const container = pod.containers.find((c: Json) => c.name === containerName);
    if (!container) throw new Error(`the ${job} pod has no container ${containerName}`);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    for (const { name, value } of (container.env ?? []) as { name: string; value: string }[]) env[name] = mapPaths(value);
    env.RESTIC_REPOSITORY = repository;
    Object.assign(env, overrides);
    const [command, ...args] = (container.command as string[]).map(mapPaths);
    return { command, args, env };
  }

  /**
   * Runs the job. `unprivileged`: as the job's non-root user reads, so that a file without read permission
   * is unreadable; when the drill runs as root, its capabilities to read and search past permissions are
   * dropped for the job (setpriv, util-linux).
   */
  function run(job: BackupJob, overrides: Record<string, string> = {}, expectFailure = false, unprivileged = false): { report: Report; stderr: string } {
    if (job === 'restore') throw new Error('the restore is a pod of two containers: use restore()');
    const invocation = invocationOf(job, overrides);
    const asRoot = unprivileged && process.getuid?.() === 0;
    const [command, args] = asRoot
      ? ['setpriv', ['--bounding-set', '-dac_override,-dac_read_search', invocation.command, ...invocation.args]]
      : [invocation.command, invocation.args];
    const { env } = invocation;
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    timings[job] = (timings[job] ?? 0) + Number(process.hrtime.bigint() - started) / 1e9;
    // A key rotation reports as a job of its own, so the alert rules count it as no backup.
    return reportOf(overrides.KEY_ROTATION ? KEY_ROTATION_JOB : job, result, expectFailure);
  }

  /**
   * Runs the restore's pod as the kubelet does: its restic and tar containers at once, each with its own
   * command and env, meeting only in the handoff folder, fresh for each pod as an emptyDir is. `kubectl set env`
   * sets the overrides on both. `kill` may stop the tar container's shell and tar once the stream runs.
   */
  async function restore(
    overrides: Record<string, string> = {},
    expectFailure = false,
  ): Promise<{ report: Report; stderr: string; tar: { status: number | null; stderr: string } }> {
    const { restic, tar } = await restorePod(overrides);
    const { report, stderr } = reportOf('restore', restic, expectFailure);
    // The tar container prints no report, and never succeeds where the restore failed for want of it.
    expect(tar.stdout).toBe('');
    if (report.status === 'success') expect(tar.status).toBe(0);
    return { report, stderr, tar };
  }

  /** Both containers' output and exit status; `kill` SIGKILLs one container (its shell and what it runs) once the stream runs. */
  async function restorePod(overrides: Record<string, string>, kill?: 'restic' | 'tar'): Promise<Record<'restic' | 'tar', ContainerResult>> {
    const handoff = local('/restore/handoff');
    fs.rmSync(handoff, { recursive: true, force: true });
    fs.mkdirSync(handoff);
    const started = process.hrtime.bigint();
    const startContainer = (name: string) => {
      const { command, args, env } = invocationOf('restore', overrides, name);
      const child = spawn(command, args, { env, detached: true });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const exited = new Promise<ContainerResult>((resolve) => child.once('close', (status, signal) => resolve({ stdout, stderr, status, signal })));
      return { child, exited };
    };
    const containers = { restic: startContainer(BACKUP_CONTAINER), tar: startContainer(TAR_CONTAINER) };
    if (kill) {
      // The stream runs once tar has written some bytes; the sparse file, 128 MiB, is still to come through the FIFO.
      for (let waited = 0; bytesBelow(local('/restore/data')) === 0; waited += 10) {
        if (waited > 60_000) throw new Error('the stream never started');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      process.kill(-containers[kill].child.pid!, 'SIGKILL');
    }
    const [restic, tar] = await Promise.all([containers.restic.exited, containers.tar.exited]);
    timings.restore = (timings.restore ?? 0) + Number(process.hrtime.bigint() - started) / 1e9;
    return { restic, tar };
  }

  function reportOf(
    job: string,
    result: { stdout: string; stderr: string; status: number | null },
    expectFailure: boolean,
  ): { report: Report; stderr: string } {
    const lines = result.stdout.trim().split('\n');
    const last = lines[lines.length - 1];
    let report: Report;
    try {
      // Every field below the reserved key, each known and of its type (test/report-line.ts).
      report = reportIn(last);
    } catch (e) {
      throw new Error(`${job}: the last stdout line is not the JSON report: ${last}\n${(e as Error).message}\nstderr:\n${result.stderr}`, { cause: e });
    }
    if (report.status === 'failure' && !expectFailure) console.warn(`${job} failed:\n${result.stderr}`);
    expect(report).toMatchObject({ event: 'webapps.backup', job, app: APP });
    expect(typeof report.duration_seconds).toBe('number');
    // Only a failure fails the job: a partial backup saved its snapshot, and a rerun would only read it all again.
    if (report.status === 'failure') expect(result.status).not.toBe(0);
    else expect([report.status, result.status]).toEqual([report.status, 0]);
    return { report, stderr: result.stderr };
  }

  /** `restic diff --json` of two snapshots of the drill's repository: its statistics (restic 0.14 cmd_diff.go, DiffStatsContainer). */
  function resticDiff(from: string, to: string): { changed_files: number; added: { files: number; data_blobs: number } } {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      RESTIC_REPOSITORY: repository,
      RESTIC_PASSWORD_FILE: path.join(local('/restic/secret'), 'password'),
    };
    const result = spawnSync('restic', ['--no-cache', 'diff', '--json', from, to], { env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    return JSON.parse(lines[lines.length - 1]);
  }

  const data = local('/backup/data');
  beforeAll(() => {
    for (const p of mountPaths) fs.mkdirSync(local(p), { recursive: true });
    fs.writeFileSync(path.join(local('/restic/secret'), 'password'), randomBytes(24).toString('hex'));
    fs.mkdirSync(path.join(data, '2024/11/originals'), { recursive: true });
    fs.mkdirSync(path.join(data, 'docs/a/b/c'), { recursive: true });
    for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(data, '2024/11/originals', `photo-${i}.jpg`), randomBytes(16 * 1024 + i));
    fs.writeFileSync(path.join(data, 'docs/a/b/c/deep.pdf'), randomBytes(300 * 1024));
    fs.writeFileSync(path.join(data, 'index.html'), '<h1>legacy</h1>\n');
    // A large sparse file: 128 MiB long, 4 KiB of it written.
    const fd = fs.openSync(path.join(data, 'sparse.img'), 'w');
    fs.ftruncateSync(fd, SPARSE_BYTES);
    fs.writeSync(fd, randomBytes(4096), 0, 4096, SPARSE_BYTES / 2);
    fs.closeSync(fd);
  });
  afterAll(() => {
    console.log(
      `backup drill timings (s): ${Object.entries(timings)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', ')}`,
    );
    fs.rmSync(root, { recursive: true, force: true });
  });

  const snapshots: Record<string, { id: string; manifest: Record<string, string> }> = {};

  test('1. the first backup initialises the repository and stores everything', () => {
    const { report } = run('backup');
    expect(report.status).toBe('success');
    expect(report.snapshot).toMatch(/^[0-9a-f]{8,}$/);
    expect(report.bytes_added).toBeGreaterThan(40 * 16 * 1024);
    snapshots.first = { id: report.snapshot!, manifest: manifestOf(data) };
  });

  test('2. a second backup with no change reads and adds no file data (parent snapshot, --ignore-inode)', () => {
    const { report } = run('backup');
    expect(report.status).toBe('success');
    console.log(`backup drill: the unchanged second backup added ${report.bytes_added} bytes`);
    expect(report).toMatchObject({ files_new: 0, files_changed: 0 });
    // Only directories' metadata may differ, in new tree blobs: a local disk updates their access times
    // when the first backup lists them, and the folders above the drill's change as other tests write
    // (Mountpoint reports fixed times, so in the cluster there is none). No file data is added.
    const diff = resticDiff(snapshots.first.id, report.snapshot!);
    expect({ changed_files: diff.changed_files, files: diff.added.files, data_blobs: diff.added.data_blobs }).toEqual({
      changed_files: 0,
      files: 0,
      data_blobs: 0,
    });
  });

  test('3. a changed file is backed up; both snapshots restore byte for byte', async () => {
    fs.writeFileSync(path.join(data, 'index.html'), '<h1>legacy, edited</h1>\n');
    fs.appendFileSync(path.join(data, 'docs/a/b/c/deep.pdf'), randomBytes(1024));
    const { report } = run('backup');
    expect(report.status).toBe('success');
    expect(report.bytes_added).toBeGreaterThan(0);
    snapshots.second = { id: report.snapshot!, manifest: manifestOf(data) };
    expect(snapshots.second.manifest).not.toEqual(snapshots.first.manifest);

    // Side restore of the first snapshot: below restored/ in the bucket, beside the live files.
    const side = (await restore({ RESTORE_SNAPSHOT: snapshots.first.id, RESTORE_MODE: 'side' })).report;
    expect(side.status).toBe('success');
    expect(side.target!.startsWith(path.join(local('/restore/data'), 'restored/'))).toBe(true);
    expect(manifestOf(side.target!)).toEqual(snapshots.first.manifest);
    const sparse = fs.statSync(path.join(side.target!, 'sparse.img'));
    expect(sparse.size).toBe(SPARSE_BYTES);

    // In-place restore of the latest snapshot over damaged live files. In the cluster /restore/data and
    // /backup/data are the same bucket; here the restore target is an empty copy of that place.
    fs.rmSync(local('/restore/data'), { recursive: true });
    fs.mkdirSync(local('/restore/data'));
    const inPlace = (await restore({ RESTORE_MODE: 'in-place' })).report;
    expect(inPlace).toMatchObject({ status: 'success', target: local('/restore/data') });
    expect(inPlace.snapshot!.startsWith(snapshots.second.id)).toBe(true);
    expect(manifestOf(local('/restore/data'))).toEqual(snapshots.second.manifest);
  });

  test('4. retention and check succeed on the repository; the restore job lists the snapshots', async () => {
    expect(run('retention').report.status).toBe('success');
    expect(run('check').report.status).toBe('success');
    const list = await restore({ RESTORE_MODE: 'list' });
    expect(list.report.status).toBe('success');
    expect(list.stderr).toContain(snapshots.second.id);
  });

  test('5. a backup into an emptied repository starts a new one, so the runbook suspends the jobs before it removes the delete markers', async () => {
    // A deleted prefix (docs/restore.md, "a prefix deleted in the backup bucket"): S3 shows no object, as if
    // the folder were empty. The old objects are kept aside, as the noncurrent versions S3 keeps.
    const kept = `${repository}.noncurrent`;
    fs.renameSync(repository, kept);
    const fresh = run('backup').report;
    expect(fresh.status).toBe('success');
    const listed = (await restore({ RESTORE_MODE: 'list' })).stderr;
    expect(listed).toContain(fresh.snapshot!);
    expect(listed).not.toContain(snapshots.second.id);
    // In S3 the new `config` and key would now be the current versions over the old ones, and removing
    // the delete markers would not bring the old `config` back. With the jobs suspended no new repository
    // is made: removing the markers makes the previous versions current again, byte for byte, and the
    // jobs find the old repository whole.
    fs.rmSync(repository, { recursive: true });
    fs.renameSync(kept, repository);
    expect(run('check').report.status).toBe('success');
    expect((await restore({ RESTORE_MODE: 'list' })).stderr).toContain(snapshots.second.id);
  });

  test('5b. if a backup made a new repository after the deletes, the offsite steps of the runbook must also hide its files: the old config alone leaves the repository unusable', async () => {
    // Offsite the new repository's versions are locked (docs/restore.md, "a prefix deleted", steps 3 to 5):
    // removing the markers brings the old objects back beside them, and only a delete marker on each of
    // the new keys hides them. Here a file present is a current version, a file removed one under a marker.
    const filesOf = (dir: string): string[] =>
      fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
    const old = `${repository}.noncurrent`;
    fs.cpSync(repository, old, { recursive: true });
    fs.rmSync(repository, { recursive: true });
    const fresh = run('backup').report;
    expect(fresh.status).toBe('success');
    const written = filesOf(repository);
    expect(written).toEqual(expect.arrayContaining(['config', expect.stringMatching(/^keys\//), expect.stringMatching(/^snapshots\//)]));

    // Step 4 (the markers removed) and the old `config` copied over the new one: both repositories current.
    fs.rmSync(path.join(repository, 'config'));
    fs.cpSync(old, repository, { recursive: true });
    expect(fs.readdirSync(path.join(repository, 'keys')).length).toBe(2);
    expect(run('check', {}, true).report.status).toBe('failure');

    // Step 5: a delete marker on every key the new repository wrote, `config` aside.
    for (const file of written.filter((f) => f !== 'config')) fs.rmSync(path.join(repository, file));
    expect(run('check').report.status).toBe('success');
    const listed = (await restore({ RESTORE_MODE: 'list' })).stderr;
    expect(listed).toContain(snapshots.second.id);
    expect(listed).not.toContain(fresh.snapshot!);
    fs.rmSync(old, { recursive: true });
  });

  test('6. a lock left by a killed job stops blocking once it is stale: the job unlocks before every retry, not only at its start', async () => {
    // A real restic holds a lock (a backup waiting on its input), outlives the job's first `restic unlock`,
    // and is killed -9 while retention waits, as an OOM kill or eviction would. In the cluster the dead job
    // ran in another pod, so restic calls its lock stale 30 minutes after its last refresh (restic v0.18.1
    // internal/restic/lock.go, Stale); here it is this host's, so stale as soon as its process is gone:
    // either way, only an unlock after that moment removes it.
    const locks = path.join(repository, 'locks');
    const passwordFile = path.join(local('/restic/secret'), 'password');
    const holder = spawn('restic', ['--password-file', passwordFile, '--no-cache', 'backup', '--stdin', '--stdin-filename', 'held'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', RESTIC_REPOSITORY: repository },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const holderExit = new Promise((resolve) => holder.once('exit', resolve));
    for (let waited = 0; fs.readdirSync(locks).length === 0; waited += 100) {
      if (waited > 30_000) throw new Error('the holder never took a lock');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { command, args, env } = invocationOf('retention', { LOCK_WAIT_SECONDS: '2' });
    const job = spawn(command, args, { env });
    let stdout = '';
    let stderr = '';
    job.stdout.on('data', (chunk) => (stdout += chunk));
    job.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (/already locked/.test(stderr) && holder.exitCode === null && !holder.killed) holder.kill('SIGKILL');
    });
    const status = await new Promise<number | null>((resolve) => job.once('close', resolve));
    await holderExit;
    expect(stderr).toMatch(/already locked/);
    const { report } = reportOf('retention', { stdout, stderr, status }, false);
    expect(report.status).toBe('success');
    expect(fs.readdirSync(locks)).toEqual([]);
  });

  test('7. a password rotation as docs/rotate-a-secret.md runs it: add the next key, switch, remove the old; the old password opens nothing after', async () => {
    const secretDir = local('/restic/secret');
    const [current, next] = [path.join(secretDir, 'password'), path.join(secretDir, 'nextPassword')];
    const oldPassword = fs.readFileSync(current, 'utf8');
    const opens = (password: string) => {
      const file = path.join(root, 'try-password');
      fs.writeFileSync(file, password);
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', RESTIC_REPOSITORY: repository };
      return spawnSync('restic', ['--no-cache', '--password-file', file, 'cat', 'config'], { env, encoding: 'utf8' }).status === 0;
    };
    const keyCount = () => {
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', RESTIC_REPOSITORY: repository, RESTIC_PASSWORD_FILE: current };
      return (JSON.parse(spawnSync('restic', ['--no-cache', 'key', 'list', '--json'], { env, encoding: 'utf8' }).stdout) as unknown[]).length;
    };
    // As the Secret's template renders it outside a rotation: the key is there, empty.
    fs.writeFileSync(next, '');
    expect(run('backup', { KEY_ROTATION: 'add' }, true).report).toMatchObject({ status: 'failure', exit_code: 2 });
    expect(run('backup', { KEY_ROTATION: 'rotate' }, true).report).toMatchObject({ status: 'failure', exit_code: 2 });

    // Step 1: the store entry gains nextPassword; the backup job adds it, once however often it runs.
    const newPassword = randomBytes(24).toString('hex');
    fs.writeFileSync(next, newPassword);
    const keysBefore = keyCount();
    expect(run('backup', { KEY_ROTATION: 'add' }).report).toMatchObject({ status: 'success', key_rotation: 'added' });
    expect(run('backup', { KEY_ROTATION: 'add' }).report).toMatchObject({ status: 'success', key_rotation: 'added' });
    expect(keyCount()).toBe(keysBefore + 1);
    expect([opens(oldPassword), opens(newPassword)]).toEqual([true, true]);
    // The old keys cannot go while the Secret still offers the next password.
    expect(run('retention', { KEY_ROTATION: 'remove-old' }, true).report).toMatchObject({ status: 'failure', exit_code: 2 });

    // Step 2: password becomes the new one, nextPassword goes; every job runs on it.
    fs.writeFileSync(current, newPassword);
    fs.writeFileSync(next, '');
    const backup = run('backup').report;
    expect(backup.status).toBe('success');
    expect((await restore({ RESTORE_MODE: 'list' })).stderr).toContain(snapshots.second.id);

    // Step 3: the retention job removes every other key; the old password opens nothing.
    expect(run('retention', { KEY_ROTATION: 'remove-old' }).report).toMatchObject({ status: 'success', key_rotation: 'removed', keys_removed: keysBefore });
    expect([opens(oldPassword), opens(newPassword)]).toEqual([false, true]);
    expect(keyCount()).toBe(1);
    expect(run('check').report.status).toBe('success');
  });

  test('8. a file restic cannot read: the snapshot of the rest is saved, the job succeeds and reports partial, never failure', async () => {
    // restic exits 3 when it saved a snapshot without some files (v0.18.1 doc/075_scripting.rst; 0.14.0 too),
    // as on GeeseFS when a file is renamed (copied, then deleted) between the listing and the read.
    const unreadable = path.join(data, 'docs/locked.pdf');
    fs.writeFileSync(unreadable, randomBytes(2048));
    fs.chmodSync(unreadable, 0o000);
    try {
      const { report, stderr } = run('backup', {}, false, true);
      expect(report).toMatchObject({ status: 'partial', exit_code: 3, unreadable: 1 });
      expect(report.snapshot).toMatch(/^[0-9a-f]{8,}$/);
      expect(stderr).toContain('locked.pdf');
      // The snapshot is there, with every other file, and restores byte for byte.
      expect((await restore({ RESTORE_MODE: 'list' })).stderr).toContain(report.snapshot!);
      fs.rmSync(unreadable);
      const expected = manifestOf(data);
      fs.rmSync(local('/restore/data'), { recursive: true });
      fs.mkdirSync(local('/restore/data'));
      expect((await restore({ RESTORE_MODE: 'in-place', RESTORE_SNAPSHOT: report.snapshot! })).report.status).toBe('success');
      expect(manifestOf(local('/restore/data'))).toEqual(expected);
      // Readable again, the next backup takes it and succeeds.
      fs.writeFileSync(unreadable, 'readable');
      expect(run('backup', {}, false, true).report.status).toBe('success');
    } finally {
      fs.rmSync(unreadable, { force: true });
    }
  });

  test("9. restic writes its temporary packs in TMPDIR, the job's scratch volume for them: where it may not write, the backup cannot save", () => {
    const tmpdir = invocationOf('backup', {}).env.TMPDIR;
    expect(tmpdir).toBe(local('/restic/tmp'));
    fs.writeFileSync(path.join(data, 'new.bin'), randomBytes(64 * 1024));
    fs.chmodSync(tmpdir, 0o555);
    try {
      const { report, stderr } = run('backup', {}, true, true);
      expect(report.status).toBe('failure');
      expect(stderr).toContain(tmpdir);
    } finally {
      fs.chmodSync(tmpdir, 0o777);
    }
    expect(run('backup', {}, false, true).report.status).toBe('success');
    expect(fs.readdirSync(tmpdir)).toEqual([]);
  });

  describe('10. the restore pod: restic dumps into a FIFO, GNU tar in its own container extracts; neither waits for ever, and only both succeeding is success', () => {
    const fresh = () => {
      fs.rmSync(local('/restore/data'), { recursive: true, force: true });
      fs.mkdirSync(local('/restore/data'));
    };
    const WAIT = { HANDOFF_WAIT_SECONDS: '3' };

    test('the restic container runs no tar and mounts no bucket; the tar container runs GNU tar on the bucket, with no job credentials', () => {
      const pod = podSpecOf(jobs[3]);
      const [restic, tar] = [BACKUP_CONTAINER, TAR_CONTAINER].map((n) => pod.containers.find((c: Json) => c.name === n));
      expect(restic.command.join(' ')).not.toMatch(/\btar -/);
      expect(restic.volumeMounts.map((m: Json) => m.mountPath)).not.toContain('/restore/data');
      expect(tar.volumeMounts.map((m: Json) => m.mountPath)).toEqual(expect.arrayContaining(['/restore/data', '/restore/handoff']));
      expect(tar.image).toMatch(/^docker\.io\/library\/debian:/);
      expect(tar.command.join(' ')).toMatch(/\btar -x\b/);
      expect(tar.env).toBeUndefined();
      expect((jobs[3].spec as Json).jobTemplate.spec.template.metadata.annotations).toMatchObject({ 'eks.amazonaws.com/skip-containers': TAR_CONTAINER });
    });

    test('tar killed mid-stream: restic gets EPIPE and the job fails at once, with a failure report', async () => {
      fresh();
      const { restic, tar } = await restorePod({ RESTORE_MODE: 'in-place', ...WAIT }, 'tar');
      expect(tar.signal).toBe('SIGKILL');
      const { report } = reportOf('restore', restic, true);
      expect(report.status).toBe('failure');
      expect(report.exit_code).toBe(141); // 128 + SIGPIPE
    });

    test('restic killed mid-stream: tar sees an EOF, and the tar container fails rather than call the cut stream whole', async () => {
      fresh();
      const { restic, tar } = await restorePod({ RESTORE_MODE: 'in-place', ...WAIT }, 'restic');
      expect(restic.signal).toBe('SIGKILL');
      expect(restic.stdout).toBe('');
      expect(tar.status).not.toBe(0);
      expect(tar.stderr).toMatch(/never said how its dump ended|Unexpected EOF/);
    });

    test('tar cannot make the target folder: restic is not left blocked on the FIFO, and the report fails', async () => {
      fresh();
      // A file where the side restore's folder must go: mkdir fails, for root too.
      fs.writeFileSync(path.join(local('/restore/data'), 'restored'), '');
      const started = Date.now();
      const { restic, tar } = await restorePod({ RESTORE_MODE: 'side', ...WAIT });
      expect(tar.status).not.toBe(0);
      expect(tar.stderr).toContain('restored');
      const { report } = reportOf('restore', restic, true);
      expect(report.status).toBe('failure');
      expect(Date.now() - started).toBeLessThan(60_000);
      fresh();
    });

    test('the tar container never starts: restic gives up after the wait and reports failure', () => {
      const { command, args, env } = invocationOf('restore', { RESTORE_MODE: 'in-place', ...WAIT });
      fs.rmSync(local('/restore/handoff'), { recursive: true, force: true });
      fs.mkdirSync(local('/restore/handoff'));
      const result = spawnSync(command, args, { env, encoding: 'utf8' });
      const { report } = reportOf('restore', result, true);
      expect(report).toMatchObject({ status: 'failure', exit_code: 4 });
      expect(result.stderr).toContain('the tar container made no');
    });

    test('the restic container never starts: the tar container gives up after the wait and fails', () => {
      const { command, args, env } = invocationOf('restore', WAIT, TAR_CONTAINER);
      fs.rmSync(local('/restore/handoff'), { recursive: true, force: true });
      fs.mkdirSync(local('/restore/handoff'));
      const result = spawnSync(command, args, { env, encoding: 'utf8' });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('wrote no plan');
    });
  });

  test('a failing job reports one failure line with its exit code; a wrong password never makes the repository anew', async () => {
    const before = manifestOf(repository);
    expect(Object.keys(before)).toContain('config');
    fs.writeFileSync(path.join(local('/restic/secret'), 'password'), 'wrong password');
    const { report, stderr } = run('backup', {}, true);
    expect(report.status).toBe('failure');
    expect(report.exit_code).toBeGreaterThan(0);
    // `restic cat config` fails, so the job tries `restic init`, which finds the config there and refuses
    // (restic v0.18.1: internal/repository/repository.go, Init, "already initialized"; the local backend's
    // Create, internal/backend/local/local.go, "config file already exists", in 0.14 too): no new config or key.
    expect([stderr.includes('Fatal'), manifestOf(repository)]).toEqual([true, before]);
    const restored = (await restore({ RESTORE_MODE: 'sideways' }, true)).report;
    expect(restored.status).toBe('failure');
  });
});
