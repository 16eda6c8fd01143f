/**
 * How every npm script of package.json starts, and with it the bench's children and scriptCommand
 * (scripts/repo-copy.ts): `node --require ./scripts/lib/load-ts.cjs <entry>.ts`. TypeScript loads through tsx's
 * CommonJS hook, as with `tsx <entry>.ts`, without what made loading the modules cost three times what
 * plain Node takes for them:
 * - tsx hooks .js too, and scans every JavaScript file it loads for ESM syntax. Every package here is
 *   CommonJS that Node loads itself (the AWS provider, cdktf and the Kubernetes models are some 600
 *   files, 13 MB), so .js goes back to Node's own loader.
 * - tsx turns source maps on for the whole process, so Node read and indexed the source maps that
 *   cdktf, cdk8s and the provider ship, as it loaded each file. They stay on for our TypeScript (a spec
 *   file that throws is reported at its own line, constructs/synth/load-specs.ts), not for packages.
 * - The `tsx` command starts a second Node process, with an ESM loader thread; `tsx/cjs` needs neither.
 * - tsx keys its transforms by each file's absolute path, so every new copy of the repo (the tests make
 *   dozens) transformed every module again: ts-transform-cache.cjs keys them by the path within the repo.
 * The same scripts give V8 semi-spaces of 32 MiB, twice the default (`--max-semi-space-size=32`): a synth
 * makes masses of short-lived objects, and half as many scavenges took garbage collection from 9.5% to
 * 7.4% of a 250-app synth's profile, with no higher peak RSS (64 MiB: 6.6%, but 20% more RSS).
 * They also keep V8's optimizing compiler, TurboFan, for what runs often (`--interrupt-budget=270336`, four
 * times the default: a function runs four times as much bytecode before it is optimized) and small
 * (`--max-inlined-bytecode-size-cumulative=230`, a quarter of the default). A synth runs most of its code
 * once per app, a thousand times at most, and TurboFan's compiles (the cdk8s-plus toJson_* trees, inlined
 * into one another, took up to 160 ms each; ajv's validators; the rules) were 21% of a 1,000-app synth's
 * CPU, on threads of its own that compete with the synth's for 2 cores. With the flags, that synth from
 * scratch takes about a quarter less CPU (`perf record`, and --trace-opt's compile times, on Node 20.20).
 */
const Module = require('node:module');
const { compileWithCodeCache } = require('./code-cache.cjs');
const { useTransformCache } = require('./ts-transform-cache.cjs');

const loadJavaScript = Module._extensions['.js'];
useTransformCache();
require('tsx/cjs');

Module._extensions['.js'] = function loadPackageJavaScript(module, filename) {
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  module._compile = compileWithCodeCache;
  try {
    return loadJavaScript.call(this, module, filename);
  } finally {
    process.setSourceMapsEnabled(sourceMaps);
  }
};
