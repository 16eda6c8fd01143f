import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { PROVING_ENV, releasesFileOf, type Releases, type ReleasesFile } from '../model/releases';
import { SpecProblem, SynthError } from '../model/spec-error';
import { fileAtRef, hasHead, verifyRef } from './output-tree';

/** Reads `clusters/<env>/releases.json` of each env below root. Its contents are checked by validateReleases. */
export function readReleases(root: string, envs: readonly string[]): Releases {
  return Object.fromEntries([...new Set(envs)].map((env) => [env, readReleasesFile(root, env)]));
}

export function readReleasesFile(root: string, env: string): ReleasesFile {
  const file = releasesFileOf(env);
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, file), 'utf8');
  } catch {
    throw new SynthError([`file "${file}", env "${env}": cannot be read: every env needs its releases file (see README, "Releases")`], 'invalid releases');
  }
  return parseReleasesText(text, file, env);
}

/** The envs whose releases files a synth of `envs` reads: those, and the envs they run only what ran in (PROVING_ENV). */
export const envsToRead = (envs: readonly string[]): string[] => [...new Set(envs.flatMap((env) => [env, ...(PROVING_ENV[env] ? [PROVING_ENV[env]] : [])]))];

/**
 * The releases files a change starts from (SynthInput.baseReleases), as committed at a git ref: `ref` (a
 * RefError names `flag` when it is no commit), else the last commit, HEAD; undefined outside a git
 * repository's top with a commit (a copy of the repo), where the change cannot be told. An env whose file
 * the ref does not hold reads as one with no apps: every version in it is new.
 */
export function readBaseReleases(root: string, envs: readonly string[], ref?: string, flag = '--base'): Releases | undefined {
  if (ref !== undefined) verifyRef(root, ref, flag);
  else if (!hasHead(root)) return undefined;
  const at = ref ?? 'HEAD';
  return Object.fromEntries(
    [...new Set(envs)].map((env) => {
      const file = releasesFileOf(env);
      const text = fileAtRef(root, at, file);
      return [env, text === undefined ? { apps: {} } : parseReleasesText(text, `${file} at ${at}`, env)];
    }),
  );
}

/** The file's contents, refused when it is not JSON or when a key repeats (JSON.parse would silently keep the last). */
export function parseReleasesText(text: string, file: string, env: string): ReleasesFile {
  let data: ReleasesFile;
  try {
    data = JSON.parse(text) as ReleasesFile;
  } catch (error) {
    throw new SynthError([`file "${file}", env "${env}": is not valid JSON: ${(error as Error).message}`], 'invalid releases');
  }
  const repeated = keyCountOf(data) === keysInText(text) ? [] : repeatedKeys(text);
  if (repeated.length > 0) {
    throw new SynthError(
      repeated.map(({ keys, line, firstLine, value }) => {
        const app = keys[0] === 'apps' && typeof keys[1] === 'string' ? keys[1] : undefined;
        return new SpecProblem(
          { file, env, ...(app !== undefined ? { app } : {}) },
          fieldOf(keys),
          value,
          `is repeated (lines ${firstLine} and ${line}): a JSON reader keeps only the last one, so one of them is lost; keep one`,
        );
      }),
      'invalid releases',
    );
  }
  return data;
}

/**
 * How many keys the text of a JSON document names, repeats included. In valid JSON a string followed by
 * a colon is always a key. Where this equals keyCountOf() of what JSON.parse made of the text, no key
 * repeats: the check that finds and places the repeats (repeatedKeys, 0.3 s for 1,000 apps) is skipped.
 */
const keysInText = (text: string): number => text.match(/"(?:[^"\\]|\\.)*"\s*:/g)?.length ?? 0;

/** How many keys a parsed JSON value holds, in all its objects. */
function keyCountOf(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + keyCountOf(item), 0);
  if (typeof value !== 'object' || value === null) return 0;
  return Object.values(value).reduce((n: number, item) => n + 1 + keyCountOf(item), 0);
}

interface RepeatedKey {
  /** The key's path from the top, e.g. ['apps', 'shop']. */
  readonly keys: readonly (string | number)[];
  readonly firstLine: number;
  readonly line: number;
  /** The value the repeat holds. */
  readonly value: unknown;
}

/**
 * Every key that occurs twice in one object. JSON is YAML 1.2 flow syntax, so the yaml package's parser
 * reads the file into a tree that keeps each occurrence (JSON.parse does not), with its position.
 */
function repeatedKeys(text: string): RepeatedKey[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter: lines });
  const lineOf = (node: Node | null | undefined): number => (node?.range ? lines.linePos(node.range[0]).line : 0);
  const found: RepeatedKey[] = [];
  const walk = (node: unknown, keys: readonly (string | number)[]): void => {
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
        const line = lineOf(pair.key as Node);
        const first = seen.get(key);
        if (first !== undefined) found.push({ keys: [...keys, key], firstLine: first, line, value: (pair.value as Node | null)?.toJSON() });
        else seen.set(key, line);
        walk(pair.value, [...keys, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...keys, i]));
    }
  };
  walk(doc.contents, []);
  return found.sort((a, b) => a.line - b.line);
}

/** `apps.shop.history[0].tag`. */
const fieldOf = (keys: readonly (string | number)[]): string =>
  keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : /^[A-Za-z_$][\w$-]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).join('');
