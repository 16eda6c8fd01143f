import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import type { EksCluster } from './eks-cluster';
import { policyDocument, sharedPodIdentityTrust, type PolicyStatement } from './iam-policy';
import { referenceTo } from './references';
import { ref } from './terraform-json';

export interface SharedPodIdentityRoleProps {
  readonly cluster: EksCluster;
  readonly roleName: string;
  readonly description: string;
  /** The ServiceAccount of the role's use in a namespace, e.g. `(ns) => `${ns}-backup``. */
  readonly serviceAccountIn: (namespace: string) => string;
  /** Everything the role may do: one inline policy, no managed ones, each resource scoped by SESSION_NAMESPACE. */
  readonly policyName: string;
  readonly statements: readonly PolicyStatement[];
  /** The role's Terraform address (its policy's is `<roleAddress>_policy`). */
  readonly roleAddress: string;
}

/**
 * An IAM role with one inline policy, handed by EKS Pod Identity to the ServiceAccount of one use in each app
 * namespace that has an association to it (sharedPodIdentityAssociation): one role per use and cluster rather
 * than per app, so the count of roles does not grow with the apps (IAM's quota of roles per account). Its policy
 * names each resource through the session's namespace tag (pod-identity-tags.ts), so a session reaches what
 * the per-app role of its namespace reached, and nothing of another namespace.
 *
 * Who may have it is the associations' to say: EKS Pod Identity hands a role only to pods whose ServiceAccount
 * has an association to it, and only this stack makes associations, one per app and use. The trust policy pins
 * the cluster and the use's ServiceAccount in the asking namespace; it does not list the app namespaces, which
 * would grow with the apps against a trust policy's size quota. A namespace of the platform has no association;
 * were one made by hand, its sessions would reach the bucket and backup prefix named after that namespace,
 * which no app has: no app may be named like a namespace of the platform (validation/reserved-names.ts).
 */
export class SharedPodIdentityRole extends Construct {
  readonly role: IamRole;
  /** The role's ARN, written out (references.ts): the apps' associations, kept between runs, name it. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: SharedPodIdentityRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, 'Resource', {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: sharedPodIdentityTrust(props.cluster.name, props.serviceAccountIn),
    });
    this.role.overrideLogicalId(props.roleAddress);
    this.arn = referenceTo(this.role, 'arn');
    const policy = { role: referenceTo(this.role, 'name'), name: props.policyName, policy: policyDocument(props.statements) };
    new IamRolePolicy(this, 'Policy', policy).overrideLogicalId(`${props.roleAddress}_policy`);
  }
}

export interface SharedPodIdentityAssociationProps {
  readonly cluster: EksCluster;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The Terraform address of the shared role, which may be built apart from this association. */
  readonly roleAddress: string;
  readonly address: string;
}

/** One app's association to the shared role of one use. Session tags stay on: the role's policy needs them. */
export function sharedPodIdentityAssociation(scope: Construct, id: string, props: SharedPodIdentityAssociationProps): EksPodIdentityAssociation {
  const association = new EksPodIdentityAssociation(scope, id, {
    clusterName: props.cluster.nameRef,
    namespace: props.namespace,
    serviceAccount: props.serviceAccount,
    roleArn: ref('aws_iam_role', props.roleAddress, 'arn'),
  });
  association.overrideLogicalId(props.address);
  return association;
}
