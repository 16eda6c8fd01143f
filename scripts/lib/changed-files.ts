import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where the commands and the synth they run write: the specs, the releases files, dist/ and the generated docs. */
const WRITTEN_DIRS = ['apps', 'clusters', 'dist', 'docs'];

/** Every file below the folders the commands write, by path relative to root, with its bytes. */
export function snapshotFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    const full = path.join(root, dir);
    if (!fs.existsSync(full)) return;
    for (const entry of fs.readdirSync(full, { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) files.set(rel, fs.readFileSync(path.join(root, rel), 'utf8'));
    }
  };
  WRITTEN_DIRS.forEach(walk);
  return files;
}

/** The files added, changed or removed between two snapshots, sorted, leaving out `except`. */
export function changedFiles(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, except: Iterable<string> = []): string[] {
  const skip = new Set(except);
  return [...new Set([...before.keys(), ...after.keys()])].filter((f) => !skip.has(f) && before.get(f) !== after.get(f)).sort();
}
