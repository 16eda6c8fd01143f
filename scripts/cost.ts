/* npm run cost: the estimated monthly cost of each env, with how each figure was reached. */
import * as path from 'node:path';
import { estimateCost, NOT_ESTIMATED, renderCost } from '../constructs/reports/cost-estimate';
import { cloudCountsOf } from '../constructs/reports/cost-inputs';
import { ASSUMPTIONS, PRICES } from '../constructs/reports/prices';
import { clusterAppsOf } from '../constructs/model/resolve';
import { allObjects } from '../constructs/model/kube-object';
import { SynthError } from '../constructs/model/spec-error';
import { loadSpecs, SpecLoadError } from '../constructs/synth/load-specs';
import { buildAll } from '../constructs/synth/pipeline';
import { readFluxShardLedgers, readGatewayLedgers } from '../constructs/synth/ledger-io';
import { readReleases } from '../constructs/synth/releases-io';
import { synthCacheOf } from '../constructs/synth/synth-cache';
import { belongsTo, envsOf } from '../constructs/synth/synth-envs';
import { terraformFileOf } from '../constructs/synth/terraform-file';
import { CommandLineError, readCommandLine, showUsage } from './lib/command-line';

const USAGE = 'usage: npm run cost (no options): the estimated monthly cost of each env';
const root = path.resolve(__dirname, '..');

function main(argv: readonly string[]): number {
  if (readCommandLine(argv, {}, USAGE).help) return showUsage(console, USAGE);
  const { apps, clusters } = loadSpecs(root);
  const envs = envsOf(clusters);
  // What synth would write, built in memory: the counts come from the objects and the Terraform themselves.
  const files = buildAll({
    clusters,
    apps,
    releases: readReleases(root, envs),
    gatewayLedgers: readGatewayLedgers(root, envs),
    fluxShardLedgers: readFluxShardLedgers(root, envs),
    cache: synthCacheOf(root),
  });
  console.log(
    `# Estimated monthly cost (${PRICES.currency}, list prices of ${PRICES.region}/${PRICES.offsiteRegion} recorded ${PRICES.takenOn}; see constructs/reports/prices.ts)\n`,
  );
  for (const cluster of clusters) {
    const terraform = JSON.parse(files.find((f) => f.path === terraformFileOf(cluster.env))!.text!);
    const counts = cloudCountsOf(terraform, allObjects(files.filter((f) => belongsTo(f.path, cluster.env))));
    const estimate = estimateCost(cluster, clusterAppsOf(cluster, apps), counts);
    console.log(renderCost(estimate, cluster.env, cluster.costBudget?.monthlyUsd));
  }
  console.log(
    `Assumptions: ${Object.entries(ASSUMPTIONS)
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ')}. ${NOT_ESTIMATED}`,
  );
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof SynthError || error instanceof SpecLoadError || error instanceof CommandLineError)) throw error;
  console.error(`cost: ${error.message}`);
  process.exit(2);
}
