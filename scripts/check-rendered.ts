/*
 * npm run check:rendered -- <dir> [<dir> ...] --env <env>
 *
 * Reads every YAML file below the folders (the `helm template` output of each HelmRelease, written by
 * scripts/ci/render-charts.ts, and optionally dist/<env>) and checks every pod against the workloads the
 * env's add-ons declare (constructs/rules/rendered-check.ts). A folder inside the repo's dist/ holds synth's
 * own objects: they need no declaration and are judged at their namespace's level. Exit 2 with the
 * findings, 0 with a summary.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { parseRendered, RenderedInputError, renderedProblems, type RenderedObject } from '../constructs/rules/rendered-check';
import { SynthError } from '../constructs/model/spec-error';
import { declaredWorkloadsOfCluster } from '../constructs/synth/declared-workloads-of-cluster';
import { readReleases } from '../constructs/synth/releases-io';
import { CommandLineError, readCommandLine, showUsage } from './lib/command-line';

const USAGE = 'usage: npm run check:rendered -- <dir> [<dir> ...] --env <env>';
const ROOT = path.resolve(__dirname, '..');

function yamlFilesBelow(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return yamlFilesBelow(full);
      return e.isFile() && /\.ya?ml$/.test(e.name) ? [full] : [];
    })
    .sort();
}

function main(argv: readonly string[]): number {
  const line = readCommandLine(argv, { env: { type: 'string' } }, USAGE, { positionals: true });
  if (line.help) return showUsage(console, USAGE);
  const { values, positionals: dirs } = line;
  const cluster = CLUSTERS.find((c) => c.env === values.env);
  if (dirs.length === 0 || !cluster) {
    const why =
      dirs.length === 0 ? 'give at least one folder' : `--env ${JSON.stringify(values.env)} is not an env (known: ${CLUSTERS.map((c) => c.env).join(', ')})`;
    console.error(`check:rendered: ${why}; ${USAGE}`);
    return 2;
  }
  const rendered: RenderedObject[] = [];
  for (const dir of dirs) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      console.error(`check:rendered: folder "${dir}" does not exist; ${USAGE}`);
      return 2;
    }
    // A folder inside the repo's dist/ holds synth's own objects; any other, chart renders.
    const source = path.resolve(dir).startsWith(path.join(ROOT, 'dist') + path.sep) ? 'synth' : 'chart';
    for (const file of yamlFilesBelow(dir)) {
      rendered.push(...parseRendered(path.join(path.basename(path.resolve(dir)), path.relative(dir, file)), fs.readFileSync(file, 'utf8'), source));
    }
  }
  const declared = declaredWorkloadsOfCluster(cluster, APPS, readReleases(ROOT, [cluster.env]));
  const problems = renderedProblems(rendered, declared);
  const files = new Set(rendered.map((r) => r.file)).size;
  if (problems.length > 0) {
    for (const p of problems) console.error(p);
    console.error(`check:rendered: ${cluster.env}: ${problems.length} finding(s) in ${files} files`);
    return 2;
  }
  const workloads = rendered.filter((r) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'].includes(r.object.kind)).length;
  const budgets = rendered.filter((r) => r.object.kind === 'PodDisruptionBudget').length;
  console.log(`check:rendered: ${cluster.env}: ${files} files, ${rendered.length} objects, ${workloads} workloads, ${budgets} disruption budgets: no findings`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof RenderedInputError) && !(error instanceof SynthError) && !(error instanceof CommandLineError)) throw error;
  console.error(`check:rendered: ${error.message}`);
  process.exitCode = 2;
}
