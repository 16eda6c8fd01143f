import * as fs from 'node:fs';
import * as path from 'node:path';
import { REAL_OUTPUT_CACHE_ENV } from './real-output-cache';

export default async function globalTeardown(): Promise<void> {
  const file = process.env[REAL_OUTPUT_CACHE_ENV];
  if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
