import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './support';

// scripts/lib/ts-transform-cache.cjs: the TypeScript transforms that every copy of the repo shares. A
// transform read back for a file at another place must be the one esbuild makes there, byte for byte.
// The esbuild here is the one tsx loads, as in the npm scripts.
interface TransformResult {
  code: string;
  map: string;
  warnings: unknown[];
}
type TransformOptions = Record<string, unknown>;
type TransformSync = (code: string, options: TransformOptions) => TransformResult;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const esbuild = require(require.resolve('esbuild', { paths: [path.dirname(require.resolve('tsx/cjs'))] })) as { transformSync: TransformSync; version: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cachedTransformSync, PLACEHOLDER, FOLDER_PLACEHOLDER } = require('../scripts/lib/ts-transform-cache.cjs') as {
  cachedTransformSync: (transformSync: TransformSync, options: { dir: string; root: string; version: string }) => TransformSync;
  PLACEHOLDER: string;
  FOLDER_PLACEHOLDER: string;
};

/**
 * The options tsx gives esbuild for a TypeScript file loaded through its CommonJS hook (tsx 4.23.15,
 * dist/register-*.cjs, `transformSync`: its base options, then `format`, `sourcefile`, the banner that
 * sets `__filename`, the footer and `platform`; `tsconfigRaw` from the repo's tsconfig.json).
 */
const tsxOptionsFor = (file: string): TransformOptions => ({
  target: `node${process.versions.node}`,
  loader: 'default',
  sourcemap: true,
  sourcesContent: false,
  minifyWhitespace: true,
  keepNames: true,
  format: 'cjs',
  sourcefile: file,
  banner: `__filename=${JSON.stringify(file)};(()=>{`,
  footer: '})()',
  platform: 'node',
  tsconfigRaw: JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tsconfig.json'), 'utf8')),
});

/** What a caller sees of a result. */
const seen = (r: TransformResult) => ({ code: r.code, map: r.map, warnings: r.warnings });

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-transform-cache-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** A cache in a folder of its own, counting the transforms it asks esbuild for; two repo roots to load from. */
function freshCache() {
  const dir = fs.mkdtempSync(path.join(temp, 'cache-'));
  let made = 0;
  const counting: TransformSync = (code, options) => {
    made++;
    return esbuild.transformSync(code, options);
  };
  const rootA = path.join(temp, 'copy-a', 'repo');
  const rootB = path.join(temp, 'another-copy', 'repo');
  return {
    dir,
    made: () => made,
    at: (root: string) => cachedTransformSync(counting, { dir, root, version: esbuild.version }),
    rootA,
    rootB,
  };
}

const repoTypeScript = (): string[] =>
  ['main.ts', ...['apps', 'clusters', 'constructs', 'scripts'].flatMap((dir) => filesBelow(dir))].filter((f) => f.endsWith('.ts'));
function filesBelow(dir: string): string[] {
  return fs.readdirSync(path.join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f));
}

test('every TypeScript file of the repo, transformed in one copy, is read back in another as esbuild makes it there', () => {
  const cache = freshCache();
  const files = repoTypeScript();
  expect(files.length).toBeGreaterThan(100);
  for (const rel of files) {
    const code = fs.readFileSync(path.join(REPO_ROOT, rel), 'utf8');
    const [a, b] = [path.join(cache.rootA, rel), path.join(cache.rootB, rel)];
    expect(seen(cache.at(cache.rootA)(code, tsxOptionsFor(a)))).toEqual(seen(esbuild.transformSync(code, tsxOptionsFor(a))));
    const readBack = cache.at(cache.rootB)(code, tsxOptionsFor(b));
    expect(seen(readBack)).toEqual(seen(esbuild.transformSync(code, tsxOptionsFor(b))));
    expect(readBack.code).toContain(JSON.stringify(b));
  }
  // Each file was transformed once: the second copy read every one back.
  expect(cache.made()).toBe(files.length);
  for (const entry of fs.readdirSync(cache.dir)) expect(fs.readFileSync(path.join(cache.dir, entry), 'utf8')).not.toContain(temp);
});

test("the same text at another path in the repo is another entry: esbuild names the exports after the file, or an index file's folder", () => {
  const cache = freshCache();
  const code = 'export const port: number = 8080;\n';
  const transform = cache.at(cache.rootA);
  const apps = transform(code, tsxOptionsFor(path.join(cache.rootA, 'apps', 'index.ts')));
  const clusters = transform(code, tsxOptionsFor(path.join(cache.rootA, 'clusters', 'index.ts')));
  expect(apps.code).toContain('apps_exports');
  expect(clusters.code).toContain('clusters_exports');
  expect(cache.made()).toBe(2);
});

test('options that differ in anything but the path are other entries', () => {
  const cache = freshCache();
  const file = path.join(cache.rootA, 'constructs', 'model', 'a.ts');
  const code = 'export const a = (x?: number) => x ?? 1;\n';
  const transform = cache.at(cache.rootA);
  const es2019 = transform(code, { ...tsxOptionsFor(file), target: 'es2019' });
  const es2022 = transform(code, tsxOptionsFor(file));
  expect(es2019.code).not.toContain('??');
  expect(es2022.code).toContain('??');
  expect(cache.made()).toBe(2);
});

test("tsx's `import.meta` for a file its lexer cannot read names the file's folder: kept, unless the code uses it", () => {
  // tsx 4.23.15, dist/register-*.cjs: `hasImportMeta` is true when es-module-lexer throws on the text, as
  // on constructs/platform/eck.ts; `getImportMeta` then defines import.meta with the file's folder.
  const withImportMeta = (file: string): TransformOptions => ({
    ...tsxOptionsFor(file),
    define: { 'import.meta': JSON.stringify({ dirname: path.dirname(file), filename: file, url: `file://${file}` }) },
  });
  const rel = 'constructs/platform/where.ts';
  for (const [code, made] of [
    ['export const folder: string = "unused";\n', 1],
    ['export const folder: string = import.meta.dirname;\n', 2],
  ] as const) {
    const cache = freshCache();
    const [a, b] = [path.join(cache.rootA, rel), path.join(cache.rootB, rel)];
    cache.at(cache.rootA)(code, withImportMeta(a));
    expect(seen(cache.at(cache.rootB)(code, withImportMeta(b)))).toEqual(seen(esbuild.transformSync(code, withImportMeta(b))));
    expect(cache.made()).toBe(made);
  }
});

test('a file whose text holds its own path or folder, or a placeholder, is transformed every time and kept nowhere', () => {
  const cache = freshCache();
  for (const root of [cache.rootA, cache.rootB]) {
    const file = path.join(root, 'apps', 'where.ts');
    const texts = [JSON.stringify(file), JSON.stringify(path.dirname(file)), `'${PLACEHOLDER}'`, `'${FOLDER_PLACEHOLDER}'`];
    for (const text of texts) {
      const code = `export const here = ${text};\n`;
      const result = cache.at(root)(code, tsxOptionsFor(file));
      expect(seen(result)).toEqual(seen(esbuild.transformSync(code, tsxOptionsFor(file))));
    }
  }
  expect(cache.made()).toBe(8);
  expect(fs.readdirSync(cache.dir)).toEqual([]);
});

test('an entry that cannot be read is made again', () => {
  const cache = freshCache();
  const file = path.join(cache.rootA, 'apps', 'a.ts');
  const code = 'export const a: number = 1;\n';
  cache.at(cache.rootA)(code, tsxOptionsFor(file));
  const [entry] = fs.readdirSync(cache.dir);
  fs.writeFileSync(path.join(cache.dir, entry), '{"code": "trunc');
  expect(seen(cache.at(cache.rootA)(code, tsxOptionsFor(file)))).toEqual(seen(esbuild.transformSync(code, tsxOptionsFor(file))));
  expect(cache.made()).toBe(2);
  expect(JSON.parse(fs.readFileSync(path.join(cache.dir, entry), 'utf8')).code).toContain(PLACEHOLDER);
});

test("a file that does not parse gets esbuild's error, naming its absolute path, and nothing is kept", () => {
  const cache = freshCache();
  const file = path.join(cache.rootA, 'apps', 'broken.ts');
  const code = 'export const app = { port: : 8080 };\n';
  expect(() => cache.at(cache.rootA)(code, tsxOptionsFor(file))).toThrow(`${file}:1:27: ERROR: Unexpected ":"`);
  expect(fs.readdirSync(cache.dir)).toEqual([]);
});

test('a file outside the repo is transformed as without the cache, and kept nowhere', () => {
  const cache = freshCache();
  const code = 'export const a: number = 1;\n';
  for (const root of [cache.rootA, cache.rootA]) {
    const outside = path.join(root, '..', 'elsewhere', 'a.ts');
    expect(seen(cache.at(root)(code, tsxOptionsFor(outside)))).toEqual(seen(esbuild.transformSync(code, tsxOptionsFor(outside))));
  }
  expect(cache.made()).toBe(2);
  expect(fs.readdirSync(cache.dir)).toEqual([]);
});

test("an npm script's process puts the cache in front of the esbuild that tsx transforms with", () => {
  const probe = [
    "const path = require('node:path');",
    "const esbuildOfTsx = require.resolve('esbuild', { paths: [path.dirname(require.resolve('tsx/cjs'))] });",
    "process.stdout.write([require(esbuildOfTsx).transformSync.name, typeof require(esbuildOfTsx).transform, require(esbuildOfTsx).version].join(' '));",
  ].join('\n');
  const run = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, ['--require', './scripts/lib/load-ts.cjs', '-e', probe], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  expect(run({ TS_TRANSFORM_CACHE: undefined }).stdout).toBe(`transformSyncCached function ${esbuild.version}`);
  expect(run({ TS_TRANSFORM_CACHE: 'off' }).stdout).toBe(`transformSync function ${esbuild.version}`);
});
