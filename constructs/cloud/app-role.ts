import type { Construct } from 'constructs';
import { appRoleOf, namespaceOf, serviceAccountOf } from '../model/naming';
import type { EksCluster } from './eks-cluster';
import type { PolicyStatement } from './iam-policy';
import { PodIdentityRole } from './pod-identity-role';
import type { SecureBucket } from './secure-bucket';

/** The Terraform addresses of an app's role and its Pod Identity association. */
export const appRoleAddressOf = (app: string): string => `app_role_${app}`;
export const podIdentityAddressOf = (app: string): string => `app_pod_identity_${app}`;

/** What an app may do in its bucket: what Mountpoint for S3 needs (list, read, write, delete, multipart). */
export const APP_OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'];

/**
 * Everything an app may do with its data: its bucket and the key that encrypts it, the key only through
 * S3 in the cluster's region. The app role and a GeeseFS app's IAM user get exactly these statements.
 */
export function appDataStatements(bucketArn: string, dataKeyArn: string, region: string): PolicyStatement[] {
  const viaS3 = { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } };
  return [
    { Sid: 'ListAppBucket', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: bucketArn },
    { Sid: 'UseAppObjects', Effect: 'Allow', Action: APP_OBJECT_ACTIONS, Resource: `${bucketArn}/*` },
    { Sid: 'UseAppDataKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: dataKeyArn, Condition: viaS3 },
  ];
}

export interface AppRoleProps {
  readonly cluster: EksCluster;
  readonly app: string;
  /** The cluster's region: the KMS keys may be used only through S3 there. */
  readonly region: string;
  /** The app's own data bucket, and the key that encrypts it. */
  readonly bucket: SecureBucket;
  readonly dataKeyArn: string;
}

/**
 * The IAM role of one app. It reaches only that app's bucket, never the backups: those belong to the
 * BackupRole, so a compromised app cannot delete its own backups. EKS Pod Identity hands it to exactly
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
      statements: appDataStatements(props.bucket.resource.arn, props.dataKeyArn, props.region),
      roleAddress: appRoleAddressOf(app),
      associationAddress: podIdentityAddressOf(app),
    });
  }
}
