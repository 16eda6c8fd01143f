import type { ClusterSpec } from './cluster-spec';
import type { ResolvedApp } from './resolve';

/**
 * What the cloud side (the Terraform stack and its rules) reads of a cluster's apps: their names and
 * storage. With the cluster spec short of its per-app overrides (already applied to the apps), it is
 * everything the stack is made of, so an app's new release, scaling or env leaves the stack as it is and
 * synth keeps it between runs (synth/synth-cache.ts).
 */
export type CloudApp = Pick<ResolvedApp, 'name' | 'storage'>;

/** The cluster as the cloud side reads it: every setting but the per-app overrides. */
export type CloudCluster = Omit<ClusterSpec, 'apps'>;

export const cloudAppOf = (app: ResolvedApp): CloudApp => ({ name: app.name, ...(app.storage ? { storage: app.storage } : {}) });

export function cloudClusterOf(cluster: ClusterSpec): CloudCluster {
  const { apps: _overrides, ...rest } = cluster;
  return rest;
}
