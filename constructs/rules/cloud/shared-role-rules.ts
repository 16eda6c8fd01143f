import { BACKUP_JOB_NAMES, serviceAccountOf } from '../../model/naming';
import { sharedTrustAdmits, sharedTrustProblems, type SessionView } from '../../cloud/pod-identity-sessions';
import { ref, resourcesBy, type TerraformJson } from '../../cloud/terraform-json';

/** A namespace no app can have (upper case is no DNS-1123 label): where a shared role's session must reach nothing. */
export const NO_APP_NAMESPACE = 'NO-APP';

/** Every ServiceAccount the platform gives an app in its namespace, and Kubernetes' default one. */
const accountsOf = (app: string): string[] => ['default', serviceAccountOf(app), ...Object.values(BACKUP_JOB_NAMES).map((n) => n.serviceAccountOf(app))];

/**
 * One app's session of a shared role (shared-pod-identity-role.ts): the role trusts EKS Pod Identity of this
 * cluster only, admits the ServiceAccount its association names and no other of the app's namespace, keeps its
 * session tags (which its policy names its resources by), and has only its own inline policy.
 */
export function sharedRoleProblems(json: TerraformJson, session: SessionView, cluster: string, say: (problem: string) => void): void {
  const { role, namespace, serviceAccount } = session;
  sharedTrustProblems(role, cluster, say);
  if (!sharedTrustAdmits(role, namespace, serviceAccount)) say(`does not trust ${namespace}/${serviceAccount}, which its association names`);
  for (const other of accountsOf(namespace).filter((a) => a !== serviceAccount)) {
    if (sharedTrustAdmits(role, namespace, other)) say(`trusts ${namespace}/${other} too, another use's ServiceAccount`);
  }
  const association = json.resource?.aws_eks_pod_identity_association?.[session.association];
  if (association?.disable_session_tags === true) say(`is associated by ${session.association} with session tags off: its policy names its resources by them`);
  if (resourcesBy(json, 'aws_iam_role_policy_attachment', 'role').has(ref('aws_iam_role', role.address, 'name'))) {
    say('has a managed policy attached; it may only have its own inline policy');
  }
}
