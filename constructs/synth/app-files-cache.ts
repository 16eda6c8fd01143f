import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import type { AppChartInput } from '../model/app-chart-input';
import type { AppFiles } from './app-files';
import type { CheckedAppFiles } from './app-file-checks';
import { codeFingerprint } from './code-fingerprint';

/*
 * Each app's files, as built, checked and rendered, kept between runs under a key made of everything they
 * are made of: the app's chart input (model/app-chart-input.ts: the app, what it reads of its cluster, where
 * its hosts are served) and the code (code-fingerprint.ts). An app whose input and code are unchanged is
 * read back instead of built again; the cluster-wide checks still run on every app's objects. Kept in
 * .synth-cache/ at the repo's top, ignored by git: a fresh clone starts with nothing kept.
 */

/** Bump when what an entry holds changes shape. */
const FORMAT = 'app-files 1';

/** An app's files and what the checks and render() made of them: one cache entry. */
export interface BuiltAppFiles {
  readonly files: AppFiles;
  readonly checked: CheckedAppFiles;
}

/** Where `npm run synth`, diff and the release commands keep apps' files for the repo at root; none with SYNTH_CACHE=off. */
export const appFilesCacheOf = (root: string): string | undefined =>
  process.env.SYNTH_CACHE === 'off' ? undefined : path.join(root, SYNTH_CACHE_DIR, 'app-files');

/** The folder at the repo's top where synth keeps what it may reuse. */
export const SYNTH_CACHE_DIR = '.synth-cache';

/** The key of an app's files: a digest of its chart input and of the code. */
export function appFilesKeyOf(input: AppChartInput): string {
  const canonical = JSON.stringify(input, (_key, value: unknown) => (value instanceof Map ? { map: [...value.entries()] } : value));
  return crypto.createHash('sha256').update(`${FORMAT}\0${codeFingerprint()}\0${canonical}`).digest('hex');
}

/** The cache's files of one env, each app's at most one: `<dir>/<env>/<app>.<key>`. */
const entryFileOf = (dir: string, env: string, app: string, key: string): string => path.join(dir, env, `${app}.${key}`);

/** The entry kept under key, or undefined: none, or one that cannot be read (it is then made again). */
export function readKeptAppFiles(dir: string, env: string, app: string, key: string): BuiltAppFiles | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(entryFileOf(dir, env, app, key));
  } catch {
    return undefined;
  }
  try {
    return v8.deserialize(bytes) as BuiltAppFiles;
  } catch {
    return undefined;
  }
}

/**
 * Keeps the entries of one env's apps, and drops every other entry of that env (an app's older keys, apps
 * that left). Best effort: a cache that cannot be written costs the next run time, never this run's output.
 */
export function keepAppFiles(dir: string, env: string, entries: readonly { app: string; key: string; built?: () => BuiltAppFiles }[]): void {
  try {
    const envDir = path.join(dir, env);
    fs.mkdirSync(envDir, { recursive: true });
    for (const { app, key, built } of entries) {
      if (!built) continue;
      const file = entryFileOf(dir, env, app, key);
      const temp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, v8.serialize(built()));
      fs.renameSync(temp, file);
    }
    const wanted = new Set(entries.map(({ app, key }) => path.basename(entryFileOf(dir, env, app, key))));
    for (const name of fs.readdirSync(envDir)) if (!wanted.has(name)) fs.rmSync(path.join(envDir, name), { force: true });
  } catch {
    // Best effort (see above).
  }
}
