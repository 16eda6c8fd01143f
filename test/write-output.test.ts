import * as fs from 'node:fs';
import * as path from 'node:path';
import { synthesize } from '../constructs/synth/pipeline';
import { writeOutput } from '../constructs/synth/write-output';
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
});
