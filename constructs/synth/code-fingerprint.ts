import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
/**
 * What output is made by: our code (every file under constructs/, data files too), the packages it runs on
 * and the one change the loader makes to them (scripts/lib/cdk8s-plus-json-filter.cjs), how TypeScript is
 * compiled, and Node.
 */
const CODE = ['constructs', 'package-lock.json', 'package.json', 'scripts/lib/cdk8s-plus-json-filter.cjs', 'tsconfig.json'];

let fingerprint: string | undefined;

/** A digest of the code that builds, checks and renders the output: any change to it changes the digest. Computed once per process. */
export function codeFingerprint(): string {
  if (fingerprint === undefined) {
    const hash = crypto.createHash('sha256').update(`node ${process.version} ${process.arch}\0`);
    for (const file of CODE.flatMap(filesUnder).sort())
      hash
        .update(`${file}\0`)
        .update(fs.readFileSync(path.join(REPO_ROOT, file)))
        .update('\0');
    fingerprint = hash.digest('hex');
  }
  return fingerprint;
}

/** The files at a path relative to the repo root: itself, or every file below it, as relative paths. */
function filesUnder(relative: string): string[] {
  const full = path.join(REPO_ROOT, relative);
  if (!fs.statSync(full).isDirectory()) return [relative];
  return fs
    .readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(REPO_ROOT, path.join(entry.parentPath ?? entry.path, entry.name)));
}
