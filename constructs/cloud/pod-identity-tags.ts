/*
 * The session tags of EKS Pod Identity, as the shared roles' policies name them. EKS Pod Identity tags each role
 * session it makes, unless an association disables it, with six tags: eks-cluster-arn, eks-cluster-name,
 * kubernetes-namespace, kubernetes-service-account, kubernetes-pod-name and kubernetes-pod-uid (EKS API
 * Reference, PodIdentityAssociation, disableSessionTags; EKS User Guide, "List of session tags added by EKS
 * Pod Identity"). The trust policy sees them as aws:RequestTag/<key> on sts:AssumeRole and sts:TagSession, the
 * session's requests as aws:PrincipalTag/<key>; both may stand as policy variables in a Resource and in a string
 * condition's value (IAM User Guide, "IAM policy elements: Variables and tags", and "Condition operators": string
 * operators support policy variables). A variable that does not resolve, a tag the session lacks, makes its
 * statement match nothing: a session without the tag is refused, not let further.
 */

/** The tag that names the pod's namespace: the app's, for every association to a shared role. */
export const NAMESPACE_TAG = 'kubernetes-namespace';

/**
 * Terraform reads `${` in a JSON string as its own interpolation and `$${` as a literal `${` (Terraform
 * Language, JSON Configuration Syntax: strings are templates; String Templates: `$${` escapes): so a policy
 * variable is written `$${...}` in the Terraform JSON, and AWS receives `${...}`.
 */
const terraformLiteral = (variable: string): string => `$\${${variable}}`;

/** The namespace of the session, in an identity policy of a shared role (Resource, condition values). */
export const SESSION_NAMESPACE = terraformLiteral(`aws:PrincipalTag/${NAMESPACE_TAG}`);
/** The namespace of the pod that asks for the role, in a shared role's trust policy. */
export const REQUEST_NAMESPACE = terraformLiteral(`aws:RequestTag/${NAMESPACE_TAG}`);

/** A policy's text as AWS receives it from Terraform: each `$${` unescaped. */
export const asSentByTerraform = (text: string): string => text.replace(/\$\$\{/g, '${');

/** Whether a policy (as in the Terraform JSON) uses a session's tags as variables. */
export const usesSessionTags = (text: string): boolean => /\$\$\{aws:(PrincipalTag|RequestTag)\//.test(text);

/**
 * A policy's text as IAM evaluates it for one session: Terraform's escapes undone, and the session's tags put
 * in for `${aws:PrincipalTag/<key>}` and `${aws:RequestTag/<key>}`. A tag the session lacks stays a variable,
 * which matches nothing real.
 */
export function withSessionTags(text: string, tags: Readonly<Record<string, string>>): string {
  return asSentByTerraform(text).replace(/\$\{aws:(?:PrincipalTag|RequestTag)\/([^}]+)\}/g, (variable, key: string) => tags[key] ?? variable);
}
