/* The shared roles as IAM evaluates them for each pod that gets one: a role's statements name resources through
   the session's tags (pod-identity-tags.ts), so what a role reaches is known per association only. The rules
   read each association's session as a principal of its own: the role's statements with that association's
   namespace and ServiceAccount put in. */

import { NAMESPACE_TAG, usesSessionTags, withSessionTags } from './pod-identity-tags';
import { rolesOf, usersOf, type PrincipalView } from './iam-principals';
import { asList, derived, parsePolicy, ref, resourcesOf, type Json, type TerraformJson } from './terraform-json';

/** The session tag of the ServiceAccount. */
const SERVICE_ACCOUNT_TAG = 'kubernetes-service-account';
const CLUSTER_NAME_TAG = 'eks-cluster-name';

/** A role as EKS Pod Identity hands it to the pods of one association: its statements with the session's tags put in. */
export interface SessionView extends PrincipalView {
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The association's Terraform address. */
  readonly association: string;
  /** The role behind the session, as written. */
  readonly role: PrincipalView;
}

/** A role's session in a namespace, for a ServiceAccount: its statements as IAM evaluates them there. */
export function sessionOf(role: PrincipalView, namespace: string, serviceAccount: string, association = ''): SessionView {
  const tags = { [NAMESPACE_TAG]: namespace, [SERVICE_ACCOUNT_TAG]: serviceAccount };
  const statements = (statementsWithTagsOf(role)?.(tags) ?? role.statements) as Json[];
  return { ...role, statements, namespace, serviceAccount, association, role };
}

/** A policy's value with a session's tags put in: made once per role, run once per session. */
type WithTags = (tags: Readonly<Record<string, string>>) => unknown;

/**
 * How to put a session's tags into a policy's value (withSessionTags on each string), or undefined where it
 * holds no variable. Only the objects on the way to a variable are copied per session; the rest is the
 * role's own value, shared by every session: a shared role has a session per app.
 */
function withTagsOf(value: unknown): WithTags | undefined {
  if (typeof value === 'string') return value.includes('${') ? (tags) => withSessionTags(value, tags) : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    const items = value.map(withTagsOf);
    return items.some(Boolean) ? (tags) => value.map((item, i) => items[i]?.(tags) ?? item) : undefined;
  }
  const entries = Object.entries(value).map(([key, item]) => [withTagsOf(key), withTagsOf(item)] as const);
  if (!entries.some(([key, item]) => key ?? item)) return undefined;
  const keys = Object.keys(value);
  return (tags) => Object.fromEntries(entries.map(([key, item], i) => [key ? (key(tags) as string) : keys[i], item ? item(tags) : (value as Json)[keys[i]]]));
}

const statementsWithTags = new WeakMap<readonly Json[], WithTags | undefined>();
function statementsWithTagsOf(role: PrincipalView): WithTags | undefined {
  if (!statementsWithTags.has(role.statements)) statementsWithTags.set(role.statements, withTagsOf(role.statements));
  return statementsWithTags.get(role.statements);
}

/** Whether a role's own policy names resources through the session's tags: a shared role. */
export const isSharedRole = (role: PrincipalView): boolean => usesSessionTags(JSON.stringify(role.statements));

/**
 * Every association's session, in the order of the associations. An association that turns the session tags off
 * gets its role's statements with the variables left in, which IAM matches to nothing.
 */
export const sessionsOf = (json: TerraformJson): readonly SessionView[] =>
  derived(json, 'pod identity sessions', () => {
    const byArn = new Map(rolesOf(json).map((r) => [ref('aws_iam_role', r.address, 'arn'), r]));
    return resourcesOf(json, 'aws_eks_pod_identity_association').flatMap(([address, a]) => {
      const role = byArn.get(a.role_arn);
      if (!role) return [];
      const session = sessionOf(role, a.namespace, a.service_account, address);
      return [a.disable_session_tags === true ? { ...session, statements: role.statements } : session];
    });
  });

/** The sessions of each `<namespace>/<ServiceAccount>`. */
export const sessionsByAccount = (json: TerraformJson): ReadonlyMap<string, readonly SessionView[]> =>
  derived(json, 'pod identity sessions by account', () => {
    const byAccount = new Map<string, SessionView[]>();
    for (const s of sessionsOf(json)) {
      const key = `${s.namespace}/${s.serviceAccount}`;
      byAccount.set(key, [...(byAccount.get(key) ?? []), s]);
    }
    return byAccount;
  });

/**
 * Every principal as it acts: each IAM user, each role whose policy names its resources outright, and each
 * session of a shared role (a shared role as written reaches nothing: its variables match no real resource).
 */
export const actingPrincipalsOf = (json: TerraformJson): readonly PrincipalView[] =>
  derived(json, 'acting principals', () => {
    const shared = new Set(
      rolesOf(json)
        .filter(isSharedRole)
        .map((r) => r.address),
    );
    return [...rolesOf(json).filter((r) => !shared.has(r.address)), ...sessionsOf(json).filter((s) => shared.has(s.address)), ...usersOf(json)];
  });

/**
 * Whether a shared role's trust policy is the one sharedPodIdentityTrust writes: each statement lets only EKS Pod
 * Identity assume it, in this cluster, under exactly a StringEquals on the cluster's name and the ServiceAccount.
 * The rules read no other form, so they refuse it.
 */
export function sharedTrustProblems(role: PrincipalView, cluster: string, say: (problem: string) => void): void {
  for (const problem of trustProblemsOf(role, cluster)) say(problem);
}

// The same for every session of a role: read once per role and cluster.
const trustProblems = new WeakMap<PrincipalView, Map<string, readonly string[]>>();
function trustProblemsOf(role: PrincipalView, cluster: string): readonly string[] {
  const byCluster = trustProblems.get(role) ?? new Map<string, readonly string[]>();
  trustProblems.set(role, byCluster);
  let problems = byCluster.get(cluster);
  if (problems) return problems;
  const found: string[] = [];
  const trust = trustStatementsOf(role);
  if (trust.length === 0) found.push('has no trust policy statement');
  for (const s of trust) {
    const conditions = Object.entries(s.Condition ?? {});
    const equals = s.Condition?.StringEquals ?? {};
    const readable =
      s.Effect === 'Allow' &&
      JSON.stringify(s.Principal) === JSON.stringify({ Service: 'pods.eks.amazonaws.com' }) &&
      conditions.length === 1 &&
      JSON.stringify(Object.keys(equals).sort()) === JSON.stringify([`aws:RequestTag/${CLUSTER_NAME_TAG}`, `aws:RequestTag/${SERVICE_ACCOUNT_TAG}`]);
    if (!readable) found.push(`trusts more than Pod Identity under the cluster's name and a ServiceAccount (statement ${s.Sid ?? 'without Sid'})`);
    else if (equals[`aws:RequestTag/${CLUSTER_NAME_TAG}`] !== cluster)
      found.push(`trusts Pod Identity of cluster ${equals[`aws:RequestTag/${CLUSTER_NAME_TAG}`]}, not ${cluster}`);
  }
  byCluster.set(cluster, (problems = found));
  return problems;
}

/** Whether a shared role's trust policy (of the form sharedTrustProblems reads) admits a pod of this namespace and ServiceAccount. */
export function sharedTrustAdmits(role: PrincipalView, namespace: string, serviceAccount: string): boolean {
  const tags = { [NAMESPACE_TAG]: namespace, [SERVICE_ACCOUNT_TAG]: serviceAccount };
  return trustStatementsOf(role).some(
    (s) =>
      s.Effect === 'Allow' &&
      asList(s.Condition?.StringEquals?.[`aws:RequestTag/${SERVICE_ACCOUNT_TAG}`]).some(
        (v) => typeof v === 'string' && withSessionTags(v, tags) === serviceAccount,
      ),
  );
}

const trustStatements = new WeakMap<PrincipalView, readonly Json[]>();
function trustStatementsOf(role: PrincipalView): readonly Json[] {
  let statements = trustStatements.get(role);
  if (!statements) trustStatements.set(role, (statements = asList(parsePolicy(role.resource.assume_role_policy)?.Statement) as Json[]));
  return statements;
}
