import * as path from 'node:path';
import type { AppSpec } from '../model/app-spec';
import { clusterFileOf, type ClusterSpec } from '../model/cluster-spec';
import { SpecProblem, SynthError } from '../model/spec-error';

/** Where `new-app` writes an app's file: one per app, named after it. Errors name the file the spec really came from (specFileOf). */
export const appFileOf = (app: string): string => `apps/${app}.ts`;
export { clusterFileOf };

/** The specs a problem can point into. */
export interface SpecSources {
  readonly clusters: readonly ClusterSpec[];
  readonly apps: readonly AppSpec[];
}

const ROOT = path.resolve(__dirname, '..', '..');
const exporterCache = new WeakMap<object, string | undefined>();

/**
 * The file, relative to the repo root, whose module exports this very object: where the spec was
 * written, whatever its `name` says. Undefined for a spec made in memory (a test's patched copy).
 */
export function specFileOf(spec: object): string | undefined {
  if (!exporterCache.has(spec)) exporterCache.set(spec, exporterOf(spec));
  return exporterCache.get(spec);
}

function exporterOf(value: object): string | undefined {
  if (typeof require === 'undefined') return undefined; // loaded as an ES module: no module registry to ask
  const exporters = Object.values(require.cache).filter(
    (m): m is NodeModule => m !== undefined && !m.filename.split(path.sep).includes('node_modules') && exportsValue(m, value),
  );
  // An index that re-exports the spec is not where it was written: take the module that imports none of the others.
  const own = exporters.find((m) => !exporters.some((other) => other !== m && m.children.includes(other)));
  return own && path.relative(ROOT, own.filename).split(path.sep).join('/');
}

function exportsValue(module: NodeModule, value: object): boolean {
  const exported: unknown = module.exports;
  if (exported === value) return true;
  if (typeof exported !== 'object' || exported === null) return false;
  try {
    return Object.values(exported).includes(value);
  } catch {
    return false; // a getter that throws: not this module
  }
}

/**
 * The file a problem points at, when it does not say: the file the offending value was written in.
 * For an app in a cluster that is the cluster file when the cluster's entry for the app (its per-env
 * override) supplies the field, or when the field is the cluster's own (`appData`, `access`, …);
 * else the app's file.
 */
export function sourceFileOf(problem: SpecProblem, sources: SpecSources): string | undefined {
  const { where, field, value } = problem;
  if (where.file !== undefined) return where.file;
  const segments = fieldSegments(field);
  const cluster =
    where.cluster === undefined
      ? undefined
      : pick(
          sources.clusters.filter((c) => c.name === where.cluster),
          segments,
          value,
          (c) => clusterFileOf(c.env),
        );
  if (where.app === undefined) return cluster && specFileOf(cluster);
  if (cluster) {
    const top = segments[0];
    const override = (cluster.apps as Record<string, unknown>)[where.app];
    // `name` and `env` are fields of both specs; for a problem about an app they are the app's.
    const clusterField = top !== 'name' && top !== 'env' && top in cluster;
    if (clusterField || supplies(override, segments)) return specFileOf(cluster);
  }
  const app = pick(
    sources.apps.filter((a) => a.name === where.app),
    segments,
    value,
    (a) => appFileOf(a.name),
  );
  return app && specFileOf(app);
}

/** The same error, each problem naming the file to edit where one is known. */
export function withSourceFiles(error: SynthError, sources: SpecSources): SynthError {
  const problems = error.problems.map((p) => {
    if (!(p instanceof SpecProblem) || p.where.file !== undefined) return p;
    const file = sourceFileOf(p, sources);
    return file === undefined ? p : new SpecProblem({ ...p.where, file }, p.field, p.value, p.problem);
  });
  return new SynthError(problems as SpecProblem[], error.heading);
}

/**
 * The one spec among those sharing a name that the problem is about: the one holding the offending
 * value; among equals (two copies of a file), a copy rather than the file at its conventional place.
 */
function pick<T extends object>(candidates: readonly T[], segments: readonly string[], value: unknown, conventionalFile: (spec: T) => string): T | undefined {
  if (candidates.length <= 1) return candidates[0];
  const holding = candidates.filter((c) => sameValue(valueAt(c, segments), value));
  const among = holding.length > 0 ? holding : candidates;
  const copies = among.filter((c) => specFileOf(c) !== conventionalFile(c));
  return (copies.length > 0 ? copies : among).at(-1);
}

/** `a.b[0]['c.d']` → a, b, 0, c.d */
export function fieldSegments(field: string): string[] {
  return [...field.matchAll(/\['([^']*)'\]|\[(\d+)\]|([^.[\]]+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/**
 * Whether an override object gives the value at this path. A value it replaces whole (a list, a number)
 * counts, whatever the rest of the path; a key it does not hold in an object it merges (`env`) does not.
 */
function supplies(override: unknown, segments: readonly string[]): boolean {
  let current = override;
  for (const [i, segment] of segments.entries()) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return current !== undefined && i > 0;
    const record = current as Record<string, unknown>;
    const rest = segments.slice(i).join('.');
    if (i > 0 && rest in record) return true; // a key with dots in it: `env['my.var']`
    if (!(segment in record)) return false;
    current = record[segment];
  }
  return current !== undefined;
}

function valueAt(spec: unknown, segments: readonly string[]): unknown {
  let current = spec;
  for (const [i, segment] of segments.entries()) {
    if (typeof current !== 'object' || current === null) return undefined;
    const record = current as Record<string, unknown>;
    const rest = segments.slice(i).join('.');
    if (!(segment in record) && rest in record) return record[rest];
    current = record[segment];
  }
  return current;
}

const sameValue = (a: unknown, b: unknown): boolean => a === b || (a !== undefined && JSON.stringify(a) === JSON.stringify(b));
