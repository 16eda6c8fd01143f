import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { codeFingerprint } from './code-fingerprint';

/*
 * What synth keeps between runs, each entry under a key made of everything it is made of: its input (plain
 * data, typed so that the code that makes it can read nothing else) and the code (code-fingerprint.ts).
 * Entries whose key is unchanged are read back instead of made again. Kept in .synth-cache/ at the repo's
 * top, ignored by git: a fresh clone starts with nothing kept, and deleting it is always safe.
 *
 * An entry is JSON, so it holds plain data only (an undefined field is dropped, as in the files synth
 * writes). Not v8.serialize: its Buffers live outside the JS heap, and V8 collects them only once some
 * 64 MiB of them have piled up since its last full collection; a synth from scratch writes a thousand
 * apps' entries in a row. At 1,000 apps JSON takes 15–40 MiB off the peak from scratch and 20–40 MiB when an
 * app comes or goes, in the same time (README, "What synth keeps between runs").
 */

/** Bump when what an entry holds changes shape or encoding. */
const FORMAT = 'synth-cache 3';

/** The folder at the repo's top where synth keeps what it may reuse. */
export const SYNTH_CACHE_DIR = '.synth-cache';

/** Where `npm run synth`, diff and the release commands keep entries for the repo at root; none with SYNTH_CACHE=off. */
export const synthCacheOf = (root: string): string | undefined => (process.env.SYNTH_CACHE === 'off' ? undefined : path.join(root, SYNTH_CACHE_DIR));

/** The key of what `kind` makes of input: a digest of both and of the code. */
export function cacheKeyOf(kind: string, input: unknown): string {
  const canonical = JSON.stringify(input, (_key, value: unknown) => (value instanceof Map ? { map: [...value.entries()] } : value));
  return crypto.createHash('sha256').update(`${FORMAT}\0${kind}\0${codeFingerprint()}\0${canonical}`).digest('hex');
}

/**
 * An entry's file: a folder holds at most one entry per name, `<dir>/<folder>/<name>.<code>.<key>`, where
 * `<code>` begins the code's fingerprint. The key names the code too; the file name says it openly, so that
 * readKeptUnderAnyKey never reads an entry of other code, which nothing in it could match.
 */
const entryFileOf = (dir: string, folder: string, name: string, key: string): string => path.join(dir, folder, `${entryPrefixOf(name)}${key}`);
const entryPrefixOf = (name: string): string => `${name}.${codeFingerprint().slice(0, 16)}.`;

/** An entry file's value; throws where the file is missing or not an entry. */
export const readEntryFile = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));

/** Writes value as an entry file. */
export const writeEntryFile = (file: string, value: unknown): void => fs.writeFileSync(file, JSON.stringify(value));

/** The entry kept under key, or undefined: none, or one that cannot be read (it is then made again). */
export function readKept<T>(dir: string, folder: string, name: string, key: string): T | undefined {
  try {
    return readEntryFile(entryFileOf(dir, folder, name, key)) as T;
  } catch {
    return undefined;
  }
}

/**
 * The entry kept under name whatever its key (keepEntries keeps one per name: an earlier run's), or
 * undefined; only an entry of this code. After a change to the code, reading the earlier one held the
 * Terraform's parts of 1,000 apps (11 MB of JSON) for nothing: 680–720 MiB at the peak, against 575–600
 * from scratch.
 */
export function readKeptUnderAnyKey<T>(dir: string, folder: string, name: string): T | undefined {
  try {
    const file = fs.readdirSync(path.join(dir, folder)).find((f) => f.startsWith(entryPrefixOf(name)) && !f.endsWith('.tmp'));
    return file === undefined ? undefined : (readEntryFile(path.join(dir, folder, file)) as T);
  } catch {
    return undefined;
  }
}

/** One entry of a folder: its value where it was made afresh (to be written), none where it was read back. */
export interface KeptEntry {
  readonly name: string;
  readonly key: string;
  readonly made?: () => unknown;
}

/**
 * Writes a folder's entries that were made afresh, and drops every other entry of that folder (older keys,
 * names no longer there).
 */
export function keepEntries(dir: string, folder: string, entries: readonly KeptEntry[]): void {
  writeEntries(dir, folder, entries);
  bestEffort(() => {
    const wanted = new Set(entries.map(({ name, key }) => path.basename(entryFileOf(dir, folder, name, key))));
    for (const file of fs.readdirSync(path.join(dir, folder))) if (!wanted.has(file)) fs.rmSync(path.join(dir, folder, file), { force: true });
  });
}

/** Writes the entries that were made afresh, and no more: for another thread to write its share of a folder. */
export function writeEntries(dir: string, folder: string, entries: readonly KeptEntry[]): void {
  bestEffort(() => {
    fs.mkdirSync(path.join(dir, folder), { recursive: true });
    for (const { name, key, made } of entries) {
      if (!made) continue;
      const file = entryFileOf(dir, folder, name, key);
      // The thread id too: two threads of one process may write a folder at once.
      const temp = `${file}.${process.pid}-${threadId}.tmp`;
      writeEntryFile(temp, made());
      fs.renameSync(temp, file);
    }
  });
}

/** A cache that cannot be written costs the next run time, never this run's output. */
function bestEffort(write: () => void): void {
  try {
    write();
  } catch {
    // Nothing kept; see above.
  }
}

/**
 * make()'s value for input: read back where kept under the same key, else made and kept (the folder's
 * other entries dropped). make() must read nothing but input and the code. Without a cache folder, made.
 */
export function keptOrMade<T>(cache: string | undefined, folder: string, kind: string, input: unknown, make: () => T): T {
  if (cache === undefined) return make();
  const key = cacheKeyOf(kind, input);
  const kept = readKept<{ value: T }>(cache, folder, kind, key);
  if (kept) return kept.value;
  const value = make();
  keepEntries(cache, folder, [{ name: kind, key, made: () => ({ value }) }]);
  return value;
}
