import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './support';

/*
 * The synth's main thread never loads CDKTF: the Terraform is built on a worker thread, and CDKTF's ~400
 * modules cost the main thread some 0.3 s at every start (README, "Benchmark", third round). A rule the main
 * thread runs must take a Terraform name from a module that does not import cdktf.
 */
test("main.ts's modules load without CDKTF", () => {
  const imports = [...fs.readFileSync(path.join(REPO_ROOT, 'main.ts'), 'utf8').matchAll(/^import .* from '(\.[^']+)';$/gm)].map((m) => m[1]!);
  expect(imports.length).toBeGreaterThan(0);
  const script = `${imports.map((m) => `require(${JSON.stringify(m)});`).join('')}
console.log(JSON.stringify(Object.keys(require.cache).filter((p) => /[\\\\/]node_modules[\\\\/](cdktf|@cdktf)[\\\\/]/.test(p)).map((p) => path.relative(process.cwd(), p)).slice(0, 5)));`;
  const run = spawnSync(process.execPath, ['--require', './scripts/lib/load-ts.cjs', '-e', `const path = require('node:path');${script}`], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual([]);
});
