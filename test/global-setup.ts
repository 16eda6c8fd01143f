import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURE_OUTPUT_CACHE_ENV, REAL_OUTPUT_CACHE_ENV } from './real-output-cache';
import { useRunTempDir } from './run-temp-dir';

/**
 * Builds the repo's real clusters and the fixture clusters once for the whole run and leaves them in a temp file that every test
 * file reads instead of building them again (26 files did, about 2 s each). A build that fails writes
 * nothing: each file then builds and reports the error itself.
 */
export default async function globalSetup(): Promise<void> {
  useRunTempDir();
  const { buildAll } = await import('../constructs/synth/pipeline');
  const { REAL_INPUT, FIXTURE_INPUT } = await import('./support');
  for (const [input, cacheEnv] of [
    [REAL_INPUT, REAL_OUTPUT_CACHE_ENV],
    [FIXTURE_INPUT, FIXTURE_OUTPUT_CACHE_ENV],
  ] as const) {
    try {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'synth-output-')), 'output.json');
      fs.writeFileSync(file, JSON.stringify(buildAll(input)));
      process.env[cacheEnv] = file;
    } catch {
      delete process.env[cacheEnv];
    }
  }
}
