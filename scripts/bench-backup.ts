/*
 * npm run bench:backup [-- <MiB>]: how fast restic backs up on one core (the backup job's CPU limit), and
 * what that gives each app's first backup against the job's deadline. It prints figures and judges nothing.
 * It runs the restic on PATH (`apt-get install restic`); the job's image pins another version (RESTIC_IMAGE).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { BACKUP_DEADLINE_HOURS, BACKUP_JOB_RESOURCES, RESTIC_IMAGE } from '../constructs/app/backup-jobs';
import { clusterAppsOf } from '../constructs/model/resolve';
import { CommandLineError, readCommandLine, showUsage } from './lib/command-line';

const FILE_MIB = 64;
const USAGE = `usage: npm run bench:backup -- [<MiB of data>] (default 1024, at least ${2 * FILE_MIB})`;
let line;
try {
  line = readCommandLine(process.argv.slice(2), {}, USAGE, { positionals: true });
} catch (error) {
  if (!(error instanceof CommandLineError)) throw error;
  console.error(`bench:backup: ${error.message}`);
  process.exit(2);
}
if (line.help) process.exit(showUsage(console, USAGE));
const mib = Number(line.positionals[0] ?? 1024);
if (line.positionals.length > 1 || !Number.isInteger(mib) || mib < 2 * FILE_MIB) {
  console.error(`bench:backup: the data size must be one whole number of MiB, at least ${2 * FILE_MIB}; ${USAGE}`);
  process.exit(2);
}

const version = spawnSync('restic', ['version'], { encoding: 'utf8' });
if (version.status !== 0) {
  console.error('bench:backup needs restic on PATH: apt-get install restic');
  process.exit(1);
}
const onOneCore = spawnSync('taskset', ['--version']).status === 0 ? ['taskset', '-c', '0'] : [];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-backup-'));
try {
  // Half incompressible (media), half text: restic compresses what it can.
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  const words = ['lorem', 'ipsum', 'dolor', 'upload', 'image', '2026', '<div>', '</p>'];
  for (let i = 0; i < mib / FILE_MIB / 2; i++) {
    fs.writeFileSync(path.join(data, `media-${i}.bin`), randomBytes(FILE_MIB << 20));
    const text = Array.from({ length: (FILE_MIB << 20) / 6 }, (_, n) => words[(n * 7 + i + (n >> 5)) % words.length]).join(' ');
    fs.writeFileSync(path.join(data, `text-${i}.txt`), text.slice(0, FILE_MIB << 20));
  }
  // A throwaway repository with a throwaway password, deleted below.
  const env = { ...process.env, RESTIC_REPOSITORY: path.join(dir, 'repo'), RESTIC_PASSWORD: randomBytes(16).toString('hex'), GOMAXPROCS: '1' };
  const restic = (...args: string[]): number => {
    const started = process.hrtime.bigint();
    const [command, ...rest] = [...onOneCore, 'restic', ...args];
    const run = spawnSync(command!, rest, { env, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`restic ${args.join(' ')} failed: ${run.stderr}`);
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  restic('init', '--quiet');
  const fresh = mib / restic('backup', '--quiet', data);
  const again = mib / restic('backup', '--quiet', '--force', data);

  console.log(`${version.stdout.trim()}; the job runs ${RESTIC_IMAGE} within ${BACKUP_JOB_RESOURCES.cpu.limit} core`);
  console.log(`${mib} MiB on ${onOneCore.length ? 'one core' : 'every core (no taskset)'}, GOMAXPROCS=1:`);
  console.log(`  new data:                       ${fresh.toFixed(0)} MiB/s`);
  console.log(`  data the repository holds:      ${again.toFixed(0)} MiB/s (a run after one the deadline cut short)`);
  console.log(`\nFirst backup of each app's expectedGiB at ${fresh.toFixed(0)} MiB/s, against the ${BACKUP_DEADLINE_HOURS}-hour deadline:`);
  for (const cluster of CLUSTERS) {
    for (const app of clusterAppsOf(cluster, APPS).filter((a) => a.storage?.expectedGiB)) {
      const hours = (app.storage!.expectedGiB! * 1024) / fresh / 3600;
      const verdict = hours <= BACKUP_DEADLINE_HOURS ? 'within' : 'over: each next run goes on from what the last one uploaded';
      console.log(`  ${cluster.env} ${app.name}: ${app.storage!.expectedGiB} GiB, ${hours.toFixed(1)} h (${verdict})`);
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
