/**
 * `npm run preflight -- [--env <env>]`: lists every placeholder left in an env's specs and every prerequisite
 * before anyone runs Terraform (constructs/synth/preflight.ts). Exit code 0 when no placeholder is left
 * (or for `--help`), 1 while any is, 2 for bad input. Reads only; writes nothing.
 */
import { describePreflightItem, preflightOf } from '../../constructs/synth/preflight';
import { readReleasesFile } from '../../constructs/synth/releases-io';
import { SynthError } from '../../constructs/model/spec-error';
import { CommandLineError, readCommandLine, showUsage } from './command-line';
import type { Console } from './commands';
import type { Repo } from './release';

export const PREFLIGHT_USAGE = 'usage: npm run preflight -- [--env <env>] (every env when none is given)';

export function preflightCli(argv: readonly string[], repo: Repo, out: Console): number {
  let env: string | undefined;
  try {
    const line = readCommandLine(argv, { env: { type: 'string' } }, PREFLIGHT_USAGE);
    if (line.help) return showUsage(out, PREFLIGHT_USAGE);
    env = line.values.env;
  } catch (error) {
    if (!(error instanceof CommandLineError)) throw error;
    out.error(`preflight failed: ${error.message}`);
    return 2;
  }
  const clusters = env === undefined ? repo.clusters : repo.clusters.filter((c) => c.env === env);
  if (clusters.length === 0) {
    out.error(`preflight failed: field "--env" = "${env}": is no env of clusters/ (envs: ${repo.clusters.map((c) => c.env).join(', ')}); ${PREFLIGHT_USAGE}`);
    return 2;
  }
  let left = 0;
  for (const cluster of clusters) {
    let items;
    try {
      items = preflightOf(cluster, repo.apps, readReleasesFile(repo.root, cluster.env));
    } catch (error) {
      if (!(error instanceof SynthError)) throw error;
      out.error(`preflight failed: ${error.problems.map(String).join('; ')}`);
      return 2;
    }
    const placeholders = items.filter((i) => i.kind === 'placeholder');
    left += placeholders.length;
    for (const item of items) out.log(`${cluster.env}: ${describePreflightItem(item)}`);
    out.log(
      placeholders.length === 0
        ? `${cluster.env}: no placeholder left; do the prerequisites above, then docs/bootstrap.md step 1`
        : `${cluster.env}: ${placeholders.length} placeholder${placeholders.length === 1 ? '' : 's'} left: replace each before running Terraform`,
    );
  }
  return left === 0 ? 0 : 1;
}
