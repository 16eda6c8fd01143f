import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyRepo, scriptCommand } from '../scripts/repo-copy';
import { REPO_ROOT, scopedTempDirs, treeHash } from './support';

/*
 * Every script that reads a command line answers `--help` (and `-h`) with its usage and exit code 0, and
 * refuses a flag it does not know with exit code 2 and its usage; either way it writes nothing. One copy of
 * the repo, each script run twice.
 */

const tempDir = scopedTempDirs();

/** Each script, and how its usage starts. */
const SCRIPTS: ReadonlyArray<readonly [string, string]> = [
  ['main.ts', 'usage: npm run synth -- [--env <env>]'],
  ['scripts/release.ts', 'usage: npm run release -- --env <env> --app <app>'],
  ['scripts/promote.ts', 'usage: npm run promote -- --app <app>'],
  ['scripts/diff.ts', 'usage: npm run diff -- [--ref <git ref>]'],
  ['scripts/preflight.ts', 'usage: npm run preflight -- [--env <env>]'],
  ['scripts/retire.ts', 'usage: npm run retire -- <app> --reason'],
  ['scripts/new-app.ts', 'usage: npm run new-app -- <name>'],
  ['scripts/cost.ts', 'usage: npm run cost'],
  ['scripts/overview.ts', 'usage: npm run overview'],
  ['scripts/check-rendered.ts', 'usage: npm run check:rendered -- <dir>'],
  ['scripts/refresh-chart-fixtures.ts', 'usage: npm run charts:refresh -- <chart>'],
  ['scripts/bench-synth.ts', 'usage: npm run bench -- [<app count> ...]'],
  ['scripts/bench-backup.ts', 'usage: npm run bench:backup -- [<MiB of data>]'],
  ['scripts/ci/admission-sets.ts', 'usage: npx tsx scripts/ci/admission-sets.ts --out <dir>'],
  ['scripts/ci/render-charts.ts', 'usage: npx tsx scripts/ci/render-charts.ts --env <env> --out <dir>'],
  ['scripts/ci/verify-release-caller.ts', 'usage: npx tsx scripts/ci/verify-release-caller.ts'],
];

interface Run {
  readonly status: number | string;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a script in the copy as its npm script does; a script that starts working instead of answering is killed after a while. */
function runScript(root: string, script: string, args: readonly string[]): Promise<Run> {
  const [node, argv] = scriptCommand(root, script, args);
  return new Promise((resolve) => {
    execFile(node, argv, { cwd: root, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : `killed (${error.signal ?? error.code})`;
      resolve({ status, stdout, stderr });
    });
  });
}

/** Every file of the copy but the linked packages: equal hashes, nothing written. */
const copyHash = (root: string): string =>
  fs
    .readdirSync(root)
    .filter((entry) => entry !== 'node_modules')
    .sort()
    .map((entry) => {
      const full = path.join(root, entry);
      return `${entry}:${fs.statSync(full).isDirectory() ? treeHash(full) : fs.readFileSync(full, 'base64')}`;
    })
    .join('\n');

describe('--help and unknown flags', () => {
  let root: string;
  let before: string;
  const runs = new Map<string, { help: Run; unknown: Run }>();

  beforeAll(async () => {
    root = copyRepo(REPO_ROOT, path.join(tempDir('cli-usage'), 'repo'));
    // Generated pages a script would rewrite, made stale, so that rewriting them shows even when nothing else changed.
    for (const page of fs.readdirSync(path.join(root, 'docs', 'overview'))) fs.appendFileSync(path.join(root, 'docs', 'overview', page), '\nstale\n');
    before = copyHash(root);
    // Two at a time: the machine's cores are shared.
    const queue = [...SCRIPTS];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [script] = next;
        const help = await runScript(root, script, [script.endsWith('new-app.ts') ? '-h' : '--help']);
        const unknown = await runScript(root, script, ['--bogus']);
        runs.set(script, { help, unknown });
      }
    };
    await Promise.all([worker(), worker()]);
  }, 300_000);

  test.each(SCRIPTS)('%s --help prints its usage and exits 0', (script, usage) => {
    const { help } = runs.get(script)!;
    expect({ status: help.status, stdout: help.stdout.split('\n')[0], stderr: help.stderr }).toEqual({
      status: 0,
      stdout: expect.stringContaining(usage),
      stderr: '',
    });
  });

  test.each(SCRIPTS)('%s refuses an unknown flag with its usage and exit code 2', (script, usage) => {
    const { unknown } = runs.get(script)!;
    expect({ status: unknown.status, stdout: unknown.stdout }).toEqual({ status: 2, stdout: '' });
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
    expect(unknown.stderr).toContain(usage);
  });

  test('none of them wrote a file', () => {
    expect(runs.size).toBe(SCRIPTS.length);
    expect(copyHash(root)).toBe(before);
  });
});
