import * as fs from 'node:fs';
import * as path from 'node:path';

import { scriptCommand, synthNodeFlags } from '../scripts/repo-copy';

// Every Node command of the repo starts as `npm run synth` does (scripts/lib/load-ts.cjs says why each flag is there).
const root = path.join(__dirname, '..');
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;
const flags = synthNodeFlags(root);

test('the synth starts Node with the young generation, tier-up and loader flags', () => {
  expect(flags).toEqual(
    expect.arrayContaining(['--max-semi-space-size=32', '--interrupt-budget=270336', '--max-inlined-bytecode-size-cumulative=230', '--require']),
  );
  expect(flags.slice(-2)).toEqual(['--require', './scripts/lib/load-ts.cjs']);
});

test.each(Object.entries(scripts).filter(([, command]) => command.startsWith('node ')))('npm run %s starts Node as the synth does', (_name, command) => {
  expect(command.split(/\s+/).slice(0, flags.length + 1)).toEqual(['node', ...flags]);
});

test('scriptCommand starts Node as the synth does, with the loader of the repo it runs', () => {
  const [cmd, args] = scriptCommand(root, 'scripts/preflight.ts', ['--env', 'prod']);
  expect(cmd).toBe(process.execPath);
  expect(args).toEqual([...flags.slice(0, -1), path.join(root, 'scripts', 'lib', 'load-ts.cjs'), 'scripts/preflight.ts', '--env', 'prod']);
});
