import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The layers of constructs/ (README, "Layout"), kept by dependency-cruiser with `.dependency-cruiser.cjs`. */
const REPO = path.resolve(__dirname, '..');
const CONFIG = path.join(REPO, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(REPO, 'node_modules', '.bin', 'depcruise');
const SCOPE = ['constructs', 'scripts', 'main.ts', 'apps', 'clusters'];

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

interface Cruised {
  readonly violations: Violation[];
  readonly modules: string[];
  /** Each import between two files, by path. */
  readonly edges: [from: string, to: string][];
}

/** The folders of constructs/ that import one another in a cycle, each cycle as a path that ends where it starts. */
export function folderCycles(edges: readonly [string, string][]): string[][] {
  const folderOf = (file: string): string | undefined => /^constructs\/([^/]+)\//.exec(file)?.[1];
  const next = new Map<string, Set<string>>();
  for (const [from, to] of edges) {
    const [a, b] = [folderOf(from), folderOf(to)];
    if (a && b && a !== b) next.set(a, (next.get(a) ?? new Set()).add(b));
  }
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (folder: string, path: string[]): void => {
    state.set(folder, 'open');
    for (const to of [...(next.get(folder) ?? [])].sort()) {
      if (state.get(to) === 'open') cycles.push([...path.slice(path.indexOf(to)), to]);
      else if (!state.has(to)) visit(to, [...path, to]);
    }
    state.set(folder, 'done');
  };
  for (const folder of [...next.keys()].sort()) if (!state.has(folder)) visit(folder, [folder]);
  return cycles;
}

function cruise(cwd: string): Cruised {
  const run = spawnSync(DEPCRUISE, ['--config', CONFIG, '--output-type', 'json', ...SCOPE.filter((p) => fs.existsSync(path.join(cwd, p)))], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
  });
  if (run.stdout === '') throw new Error(`depcruise did not run: ${run.stderr}`);
  const result = JSON.parse(run.stdout);
  const modules: { source: string; dependencies: { resolved: string }[] }[] = result.modules;
  return {
    violations: result.summary.violations,
    modules: modules.map((m) => m.source),
    edges: modules.flatMap((m) => m.dependencies.map((d) => [m.source, d.resolved] as [string, string])),
  };
}

describe('layers', () => {
  test('npm run lint runs the layer rules over the same files as this test', () => {
    const lint: string = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).scripts.lint;
    expect(lint).toContain(`depcruise --config .dependency-cruiser.cjs ${SCOPE.join(' ')}`);
  });

  test('the repo imports nothing upward, only the allowed sibling edges, and has no import cycle', () => {
    const { violations, modules } = cruise(REPO);
    // The rules saw every layer, so an empty violation list means something.
    for (const folder of ['model', 'blocks', 'app', 'platform', 'cloud', 'validation', 'rules', 'synth', 'reports']) {
      expect(modules.some((m) => m.startsWith(`constructs/${folder}/`))).toBe(true);
    }
    expect(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  });

  test('no two folders of constructs/ import each other, however many files lie between', () => {
    const { edges } = cruise(REPO);
    expect(edges.length).toBeGreaterThan(100);
    expect(folderCycles(edges)).toEqual([]);
    // The check finds a cycle that no single file pair shows: rules → validation in one file, back in another.
    const looped: [string, string][] = [
      ['constructs/rules/a.ts', 'constructs/validation/b.ts'],
      ['constructs/validation/c.ts', 'constructs/rules/d.ts'],
    ];
    expect(folderCycles(looped)).toEqual([['rules', 'validation', 'rules']]);
  });

  test('an upward import, a cycle, a forbidden sibling edge and an input file reaching past model/ are each refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-'));
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node', strict: true } }),
      'constructs/model/spec.ts': "import { run } from '../synth/pipeline';\nexport const spec = run;\n",
      'constructs/synth/pipeline.ts': 'export const run = 1;\n',
      'constructs/app/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'constructs/app/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
      'constructs/logging/streams.ts': "import { a } from '../app/a';\nexport const streams = a;\n",
      'constructs/platform/eck.ts': "import { streams } from '../logging/streams';\nexport const eck = streams;\n",
      'apps/shop.ts': "import { eck } from '../constructs/platform/eck';\nexport const shop = eck;\n",
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    try {
      const found = cruise(dir)
        .violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)
        .sort();
      expect(found).toEqual(
        [
          'model-is-the-bottom: constructs/model/spec.ts → constructs/synth/pipeline.ts',
          'no-circular: constructs/app/a.ts → constructs/app/b.ts',
          'concern-logging-siblings: constructs/logging/streams.ts → constructs/app/a.ts',
          'input-sees-only-model: apps/shop.ts → constructs/platform/eck.ts',
        ].sort(),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
