/**
 * A V8 code cache for the packages' JavaScript, which Node 20 lacks (module.enableCompileCache came in 22.1).
 * A synth's threads each compile some 600 package files (cdktf, the AWS provider, cdk8s, the Kubernetes
 * models); with the code that V8 compiled for a file the last time, kept in node_modules/.cache/, they
 * skip most of that work.
 * - Each entry is named by a hash of the file's path and content, so a changed file never meets old code:
 *   V8 checks only that the source has the same length (test/code-cache.test.ts).
 * - V8 turns away an entry made by another V8 version or with other flags (--max-semi-space-size among
 *   them), and the file then compiles as without a cache. So that the synth (with the flags of
 *   package.json) and Jest (without them) do not keep replacing each other's entries, each V8 version and
 *   set of flags has a folder of its own: V8 heads every code cache with them (magic number, version hash,
 *   source hash, flag hash: SerializedCodeData in v8/src/snapshot/code-serializer.h), those of an empty
 *   script name the folder.
 * - An entry is written whole under a temporary name and then renamed, since threads may write at once.
 * - The code is cached once the file's top level has run, so that it holds the functions that ran then.
 * Our TypeScript is left to tsx and Node (its source maps stay on, see load-ts.cjs).
 * One package file is compiled with its generated undefined-field filter replaced: cdk8s-plus-json-filter.cjs says why.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');
const { writeCacheEntry } = require('./cache-entry.cjs');
const { withLinearJsonFilter } = require('./cdk8s-plus-json-filter.cjs');

const V8_IDENTITY = crypto.createHash('sha1').update(new vm.Script('').createCachedData().subarray(0, 16)).digest('hex').slice(0, 16);
const CACHE_DIR = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'v8-code', `${process.version}-${process.arch}-${V8_IDENTITY}`);

/** Module.prototype._compile for a CommonJS file, with the code V8 compiled for it the last time. */
function compileWithCodeCache(source, filename, format) {
  if (format === 'module' || source.startsWith('#!')) return Module.prototype._compile.call(this, source, filename, format);
  const content = withLinearJsonFilter(filename, source);
  const entry = entryOf(filename, content);
  const cachedData = readEntry(entry);
  const script = new vm.Script(Module.wrap(content), {
    filename,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const result = script.runInThisContext({ displayErrors: true }).call(this.exports, this.exports, requireOf(this), this, filename, path.dirname(filename));
  if (cachedData === undefined || script.cachedDataRejected) writeCacheEntry(entry, script.createCachedData());
  return result;
}

/** Where the code of this file with this content is kept. */
const entryOf = (filename, content) => path.join(CACHE_DIR, crypto.createHash('sha1').update(filename).update('\0').update(content).digest('hex'));

/** The `require` that Node gives a module (lib/internal/modules/helpers.js, makeRequireFunction). */
function requireOf(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

function readEntry(entry) {
  try {
    return fs.readFileSync(entry);
  } catch {
    return undefined;
  }
}

module.exports = { compileWithCodeCache, entryOf };
