import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

// scripts/lib/code-cache.cjs: how every npm script loads the packages' JavaScript, with the code V8 compiled
// for each file the last time. These load small files of their own through it, as Node would load them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compileWithCodeCache, entryOf } = require('../scripts/lib/code-cache.cjs') as {
  compileWithCodeCache: (this: Module, content: string, filename: string, format: string) => unknown;
  entryOf: (filename: string, content: string) => string;
};

const dirs: string[] = [];
const entries: string[] = [];

function packageWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-cache-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Loads a file as Node's loader does (a fresh Module each time), through the code cache. */
function load(filename: string): unknown {
  const content = fs.readFileSync(filename, 'utf8');
  entries.push(entryOf(filename, content));
  const module = new Module(filename);
  module.filename = filename;
  compileWithCodeCache.call(module, content, filename, 'commonjs');
  return module.exports;
}

afterAll(() => {
  for (const entry of entries) fs.rmSync(entry, { force: true });
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

test('a file is cached once loaded, and loads from its entry with the same result', () => {
  const file = path.join(packageWith({ 'index.js': "module.exports = ['cached', 1 + 1];" }), 'index.js');
  expect(load(file)).toEqual(['cached', 2]);
  expect(fs.existsSync(entryOf(file, fs.readFileSync(file, 'utf8')))).toBe(true);
  expect(load(file)).toEqual(['cached', 2]);
});

test('a file changed after its code was cached runs its new code, even at the same length (which is all V8 checks)', () => {
  const file = path.join(packageWith({ 'index.js': "module.exports = 'one';" }), 'index.js');
  expect(load(file)).toBe('one');
  fs.writeFileSync(file, "module.exports = 'two';");
  expect(load(file)).toBe('two');
});

test('a cached file gets what Node gives a module: require, require.resolve, module, exports, __filename, __dirname', () => {
  const dir = packageWith({
    'dep.js': 'module.exports = 42;',
    'index.js': [
      "const dep = require('./dep');",
      "module.exports = { dep, resolved: require.resolve('./dep'), file: __filename, dir: __dirname, same: this === exports && module.exports === exports, cache: require.cache === require('node:module')._cache };",
    ].join('\n'),
  });
  const expected = { dep: 42, resolved: path.join(dir, 'dep.js'), file: path.join(dir, 'index.js'), dir, same: true, cache: true };
  expect(load(path.join(dir, 'index.js'))).toEqual(expected);
  expect(load(path.join(dir, 'index.js'))).toEqual(expected);
});

test('an entry V8 cannot use is compiled afresh, and replaced by one it can', () => {
  const file = path.join(packageWith({ 'index.js': "module.exports = 'fresh';" }), 'index.js');
  const entry = entryOf(file, fs.readFileSync(file, 'utf8'));
  fs.mkdirSync(path.dirname(entry), { recursive: true });
  fs.writeFileSync(entry, 'not code that V8 made');
  expect(load(file)).toBe('fresh');
  expect(fs.readFileSync(entry, 'utf8')).not.toBe('not code that V8 made');
  expect(load(file)).toBe('fresh');
});

test('an error in a cached file names the file and line, as without the cache', () => {
  const file = path.join(packageWith({ 'index.js': "\n\nthrow new Error('broken');" }), 'index.js');
  for (let i = 0; i < 2; i++) expect(() => load(file)).toThrow(expect.objectContaining({ stack: expect.stringContaining(`${file}:3:`) }));
});
