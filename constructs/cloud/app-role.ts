import type { Construct } from 'constructs';
import { appRoleOf, namespaceOf, serviceAccountOf } from '../model/naming';
import type { ResolvedStorage } from '../model/resolve';
import type { EksCluster } from './eks-cluster';
import type { EncryptionKey } from './encryption-key';
import type { PolicyStatement } from './iam-policy';
import { PodIdentityRole } from './pod-identity-role';
import type { SecureBucket } from './secure-bucket';

/** The Terraform addresses of an app's role and its Pod Identity association. */
export const appRoleAddressOf = (app: string): string => `app_role_${app}`;
export const podIdentityAddressOf = (app: string): string => `app_pod_identity_${app}`;

/** What an app may do in its bucket: what Mountpoint for S3 needs (list, read, write, multipart), and delete where its storage deletes. */
export const APP_OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'];
export const APP_DELETE_ACTION = 's3:DeleteObject';

/**
 * Whether an app's storage deletes objects: GeeseFS always does (a rename is a copy and a delete),
 * Mountpoint only with `allowDelete`. An app without storage does not.
 */
export const storageDeletes = (storage: ResolvedStorage | undefined): boolean => storage?.driver === 'geesefs' || storage?.allowDelete === true;

/**
 * Everything an app may do with its data: its bucket and the key that encrypts it, the key only through
 * S3 in the cluster's region; delete only where its storage deletes. The app role and a GeeseFS app's
 * IAM user get exactly these statements.
 */
export function appDataStatements(bucket: SecureBucket, dataKey: EncryptionKey, region: string, deletes: boolean): PolicyStatement[] {
  return [
    bucket.grantBucket('ListAppBucket', ['s3:ListBucket', 's3:GetBucketLocation']),
    bucket.grantObjects('UseAppObjects', deletes ? [...APP_OBJECT_ACTIONS, APP_DELETE_ACTION] : APP_OBJECT_ACTIONS),
    dataKey.grantThroughS3('UseAppDataKey', APP_DATA_KEY_ACTIONS, region),
  ];
}
/** What an app's role or user may do with the data key, through S3. */
export const APP_DATA_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];
/** The key policy statement that names the apps' roles and GeeseFS users. */
export const APP_DATA_KEY_SID = 'AppsUseTheirDataThroughS3';
/**
 * Every app role of a cluster, `role/<cluster>-*-app`, as the data key's policy names them: a name pattern of one
 * size for any number of apps (encryption-key.ts, allowNamedLikeThroughS3). Only an app role ends in `-app`
 * (naming.ts), whatever the app's name.
 */
export const appRolesLike = (cluster: string): string => `role/${appRoleOf(cluster, '*')}`;

export interface AppRoleProps {
  readonly cluster: EksCluster;
  readonly app: string;
  /** The cluster's region: the KMS keys may be used only through S3 there. */
  readonly region: string;
  /** The app's own data bucket, and the key that encrypts it. */
  readonly bucket: SecureBucket;
  readonly dataKey: EncryptionKey;
  /** Whether the app's storage deletes objects (storageDeletes). */
  readonly deletes: boolean;
}

/**
 * The IAM role of one app. It reaches only that app's bucket, never the backups: those belong to the
 * backup job roles, so a compromised app cannot delete its own backups. It deletes only where its storage does. EKS Pod Identity hands it to exactly
 * the app's ServiceAccount in the app's namespace, the names the WebApp construct emits.
 */
export class AppRole extends PodIdentityRole {
  constructor(scope: Construct, id: string, props: AppRoleProps) {
    const { app, cluster } = props;
    super(scope, id, {
      cluster,
      roleName: appRoleOf(cluster.name, app),
      description: `App ${app} in ${cluster.name}: its bucket, nothing else`,
      namespace: namespaceOf(app),
      serviceAccount: serviceAccountOf(app),
      policyName: 'app-data',
      statements: appDataStatements(props.bucket, props.dataKey, props.region, props.deletes),
      roleAddress: appRoleAddressOf(app),
      associationAddress: podIdentityAddressOf(app),
    });
    props.dataKey.allowNamedLikeThroughS3(APP_DATA_KEY_SID, appRolesLike(cluster.name), APP_DATA_KEY_ACTIONS, props.region);
  }
}
