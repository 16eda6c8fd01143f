import * as fs from 'node:fs';
import * as path from 'node:path';

/** The tree a write builds before it swaps it in, and the tree it swaps out: both named after the writing process. */
export const newTreeOf = (pid: number): string => `.dist-new-${pid}`;
export const oldTreeOf = (pid: number): string => `.dist-old-${pid}`;
/** The temp file a generated file outside dist/ is written to before its rename. */
export const tempFileOf = (target: string, pid: number): string => `${target}.tmp-${pid}`;

const TREE = /^\.dist-(new|old)-(.*)$/;

/**
 * Puts right what an earlier write, killed or failed, left below root: a swapped-out tree whose env
 * folders are missing from dist/ (killed between the two renames of a swap) goes back into dist/; every
 * other `.dist-new-*` / `.dist-old-*` tree and `<target>.tmp-<pid>` file of a process that is gone is
 * removed. A leftover of a process still running (another synth) is left alone. Returns what could not
 * be cleaned, for a warning: the write goes on regardless.
 */
export function recoverOutput(root: string, dist = 'dist', targets: readonly string[] = []): string[] {
  const failures: string[] = [];
  const attempt = (what: string, action: () => void) => {
    try {
      action();
    } catch (error) {
      failures.push(`${what}: ${(error as Error).message}`);
    }
  };
  const leftovers = readdir(root)
    .map((name) => ({ name, match: TREE.exec(name) }))
    .filter(({ match }) => match !== null && isGone(match[2]));
  for (const { name, match } of leftovers) {
    const tree = path.join(root, name);
    if (match![1] === 'old') attempt(`putting ${name} back into ${dist}/`, () => restoreMissing(tree, path.join(root, dist)));
    attempt(`removing ${name}`, () => fs.rmSync(tree, { recursive: true, force: true }));
  }
  for (const dir of new Set(targets.map((t) => path.dirname(path.join(root, t))))) {
    for (const name of readdir(dir)) {
      const pid = /\.tmp-(\d+)$/.exec(name)?.[1];
      if (pid !== undefined && isGone(pid))
        attempt(`removing ${path.relative(root, path.join(dir, name))}`, () => fs.rmSync(path.join(dir, name), { force: true }));
    }
  }
  return failures;
}

/** Moves each folder of the swapped-out tree whose place in dist/ is empty back there (all of it when dist/ is gone). */
function restoreMissing(tree: string, dist: string): void {
  if (!fs.existsSync(dist)) {
    fs.renameSync(tree, dist);
    return;
  }
  for (const name of readdir(tree)) {
    if (!fs.existsSync(path.join(dist, name))) fs.renameSync(path.join(tree, name), path.join(dist, name));
  }
}

/**
 * Whether the process that named a leftover is gone. Our own pid is gone too: this process writes one
 * tree at a time and cleans up first. A name without a pid (an older synth's random suffix) is gone.
 */
function isGone(suffix: string): boolean {
  const pid = /^\d+$/.test(suffix) ? Number(suffix) : undefined;
  if (pid === undefined || pid === 0 || pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function readdir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
