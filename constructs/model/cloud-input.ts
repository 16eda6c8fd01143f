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

/**
 * What each app's part of the Terraform is made of (cloud/app-cloud-part.ts), besides the app itself: the
 * cluster's settings, and its appData ledger, whose entry for the app is the part's. The ledger names every
 * app, so it is apart from the settings.
 */
export function appPartInputsOf(cluster: CloudCluster): { settings: Omit<CloudCluster, 'appData'>; ledger: CloudCluster['appData'] } {
  const { appData: ledger, ...settings } = cluster;
  return { settings, ledger };
}
