import type { AppSpec } from '../model/app-spec';
import type { ClusterSpec } from '../model/cluster-spec';
import { resolveApp } from '../model/resolve';
import type { OutputFile } from '../synth/kube-object';
import { renderOverview } from './cluster-overview';

export const overviewFileOf = (env: string): string => `docs/overview/${env}.md`;

/** The overview page of one cluster, from the specs alone (no synth needed). */
export function overviewFile(cluster: ClusterSpec, apps: readonly AppSpec[]): OutputFile {
  const byName = new Map(apps.map((a) => [a.name, a]));
  const resolved = Object.keys(cluster.apps)
    .sort()
    .map((name) => resolveApp(byName.get(name)!, cluster));
  return { path: overviewFileOf(cluster.env), text: renderOverview(cluster, resolved) };
}
