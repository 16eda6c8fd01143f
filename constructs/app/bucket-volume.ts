import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { StorageDriver } from '../model/app-spec';
import { labelsOf, namespaceOf } from '../model/naming';
import type { ResolvedStorage } from '../model/resolve';
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

export interface BucketVolumeProps {
  /** The PV's and the PVC's name; PVs are cluster-wide, so it carries the app's name. */
  readonly name: string;
  readonly app: string;
  readonly bucket: string;
  readonly region: string;
  /** The uid and gid the files appear to belong to: the app's. */
  readonly user: number;
  readonly storage: ResolvedStorage;
  /** Mountpoint only: what the volume is for besides the app's own mount (below). @default 'app' */
  readonly use?: BucketVolumeUse;
  /** GeeseFS reads its S3 keys from this Secret in the app namespace. */
  readonly credentialsSecret?: string;
}

/**
 * A static PersistentVolume over the app's own bucket and the claim bound to it, for one CSI driver.
 * Both outlive the app: the PV is `Retain`, and Flux never prunes either.
 */
export class BucketVolume extends Construct {
  readonly claimName: string;

  constructor(scope: Construct, id: string, props: BucketVolumeProps) {
    super(scope, id);
    const namespace = namespaceOf(props.app);
    const labels = labelsOf(props.app);
    this.claimName = props.name;
    const driver = DRIVERS[props.storage.driver];
    // The driver mounts a ReadOnlyMany volume with `--read-only` (pkg/driver/node/node.go, v2.7.0).
    const accessModes = props.use === 'backup' ? ['ReadOnlyMany'] : ['ReadWriteMany'];

    new ApiObject(this, 'Volume', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: props.name, labels, annotations: { ...FLUX_PRUNE_DISABLED } },
      spec: {
        capacity: { storage: NOMINAL_CAPACITY },
        accessModes,
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        claimRef: { namespace, name: props.name },
        mountOptions: driver.mountOptions(props),
        csi: driver.csi(props, namespace),
      },
    });

    new ApiObject(this, 'Claim', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: props.name, namespace, labels, annotations: { ...FLUX_PRUNE_DISABLED } },
      spec: {
        accessModes,
        storageClassName: '',
        volumeName: props.name,
        resources: { requests: { storage: NOMINAL_CAPACITY } },
      },
    });
  }
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
  mountOptions(props: BucketVolumeProps): string[] | undefined;
  csi(props: BucketVolumeProps, namespace: string): Record<string, unknown>;
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
