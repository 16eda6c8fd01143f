import type { CloudCluster } from '../../model/cloud-input';
import { isOpenToEveryone, rolesOf, usersOf } from '../../cloud/iam-principals';
import { allows } from '../../cloud/s3-grants';
import { asList, parsePolicy, ref, resourcesOf, type Json, type TerraformJson } from '../../cloud/terraform-json';

/** Actions that use a key's material, rather than administer the key. A grant is a way to use it. */
export const KEY_USE_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateDataKeyPair',
  'kms:CreateGrant',
];

/** `arn:aws:iam::<account>:root`, the account itself, as Terraform writes it here or literally. */
const ACCOUNT_ROOT = /^arn:aws:iam::(\d{12}|\$\{data\.aws_caller_identity\.[A-Za-z0-9_-]+\.account_id\}):root$/;
const isAccount = (principal: string) => ACCOUNT_ROOT.test(principal) || /^\d{12}$/.test(principal);
const usesOf = (s: Json): string[] => KEY_USE_ACTIONS.filter((a) => allows(s, a));

/**
 * Every KMS key has its own key policy that names who may use it (FSBP KMS.4 and the "not the whole
 * account"): the account (root) only administers it through IAM and never uses it, except for the grant a
 * service makes for itself (kms:GrantIsForAWSResource, through that service); no statement is open to `*`;
 * a service principal is always held by a condition; each role or user named is one of this stack, or a
 * person of the access model; and the key policy and the IAM side agree, each role or user whose own
 * policy uses the key being named in it, and no role or user of the stack named without using it.
 */
export function keyPolicyProblems(json: TerraformJson, cluster: Pick<CloudCluster, 'access'>): string[] {
  const problems: string[] = [];
  const people = new Set(Object.values(cluster.access.people).map((p) => p.iamRoleArn));
  // Each role and user with the resources of its statements that use a key: read once, not once per key.
  const principals = [...rolesOf(json), ...usersOf(json)].map((p) => ({
    ...p,
    arn: ref(`aws_iam_${p.kind}`, p.address, 'arn'),
    keysUsed: new Set(p.statements.filter((s) => usesOf(s).length > 0).flatMap((s) => asList(s.Resource))),
  }));
  const stackArns = new Set(principals.map((p) => p.arn));

  for (const [address, key] of resourcesOf(json, 'aws_kms_key')) {
    const say = (problem: string) => problems.push(`KMS key ${address}: ${problem}`);
    if (key.enable_key_rotation !== true) say('[KMS.4] yearly key rotation is off');
    const statements = asList(parsePolicy(key.policy)?.Statement) as Json[];
    if (statements.length === 0) {
      say('has no key policy of its own: the default policy lets every principal of the account with kms:* in an IAM policy use it');
      continue;
    }
    if (!statements.some((s) => s.Effect === 'Allow' && asList(s.Principal?.AWS).some((p) => isAccount(String(p))))) {
      say('no statement lets the account administer it through IAM: no one could change its policy');
    }
    const named = new Set<string>();
    for (const s of statements.filter((st) => st.Effect === 'Allow')) {
      const sid = s.Sid ?? 'without Sid';
      if (isOpenToEveryone(s)) {
        say(`statement ${sid} is open to every principal (*)`);
        continue;
      }
      const uses = usesOf(s);
      for (const service of asList(s.Principal?.Service) as string[]) {
        if (uses.length > 0 && Object.keys(s.Condition ?? {}).length === 0) {
          say(`statement ${sid} lets ${service} use it with no condition naming this account, trail or service path`);
        }
      }
      for (const principal of asList(s.Principal?.AWS).map(String)) {
        if (isAccount(principal)) {
          const serviceGrant =
            uses.length === 1 &&
            uses[0] === 'kms:CreateGrant' &&
            String(s.Condition?.Bool?.['kms:GrantIsForAWSResource']) === 'true' &&
            typeof s.Condition?.StringEquals?.['kms:ViaService'] === 'string';
          if (uses.length > 0 && !serviceGrant) {
            say(`statement ${sid} lets the whole account (${principal}) use it (${uses.join(', ')}): name the roles and services that use it`);
          }
          continue;
        }
        if (uses.length === 0) continue;
        named.add(principal);
        if (!stackArns.has(principal) && !people.has(principal))
          say(`statement ${sid} names ${principal}, neither a role or user of this stack nor a person of the access model`);
      }
    }

    const keyArn = ref('aws_kms_key', address, 'arn');
    for (const p of principals) {
      const usesKey = p.keysUsed.has(keyArn) || p.keysUsed.has('*');
      if (usesKey && !named.has(p.arn)) say(`${p.kind} ${p.name} uses it in its own policy, but the key policy does not name it: its requests would be denied`);
      if (!usesKey && named.has(p.arn)) say(`names ${p.kind} ${p.name}, whose own policy never uses it: a key is granted only to what needs it`);
    }
  }
  return problems;
}
