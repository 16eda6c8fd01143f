import * as fs from 'node:fs';
import * as path from 'node:path';
import { releasesFileOf, type Releases, type ReleasesFile } from '../model/releases';
import { SynthError } from '../policy/spec-error';

/** Reads `clusters/<env>/releases.json` of each env below root. Its contents are checked by validateReleases. */
export function readReleases(root: string, envs: readonly string[]): Releases {
  return Object.fromEntries([...new Set(envs)].map((env) => [env, readReleasesFile(root, env)]));
}

export function readReleasesFile(root: string, env: string): ReleasesFile {
  const file = releasesFileOf(env);
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, file), 'utf8');
  } catch {
    throw new SynthError([`file "${file}", env "${env}": cannot be read: every env needs its releases file (see README, "Releases")`], 'invalid releases');
  }
  try {
    return JSON.parse(text) as ReleasesFile;
  } catch (error) {
    throw new SynthError([`file "${file}", env "${env}": is not valid JSON: ${(error as Error).message}`], 'invalid releases');
  }
}
