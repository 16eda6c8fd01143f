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

export interface BucketVolumeProps {
  /** The PV's and the PVC's name; PVs are cluster-wide, so it carries the app's name. */
  readonly name: string;
  readonly app: string;
  readonly bucket: string;
  readonly region: string;
  /** The uid and gid the files appear to belong to: the app's. */
  readonly user: number;
  readonly storage: ResolvedStorage;
  /** Mountpoint only: mount with delete and overwrite whatever the app asked, for the restore volume. */
  readonly replaceFiles?: boolean;
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

    new ApiObject(this, 'Volume', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: props.name, labels, annotations: { ...FLUX_PRUNE_DISABLED } },
      spec: {
        capacity: { storage: NOMINAL_CAPACITY },
        accessModes: ['ReadWriteMany'],
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
        accessModes: ['ReadWriteMany'],
        storageClassName: '',
        volumeName: props.name,
        resources: { requests: { storage: NOMINAL_CAPACITY } },
      },
    });
  }
}

interface DriverContract {
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
    mountOptions: ({ region, user, storage, replaceFiles }) => [
      `region ${region}`,
      `uid=${user}`,
      `gid=${user}`,
      'allow-other',
      'dir-mode=0770',
      'file-mode=0660',
      ...(replaceFiles || storage.allowDelete ? ['allow-delete'] : []),
      ...(replaceFiles || storage.allowOverwrite ? ['allow-overwrite'] : []),
    ],
    csi: ({ name, bucket, storage }) => ({
      driver: MOUNTPOINT_DRIVER,
      volumeHandle: `${bucket}/${name}`,
      volumeAttributes: {
        bucketName: bucket,
        authenticationSource: 'pod',
        ...(storage.cacheSize ? { cache: 'emptyDir', cacheEmptyDirSizeLimit: storage.cacheSize } : {}),
      },
    }),
  },
  /**
   * GeeseFS through k8s-csi-s3: options go in one `options` attribute; the S3 keys come from a Secret
   * (the driver has no workload identity), which External Secrets fills from the store. GeeseFS renames,
   * appends and overwrites by itself, so there are no switches for those.
   */
  geesefs: {
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
