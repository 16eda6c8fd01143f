import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';

export interface EncryptionKeyProps {
  /** The key's alias, without `alias/`. */
  readonly alias: string;
  readonly description: string;
  /**
   * The Terraform address stem of the key. Keep it stable forever: a key that Terraform replaces takes
   * with it every object it encrypted.
   */
  readonly address: string;
  /** The provider of the key's region. @default the stack's default provider */
  readonly provider?: TerraformProvider;
}

/**
 * A customer-managed KMS key with yearly rotation. Its key policy is the account default (IAM policies
 * grant use); deleting it waits 30 days, and Terraform refuses to destroy it at all.
 */
export class EncryptionKey extends Construct {
  readonly resource: KmsKey;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.resource = new KmsKey(this, 'Resource', {
      provider: props.provider,
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      lifecycle: { preventDestroy: true },
    });
    this.resource.overrideLogicalId(props.address);
    const alias = new KmsAlias(this, 'Alias', { provider: props.provider, name: `alias/${props.alias}`, targetKeyId: this.resource.keyId });
    alias.overrideLogicalId(`${props.address}_alias`);
    this.arn = this.resource.arn;
  }
}
