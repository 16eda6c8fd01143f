/**
 * A cache of esbuild's TypeScript transforms that every copy of the repo shares, in node_modules/.cache/.
 * tsx keeps its transforms too, but keys them by the file's absolute path, and the tests run the commands
 * in copies of the repo made afresh each run (test/cli-in-copy.ts): each copy's first command transformed
 * every module again, half of a 2.8 s run that stops at a bad input. Here an entry is keyed by the file's
 * path within the repo, its content, the options with the absolute path left out, and esbuild's version;
 * the absolute path goes back into the code and the source map when the entry is read.
 * - The path within the repo is in the key because esbuild names a module's exports object after the file,
 *   and after its folder for an index file (`apps/index.ts` gives `apps_exports`).
 * - esbuild writes the absolute path only where the options carry it (tsx's `sourcefile`, and its banner
 *   that sets `__filename`, on a line of its own). A file whose text, or whose code past the banner, holds
 *   its path or folder is not cached (the code would put the path where the source map counts columns),
 *   nor is a file outside the repo.
 * - A file that does not parse is not cached: esbuild's error, with the absolute path, goes on as it is.
 * - An entry is written whole under a temporary name and then renamed, since processes may write at once.
 * `TS_TRANSFORM_CACHE=off` turns it off.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { writeCacheEntry } = require('./cache-entry.cjs');

const REPO_ROOT = path.join(__dirname, '..', '..');
const CACHE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'ts-transform');
/** Stand for the absolute path and its folder in a kept entry; a file whose text holds either is not cached. */
const PLACEHOLDER = '__ts_transform_cache_source_file__';
const FOLDER_PLACEHOLDER = '__ts_transform_cache_source_folder__';

/**
 * transformSync with the cache in dir: same arguments, same result (warnings, code, map) as esbuild's.
 * root: the repo the files belong to; a file outside it is transformed as without the cache.
 */
function cachedTransformSync(transformSync, { dir, root, version }) {
  return function transformSyncCached(code, options) {
    const file = options?.sourcefile;
    if (typeof code !== 'string' || typeof file !== 'string') return transformSync(code, options);
    const where = path.relative(root, file);
    if (where.startsWith('..') || path.isAbsolute(where)) return transformSync(code, options);
    // The file's path, then its folder (tsx's `import.meta` for a file es-module-lexer cannot read: the
    // `define` of eck.ts), each as JSON writes it, stand for placeholders in the key and in the entry.
    const swaps = [
      [JSON.stringify(file).slice(1, -1), PLACEHOLDER],
      [JSON.stringify(path.dirname(file)).slice(1, -1), FOLDER_PLACEHOLDER],
    ];
    if (swaps.some(([text, placeholder]) => code.includes(text) || code.includes(placeholder))) return transformSync(code, options);
    const hidden = (text) => swaps.reduce((t, [from, to]) => t.split(from).join(to), text);
    const shown = (text) => swaps.reduce((t, [to, from]) => t.split(from).join(to), text);
    const key = crypto
      .createHash('sha256')
      .update([version, where, hidden(JSON.stringify(options)), code].join('\0'))
      .digest('hex');
    const entry = path.join(dir, key);
    try {
      return JSON.parse(shown(fs.readFileSync(entry, 'utf8')));
    } catch {
      // None yet, or one that cannot be read: the file is transformed again.
    }
    const result = transformSync(code, options);
    const { warnings, code: output, map, mangleCache, legalComments } = result;
    // Past the banner, the path would move the source map's columns: such code is not kept.
    const body = typeof options.banner === 'string' && output.startsWith(options.banner) ? output.slice(options.banner.length) : output;
    if (swaps.some(([text]) => body.includes(text))) return result;
    writeCacheEntry(entry, hidden(JSON.stringify({ warnings, code: output, map, mangleCache, legalComments })));
    return result;
  };
}

/**
 * Puts the cache in front of the esbuild that tsx loads, before tsx loads it: its module's exports are
 * replaced by an object that answers transformSync from the cache and everything else from esbuild.
 * (esbuild's exports are getters that cannot be redefined, so the object stands in for them.)
 */
function useTransformCache() {
  if (process.env.TS_TRANSFORM_CACHE === 'off') return;
  const esbuildPath = require.resolve('esbuild', { paths: [path.dirname(require.resolve('tsx/cjs'))] });
  const esbuild = require(esbuildPath);
  const transformSync = cachedTransformSync(esbuild.transformSync, { dir: CACHE_DIR, root: REPO_ROOT, version: esbuild.version });
  require.cache[esbuildPath].exports = Object.create(esbuild, { transformSync: { value: transformSync, enumerable: true } });
}

module.exports = { cachedTransformSync, useTransformCache, PLACEHOLDER, FOLDER_PLACEHOLDER };
