import { createHash } from 'node:crypto';
import { ApiObject } from 'cdk8s';
import type { Affinity } from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import type { StorageDriver } from '../model/app-spec';
import { bucketVolumeNameOf, bucketVolumeStemOf, labelsOf, namespaceOf, VOLUME_SOURCE_LABEL, type BucketVolumeName } from '../model/naming';
import type { BucketVolumeSettings } from '../model/resolve';
import { FLUX_PRUNE_DISABLED } from '../model/naming';

export const MOUNTPOINT_DRIVER = 's3.csi.aws.com';
export const GEESEFS_DRIVER = 'ru.yandex.s3.csi';
/** Both drivers ignore the size; Kubernetes requires one. */
const NOMINAL_CAPACITY = '1Pi';

/**
 * `restore`: mounted with delete and overwrite whatever the app asked, so a restore can write files back.
 * `backup`: read-only, with lookups answered from the directory listings Mountpoint already holds (below).
 */
export type BucketVolumeUse = 'app' | 'restore' | 'backup';

/*
 * Why the backup volume caches metadata. By default (`--metadata-ttl minimal`) Mountpoint 1.22.3, the
 * version the CSI driver v2.7.0 bundles (its Dockerfile, MOUNTPOINT_VERSION), serves no lookup from its
 * cache (awslabs/mountpoint-s3 at mountpoint-s3-1.22.3: mountpoint-s3-fs/src/fs/config.rs, CacheConfig::default,
 * `serve_lookup_from_cache: false`, files valid 100 ms), and a lookup it cannot serve sends a HeadObject and
 * a ListObjectsV2 and answers when both have (superblock.rs, remote_lookup). restic looks each entry of a
 * folder up in turn after listing the whole folder (restic v0.18.1: internal/archiver/archiver.go, saveDir
 * and save), so every backup of N files cost 2N requests, one round trip after another: for millions of
 * files, longer than the job's deadline, and listings that cost more than storing the data. With a TTL, the
 * entries a listing returned (superblock/readdir.rs, `file_ttl`) answer those lookups for that long. A backup
 * only reads: a file changed within the TTL is seen as the listing saw it, and the next backup takes it.
 */
export const BACKUP_METADATA_TTL_SECONDS = 300;

/*
 * Why each volume's name carries a hash of its source. Kubernetes refuses any change to a live PV's source
 * (kubernetes pkg/apis/core/validation/validation.go, ValidatePersistentVolumeUpdate: "spec.persistentvolumesource
 * is immutable after creation"), here `spec.csi`: the driver, the handle and the volume attributes (Mountpoint's
 * cache, GeeseFS's options with the app's uid). A bound claim's spec is immutable too, its accessModes and
 * volumeName included (ValidatePersistentVolumeClaimUpdate). Flux applies the platform layer as one apply: one
 * refused PV fails it, and every app layer behind it stalls. So a volume is named `<app>-<use>-<hash>`, the
 * hash of those fields (sourceOf below): setting a cacheSize, switching the driver or, with GeeseFS, changing
 * runAsUser makes a new PV and claim of another name, the pods roll onto it, and the old pair stays as it
 * is (Retain, never pruned; the data is in the bucket, not in the volume). What may change in place stays out
 * of the hash: `mountOptions` (Mountpoint's flags), labels, annotations. docs/storage-drivers.md says how to
 * remove the pairs nothing mounts any more.
 */
/** Hex digits of the source hash in a volume's name: 32 bits, for the few sources one app's bucket ever has. */
const SOURCE_HASH_LENGTH = 8;

export interface BucketVolumeProps {
  readonly app: string;
  readonly bucket: string;
  readonly region: string;
  /** The uid and gid the files appear to belong to: the app's. */
  readonly user: number;
  /** The app's storage, or Mountpoint's defaults for the backup jobs of an app without storage (bucketVolumeSettingsOf). */
  readonly storage: BucketVolumeSettings;
  /** Mountpoint only: what the volume is for besides the app's own mount (below). @default 'app' */
  readonly use?: BucketVolumeUse;
  /** GeeseFS reads its S3 keys from this Secret in the app namespace. */
  readonly credentialsSecret?: string;
}

/** What a pod that mounts a bucket volume carries: a label and, where the driver needs it, the nodes it may not run on. */
export interface VolumePlacement {
  readonly labels: Readonly<Record<string, string>>;
  readonly affinity?: Affinity;
}

/** A claim over the app's bucket, as the pods that mount it see it. */
export interface MountedVolume {
  readonly claimName: string;
  readonly placement: VolumePlacement;
}

/**
 * A static PersistentVolume over the app's own bucket and the claim bound to it, for one CSI driver, both
 * named after the hash of what neither may change once created (above). PVs are cluster-wide, so the name
 * carries the app's. Both outlive the app: the PV is `Retain`, and Flux never prunes either.
 */
export class BucketVolume extends Construct implements MountedVolume {
  /** The claim's name, which is the volume's. */
  readonly claimName: string;
  /** The hash of the volume's immutable source, the last part of its name. */
  readonly sourceHash: string;
  /** What every pod that mounts the claim carries. */
  readonly placement: VolumePlacement;

  constructor(scope: Construct, id: string, props: BucketVolumeProps) {
    super(scope, id);
    const namespace = namespaceOf(props.app);
    const labels = labelsOf(props.app);
    const driver = DRIVERS[props.storage.driver];
    const use = VOLUME_NAMES[props.use ?? 'app'];
    // A Mountpoint handle carries the volume's name: the hash is taken with the stem in its place.
    this.sourceHash = sourceHashOf(sourceOf(driver, props, bucketVolumeStemOf(props.app, use), namespace));
    const name = bucketVolumeNameOf(props.app, use, this.sourceHash);
    const { csi, accessModes, storageClassName, capacity } = sourceOf(driver, props, name, namespace);
    this.claimName = name;
    this.placement = driver.handleIsBucket ? sharedMountPlacement(this.sourceHash) : { labels: {} };

    new ApiObject(this, 'Volume', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, labels, annotations: { ...FLUX_PRUNE_DISABLED } },
      spec: {
        capacity: { storage: capacity },
        accessModes,
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName,
        claimRef: { namespace, name },
        mountOptions: driver.mountOptions(props),
        csi,
      },
    });

    new ApiObject(this, 'Claim', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace, labels, annotations: { ...FLUX_PRUNE_DISABLED } },
      spec: {
        accessModes,
        storageClassName,
        volumeName: name,
        resources: { requests: { storage: capacity } },
      },
    });
  }
}

const VOLUME_NAMES: Record<BucketVolumeUse, BucketVolumeName> = { app: 'data', restore: 'restore', backup: 'backup' };

/** The fields of the PV and its claim that Kubernetes will not change once they exist, for a volume of this name. */
function sourceOf(driver: DriverContract, props: BucketVolumeProps, name: string, namespace: string) {
  return {
    csi: driver.csi({ ...props, name }, namespace),
    // The driver mounts a ReadOnlyMany volume with `--read-only` (pkg/driver/node/node.go, v2.7.0).
    accessModes: props.use === 'backup' ? ['ReadOnlyMany'] : ['ReadWriteMany'],
    storageClassName: '',
    // A claim's request may grow, never shrink.
    capacity: NOMINAL_CAPACITY,
  };
}

/** The first hex digits of the SHA-256 of the value's JSON, its keys sorted: no key order moves it. */
export function sourceHashOf(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v === null || typeof v !== 'object') return v;
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sorted(x)]));
  };
  return createHash('sha256')
    .update(JSON.stringify(sorted(value)))
    .digest('hex')
    .slice(0, SOURCE_HASH_LENGTH);
}

/*
 * Why GeeseFS pods of two sources never share a node. k8s-csi-s3 v0.43.2 reads the bucket (and a prefix) from
 * the volume handle alone (pkg/driver/controllerserver.go, volumeIDToBucketPrefix), so every GeeseFS PV over the
 * app's bucket has the handle `<bucket>`. Kubernetes processes a volume once per handle (mountpoint-s3-csi-driver
 * v2.7.0 docs/CONFIGURATION.md; kubernetes pkg/volume/csi: GetVolumeName is driver and handle, and the staging
 * path, makeDeviceMountPath, a hash of the handle), and k8s-csi-s3 runs one systemd unit per handle
 * (pkg/mounter/geesefs.go, Mount, with its FIXME on one bucket "used for multiple PVs"). So a pod of a new
 * GeeseFS volume, on a node where a pod of the old one runs, gets the old mount with the old options (the old
 * uid: the app could not open its own files there), for as long as any pod of the app stays on that node.
 * Hence each pod that mounts such a volume carries its source hash, and may not start on a node that runs a pod
 * carrying another. In steady state all carry the same, and the rule excludes no node; while the pods roll onto
 * a new source, the new ones wait for a node free of the old mount, which the cluster autoscaler adds if none is.
 * Mountpoint needs none of it: its handle carries the volume's name.
 */
function sharedMountPlacement(sourceHash: string): VolumePlacement {
  return {
    labels: { [VOLUME_SOURCE_LABEL]: sourceHash },
    affinity: {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            topologyKey: 'kubernetes.io/hostname',
            labelSelector: {
              matchExpressions: [
                { key: VOLUME_SOURCE_LABEL, operator: 'Exists' },
                { key: VOLUME_SOURCE_LABEL, operator: 'NotIn', values: [sourceHash] },
              ],
            },
          },
        ],
      },
    },
  };
}

/** Whether the kubelet chowns the whole volume of this driver when a pod with an fsGroup mounts it writable (DRIVERS below). */
export const kubeletAppliesFsGroup = (driver: StorageDriver): boolean => DRIVERS[driver].kubeletAppliesFsGroup;
/** The CSI driver names (as PVs carry them) of the drivers whose volumes the kubelet chowns. */
export const csiDriversKubeletChowns = (): ReadonlySet<string> =>
  new Set(
    Object.values(DRIVERS)
      .filter((d) => d.kubeletAppliesFsGroup)
      .map((d) => d.csiDriver),
  );

interface DriverContract {
  /**
   * Whether the kubelet itself chowns and chmods every file of the volume, one by one, when a pod with an
   * fsGroup mounts it writable: a pod mounting it must then set no fsGroup (the driver's own options give
   * the files the app's uid and gid).
   */
  readonly kubeletAppliesFsGroup: boolean;
  /** The CSIDriver's name, which the PV names. */
  readonly csiDriver: string;
  /** Whether every volume over one bucket has the same handle, the bucket, so that a node mounts them as one (above). */
  readonly handleIsBucket: boolean;
  mountOptions(props: BucketVolumeProps): string[] | undefined;
  /** The PV's `spec.csi`, for a volume of this name. */
  csi(props: BucketVolumeProps & { readonly name: string }, namespace: string): Record<string, unknown>;
}

const DRIVERS: Record<StorageDriver, DriverContract> = {
  /**
   * Mountpoint for Amazon S3 CSI driver v2: options are Mountpoint's flags; `authenticationSource: pod`
   * mounts with the credentials of the pod's own ServiceAccount (EKS Pod Identity), so the driver holds
   * no S3 rights of its own. `allow-other` lets the non-root app read what Mountpoint serves.
   */
  'mountpoint-s3': {
    // The node plugin has VOLUME_MOUNT_GROUP (awslabs/mountpoint-s3-csi-driver@v2.7.0 pkg/driver/node/node.go),
    // so the kubelet hands the fsGroup to the driver and never walks the volume (csi_mounter.go, below).
    kubeletAppliesFsGroup: false,
    csiDriver: MOUNTPOINT_DRIVER,
    // Each PV's handle must be unique (v2.7.0 docs/CONFIGURATION.md, static provisioning): it carries the PV's
    // name, so the source hash. At most 121 bytes (a bucket name is at most 63, an app's 40): within CSI's 128.
    handleIsBucket: false,
    mountOptions: ({ region, user, storage, use }) => [
      `region ${region}`,
      `uid=${user}`,
      `gid=${user}`,
      'allow-other',
      'dir-mode=0770',
      'file-mode=0660',
      ...(use === 'restore' || (use !== 'backup' && storage.allowDelete) ? ['allow-delete'] : []),
      ...(use === 'restore' || (use !== 'backup' && storage.allowOverwrite) ? ['allow-overwrite'] : []),
      ...(use === 'backup' ? [`metadata-ttl ${BACKUP_METADATA_TTL_SECONDS}`] : []),
    ],
    csi: ({ name, bucket, storage, use }) => ({
      driver: MOUNTPOINT_DRIVER,
      volumeHandle: `${bucket}/${name}`,
      volumeAttributes: {
        bucketName: bucket,
        authenticationSource: 'pod',
        // A backup reads each file once: a data cache would only churn the node's disk.
        ...(storage.cacheSize && use !== 'backup' ? { cache: 'emptyDir', cacheEmptyDirSizeLimit: storage.cacheSize } : {}),
      },
    }),
  },
  /**
   * GeeseFS through k8s-csi-s3: options go in one `options` attribute; the S3 keys come from a Secret
   * (the driver has no workload identity), which External Secrets fills from the store. GeeseFS renames,
   * appends and overwrites by itself, so there are no switches for those.
   */
  geesefs: {
    /*
     * yandex-cloud/k8s-csi-s3@v0.43.2 registers its CSIDriver with `fsGroupPolicy: File`
     * (deploy/helm/csi-s3/templates/driver.yaml) and its node plugin lacks VOLUME_MOUNT_GROUP
     * (pkg/driver/nodeserver.go, NodeGetCapabilities: STAGE_UNSTAGE_VOLUME only). kubernetes
     * pkg/volume/csi/csi_mounter.go, SetUpAt: `!driverSupportsCSIVolumeMountGroup && c.supportsFSGroup(...)`,
     * and supportsFSGroup is true for File unless the volume is read-only; then SetVolumeOwnership walks the
     * whole tree: every pod start would list the bucket through GeeseFS and chown each object (minutes to
     * hours in ContainerCreating, and S3 requests). `--uid/--gid/--file-mode/--dir-mode` below already show
     * every file as the app's, so no pod that mounts it writable sets an fsGroup.
     */
    kubeletAppliesFsGroup: true,
    csiDriver: GEESEFS_DRIVER,
    handleIsBucket: true,
    mountOptions: () => undefined,
    csi: ({ bucket, region, user, credentialsSecret }, namespace) => {
      const secretRef = { name: credentialsSecret, namespace };
      return {
        driver: GEESEFS_DRIVER,
        // k8s-csi-s3 reads the bucket (and an optional prefix) from the handle.
        volumeHandle: bucket,
        controllerPublishSecretRef: secretRef,
        nodePublishSecretRef: secretRef,
        nodeStageSecretRef: secretRef,
        volumeAttributes: {
          capacity: NOMINAL_CAPACITY,
          mounter: 'geesefs',
          options: `--region ${region} --uid ${user} --gid ${user} --dir-mode 0770 --file-mode 0660 --memory-limit 1000`,
        },
      };
    },
  },
};
