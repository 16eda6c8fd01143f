import { spawnSync } from 'node:child_process';

/**
 * Whether a system tool is on PATH. Absent locally, the test says loudly that it skips and how to
 * install the tool; under CI (CI=true) an absent tool fails the run, since .ci/run installs it.
 */
export function requireTool(name: string, install: string): boolean {
  const found = spawnSync(name, ['version', '--client'], { encoding: 'utf8' }).error === undefined;
  if (found) return true;
  const message = `${name} is not installed: ${install}`;
  if (process.env.CI === 'true') throw new Error(`${message} (required under CI)`);
  console.warn(`SKIPPED: ${message}`);
  return false;
}
