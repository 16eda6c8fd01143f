import * as fs from 'node:fs';
import * as path from 'node:path';
import { synthesize } from '../constructs/synth/pipeline';
import { OutputWriteError, writeOutput } from '../constructs/synth/write-output';
import { render } from '../constructs/synth/render';
import { FIXTURE_INPUT, tempDir, treeHash } from './support';

describe('writing dist/', () => {
  test('synth is deterministic: two runs give byte-identical trees', () => {
    const [a, b] = [tempDir('synth-a'), tempDir('synth-b')];
    synthesize(a, FIXTURE_INPUT);
    synthesize(b, FIXTURE_INPUT);
    const first = treeHash(a);
    expect(treeHash(b)).toBe(first);
    synthesize(a, FIXTURE_INPUT);
    expect(treeHash(a)).toBe(first);
  });

  test('dist/ is replaced whole: files no longer generated disappear', () => {
    const root = tempDir('synth-replace');
    fs.mkdirSync(path.join(root, 'dist', 'staging', 'apps'), { recursive: true });
    fs.writeFileSync(path.join(root, 'dist', 'staging', 'apps', 'retired-app.yaml'), 'kind: Old\n');
    synthesize(root, FIXTURE_INPUT);
    expect(fs.existsSync(path.join(root, 'dist', 'staging', 'apps', 'retired-app.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'dist', 'staging', 'apps', 'shop.yaml'))).toBe(true);
    expect(fs.readdirSync(root).filter((f) => f.startsWith('.dist-'))).toEqual([]);
  });

  test('a failure while writing leaves the old dist/ untouched and no temp folders behind', () => {
    const root = tempDir('synth-fail');
    fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(root, 'dist', 'keep.yaml'), 'kind: Kept\n');
    const before = treeHash(root);
    expect(() =>
      writeOutput(root, [
        { path: 'dist/staging/ok.yaml', text: 'a: 1\n' },
        { path: 'dist/staging/bad\0name.yaml', text: 'b: 2\n' },
      ]),
    ).toThrow();
    expect(treeHash(root)).toBe(before);
    expect(fs.readdirSync(root).sort()).toEqual(['dist']);
  });

  test("an unchanged file is linked into the new tree, not written again; a changed one is written; the old tree's links are gone", () => {
    const root = tempDir('synth-link');
    writeOutput(root, [
      { path: 'dist/staging/same.yaml', text: 'a: 1\n' },
      { path: 'dist/staging/changed.yaml', text: 'b: 1\n' },
    ]);
    const inodeOf = (file: string) => fs.statSync(path.join(root, 'dist', 'staging', file)).ino;
    const [same, changed] = [inodeOf('same.yaml'), inodeOf('changed.yaml')];
    writeOutput(root, [
      { path: 'dist/staging/same.yaml', text: 'a: 1\n' },
      { path: 'dist/staging/changed.yaml', text: 'b: 2\n' },
    ]);
    expect(inodeOf('same.yaml')).toBe(same);
    expect(inodeOf('changed.yaml')).not.toBe(changed);
    expect(fs.readFileSync(path.join(root, 'dist', 'staging', 'changed.yaml'), 'utf8')).toBe('b: 2\n');
    expect(fs.statSync(path.join(root, 'dist', 'staging', 'same.yaml')).nlink).toBe(1);
  });

  test('it returns the paths whose bytes changed, were added or are gone, and none that stayed the same', () => {
    const root = tempDir('synth-changed');
    const files = [
      { path: 'dist/staging/same.yaml', text: 'a: 1\n' },
      { path: 'dist/staging/edited.yaml', text: 'b: 1\n' },
      { path: 'dist/staging/gone.yaml', text: 'c: 1\n' },
      { path: 'clusters/staging/flux-kustomizations.yaml', text: 'd: 1\n' },
    ];
    expect(writeOutput(root, files)).toEqual(files.map((f) => f.path).sort());
    const next = [
      files[0],
      { path: 'dist/staging/edited.yaml', text: 'b: 2\n' },
      { path: 'dist/staging/objects.yaml', objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }] },
      files[3],
    ];
    expect(writeOutput(root, next)).toEqual(['dist/staging/edited.yaml', 'dist/staging/gone.yaml', 'dist/staging/objects.yaml']);
    expect(fs.readFileSync(path.join(root, 'dist/staging/objects.yaml'), 'utf8')).toBe(render(next[2]));
    expect(writeOutput(root, next)).toEqual([]);
  });

  test('a file that cannot be rendered fails with its own error, and nothing is written, inside dist/ or out', () => {
    const root = tempDir('synth-unrenderable');
    writeOutput(root, [
      { path: 'dist/staging/keep.yaml', text: 'kind: Kept\n' },
      { path: 'clusters/staging/flux-kustomizations.yaml', text: 'kind: Entry\n' },
    ]);
    const before = treeHash(root);
    const unrenderable = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
      get data(): never {
        throw new Error('no data to give');
      },
    };
    let thrown: unknown;
    try {
      writeOutput(root, [
        { path: 'clusters/staging/flux-kustomizations.yaml', text: 'kind: New entry\n' },
        { path: 'dist/staging/ok.yaml', text: 'a: 1\n' },
        { path: 'dist/staging/bad.yaml', objects: [unrenderable] },
      ]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(OutputWriteError);
    expect((thrown as Error).message).toBe('no data to give');
    expect(treeHash(root)).toBe(before);
    expect(fs.readdirSync(root).sort()).toEqual(['clusters', 'dist']);
    expect(fs.readdirSync(path.join(root, 'clusters', 'staging'))).toEqual(['flux-kustomizations.yaml']);
  });
});
