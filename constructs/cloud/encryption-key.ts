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

/**
 * The condition operator and key that hold a statement whose principal is the account to the roles and users
 * whose ARN matches a pattern. aws:PrincipalArn is the ARN of the role behind a session (not the session's
 * assumed-role ARN), or of the IAM user (IAM User Guide, AWS global condition context keys, aws:PrincipalArn).
 * With the account as principal, a key policy statement lets KMS honour IAM policies: a role then uses the key
 * only where its own policy allows it too (KMS Developer Guide, Default key policy: the statement that allows
 * access to the AWS account and enables IAM policies). So the statement's size does not grow with the apps,
 * where one ARN per role did: KMS refuses a key policy over 32 KiB (PutKeyPolicy, Policy: "The policy size limit
 * is 32 KiB (32768 bytes)"; rules/cloud/key-policy-size-rules.ts), and the backup key's passed it at about 120 apps.
 */
export const KEY_PRINCIPAL_ARN_CONDITION = { operator: 'ArnLike', key: 'aws:PrincipalArn' } as const;

/** One principal's use of a key. Uses with the same Sid share a statement, so they must agree on actions and condition. */
export interface KeyUse {
  readonly sid: string;
  /**
   * A role or user ARN (usually a Terraform reference), an AWS service principal, or the roles or users of the
   * key's own account whose `role/<name>` or `user/<name>` matches a pattern (KEY_PRINCIPAL_ARN_CONDITION).
   */
  readonly principal: { readonly AWS: string } | { readonly Service: string } | { readonly AccountPrincipalLike: string };
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
      policy: Lazy.stringValue({ produce: (context) => policyDocument(context.resolve([admin, ...this.useStatements(props.accountId)])) }),
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

  /**
   * The key policy's side of grantThroughS3 for the roles or users of one use by their name, or a pattern for those the
   * platform names alike (`role/acme-prod-apps-restore`, `user/acme-prod-*-geesefs`): the account as principal, held to
   * those ARNs. Each of them reaches the key only where its own policy allows it too.
   */
  allowNamedLikeThroughS3(sid: string, namePattern: string, actions: readonly string[], region: string): void {
    this.allow({ sid, principal: { AccountPrincipalLike: namePattern }, actions, condition: viaS3(region) });
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

  private useStatements(accountId: string): PolicyStatement[] {
    const bySid = new Map<string, KeyUse[]>();
    for (const use of this.uses) bySid.set(use.sid, [...(bySid.get(use.sid) ?? []), use]);
    return [...bySid].map(([sid, uses]) => {
      const [{ actions, principal }] = uses;
      let condition = uses[0].condition;
      let principals: Record<string, string | string[]>;
      if ('AccountPrincipalLike' in principal) {
        // Every app names the same patterns: each once, sorted, so the statement stays one size.
        const patterns = [...new Set(uses.map((u) => (u.principal as { AccountPrincipalLike: string }).AccountPrincipalLike))].sort();
        principals = { AWS: `arn:aws:iam::${accountId}:root` };
        const { operator, key } = KEY_PRINCIPAL_ARN_CONDITION;
        condition = { ...condition, [operator]: { [key]: patterns.map((p) => `arn:aws:iam::${accountId}:${p}`) } };
      } else if ('AWS' in principal) {
        principals = { AWS: uses.map((u) => (u.principal as { AWS: string }).AWS) };
      } else principals = { Service: principal.Service };
      const statement: PolicyStatement = { Sid: sid, Effect: 'Allow', Principal: principals, Action: [...actions], Resource: '*' };
      return condition ? { ...statement, Condition: condition } : statement;
    });
  }
}
