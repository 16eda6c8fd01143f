import type { AppSpec } from '../model/app-spec';
import type { ClusterSpec } from '../model/cluster-spec';
import { clusterAppsOf } from '../model/resolve';
import type { OutputFile } from '../model/kube-object';
import { renderOverview } from './cluster-overview';

export const overviewFileOf = (env: string): string => `docs/overview/${env}.md`;

/** The overview page of one cluster, from the specs alone (no synth needed). */
export function overviewFile(cluster: ClusterSpec, apps: readonly AppSpec[]): OutputFile {
  return { path: overviewFileOf(cluster.env), text: renderOverview(cluster, clusterAppsOf(cluster, apps)) };
}
