import type { AppSpec } from '../model/app-spec';
import type { ClusterSpec } from '../model/cluster-spec';
import { validateInput } from '../policy/input-validation';
import { outputProblems } from '../policy/output-rules';
import { schemaProblems } from '../policy/schema-validation';
import { SynthError } from '../policy/spec-error';
import { buildCluster } from './build-cluster';
import { allObjects, type OutputFile } from './kube-object';
import { writeOutput } from './write-output';

export interface SynthInput {
  readonly clusters: readonly ClusterSpec[];
  readonly apps: readonly AppSpec[];
}

/** Builds and checks every cluster, in memory. Throws a SynthError on the first failing stage. */
export function buildAll(input: SynthInput): OutputFile[] {
  validateInput(input.clusters, input.apps);
  const files = input.clusters.flatMap((cluster) => buildCluster(cluster, input.apps));
  const objects = allObjects(files);
  const invalid = schemaProblems(objects);
  if (invalid.length > 0) throw new SynthError(invalid, 'objects do not match their schemas');
  const unsafe = outputProblems(objects);
  if (unsafe.length > 0) throw new SynthError(unsafe, 'policy rules failed');
  return files;
}

/** The whole synth: build, validate, then write. On any error nothing is written. */
export function synthesize(root: string, input: SynthInput): OutputFile[] {
  const files = buildAll(input);
  writeOutput(root, files);
  return files;
}
