import { Construct } from 'constructs';
import type { AppClusterView } from '../model/app-chart-input';
import { bucketOf, labelsOf, namespaceOf, secretStoreKeyOf } from '../model/naming';
import type { ResolvedApp, ResolvedStorage } from '../model/resolve';
import { BucketVolume, type MountedVolume } from './bucket-volume';
import { FLUX_PRUNE_DISABLED } from '../model/naming';
import { StoreSecret } from '../blocks/store-secret';
import { s3CredentialsSecretOf, S3_CREDENTIALS_STORE_SECRET } from '../model/naming';

export interface AppStorageProps {
  readonly app: ResolvedApp & { readonly storage: ResolvedStorage };
  readonly cluster: AppClusterView;
}

/**
 * The app's bucket as a volume: a static PV and its claim, with the driver the spec picks. The
 * Workload mounts the claim at the spec's mountPath; the CSI driver does the FUSE work, so the app pod
 * stays unprivileged.
 */
export class AppStorage extends Construct {
  /** The app's own volume: its claim, and what a pod that mounts it carries. */
  readonly volume: MountedVolume;
  /** Set for GeeseFS: the Secret its volumes read the S3 keys from. */
  readonly credentialsSecret?: string;

  constructor(scope: Construct, id: string, props: AppStorageProps) {
    super(scope, id);
    const { app, cluster } = props;
    if (app.storage.driver === 'geesefs') {
      this.credentialsSecret = s3CredentialsSecretOf(app.name);
      new StoreSecret(this, 'Credentials', {
        name: this.credentialsSecret,
        namespace: namespaceOf(app.name),
        labels: labelsOf(app.name),
        annotations: { ...FLUX_PRUNE_DISABLED },
        retain: true,
        // k8s-csi-s3's Secret contract: accessKeyID, secretAccessKey, endpoint, region.
        template: { mergePolicy: 'Merge', data: { endpoint: `https://s3.${cluster.region}.amazonaws.com`, region: cluster.region } },
        data: ['accessKeyID', 'secretAccessKey'].map((key) => ({
          secretKey: key,
          key: secretStoreKeyOf(cluster.env, app.name, S3_CREDENTIALS_STORE_SECRET),
          property: key,
        })),
      });
    }
    this.volume = new BucketVolume(this, 'Volume', {
      app: app.name,
      bucket: bucketOf(cluster.name, app.name),
      region: cluster.region,
      user: app.runAsUser,
      storage: app.storage,
      credentialsSecret: this.credentialsSecret,
    });
  }
}
