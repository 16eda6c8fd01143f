import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Lazy, type TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { policyDocument, type PolicyStatement, viaS3 } from './iam-policy';
import { referenceTo } from './references';

/**
 * What the account itself may do with a key: administer it, never use it. The account root as principal
 * hands these actions to IAM, so a person or Terraform administers a key only where an IAM policy says so.
 * kms:CreateGrant is left out: a grant is a way to use the key (see KEY_GRANT_FOR_SERVICE).
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/** The Sid of the administration statement, which the rules look for. */
export const KEY_ADMIN_SID = 'AdministerThroughIamOnly';

/** One principal's use of a key. Uses with the same Sid share a statement, so they must agree on actions and condition. */
export interface KeyUse {
  readonly sid: string;
  /** A role or user ARN (usually a Terraform reference), or an AWS service principal. */
  readonly principal: { readonly AWS: string } | { readonly Service: string };
  readonly actions: readonly string[];
  readonly condition?: PolicyStatement['Condition'];
}

export interface EncryptionKeyProps {
  /** The key's alias, without `alias/`. */
  readonly alias: string;
  readonly description: string;
  /**
   * The Terraform address stem of the key. Keep it stable forever: a key that Terraform replaces takes
   * with it every object it encrypted.
   */
  readonly address: string;
  /** The account that owns the key; its root administers it through IAM. */
  readonly accountId: string;
  /** The provider of the key's region. @default the stack's default provider */
  readonly provider?: TerraformProvider;
}

/**
 * A customer-managed KMS key with yearly rotation and an explicit key policy: the account administers it
 * through IAM but cannot use it, and each principal that uses it is named with the actions it needs
 * (`allow`). The default key policy would let every IAM principal of the account with a kms:* policy
 * use it. Deleting it waits 30 days, and Terraform refuses to destroy it at all.
 */
export class EncryptionKey extends Construct {
  readonly resource: KmsKey;
  readonly arn: string;
  private readonly uses: KeyUse[] = [];

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const admin: PolicyStatement = {
      Sid: KEY_ADMIN_SID,
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
      Action: KEY_ADMIN_ACTIONS,
      Resource: '*',
    };
    this.resource = new KmsKey(this, 'Resource', {
      provider: props.provider,
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // Rendered at synth, after every construct that uses the key has said so. Its references are resolved
      // first: CDKTF splits a string that holds a token at every `${` in it, and a key policy names a role
      // per app that uses the key.
      policy: Lazy.stringValue({ produce: (context) => policyDocument(context.resolve([admin, ...this.useStatements()])) }),
      lifecycle: { preventDestroy: true },
    });
    this.resource.overrideLogicalId(props.address);
    const alias = new KmsAlias(this, 'Alias', { provider: props.provider, name: `alias/${props.alias}`, targetKeyId: this.resource.keyId });
    alias.overrideLogicalId(`${props.address}_alias`);
    this.arn = referenceTo(this.resource, 'arn');
  }

  /** An identity statement allowing `actions` on the key, only through S3 in `region`. */
  grantThroughS3(sid: string, actions: string | readonly string[], region: string): PolicyStatement {
    return { Sid: sid, Effect: 'Allow', Action: actions, Resource: this.arn, Condition: viaS3(region) };
  }

  /** The key policy's side of grantThroughS3: names `principalArn` under `sid`. */
  allowThroughS3(sid: string, principalArn: string, actions: readonly string[], region: string): void {
    this.allow({ sid, principal: { AWS: principalArn }, actions, condition: viaS3(region) });
  }

  /** make()'s value, and the uses of this key named while it ran, in order. */
  usesNamedBy<T>(make: () => T): { made: T; uses: KeyUse[] } {
    const from = this.uses.length;
    const made = make();
    return { made, uses: this.uses.slice(from) };
  }

  /** Names one principal in the key policy, with what it may do. */
  allow(use: KeyUse): void {
    const same = this.uses.find((u) => u.sid === use.sid);
    if (
      same &&
      JSON.stringify([same.actions, same.condition, Object.keys(same.principal)]) !== JSON.stringify([use.actions, use.condition, Object.keys(use.principal)])
    ) {
      throw new Error(`EncryptionKey ${this.node.path}: statement "${use.sid}" is used with different actions, conditions or principal kinds`);
    }
    this.uses.push(use);
  }

  private useStatements(): PolicyStatement[] {
    const sids = [...new Set(this.uses.map((u) => u.sid))];
    return sids.map((sid) => {
      const uses = this.uses.filter((u) => u.sid === sid);
      const [{ actions, condition, principal }] = uses;
      const principals: Record<string, string | string[]> =
        'AWS' in principal ? { AWS: uses.map((u) => (u.principal as { AWS: string }).AWS) } : { Service: principal.Service };
      const statement: PolicyStatement = { Sid: sid, Effect: 'Allow', Principal: principals, Action: [...actions], Resource: '*' };
      return condition ? { ...statement, Condition: condition } : statement;
    });
  }
}
