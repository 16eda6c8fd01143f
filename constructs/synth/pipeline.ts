import type { AppSpec } from '../model/app-spec';
import type { ClusterSpec } from '../model/cluster-spec';
import type { Releases } from '../model/releases';
import { validateEdgeInput } from '../validation/edge-validation';
import { validateInput } from '../validation/input-validation';
import { outputProblems } from '../rules/output-rules';
import { validateReleases } from '../validation/release-validation';
import { schemaProblems } from '../schemas/schema-validation';
import { SynthError } from '../model/spec-error';
import { buildCluster } from './build-cluster';
import { withSourceFiles } from './source-files';
import type { GatewayLedgers } from './gateway-ledger-io';
import { allObjects, type OutputFile } from '../model/kube-object';
import { writeOutput } from './write-output';

export interface SynthInput {
  readonly clusters: readonly ClusterSpec[];
  readonly apps: readonly AppSpec[];
  /** Each env's releases file (clusters/<env>/releases.json): the version every app runs. */
  readonly releases: Releases;
  /** Each env's gateway ledger (clusters/<env>/gateway-ledger.json): which Gateway holds each host. @default none: placed afresh */
  readonly gatewayLedgers?: GatewayLedgers;
}

/** Builds and checks every cluster, in memory. Throws a SynthError on the first failing stage. */
export function buildAll(input: SynthInput): OutputFile[] {
  checkInput(input);
  const perCluster = input.clusters.map((cluster) => ({
    cluster,
    files: buildCluster(cluster, input.apps, input.releases, input.gatewayLedgers?.[cluster.env]),
  }));
  const invalid = perCluster.flatMap(({ cluster, files }) => schemaProblems(allObjects(files)).map((p) => `${cluster.name}: ${p}`));
  if (invalid.length > 0) throw new SynthError(invalid, 'objects do not match their schemas');
  const unsafe = perCluster.flatMap(({ cluster, files }) => outputProblems(allObjects(files), cluster).map((p) => `${cluster.name}: ${p}`));
  if (unsafe.length > 0) throw new SynthError(unsafe, 'policy rules failed');
  return perCluster.flatMap(({ files }) => files);
}

/** The checks on the specs and releases files; the SynthError names, per problem, the file to edit. */
export function checkInput(input: SynthInput): void {
  try {
    validateInput(input.clusters, input.apps);
    validateEdgeInput(input.clusters, input.apps);
    validateReleases(input.clusters, input.apps, input.releases);
  } catch (error) {
    throw error instanceof SynthError ? withSourceFiles(error, input) : error;
  }
}

/** The whole synth: build, validate, then write. On any error nothing is written. */
export function synthesize(root: string, input: SynthInput): OutputFile[] {
  const files = buildAll(input);
  writeOutput(root, files);
  return files;
}
