import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import type { EksCluster } from './eks-cluster';
import { podIdentityTrust, policyDocument, type PolicyStatement } from './iam-policy';
import { referenceTo } from './references';

export interface PodIdentityRoleProps {
  readonly cluster: EksCluster;
  readonly roleName: string;
  readonly description: string;
  /** The one ServiceAccount EKS Pod Identity hands the role to. */
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Everything the role may do: one inline policy, no managed ones. */
  readonly policyName: string;
  readonly statements: readonly PolicyStatement[];
  /** Terraform addresses: the role's (its policy's is `<roleAddress>_policy`) and the association's. */
  readonly roleAddress: string;
  readonly associationAddress: string;
}

/** An IAM role with one inline policy, bound by EKS Pod Identity to exactly one ServiceAccount. */
export class PodIdentityRole extends Construct {
  readonly role: IamRole;
  /** The role's ARN (a Terraform reference), for the key policies that name it. */
  readonly arn: string;
  readonly association: EksPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    const { cluster, namespace, serviceAccount } = props;
    this.role = new IamRole(this, 'Resource', {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: podIdentityTrust(cluster.name, namespace, serviceAccount),
    });
    this.role.overrideLogicalId(props.roleAddress);
    this.arn = referenceTo(this.role, 'arn');
    const policy = { role: referenceTo(this.role, 'name'), name: props.policyName, policy: policyDocument(props.statements) };
    new IamRolePolicy(this, 'Policy', policy).overrideLogicalId(`${props.roleAddress}_policy`);
    this.association = new EksPodIdentityAssociation(this, 'PodIdentity', { clusterName: cluster.nameRef, namespace, serviceAccount, roleArn: this.arn });
    this.association.overrideLogicalId(props.associationAddress);
  }
}
