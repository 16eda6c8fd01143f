import type { Construct } from 'constructs';
import { addOnPodIdentityAddressOf, addOnRoleAddressOf, addOnRoleOf, type AddOnIdentity } from './add-on-identities';
import type { EksCluster } from './eks-cluster';
import type { PolicyStatement } from './iam-policy';
import { PodIdentityRole } from './pod-identity-role';

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
export class AddOnRole extends PodIdentityRole {
  constructor(scope: Construct, id: string, props: AddOnRoleProps) {
    const { cluster, identity } = props;
    const { addOn, namespace, serviceAccount } = identity;
    super(scope, id, {
      cluster,
      roleName: addOnRoleOf(cluster.name, addOn),
      description: `Platform add-on ${addOn} in ${cluster.name}`,
      namespace,
      serviceAccount,
      policyName: addOn,
      statements: props.statements,
      roleAddress: addOnRoleAddressOf(addOn),
      associationAddress: addOnPodIdentityAddressOf(addOn),
    });
  }
}
