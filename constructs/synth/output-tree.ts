import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fluxEntryFileOf } from './build-cluster';
import type { OutputFile } from '../model/kube-object';
import type { OutputTree } from './output-diff';
import { digestOf, knownDigestOf, render } from './render';

/**
 * Generated files: anything under dist/, a cluster's Flux entry point beside its spec, and whatever else
 * synth writes now (`rendered`), so that a file synth no longer writes shows as removed.
 */
function generatedPaths(rendered: Iterable<string>): (file: string) => boolean {
  const known = new Set(rendered);
  return (file) => {
    const [top, env] = file.split('/');
    return known.has(file) || top === 'dist' || (top === 'clusters' && env !== undefined && file === fluxEntryFileOf(env));
  };
}

/**
 * The bytes synth would write for these files. Where `earlier` (a tree read before) holds a file whose
 * kept digest (render.ts) its bytes match, those bytes, without rendering the file: most of a diff's files.
 */
export const renderedTree = (files: readonly OutputFile[], earlier?: OutputTree): OutputTree =>
  new Map(files.map((f) => [f.path, unchangedText(f, earlier?.get(f.path)) ?? render(f)]));

function unchangedText(file: OutputFile, earlier: string | undefined): string | undefined {
  const digest = knownDigestOf(file);
  return digest !== undefined && earlier !== undefined && digestOf(earlier) === digest ? earlier : undefined;
}

/** The objects each file rendered from Kubernetes objects holds, by path: the `sources` of diffOutputs. */
export const sourcesOf = (files: readonly OutputFile[]): ReadonlyMap<string, readonly object[]> =>
  new Map(files.flatMap((f) => (f.text === undefined && f.objects ? [[f.path, f.objects] as const] : [])));

/**
 * The generated files as they are on disk below root (the committed ones in a clean checkout): dist/,
 * the Flux entry points, and the other paths synth writes now (`rendered`).
 */
export function treeOnDisk(root: string, renderedPaths: Iterable<string> = []): OutputTree {
  const rendered = [...renderedPaths];
  const isGenerated = generatedPaths(rendered);
  const tree = new Map<string, string>();
  const walk = (dir: string): void => {
    if (!fs.existsSync(path.join(root, dir))) return;
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile() && isGenerated(rel)) tree.set(rel, fs.readFileSync(path.join(root, rel), 'utf8'));
    }
  };
  walk('dist');
  const clusters = path.join(root, 'clusters');
  const entries = fs.existsSync(clusters) ? fs.readdirSync(clusters).map(fluxEntryFileOf) : [];
  for (const file of [...new Set([...entries, ...rendered])].filter((f) => !f.startsWith('dist/')).sort()) {
    if (fs.existsSync(path.join(root, file))) tree.set(file, fs.readFileSync(path.join(root, file), 'utf8'));
  }
  return new Map([...tree].sort(([a], [b]) => a.localeCompare(b)));
}

/** Thrown when a git ref cannot be read; the message names the flag and the value. */
export class RefError extends Error {}

/** The generated files as committed at a git ref (`git show <ref>:<path>`); `rendered` as for treeOnDisk. */
export function treeAtRef(root: string, ref: string, rendered: Iterable<string> = []): OutputTree {
  const isGenerated = generatedPaths(rendered);
  verifyRef(root, ref);
  const paths = git(root, 'ls-tree', '-r', '-z', '--name-only', ref)
    .split('\0')
    .filter((p) => p && isGenerated(p))
    .sort();
  const texts = filesAtRef(root, ref, paths);
  return new Map(paths.map((p, i) => [p, texts[i]]));
}

/**
 * The bytes of each file at ref, as `git show <ref>:<path>` prints them, read by one `git cat-file --batch`
 * (a process per file took seconds at a thousand apps). Its output: per file a line `<id> blob <size>`,
 * the bytes, a newline.
 */
function filesAtRef(root: string, ref: string, paths: readonly string[]): string[] {
  const out = execFileSync('git', ['-C', root, 'cat-file', '--batch'], {
    input: paths.map((p) => `${ref}:${p}\n`).join(''),
    maxBuffer: 1024 * 2 ** 20,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let at = 0;
  return paths.map((p) => {
    const headerEnd = out.indexOf('\n', at);
    const header = out.toString('utf8', at, headerEnd);
    const size = /^[0-9a-f]+ blob (\d+)$/.exec(header)?.[1];
    if (size === undefined) throw new RefError(`field "--ref" = ${JSON.stringify(ref)}: ${p} cannot be read (git cat-file: ${header})`);
    at = headerEnd + 1 + Number(size) + 1;
    return out.toString('utf8', headerEnd + 1, at - 1);
  });
}

const git = (root: string, ...args: string[]): string =>
  execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20, stdio: ['ignore', 'pipe', 'pipe'] });

/** Throws a RefError unless ref names a commit of the git repository at root; `flag` is the option that named it. */
export function verifyRef(root: string, ref: string, flag = '--ref'): void {
  try {
    git(root, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
  } catch {
    throw new RefError(`field "${flag}" = ${JSON.stringify(ref)}: is not a commit in the git repository at ${root}`);
  }
}

/** One file's text at a verified ref (`git show <ref>:<path>`), or undefined when the ref's tree has no such file. */
export function fileAtRef(root: string, ref: string, file: string): string | undefined {
  if (git(root, 'ls-tree', '--name-only', ref, '--', file).trim() === '') return undefined;
  return git(root, 'show', `${ref}:${file}`);
}

/** Whether root is the top of a git repository that has a commit (the paths at a ref are relative to the top). */
export function hasHead(root: string): boolean {
  try {
    git(root, 'rev-parse', '--verify', '--quiet', 'HEAD^{commit}');
    return fs.realpathSync(git(root, 'rev-parse', '--show-toplevel').trim()) === fs.realpathSync(root);
  } catch {
    return false;
  }
}
