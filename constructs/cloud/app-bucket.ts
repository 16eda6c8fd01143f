import { Construct } from 'constructs';
import type { AppDataState } from '../model/cluster-spec';
import { accessLogPrefixOf, bucketOf, LABEL_PREFIX } from '../model/naming';
import { SecureBucket } from './secure-bucket';

/** The Terraform address of an app's data bucket. It depends on the app's name only, so retiring an app changes nothing about its bucket. */
export const appBucketAddressOf = (app: string): string => `app_data_${app}`;

export interface AppBucketProps {
  readonly clusterName: string;
  readonly app: string;
  /** `'live'`, or retired with its data kept: the bucket is the same either way. */
  readonly state: AppDataState;
  /** The KMS key that encrypts app data. */
  readonly kmsKeyArn: string;
  /** The region's access-log bucket. */
  readonly accessLogs: SecureBucket;
  readonly noncurrentVersionDays: number;
}

/**
 * One app's data bucket in one cluster, named by `bucketOf` like the volume that mounts it. It outlives
 * the app: see the `appData` ledger in the cluster spec.
 */
export class AppBucket extends Construct {
  readonly bucket: SecureBucket;
  readonly bucketName: string;

  constructor(scope: Construct, id: string, props: AppBucketProps) {
    super(scope, id);
    this.bucketName = bucketOf(props.clusterName, props.app);
    this.bucket = new SecureBucket(this, 'Bucket', {
      bucketName: this.bucketName,
      address: appBucketAddressOf(props.app),
      kmsKeyArn: props.kmsKeyArn,
      accessLogs: { bucket: props.accessLogs, prefix: accessLogPrefixOf(this.bucketName) },
      noncurrentVersionDays: props.noncurrentVersionDays,
      tags: { [`${LABEL_PREFIX}/app`]: props.app, [`${LABEL_PREFIX}/data`]: props.state === 'live' ? 'live' : 'retired' },
    });
  }
}
