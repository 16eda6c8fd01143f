import * as os from 'node:os';
import { AnnotationMetadataEntryType, App } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import type { CloudApp, CloudCluster } from '../model/cloud-input';
import { SynthError } from '../model/spec-error';
import { CloudStack } from './cloud-stack';
import { stackJsonOf } from './stack-json';
import { keptPartsOf, type AppCloudPart } from './app-cloud-part';
import type { TerraformJson } from './terraform-json';

/**
 * Builds one cluster's CDKTF stack in memory and returns its Terraform JSON. Nothing is written: the App's
 * outdir is the existing temp dir, and the JSON is toTerraform()'s (stackJsonOf), so the synth pipeline writes
 * it atomically with the rest of dist/. Keys are sorted and stack traces left out, so the same input gives
 * the same bytes.
 */
export const terraformOf = (cluster: CloudCluster, apps: readonly CloudApp[]): TerraformJson => terraformFromPartsOf(cluster, apps).json;

/**
 * terraformOf(), with the parts of apps kept from an earlier run merged in for those apps, which are not
 * built (app-cloud-part.ts); and, with `keepParts`, the parts of the apps built here, to be kept.
 */
export function terraformFromPartsOf(
  cluster: CloudCluster,
  apps: readonly CloudApp[],
  keptParts: ReadonlyMap<string, AppCloudPart> = new Map(),
  keepParts = false,
): { json: TerraformJson; builtParts: Map<string, AppCloudPart> } {
  return withoutCreationStacks(() => {
    const app = new App({ outdir: os.tmpdir(), stackTraces: false });
    const stack = new CloudStack(app, cluster.env, { cluster, apps, keptParts });
    invokeAspects(stack);
    stack.runAllValidations();
    const errors = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.ERROR).map((m) => `[${c.node.path}] ${String(m.data)}`));
    if (errors.length > 0) throw new SynthError(errors, `CDKTF stack ${cluster.env} has errors`);
    const json = stackJsonOf(
      stack,
      [...keptParts.values()].map((part) => part.terraform),
    ) as TerraformJson;
    return { json, builtParts: keepParts ? keptPartsOf(stack.builtParts, json as Record<string, unknown>) : new Map() };
  });
}

/**
 * Runs fn without stack traces. CDKTF records a full stack trace (unlimited depth: it sets
 * Error.stackTraceLimit to the largest integer each time) for every token and complex attribute it creates,
 * only to quote it should that token later fail to resolve; at a thousand apps that is hundreds of
 * thousands of traces, each a walk of the whole call stack. While fn runs, Error.stackTraceLimit is an
 * accessor that reads 0 and ignores writes: V8 captures frames only when it finds a number there as a plain
 * data property, so no trace is taken at all. Errors thrown by fn keep their message, without frames.
 */
function withoutCreationStacks<T>(fn: () => T): T {
  const limit = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
  Object.defineProperty(Error, 'stackTraceLimit', { configurable: true, enumerable: true, get: () => 0, set: () => undefined });
  try {
    return fn();
  } finally {
    if (limit) Object.defineProperty(Error, 'stackTraceLimit', limit);
    else delete (Error as { stackTraceLimit?: number }).stackTraceLimit;
  }
}
