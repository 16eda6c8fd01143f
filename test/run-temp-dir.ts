import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * One temp folder per test run, removed at its end. Tests, and the tools they start (cdk8s's Testing.app,
 * restic, kubectl), make their temp folders in os.tmpdir(), and many never removed them: every `npm test`
 * left some fifteen behind, about 100 MB (18 GB in /tmp after a few hundred runs). TMPDIR, which os.tmpdir() and the tools read, points into this folder for
 * the run; Jest starts its workers after globalSetup, with its environment.
 */
export const RUN_TEMP_PREFIX = 'webapp-platform-test-';
const RUN_TEMP_ENV = 'WEBAPP_PLATFORM_TEST_TEMP';

export function useRunTempDir(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), RUN_TEMP_PREFIX));
  process.env[RUN_TEMP_ENV] = dir;
  process.env.TMPDIR = dir;
}

export function removeRunTempDir(): void {
  const dir = process.env[RUN_TEMP_ENV];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
