import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OutputFile } from '../model/kube-object';
import { newTreeOf, oldTreeOf, recoverOutput, tempFileOf } from './output-leftovers';
import { digestOf, knownDigestOf, render } from './render';

const DIST = 'dist';

export interface WriteOptions {
  /**
   * Replace only these envs: each `dist/<env>/` folder is swapped whole, then the files outside dist/
   * (the Flux entry point), and every other env stays as it is. Every file under dist/ must lie in one of them.
   * @default every env: dist/ is replaced whole
   */
  readonly envs?: readonly string[];
  /**
   * Told what went wrong without spoiling the output: an earlier run's leftover or the old tree that
   * could not be removed.
   * @default a `warning:` line on stderr
   */
  readonly warn?: (message: string) => void;
}

/**
 * Writes every generated file. dist/ (or, with `envs`, each `dist/<env>/`) is built whole in a sibling
 * folder and swapped in by rename, so a reader sees the old tree or the new one, never a mix. Files
 * outside dist/ (the Flux entry points) are each replaced by rename, right after the swap. What an earlier
 * write left (killed mid-way) is put right first. Throws an OutputWriteError that says whether dist/ was
 * already replaced when writing failed.
 * Returns the paths, relative to root, that differ from what was on disk before: added, changed or removed.
 */
export function writeOutput(root: string, files: readonly OutputFile[], options: WriteOptions = {}): string[] {
  const prefix = `${DIST}/`;
  const scopes = options.envs?.map((env) => `${DIST}/${env}`) ?? [DIST];
  if (options.envs) {
    const stray = files.filter((f) => f.path.startsWith(prefix) && !scopes.some((scope) => f.path.startsWith(`${scope}/`)));
    if (stray.length > 0)
      throw new Error(`writeOutput: ${stray.map((f) => f.path).join(', ')} lie outside the envs being written (${options.envs.join(', ')})`);
  }
  const warn = options.warn ?? ((message: string) => console.error(`warning: ${message}`));
  const outsidePaths = [...new Set(files.filter((f) => !f.path.startsWith(prefix)).map((f) => f.path))];
  for (const failure of recoverOutput(root, DIST, outsidePaths)) warn(`an earlier synth's leftover stays: ${failure}`);

  const dist = path.join(root, DIST);
  // mkdir, not mkdtemp: the new dist/ gets the mode the umask gives, as a checkout's folders do, not 0700.
  const fresh = path.join(root, newTreeOf(process.pid));
  const old = path.join(root, oldTreeOf(process.pid));
  const temps: string[] = [];
  const outside = new Map<string, { temp: string; target: string; file: string }>();
  const changed = new Set<string>();
  let rendering = false;
  try {
    try {
      fs.mkdirSync(fresh);
      // What the umask gives a new file, as the new folder shows it.
      const fileMode = fs.statSync(fresh).mode & 0o666;
      // File by file, each compared with what is on disk and written: the text of one file is held at a time.
      // A file whose digest an earlier run kept is rendered only where the bytes on disk differ.
      const contentOf = (file: OutputFile): string => {
        rendering = true;
        const content = render(file);
        rendering = false;
        return content;
      };
      for (const file of files) {
        const digest = knownDigestOf(file);
        const content = digest === undefined ? contentOf(file) : undefined;
        const same = content === undefined ? digestOnDisk(path.join(root, file.path)) === digest : sameOnDisk(path.join(root, file.path), content);
        if (!same) changed.add(file.path);
        if (file.path.startsWith(prefix)) {
          const target = path.join(fresh, file.path.slice(prefix.length));
          if (!same || !linked(path.join(root, file.path), target, fileMode)) writeFile(target, content ?? contentOf(file));
        } else if (!outside.has(file.path)) {
          const target = path.join(root, file.path);
          const temp = tempFileOf(target, process.pid);
          temps.push(temp);
          writeFile(temp, content ?? contentOf(file));
          outside.set(file.path, { temp, target, file: file.path });
        }
      }
      const generated = new Set(files.map((f) => f.path));
      for (const scope of scopes) for (const existing of filesBelow(root, scope)) if (!generated.has(existing)) changed.add(existing);
      if (options.envs) swapEnvs(dist, fresh, old, options.envs);
      else swapWhole(dist, fresh, old);
    } catch (error) {
      // A file that cannot be rendered is no write failure: its error goes on as it is, and nothing was written.
      if (rendering) throw error;
      throw new OutputWriteError(`could not write the new files: ${reasonOf(error)}`, false);
    }
    // dist/ is the new tree now: what fails from here on is reported as such, never as "nothing written".
    const failed: string[] = [];
    for (const { temp, target, file } of outside.values()) {
      try {
        fs.renameSync(temp, target);
      } catch (error) {
        failed.push(`${file} (${reasonOf(error)})`);
      }
    }
    try {
      fs.rmSync(old, { recursive: true, force: true });
    } catch (error) {
      warn(`the old output ${path.basename(old)} could not be removed (${reasonOf(error)}); the next synth removes it`);
    }
    if (failed.length > 0) {
      const replaced = scopes.map((scope) => `${scope}/`).join(', ');
      throw new OutputWriteError(
        `${replaced} ${scopes.length === 1 ? 'was' : 'were'} replaced with the new output, but ${failed.length === 1 ? 'this file was' : 'these files were'} not updated: ${failed.join('; ')}. Fix that, then run synth again`,
        true,
      );
    }
  } finally {
    fs.rmSync(fresh, { recursive: true, force: true });
    for (const temp of temps) fs.rmSync(temp, { force: true });
  }
  return [...changed].sort();
}

/** An fs error without its absolute paths: `EISDIR: illegal operation on a directory`. */
const reasonOf = (error: unknown): string => ((error as Error).message ?? String(error)).replace(/, \w+ '.*$/s, '');

/** Writing failed. `replaced`: whether dist/ had already been swapped for the new tree when it did. */
export class OutputWriteError extends Error {
  constructor(
    message: string,
    readonly replaced: boolean,
  ) {
    super(message);
    this.name = 'OutputWriteError';
  }
}

/** Swaps the new tree in for dist/; should the second rename fail, the old dist/ goes back. */
function swapWhole(dist: string, fresh: string, old: string): void {
  const hadDist = fs.existsSync(dist);
  if (hadDist) fs.renameSync(dist, old);
  try {
    fs.renameSync(fresh, dist);
  } catch (error) {
    if (hadDist) fs.renameSync(old, dist);
    throw error;
  }
}

/** Swaps each env's new folder in; should one rename fail, the envs already swapped get their old folder back. */
function swapEnvs(dist: string, fresh: string, old: string, envs: readonly string[]): void {
  fs.mkdirSync(dist, { recursive: true });
  fs.mkdirSync(old, { recursive: true });
  const done: string[] = [];
  try {
    for (const env of envs) {
      const current = path.join(dist, env);
      if (fs.existsSync(current)) fs.renameSync(current, path.join(old, env));
      done.push(env);
      if (fs.existsSync(path.join(fresh, env))) fs.renameSync(path.join(fresh, env), current);
    }
  } catch (error) {
    for (const env of done.reverse()) {
      fs.rmSync(path.join(dist, env), { recursive: true, force: true });
      if (fs.existsSync(path.join(old, env))) fs.renameSync(path.join(old, env), path.join(dist, env));
    }
    throw error;
  }
}

/** Whether target is a file that holds these very bytes already. */
const sameOnDisk = (target: string, content: string): boolean =>
  !!fs.statSync(target, { throwIfNoEntry: false })?.isFile() && fs.readFileSync(target, 'utf8') === content;

/** The digest of target's bytes where it is a file; else undefined. */
const digestOnDisk = (target: string): string | undefined =>
  fs.statSync(target, { throwIfNoEntry: false })?.isFile() ? digestOf(fs.readFileSync(target)) : undefined;

/** Every file below root/dir, as paths relative to root with forward slashes. */
function filesBelow(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    return entry.isDirectory() ? filesBelow(root, rel) : [rel];
  });
}

/**
 * A hard link at target to an unchanged file of the tree being replaced: the new tree gets the same bytes
 * without writing them again (most of a synth's files are unchanged), and keeps them once the old tree is
 * removed. Only for a file that is as a write would leave it: ours, with the mode the umask gives. False
 * where no link is made; the file is then written.
 */
function linked(unchanged: string, target: string, fileMode: number): boolean {
  try {
    const stat = fs.lstatSync(unchanged);
    if (!stat.isFile() || (stat.mode & 0o777) !== fileMode || stat.uid !== process.getuid?.()) return false;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.linkSync(unchanged, target);
    return true;
  } catch {
    return false;
  }
}

function writeFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}
