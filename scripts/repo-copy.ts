import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOCK_FILE } from './lib/repo-lock';
import { SYNTH_CACHE_DIR } from '../constructs/synth/synth-cache';

/** What a copy leaves out: git, the installed packages (linked instead), scratch or temp folders, synth's cache (a copy starts as a clone does), and the write lock of a command running in the original. */
const SKIP = new Set(['.git', 'node_modules', '.scratch', SYNTH_CACHE_DIR, LOCK_FILE]);

/**
 * Copies the repo's sources, specs and dist/ from `from` into `to` (created), and links node_modules,
 * so that commands can run against the copy without touching the real repo or the network.
 */
export function copyRepo(from: string, to: string): string {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from)) {
    if (SKIP.has(entry) || entry.startsWith('.dist-')) continue;
    fs.cpSync(path.join(from, entry), path.join(to, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(from, 'node_modules'), path.join(to, 'node_modules'), 'dir');
  return to;
}

/** The repo this file belongs to. */
export const REPO_ROOT = path.resolve(__dirname, '..');

/**
 * The node flags of root's `npm run synth` (package.json), every word between `node` and `main.ts`: the
 * V8 flags and the TypeScript loader (scripts/lib/load-ts.cjs says why each is there).
 */
export function synthNodeFlags(root: string): string[] {
  const script: string = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.synth;
  const words = script.split(/\s+/);
  if (words[0] !== 'node' || words[words.length - 1] !== 'main.ts') {
    throw new Error(`the synth script of ${path.join(root, 'package.json')} is "${script}", not "node <flags> main.ts"`);
  }
  return words.slice(1, -1);
}

/** `node <flags> <script> ...args`: runs a TypeScript entry point of the repo at root as its npm scripts do (package.json), without npm, from any folder. */
export const scriptCommand = (root: string, script: string, args: readonly string[] = []): [string, string[]] => [
  process.execPath,
  [...synthNodeFlags(root).map((word) => (word.startsWith('./') ? path.join(root, word) : word)), script, ...args],
];
