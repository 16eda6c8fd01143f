import type { AppSpec } from '../model/app-spec';
import type { ClusterSpec } from '../model/cluster-spec';
import { clusterAppsOf } from '../model/resolve';
import { addOnsOf } from '../platform/default-add-ons';
import { declaredWorkloadsOf } from '../platform/declared-workloads';
import { nodePoolMinWarnings } from '../validation/cluster-capacity';
import { buildAll, type SynthInput } from './pipeline';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { newCertificateWarnings } from '../rules/certificate-limits';
import { fluxShardsOf, overfullShardWarnings } from '../model/flux-shards';
import { allObjects, type KubeObject, type OutputFile } from '../model/kube-object';
import { render } from './render';
import { writeOutput } from './write-output';

/** A command line that cannot run: an unknown env or flag. Nothing has been read or written. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** What one env's synth did, for the line a person reads. */
export interface EnvSummary {
  readonly env: string;
  readonly apps: number;
  readonly objects: number;
  /** Files added, changed or removed against what was on disk before. */
  readonly changed: number;
}

export interface SynthReport {
  readonly files: readonly OutputFile[];
  /** Paths, relative to the root, that differ from what was on disk before. */
  readonly changed: readonly string[];
  readonly summary: readonly EnvSummary[];
  /** What synth did but a person should know before merging: e.g. more new certificates than the CA issues in a week. */
  readonly warnings: readonly string[];
}

/**
 * The Kubernetes objects of a generated file as it is on disk before this synth; none if it is not there.
 * Bytes that synth would write again hold the objects it renders them from: only a changed file is parsed.
 */
function objectsOnDisk(root: string, file: OutputFile): readonly KubeObject[] {
  const full = path.join(root, file.path);
  if (!fs.existsSync(full)) return [];
  const text = fs.readFileSync(full, 'utf8');
  if (text === render(file)) return file.objects ?? [];
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject)
    .filter((o) => o?.kind);
}

/** The envs of the clusters, in their order, each once. */
export const envsOf = (clusters: readonly ClusterSpec[]): string[] => [...new Set(clusters.map((c) => c.env))];

/**
 * The envs that `npm run synth -- [--env <env>]...` names (its command line read by main.ts), each once;
 * undefined, for none, means every env. Throws a UsageError for an unknown env.
 */
export function requestedEnvs(named: readonly string[] | undefined, clusters: readonly ClusterSpec[]): string[] | undefined {
  const known = envsOf(clusters);
  const unknown = (named ?? []).find((env) => !known.includes(env));
  if (unknown !== undefined) throw new UsageError(`unknown env "${unknown}" (known: ${known.join(', ')})`);
  return named && named.length > 0 ? [...new Set(named)] : undefined;
}

/**
 * Builds, checks and writes the given envs (default: every env). With envs, only their clusters are
 * built and only their `dist/<env>/` folders and Flux entry points are replaced; the other envs' files
 * stay as they are. Throws a UsageError for an unknown env, a SynthError for bad input; either way
 * nothing is written.
 */
export function synthesizeEnvs(root: string, input: SynthInput, envs?: readonly string[]): SynthReport {
  const known = envsOf(input.clusters);
  const unknown = (envs ?? []).filter((env) => !known.includes(env));
  if (unknown.length > 0) throw new UsageError(`unknown env "${unknown.join('", "')}" (known: ${known.join(', ')})`);
  const clusters = envs ? input.clusters.filter((c) => envs.includes(c.env)) : input.clusters;
  const files = buildAll({ ...input, clusters });
  const warnings = clusters.flatMap((cluster) => {
    const mine = files.filter((f) => f.path.startsWith(`dist/${cluster.env}/`) && f.objects?.some((o) => o.kind === 'Certificate'));
    return [
      ...newCertificateWarnings(
        cluster,
        mine.flatMap((f) => objectsOnDisk(root, f)),
        allObjects(mine),
      ),
      ...overfullShardWarnings(cluster.env, fluxShardsOf(Object.keys(cluster.apps), input.fluxShardLedgers?.[cluster.env])),
      ...nodePoolMinWarningsOf(cluster, input.apps),
    ];
  });
  const changed = writeOutput(root, files, envs ? { envs } : {});
  return { files, changed, summary: summarize(clusters, files, changed), warnings };
}

function nodePoolMinWarningsOf(cluster: ClusterSpec, apps: readonly AppSpec[]): string[] {
  const ctx = { cluster, apps: clusterAppsOf(cluster, apps) };
  return nodePoolMinWarnings(cluster, ctx.apps, declaredWorkloadsOf(addOnsOf(ctx), ctx));
}

/** Per env: the apps its clusters run, the Kubernetes objects it renders, the files that changed. */
export function summarize(clusters: readonly ClusterSpec[], files: readonly OutputFile[], changed: readonly string[]): EnvSummary[] {
  return envsOf(clusters).map((env) => {
    const mine = (p: string) => belongsTo(p, env);
    return {
      env,
      apps: clusters.filter((c) => c.env === env).reduce((n, c) => n + Object.keys(c.apps).length, 0),
      objects: files.filter((f) => mine(f.path)).reduce((n, f) => n + (f.objects?.length ?? 0), 0),
      changed: changed.filter(mine).length,
    };
  });
}

/**
 * Whether a generated file is the env's: under `dist/<env>/`, or, outside dist/, named after the env in a
 * folder or the file name (`clusters/<env>/flux-kustomizations.yaml`, `docs/overview/<env>.md`).
 */
export function belongsTo(file: string, env: string): boolean {
  const parts = file.split('/');
  if (parts[0] === 'dist') return parts[1] === env;
  return parts.slice(0, -1).includes(env) || parts[parts.length - 1].split('.')[0] === env;
}

/** `staging: 3 apps, 212 objects, 0 files changed; prod: …` */
export const formatSummary = (summary: readonly EnvSummary[]): string =>
  summary.map((s) => `${s.env}: ${count(s.apps, 'app')}, ${count(s.objects, 'object')}, ${count(s.changed, 'file')} changed`).join('; ');

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
