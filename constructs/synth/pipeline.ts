import type { AppSpec } from '../model/app-spec';
import type { ClusterSpec } from '../model/cluster-spec';
import type { Releases } from '../model/releases';
import { validateEdgeInput } from '../validation/edge-validation';
import { validateInput } from '../validation/input-validation';
import { outputProblems } from '../rules/output-rules';
import { validateReleases } from '../validation/release-validation';
import { validateProvenReleases } from '../validation/proven-releases';
import { schemaProblems } from '../schemas/schema-validation';
import { SpecProblem, SynthError } from '../model/spec-error';
import { buildCluster } from './build-cluster';
import { withSourceFiles } from './source-files';
import type { FluxShardLedgers, GatewayLedgers } from './ledger-io';
import { allObjects, type OutputFile } from '../model/kube-object';
import { writeOutput } from './write-output';

export interface SynthInput {
  readonly clusters: readonly ClusterSpec[];
  readonly apps: readonly AppSpec[];
  /** Each env's releases file (clusters/<env>/releases.json): the version every app runs. */
  readonly releases: Releases;
  /**
   * The releases files the change starts from: the base branch in CI, the last commit for `npm run synth`,
   * the files on disk for a release command. Against them, a version that is new in prod must have run in
   * staging (constructs/validation/proven-releases.ts). @default none: that check is not made
   */
  readonly baseReleases?: Releases;
  /** Each env's gateway ledger (clusters/<env>/gateway-ledger.json): which Gateway holds each host. @default none: placed afresh */
  readonly gatewayLedgers?: GatewayLedgers;
  /** Each env's Flux shard ledger (clusters/<env>/flux-shards.json): which Kustomizations apply each app. @default none: placed afresh */
  readonly fluxShardLedgers?: FluxShardLedgers;
  /** The folder where synth keeps each app's files and each cluster's Terraform between runs, by their input and the code (synth-cache.ts). @default none: everything built afresh */
  readonly cache?: string;
}

/** Builds and checks every cluster, in memory. Throws one SynthError with every problem of the first failing stage. */
export function buildAll(input: SynthInput): OutputFile[] {
  checkInput(input);
  const perCluster = input.clusters.map((cluster) => ({
    cluster,
    files: buildCluster(cluster, input.apps, input.releases, input.gatewayLedgers?.[cluster.env], input.cache, input.fluxShardLedgers?.[cluster.env]),
  }));
  // Both output checks run, so one synth reports every schema and policy problem at once.
  const invalid = perCluster.flatMap(({ cluster, files }) => schemaProblems(allObjects(files)).map((p) => `${cluster.name}: ${p}`));
  let unsafe: string[] = [];
  try {
    unsafe = perCluster.flatMap(({ cluster, files }) => outputProblems(allObjects(files), cluster).map((p) => `${cluster.name}: ${p}`));
  } catch (error) {
    // A rule that trips over an object the schemas refused adds nothing: the schema problem is the one to fix.
    if (invalid.length === 0) throw error;
  }
  const failed = [invalid.length > 0 && 'objects do not match their schemas', unsafe.length > 0 && 'policy rules failed'].filter(Boolean);
  if (failed.length > 0) throw new SynthError([...invalid, ...unsafe], failed.join('; '));
  return perCluster.flatMap(({ files }) => files);
}

/**
 * The checks on the specs and releases files, every one of them, so that one synth reports all problems
 * at once; the SynthError names, per problem, the file to edit. A later check that trips over input an
 * earlier one already refused adds nothing: the earlier problem is the one to fix.
 */
export function checkInput(input: SynthInput): void {
  const checks = [
    () => validateInput(input.clusters, input.apps),
    () => validateEdgeInput(input.clusters, input.apps),
    () => validateReleases(input.clusters, input.apps, input.releases),
    () => input.baseReleases && validateProvenReleases(input.apps, input.releases, input.baseReleases),
  ];
  const problems: (SpecProblem | string)[] = [];
  const headings: string[] = [];
  for (const check of checks) {
    try {
      check();
    } catch (error) {
      if (!(error instanceof SynthError)) {
        if (problems.length > 0) continue;
        throw error;
      }
      problems.push(...error.problems);
      if (!headings.includes(error.heading)) headings.push(error.heading);
    }
  }
  if (problems.length > 0) throw withSourceFiles(new SynthError(problems, headings.join('; ')), input);
}

/** The whole synth: build, validate, then write. On any error nothing is written. */
export function synthesize(root: string, input: SynthInput): OutputFile[] {
  const files = buildAll(input);
  writeOutput(root, files);
  return files;
}
