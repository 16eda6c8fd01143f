import { asList, derived, parsePolicy, ref, resourcesBy, resourcesOf, type Json, type TerraformJson } from './terraform-json';

/** A role or an IAM user as the rules see it: its address, its name, and every statement of its inline policies. */
export interface PrincipalView {
  readonly kind: 'role' | 'user';
  readonly address: string;
  readonly name: string;
  readonly resource: Json;
  readonly statements: Json[];
}

function principalsOf(json: TerraformJson, kind: PrincipalView['kind']): PrincipalView[] {
  const type = `aws_iam_${kind}`;
  // Each inline policy under the principal it names, in the order of the policies.
  const policiesOf = new Map<unknown, Json[]>();
  for (const [, p] of resourcesOf(json, `${type}_policy`)) policiesOf.set(p[kind], [...(policiesOf.get(p[kind]) ?? []), p]);
  return resourcesOf(json, type).map(([address, resource]) => ({
    kind,
    address,
    name: resource.name,
    resource,
    statements: (policiesOf.get(ref(type, address, 'name')) ?? []).flatMap((p) => asList(parsePolicy(p.policy)?.Statement)) as Json[],
  }));
}
/** Whether a policy statement names every principal (`*`, or `{ AWS: '*' }`). */
export const isOpenToEveryone = (statement: Json): boolean => statement.Principal === '*' || asList(statement.Principal?.AWS).includes('*');

export const rolesOf = (json: TerraformJson): readonly PrincipalView[] => derived(json, 'roles', () => principalsOf(json, 'role'));
export const usersOf = (json: TerraformJson): readonly PrincipalView[] => derived(json, 'users', () => principalsOf(json, 'user'));

/** The roles or the IAM users of a stack by name, each list in the order of the stack. */
export const principalsNamed = (json: TerraformJson, kind: PrincipalView['kind']): ReadonlyMap<unknown, readonly PrincipalView[]> =>
  derived(json, `${kind}s by name`, () => {
    const named = new Map<unknown, PrincipalView[]>();
    for (const p of kind === 'role' ? rolesOf(json) : usersOf(json)) {
      const group = named.get(p.name);
      if (group) group.push(p);
      else named.set(p.name, [p]);
    }
    return named;
  });

/**
 * A role handed out by Pod Identity to exactly one ServiceAccount: one association, to that namespace and
 * ServiceAccount; a trust policy pinned to them; only its own inline policy.
 */
/** Whether a role's trust policy lets EKS Pod Identity hand it to exactly one ServiceAccount, and no one else assume it. */
export function trustsOnlyPodIdentityOf(assumeRolePolicy: unknown, namespace: string, serviceAccount: string): boolean {
  const trust = asList(parsePolicy(assumeRolePolicy)?.Statement) as Json[];
  return (
    trust.length > 0 &&
    trust.every(
      (s) =>
        s.Principal?.Service === 'pods.eks.amazonaws.com' &&
        s.Condition?.StringEquals?.['aws:RequestTag/kubernetes-namespace'] === namespace &&
        s.Condition?.StringEquals?.['aws:RequestTag/kubernetes-service-account'] === serviceAccount,
    )
  );
}

export function podIdentityProblems(json: TerraformJson, role: PrincipalView, namespace: string, serviceAccount: string, say: (problem: string) => void): void {
  const associations = resourcesBy(json, 'aws_eks_pod_identity_association', 'role_arn').get(ref('aws_iam_role', role.address, 'arn')) ?? [];
  if (associations.length !== 1) say(`has ${associations.length} Pod Identity associations, not 1`);
  for (const a of associations) {
    if (a.namespace !== namespace || a.service_account !== serviceAccount)
      say(`is bound to ${a.namespace}/${a.service_account}, not ${namespace}/${serviceAccount}`);
  }
  if (!trustsOnlyPodIdentityOf(role.resource.assume_role_policy, namespace, serviceAccount))
    say(`trusts more than Pod Identity for ${namespace}/${serviceAccount}`);
  if (resourcesBy(json, 'aws_iam_role_policy_attachment', 'role').has(ref('aws_iam_role', role.address, 'name'))) {
    say('has a managed policy attached; it may only have its own inline policy');
  }
}

/**
 * An IAM user for static keys: only its own inline policy (no managed policy, no group) and no console
 * password. Its access key is never Terraform's (appDataProblems refuses every aws_iam_access_key): an
 * operator makes it by hand, so the user needs `force_destroy` for Terraform to delete it with its keys.
 */
export function staticKeyUserProblems(json: TerraformJson, user: PrincipalView, say: (problem: string) => void): void {
  if (user.resource.force_destroy !== true) {
    say('has no force_destroy: Terraform could not delete it once an operator has made its access key (DeleteConflict: must delete access keys first)');
  }
  const name = ref('aws_iam_user', user.address, 'name');
  const names = (type: string, attr: string) => resourcesOf(json, type).filter(([, r]) => asList(r[attr]).includes(name));
  if (names('aws_iam_user_policy_attachment', 'user').length > 0) say('has a managed policy attached; it may only have its own inline policy');
  if (names('aws_iam_user_group_membership', 'user').length + names('aws_iam_group_membership', 'users').length > 0) {
    say('is in a group, whose policies it would hold; it may only have its own inline policy');
  }
  if (names('aws_iam_user_login_profile', 'user').length > 0) say('has a console password; it only needs an access key');
}
