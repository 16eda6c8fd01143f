import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { addOnPodIdentityAddressOf, addOnRoleAddressOf, addOnRoleOf, type AddOnIdentity } from './add-on-identities';
import type { EksCluster } from './eks-cluster';
import { podIdentityTrust, policyDocument, type PolicyStatement } from './iam-policy';

export interface AddOnRoleProps {
  readonly cluster: EksCluster;
  /** The add-on, and the ServiceAccount its chart creates. */
  readonly identity: AddOnIdentity;
  /** Everything the role may do: one inline policy, no managed ones. */
  readonly statements: readonly PolicyStatement[];
}

/**
 * The IAM role of one platform add-on, handed by EKS Pod Identity to exactly the ServiceAccount that
 * the add-on's Helm chart creates in the add-on's namespace.
 */
export class AddOnRole extends Construct {
  readonly role: IamRole;
  readonly association: EksPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: AddOnRoleProps) {
    super(scope, id);
    const { cluster, identity } = props;
    const { addOn, namespace, serviceAccount } = identity;

    this.role = new IamRole(this, 'Resource', {
      name: addOnRoleOf(cluster.name, addOn),
      description: `Platform add-on ${addOn} in ${cluster.name}`,
      assumeRolePolicy: podIdentityTrust(cluster.name, namespace, serviceAccount),
    });
    this.role.overrideLogicalId(addOnRoleAddressOf(addOn));

    new IamRolePolicy(this, 'Policy', { role: this.role.name, name: addOn, policy: policyDocument(props.statements) }).overrideLogicalId(
      `${addOnRoleAddressOf(addOn)}_policy`,
    );

    this.association = new EksPodIdentityAssociation(this, 'PodIdentity', {
      clusterName: cluster.nameRef,
      namespace,
      serviceAccount,
      roleArn: this.role.arn,
    });
    this.association.overrideLogicalId(addOnPodIdentityAddressOf(addOn));
  }
}
