import type { StorageDriver } from './app-spec';
import type { ClusterSpec } from './cluster-spec';
import { bucketVolumeSettingsOf, type ResolvedApp } from './resolve';

/**
 * Whether the cluster still holds volumes of `driver`: those of its live apps, and those of the retired apps
 * whose retirement note names the driver (`RetiredAppData.storageDriver`). A retired app's PersistentVolume
 * outlives it, so its driver does too, until the note goes in the final clean-up (docs/retire-an-app.md).
 */
export function keepsVolumesOf(cluster: ClusterSpec, apps: readonly ResolvedApp[], driver: StorageDriver): boolean {
  // An app without storage has Mountpoint volumes too: its backup and restore jobs mount its bucket.
  if (apps.some((app) => bucketVolumeSettingsOf(app).driver === driver)) return true;
  // Also read while validation runs, where a malformed entry is its problem to report: here it is no note.
  return Object.values(cluster.appData ?? {}).some((state) => typeof state === 'object' && state !== null && state.storageDriver === driver);
}
