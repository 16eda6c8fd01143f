import type { AppSpec, BackupSpec, EdgeSpec, EnvName, RetentionSpec, StorageSpec } from './app-spec';
import type { ClusterSpec } from './cluster-spec';
import { pinnedImageOf, type ReleaseVersion } from './releases';

/** An app as one cluster runs it: the app file with that env's overrides and release applied. */
export interface ResolvedApp extends Omit<AppSpec, 'hosts' | 'privateServices'> {
  /** The pinned image the env runs, `repository:tag@sha256:…`; the bare repository when resolved without a release. */
  readonly image: string;
  readonly hosts: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly runAsUser: number;
  readonly writablePaths: readonly string[];
  readonly outboundHttps: boolean;
  readonly outboundSmtp: boolean;
  /** The app's private services in this env, with this env's ranges only. */
  readonly privateServices: readonly { readonly name: string; readonly port: number; readonly cidrs: readonly string[] }[];
  readonly secrets: readonly NonNullable<AppSpec['secrets']>[number][];
  readonly edge: Required<EdgeSpec>;
  readonly storage?: ResolvedStorage;
  /** Every app is backed up, with storage or without: its bucket, and what its pre-backup hook dumps. */
  readonly backup: ResolvedBackup;
}

export type ResolvedStorage = Required<Omit<StorageSpec, 'cacheSize' | 'expectedGiB'>> & Pick<StorageSpec, 'cacheSize' | 'expectedGiB'>;
/** What a volume over the app's bucket is mounted with: the driver, its switches and cache, not where the app mounts it. */
export type BucketVolumeSettings = Omit<ResolvedStorage, 'mountPath' | 'expectedGiB'>;
export type ResolvedBackup = Required<Omit<BackupSpec, 'retention' | 'preBackup'>> &
  Pick<BackupSpec, 'preBackup'> & {
    readonly retention: Required<RetentionSpec>;
  };

export const DEFAULT_EDGE: Required<EdgeSpec> = { requestsPerSecond: 100, maxBodySize: '10Mi', timeoutSeconds: 60 };

export const DEFAULT_BACKUP: ResolvedBackup = {
  schedule: '30 2 * * *',
  retention: { daily: 7, weekly: 5, monthly: 12 },
  retentionSchedule: '0 5 * * *',
  checkSchedule: '0 4 * * 0',
  checkReadDataSubset: '10%',
};

/** What a Mountpoint storage resolves to when the app file sets no more than its mountPath. */
export const DEFAULT_VOLUME_SETTINGS: BucketVolumeSettings = { driver: 'mountpoint-s3', allowDelete: false, allowOverwrite: false };

/**
 * The settings of the volumes over the app's bucket: its storage's, or, for an app without storage, whose
 * backup and restore jobs still mount its bucket (the app itself mounts nothing), Mountpoint's defaults.
 */
export const bucketVolumeSettingsOf = (app: Pick<ResolvedApp, 'storage'>): BucketVolumeSettings => app.storage ?? DEFAULT_VOLUME_SETTINGS;

export const DEFAULT_RUN_AS_USER = 10001;
export const DEFAULT_WRITABLE_PATHS: readonly string[] = ['/tmp'];

/**
 * The app as the cluster runs it. `release` is the env's current version from its releases file; synth
 * always passes it, checks that need no image may leave it out.
 */
export function resolveApp(spec: AppSpec, cluster: ClusterSpec, release?: ReleaseVersion): ResolvedApp {
  const override = cluster.apps[spec.name] ?? {};
  return {
    ...spec,
    image: release ? pinnedImageOf(spec.imageRepository, release) : spec.imageRepository,
    hosts: override.hosts ?? spec.hosts[cluster.env as EnvName] ?? [],
    resources: override.resources ?? spec.resources,
    scaling: override.scaling ?? spec.scaling,
    env: { ...spec.env, ...override.env },
    secrets: spec.secrets ?? [],
    runAsUser: spec.runAsUser ?? DEFAULT_RUN_AS_USER,
    writablePaths: spec.writablePaths ?? DEFAULT_WRITABLE_PATHS,
    outboundHttps: spec.outboundHttps ?? false,
    outboundSmtp: spec.outboundSmtp ?? false,
    privateServices: (spec.privateServices ?? [])
      .map((s) => ({ name: s.name, port: s.port, cidrs: s.cidrs[cluster.env as EnvName] ?? [] }))
      .filter((s) => s.cidrs.length > 0),
    edge: { ...DEFAULT_EDGE, ...spec.edge },
    storage: spec.storage && { ...DEFAULT_VOLUME_SETTINGS, ...spec.storage },
    backup: {
      ...DEFAULT_BACKUP,
      ...spec.backup,
      retention: { ...DEFAULT_BACKUP.retention, ...spec.backup?.retention },
    },
  };
}

/**
 * The apps one cluster runs, resolved, in name order. Without `releaseOf` (the cloud side, the cost, the
 * overview) the image carries no version, which none of those read.
 */
export function clusterAppsOf(cluster: ClusterSpec, apps: readonly AppSpec[], releaseOf?: (app: string) => ReleaseVersion): ResolvedApp[] {
  const byName = new Map(apps.map((app) => [app.name, app]));
  return Object.keys(cluster.apps)
    .sort()
    .map((name) => resolveApp(byName.get(name)!, cluster, releaseOf?.(name)));
}
