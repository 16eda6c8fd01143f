import type { AppSpec } from '../model/app-spec';
import type { ClusterSpec } from '../model/cluster-spec';
import type { Releases } from '../model/releases';
import { clusterAppsOf } from '../model/resolve';
import type { DeclaredWorkload } from '../platform/chart-workload';
import { addOnsOf } from '../platform/default-add-ons';
import { declaredWorkloadsOf } from '../platform/declared-workloads';
import { validateReleases } from '../validation/release-validation';

/**
 * Every workload the add-ons of one cluster declare, from the same context synth builds the cluster with
 * (constructs/synth/build-cluster.ts): its spec, and its apps at the versions its releases file pins.
 */
export function declaredWorkloadsOfCluster(cluster: ClusterSpec, apps: readonly AppSpec[], releases: Releases): DeclaredWorkload[] {
  validateReleases([cluster], apps, releases);
  const resolved = clusterAppsOf(cluster, apps, (name) => releases[cluster.env]!.apps![name]!.current!);
  const ctx = { cluster, apps: resolved };
  return declaredWorkloadsOf(addOnsOf(ctx), ctx);
}
