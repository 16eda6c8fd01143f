import * as os from 'node:os';
import { AnnotationMetadataEntryType, App } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import type { ClusterSpec } from '../model/cluster-spec';
import type { ResolvedApp } from '../model/resolve';
import { SynthError } from '../model/spec-error';
import { CloudStack } from './cloud-stack';
import type { TerraformJson } from './terraform-json';

/**
 * Builds one cluster's CDKTF stack in memory and returns its Terraform JSON. Nothing is written: the App's
 * outdir is the existing temp dir, and the JSON comes from toTerraform(), so the synth pipeline writes it
 * atomically with the rest of dist/. Keys are sorted and stack traces left out, so the same input gives
 * the same bytes.
 */
export function terraformOf(cluster: ClusterSpec, apps: readonly ResolvedApp[]): TerraformJson {
  return withoutCreationStacks(() => {
    const app = new App({ outdir: os.tmpdir(), stackTraces: false });
    const stack = new CloudStack(app, cluster.env, { cluster, apps });
    invokeAspects(stack);
    stack.runAllValidations();
    const errors = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.ERROR).map((m) => `[${c.node.path}] ${String(m.data)}`));
    if (errors.length > 0) throw new SynthError(errors, `CDKTF stack ${cluster.env} has errors`);
    return sortKeys(stack.toTerraform()) as TerraformJson;
  });
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
