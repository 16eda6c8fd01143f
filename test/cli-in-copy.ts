import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyRepo, scriptCommand } from '../scripts/repo-copy';
import { REPO_ROOT, treeHash } from './support';

/** What a command printed and how it exited. */
export interface CliRun {
  readonly status: number;
  readonly output: string;
}

/** Runs one of the repo's commands (`main.ts`, `scripts/release.ts`) in a copy, as `npm run` does; umask as given. */
export function runCli(root: string, script: string, args: readonly string[] = [], umask?: string): Promise<CliRun> {
  const [node, argv] = scriptCommand(root, script, args);
  const [command, commandArgs] = umask === undefined ? [node, argv] : ['sh', ['-c', `umask ${umask} && exec "$0" "$@"`, node, ...argv]];
  return new Promise((resolve) => {
    execFile(command, commandArgs, { cwd: root, encoding: 'utf8', maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ status, output: `${stdout}${stderr}` });
    });
  });
}

/** A copy of the repo to break, below dir. */
export const repoCopy = (dir: string): string => copyRepo(REPO_ROOT, path.join(dir, 'repo'));

/** Every file a rejected command must leave as it was: the generated output and the releases files. */
export function outputHash(root: string): string {
  const releases = fs
    .readdirSync(path.join(root, 'clusters'))
    .map((env) => path.join(root, 'clusters', env, 'releases.json'))
    .filter((file) => fs.existsSync(file))
    .map((file) => fs.readFileSync(file, 'utf8'));
  return [treeHash(path.join(root, 'dist')), ...releases].join('\n');
}

/** A stack trace line (`    at fn (file:1:2)`) or Node's own frames: what a user must never see for bad input. */
export const STACK = /^\s+at .+:\d+(:\d+)?\)?$|node:internal|\bTransformError\b/m;

/** Replaces `pattern` in a file of the copy, failing loudly when the file no longer holds it (the fixture went stale). */
export function edit(root: string, file: string, pattern: RegExp | string, replacement: string): void {
  const full = path.join(root, file);
  const text = fs.readFileSync(full, 'utf8');
  const next = text.replace(pattern, replacement);
  if (next === text) throw new Error(`${file}: ${String(pattern)} not found`);
  fs.writeFileSync(full, next);
}
