import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserPolicy } from '@cdktf/provider-aws/lib/iam-user-policy';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import type { EnvName } from '../model/app-spec';
import { geesefsUserOf, S3_CREDENTIALS_STORE_SECRET, secretStoreKeyOf } from '../model/naming';
import { APP_DATA_KEY_ACTIONS, APP_DATA_KEY_SID, appDataStatements } from './app-role';
import type { EncryptionKey } from './encryption-key';
import { policyDocument } from './iam-policy';
import { referenceTo } from './references';
import type { SecureBucket } from './secure-bucket';

/** The Terraform addresses of a GeeseFS app's IAM user (geesefsUserOf), and of the output that names it. */
export const geesefsUserAddressOf = (app: string): string => `geesefs_user_${app}`;
export const GEESEFS_KEYS_DOC = 'docs/storage-drivers.md';

export interface GeesefsUserProps {
  readonly clusterName: string;
  readonly env: EnvName;
  readonly app: string;
  /** The cluster's region: the data key may be used only through S3 there. */
  readonly region: string;
  /** The app's own data bucket, and the key that encrypts it. */
  readonly bucket: SecureBucket;
  readonly dataKey: EncryptionKey;
}

/**
 * The IAM user of one app that mounts its bucket with GeeseFS. k8s-csi-s3 reads a static access key from
 * the app's Secret, so the user may do exactly what the app role may, in the app's bucket only, and
 * never reach the backups. Terraform creates no access key, since its secret would be kept in the state:
 * an operator creates it and stores it in the secret store, as the output and the doc say. So the user has
 * `force_destroy`: when the app retires, Terraform deletes those keys with it, where AWS would otherwise
 * refuse to delete a user that has keys (DeleteConflict). It holds no data.
 */
export class GeesefsUser extends Construct {
  readonly user: IamUser;

  constructor(scope: Construct, id: string, props: GeesefsUserProps) {
    super(scope, id);
    const { app, clusterName } = props;
    const address = geesefsUserAddressOf(app);
    this.user = new IamUser(this, 'Resource', { name: geesefsUserOf(clusterName, app), forceDestroy: true });
    this.user.overrideLogicalId(address);

    new IamUserPolicy(this, 'Policy', {
      user: referenceTo(this.user, 'name'),
      name: 'app-data',
      // GeeseFS renames by copying and deleting: its storage always deletes.
      policy: policyDocument(appDataStatements(props.bucket, props.dataKey, props.region, true)),
    }).overrideLogicalId(`${address}_policy`);
    // Every GeeseFS user of the cluster, `user/<cluster>-*-geesefs`: only they end in `-geesefs` (naming.ts).
    props.dataKey.allowNamedLikeThroughS3(APP_DATA_KEY_SID, `user/${geesefsUserOf(clusterName, '*')}`, APP_DATA_KEY_ACTIONS, props.region);

    const store = secretStoreKeyOf(props.env, app, S3_CREDENTIALS_STORE_SECRET);
    new TerraformOutput(this, 'Name', {
      value: this.user.name,
      description: `GeeseFS keys of app ${app}: create this user's access key by hand and store it in Secrets Manager as ${store} (see ${GEESEFS_KEYS_DOC}); Terraform holds none`,
    }).overrideLogicalId(address);
  }
}
