import type { Construct } from 'constructs';
import { appRoleOf, bucketOf, serviceAccountOf } from '../model/naming';
import type { ResolvedStorage } from '../model/resolve';
import type { EksCluster } from './eks-cluster';
import type { EncryptionKey } from './encryption-key';
import type { PolicyStatement } from './iam-policy';
import { SESSION_NAMESPACE } from './pod-identity-tags';
import { bucketGrantsOf, type BucketGrants } from './secure-bucket';
import { SharedPodIdentityRole } from './shared-pod-identity-role';

/** The Terraform addresses of the shared app roles (appRoleOf), and of an app's Pod Identity association to one. */
export const appRoleAddressOf = (deletes: boolean): string => (deletes ? 'apps_deleting_role' : 'apps_role');
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
export function appDataStatements(bucket: BucketGrants, dataKey: EncryptionKey, region: string, deletes: boolean): PolicyStatement[] {
  return [
    bucket.grantBucket('ListAppBucket', ['s3:ListBucket', 's3:GetBucketLocation']),
    bucket.grantObjects('UseAppObjects', deletes ? [...APP_OBJECT_ACTIONS, APP_DELETE_ACTION] : APP_OBJECT_ACTIONS),
    dataKey.grantThroughS3('UseAppDataKey', APP_DATA_KEY_ACTIONS, region),
  ];
}
/** What the app role or a GeeseFS user may do with the data key, through S3. */
export const APP_DATA_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];
/** The key policy statement that names the app roles and GeeseFS users. */
export const APP_DATA_KEY_SID = 'AppsUseTheirDataThroughS3';

export interface AppRoleProps {
  readonly cluster: EksCluster;
  /** The cluster's region: the KMS keys may be used only through S3 there. */
  readonly region: string;
  /** The key that encrypts the app buckets. */
  readonly dataKey: EncryptionKey;
  /** Whether the role is the one of the apps whose storage deletes objects (storageDeletes). */
  readonly deletes: boolean;
}

/**
 * The IAM role of every app of a cluster whose storage deletes, or of every other one: each session reaches only
 * the bucket of its namespace, which is its app's (namespaceOf(app) is the app, whose bucket is bucketOf), never
 * the backups: those belong to the backup job roles, so a compromised app cannot delete its own backups. EKS Pod
 * Identity hands it to the app's ServiceAccount in the app's namespace (app-pod-identities.ts), the names the
 * WebApp construct emits.
 */
export class AppRole extends SharedPodIdentityRole {
  constructor(scope: Construct, id: string, props: AppRoleProps) {
    const { cluster, deletes } = props;
    const bucket = bucketGrantsOf(`arn:aws:s3:::${bucketOf(cluster.name, SESSION_NAMESPACE)}`);
    super(scope, id, {
      cluster,
      roleName: appRoleOf(cluster.name, deletes),
      description: `Apps in ${cluster.name}${deletes ? ' whose storage deletes' : ''}: each its own bucket, nothing else`,
      serviceAccountIn: serviceAccountOf,
      policyName: 'app-data',
      statements: appDataStatements(bucket, props.dataKey, props.region, deletes),
      roleAddress: appRoleAddressOf(deletes),
    });
    props.dataKey.allowNamedLikeThroughS3(APP_DATA_KEY_SID, `role/${appRoleOf(cluster.name, deletes)}`, APP_DATA_KEY_ACTIONS, props.region);
  }
}
