import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OutputFile } from './kube-object';
import { render } from './render';

const DIST = 'dist';

/**
 * Writes every generated file. dist/ is built whole in a sibling folder and swapped in by rename, so a
 * reader sees the old dist/ or the new one, never a mix. Files outside dist/ (the Flux entry points)
 * are each replaced by rename.
 */
export function writeOutput(root: string, files: readonly OutputFile[]): void {
  const prefix = `${DIST}/`;
  const fresh = fs.mkdtempSync(path.join(root, '.dist-new-'));
  try {
    for (const file of files.filter((f) => f.path.startsWith(prefix))) {
      writeFile(path.join(fresh, file.path.slice(prefix.length)), render(file));
    }
    const outside = files.filter((f) => !f.path.startsWith(prefix)).map((file) => {
      const target = path.join(root, file.path);
      const temp = `${target}.tmp-${process.pid}`;
      writeFile(temp, render(file));
      return { temp, target };
    });

    const dist = path.join(root, DIST);
    const old = path.join(root, `.dist-old-${process.pid}`);
    if (fs.existsSync(dist)) fs.renameSync(dist, old);
    fs.renameSync(fresh, dist);
    for (const { temp, target } of outside) fs.renameSync(temp, target);
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(fresh, { recursive: true, force: true });
  }
}

function writeFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}
