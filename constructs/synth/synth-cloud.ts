import * as os from 'node:os';
import { AnnotationMetadataEntryType, App } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import type { ClusterSpec } from '../model/cluster-spec';
import type { ResolvedApp } from '../model/resolve';
import { SynthError } from '../model/spec-error';
import { CloudStack } from '../cloud/cloud-stack';
import { cloudProblems, type TerraformJson } from '../rules/cloud/cloud-rules';

/** The Terraform of one env, relative to the repo root: outside every Flux path, next to the YAML. */
export const terraformFileOf = (env: string): string => `dist/${env}/terraform/main.tf.json`;

/**
 * Builds one cluster's CDKTF stack in memory and returns its Terraform JSON, checked by the cloud rules.
 * Nothing is written: the App's outdir is the existing temp dir, and the JSON comes from toTerraform(),
 * so the synth pipeline writes it atomically with the rest of dist/. Keys are sorted and stack traces
 * left out, so the same input gives the same bytes.
 */
export function synthCloud(cluster: ClusterSpec, apps: readonly ResolvedApp[]): { json: TerraformJson; text: string } {
  return withoutCreationStacks(() => buildCloud(cluster, apps));
}

function buildCloud(cluster: ClusterSpec, apps: readonly ResolvedApp[]): { json: TerraformJson; text: string } {
  const app = new App({ outdir: os.tmpdir(), stackTraces: false });
  const stack = new CloudStack(app, cluster.env, { cluster, apps });
  invokeAspects(stack);
  stack.runAllValidations();
  const errors = stack.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.ERROR).map((m) => `[${c.node.path}] ${String(m.data)}`));
  if (errors.length > 0) throw new SynthError(errors, `CDKTF stack ${cluster.env} has errors`);

  const json = sortKeys(stack.toTerraform()) as TerraformJson;
  const problems = cloudProblems(json, cluster, apps);
  if (problems.length > 0) throw new SynthError(problems, `cloud policy rules failed for ${cluster.name}`);
  return { json, text: `${JSON.stringify(json, null, 2)}\n` };
}

/**
 * Runs fn with stack traces that format to nothing. CDKTF records a full stack trace (unlimited depth) for
 * every token it creates, only to quote it should that token later fail to resolve; with source maps on
 * (tsx, jest) each one costs a source-map lookup per frame, about 30% of a large synth. Errors thrown by fn
 * are not affected: V8 formats a stack when it is first read, after the formatter is restored.
 */
function withoutCreationStacks<T>(fn: () => T): T {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = () => '';
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = previous;
  }
}

/** A copy with every object's keys in code-point order: stable bytes however the stack was built. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
