import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURE_OUTPUT_CACHE_ENV, REAL_OUTPUT_CACHE_ENV } from './real-output-cache';
import { removeRunTempDir } from './run-temp-dir';

export default async function globalTeardown(): Promise<void> {
  for (const cacheEnv of [REAL_OUTPUT_CACHE_ENV, FIXTURE_OUTPUT_CACHE_ENV]) {
    const file = process.env[cacheEnv];
    if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
  removeRunTempDir();
}
