import type { ClusterSpec } from '../model/cluster-spec';
import { SpecProblem, SynthError } from '../policy/spec-error';

/** The file that defines an app: one per app, named after it. */
export const appFileOf = (app: string): string => `apps/${app}.ts`;
/** The file that defines an env's cluster. */
export const clusterFileOf = (env: string): string => `clusters/${env}/cluster.ts`;

/**
 * The input file a problem points at, when it does not say: the cluster file for a cluster's own field
 * or an app's per-env override there, else the app's file.
 */
export function sourceFileOf(problem: SpecProblem, clusters: readonly ClusterSpec[]): string | undefined {
  if (problem.where.file !== undefined) return problem.where.file;
  const cluster = clusters.find((c) => c.name === problem.where.cluster);
  const app = problem.where.app;
  if (app === undefined) return cluster ? clusterFileOf(cluster.env) : undefined;
  const topField = problem.field.split(/[.[]/)[0];
  const override = cluster?.apps[app] as Record<string, unknown> | undefined;
  if (cluster && override !== undefined && topField in override) return clusterFileOf(cluster.env);
  return appFileOf(app);
}

/** The error's message with each problem's file named, for the person who has to fix it. */
export function describeWithFiles(error: SynthError, clusters: readonly ClusterSpec[]): string {
  const heading = error.message.split('\n')[0];
  const lines = error.problems.map((p) => {
    if (!(p instanceof SpecProblem)) return p.toString();
    const file = sourceFileOf(p, clusters);
    return (file === undefined ? p : new SpecProblem({ ...p.where, file }, p.field, p.value, p.problem)).toString();
  });
  return `${heading}\n${lines.map((l) => `  - ${l}`).join('\n')}`;
}
