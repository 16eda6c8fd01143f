import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempFileOf } from '../../constructs/synth/output-leftovers';

/* How the commands that edit the repo's source files (new-app, retire) read, write and put them back. */

export function readIfExists(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

/** Writes through a temp file beside the target (named as synth's leftover cleanup knows it), then renames. */
export function writeAtomically(file: string, content: string): void {
  const temp = tempFileOf(file, process.pid);
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
}

/** Puts each file back as it was: its old content, or gone where it did not exist. */
export function restore(root: string, originals: ReadonlyMap<string, string | undefined>): void {
  for (const [file, content] of originals) {
    if (content === undefined) fs.rmSync(path.join(root, file), { force: true });
    else writeAtomically(path.join(root, file), content);
  }
}
