import type { CloudCluster } from '../../model/cloud-input';
import { isOpenToEveryone, rolesOf, usersOf } from '../../cloud/iam-principals';
import { allows } from '../../cloud/s3-grants';
import { asList, covers, parsePolicy, ref, resourcesOf, type Json, type TerraformJson } from '../../cloud/terraform-json';

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
const accountOf = (principal: string): string => ACCOUNT_ROOT.exec(principal)?.[1] ?? principal;
const usesOf = (s: Json): string[] => KEY_USE_ACTIONS.filter((a) => allows(s, a));

/**
 * The ARN patterns that hold a statement to some of the account's roles and users (encryption-key.ts,
 * KEY_PRINCIPAL_ARN_CONDITION): aws:PrincipalArn under ArnLike or ArnEquals, as the one operator that names that
 * key. Undefined where no such condition holds the statement. Operators and keys are matched without case, as IAM
 * does; `...IfExists`, `ForAnyValue:` and the negated operators do not hold a statement to anyone, nor two
 * operators at once (AND'ed, they would need reading together): those count as not held.
 */
export function principalArnPatternsOf(s: Json): string[] | undefined {
  const holding = Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap(([operator, keys]) =>
    Object.entries(keys ?? {})
      .filter(([key]) => key.toLowerCase() === 'aws:principalarn')
      .map(([, values]) => ({ operator: operator.toLowerCase(), values: asList(values).map(String) })),
  );
  if (holding.length !== 1 || !['arnlike', 'arnequals'].includes(holding[0].operator) || holding[0].values.length === 0) return undefined;
  return holding[0].values;
}

/** The key-use actions a principal's statements allow, by each resource they name: read once per principal, not once per key. */
function usesByResourceOf(statements: readonly Json[]): Map<string, Set<string>> {
  const byResource = new Map<string, Set<string>>();
  for (const st of statements) {
    const uses = usesOf(st);
    if (uses.length === 0) continue;
    for (const resource of asList(st.Resource).map(String)) {
      const set = byResource.get(resource) ?? byResource.set(resource, new Set()).get(resource)!;
      for (const use of uses) set.add(use);
    }
  }
  return byResource;
}

/** The part of an IAM ARN after the account: `role/<path><name>` or `user/<path><name>`. */
const resourcePartOf = (arn: string): string | undefined => /^arn:[^:]+:iam::[^:]*:((?:role|user)\/.+)$/.exec(arn)?.[1];

/**
 * Every KMS key has its own key policy that names who may use it (FSBP KMS.4 and the issue's "not the whole
 * account"): the account (root) only administers it through IAM and never uses it, except for the grant a
 * service makes for itself (kms:GrantIsForAWSResource, through that service) and for the roles and users of
 * one use held by the pattern of their names (aws:PrincipalArn), which then need their own policy to allow it
 * too; no statement is open to `*`; a service principal is always held by a condition; each role or user named
 * is one of this stack, or a person of the access model; a pattern names only names the platform makes for the
 * cluster (`role/<cluster>-...`), and matches no person; and the key policy and the IAM side agree: each role or
 * user whose own policy uses the key is let by the key policy (by its ARN or a pattern it matches) do each thing
 * it uses the key for, and no role or user of the stack is named or matched without using it.
 */
export function keyPolicyProblems(json: TerraformJson, cluster: Pick<CloudCluster, 'name' | 'access'>): string[] {
  const problems: string[] = [];
  const people = new Map(Object.entries(cluster.access.people).map(([person, p]) => [p.iamRoleArn, person]));
  // Each role and user with the resources of its statements that use a key: read once, not once per key.
  const principals = [...rolesOf(json), ...usersOf(json)].map((p) => ({
    ...p,
    arn: ref(`aws_iam_${p.kind}`, p.address, 'arn'),
    // What aws:PrincipalArn holds for it: its kind, its path (`/` unless set) and its name.
    resourcePart: `${p.kind}${typeof p.resource.path === 'string' ? p.resource.path : '/'}${p.name}`,
    usesByResource: usesByResourceOf(p.statements),
  }));
  const stackArns = new Set(principals.map((p) => p.arn));
  const ownNames = [`role/${cluster.name}-`, `user/${cluster.name}-`];

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
    // Who the key policy lets use the key, and what: by ARN, or by the pattern of their ARN within the account.
    const named = new Map<string, Set<string>>();
    const patterned: { sid: string; matches: (resourcePart: string) => boolean; uses: string[] }[] = [];
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
          if (uses.length === 0) continue;
          const serviceGrant =
            uses.length === 1 &&
            uses[0] === 'kms:CreateGrant' &&
            String(s.Condition?.Bool?.['kms:GrantIsForAWSResource']) === 'true' &&
            typeof s.Condition?.StringEquals?.['kms:ViaService'] === 'string';
          if (serviceGrant) continue;
          const patterns = principalArnPatternsOf(s);
          if (!patterns) {
            say(`statement ${sid} lets the whole account (${principal}) use it (${uses.join(', ')}): name the roles and services that use it`);
            continue;
          }
          const account = accountOf(principal);
          // The resource parts (`role/...`) of the patterns of this account: aws:PrincipalArn names no other here.
          const parts: string[] = [];
          for (const pattern of patterns) {
            const part = pattern.startsWith(`arn:aws:iam::${account}:`) ? resourcePartOf(pattern) : undefined;
            const literal = part?.split(/[*?]/)[0] ?? '';
            if (!part || !ownNames.some((own) => literal.startsWith(own))) {
              say(
                `statement ${sid} lets the account's principals matching ${pattern} use it: a pattern must name this account's ` +
                  `roles or users by the names the platform makes for ${cluster.name} (${ownNames.map((n) => `${n}...`).join(' or ')})`,
              );
              continue;
            }
            parts.push(part);
            for (const [arn, person] of people) {
              const personPart = resourcePartOf(arn);
              if (personPart && covers(part, personPart)) say(`statement ${sid}'s pattern ${pattern} matches ${arn}, the role of person ${person}`);
            }
          }
          // One regular expression per pattern, tried on thousands of principals (covers() is for one-off tests).
          const expressions = parts.map(
            (part) =>
              new RegExp(
                `^${part
                  .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                  .replace(/\*/g, '.*')
                  .replace(/\?/g, '.')}$`,
                'i',
              ),
          );
          patterned.push({ sid, matches: (resourcePart) => expressions.some((e) => e.test(resourcePart)), uses });
          continue;
        }
        if (uses.length === 0) continue;
        named.set(principal, new Set([...(named.get(principal) ?? []), ...uses]));
        if (!stackArns.has(principal) && !people.has(principal))
          say(`statement ${sid} names ${principal}, neither a role or user of this stack nor a person of the access model`);
      }
    }

    const keyArn = ref('aws_kms_key', address, 'arn');
    for (const p of principals) {
      const direct = p.usesByResource.get(keyArn);
      const anyKey = p.usesByResource.get('*');
      const used = direct && anyKey ? [...new Set([...direct, ...anyKey])] : [...(direct ?? anyKey ?? [])];
      const matching = patterned.filter((st) => st.matches(p.resourcePart));
      if (used.length === 0 && matching.length === 0 && !named.has(p.arn)) continue;
      const let_ = new Set([...(named.get(p.arn) ?? []), ...matching.flatMap((st) => st.uses)]);
      const isNamed = named.has(p.arn) || matching.length > 0;
      if (used.length > 0 && !isNamed) {
        say(
          `${p.kind} ${p.name} uses it in its own policy, but the key policy does not name it, by its ARN or a pattern it matches: its requests would be denied`,
        );
        continue;
      }
      const denied = used.filter((a) => !let_.has(a));
      if (used.length > 0 && denied.length > 0) {
        say(`${p.kind} ${p.name} uses it for ${denied.join(', ')} in its own policy, which no statement naming it allows: those requests would be denied`);
      }
      if (used.length === 0 && named.has(p.arn)) say(`names ${p.kind} ${p.name}, whose own policy never uses it: a key is granted only to what needs it`);
      for (const st of used.length === 0 ? matching : []) {
        say(`statement ${st.sid} matches ${p.kind} ${p.name}, whose own policy never uses it: a pattern matches only the roles of its use`);
      }
    }
  }
  return problems;
}
