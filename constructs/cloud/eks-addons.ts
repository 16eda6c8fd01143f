import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { EksCluster } from './eks-cluster';
import { EKS_ADDON_VERSIONS_FILE, EKS_ADDONS, eksAddonPinsOf } from './eks-addon-versions';
import { managedPolicyArn, podIdentityTrust } from './iam-policy';
import { VPC_CNI_CONFIGURATION } from './vpc-cni-config';

/** The EBS CSI controller's ServiceAccount, which the add-on creates; it gets its role through Pod Identity. */
export const EBS_CSI_SERVICE_ACCOUNT = { namespace: 'kube-system', name: 'ebs-csi-controller-sa' } as const;
/**
 * The VPC CNI's ServiceAccount, which the add-on creates. It gets AmazonEKS_CNI_Policy through Pod Identity
 * rather than the node role, so that no other pod on a node, and nothing that steals the node's
 * credentials, can create or attach network interfaces. EKS add-ons take a Pod Identity association for the
 * VPC CNI (https://docs.aws.amazon.com/eks/latest/userguide/add-ons-iam.html, read 2026-11-30); aws-node
 * runs in the host network and reaches the Pod Identity agent, which is installed before the nodes too.
 */
export const VPC_CNI_SERVICE_ACCOUNT = { namespace: 'kube-system', name: 'aws-node' } as const;
/** What the VPC CNI may do: assign and release the pods' addresses on the nodes' interfaces (IPv4). */
export const VPC_CNI_POLICY = 'AmazonEKS_CNI_Policy';

export interface EksAddonsProps {
  readonly cluster: EksCluster;
  /** Which half to install: the one nodes need, or the one that runs on nodes. */
  readonly phase: 'beforeNodes' | 'afterNodes';
  /** What must exist first (the node group, for the second half). @default [] */
  readonly dependsOn?: readonly ITerraformDependable[];
  /** What one add-on of this half must have besides, by its name. @default {} */
  readonly addonDependsOn?: Readonly<Partial<Record<string, readonly ITerraformDependable[]>>>;
}

/**
 * One half of the cluster's EKS add-ons, each at the exact version pinned for the cluster's Kubernetes
 * version. The VPC CNI enforces NetworkPolicies (vpc-cni-config.ts). The VPC CNI and the EBS CSI driver get
 * their own roles through Pod Identity. The Mountpoint S3 CSI driver (v2 or later) gets none on purpose: each app's volume
 * mounts with the app's own credentials (`authenticationSource: pod`), so the driver cannot reach one
 * app's bucket for another.
 */
export class EksAddons extends Construct {
  readonly addons: EksAddon[] = [];

  constructor(scope: Construct, id: string, props: EksAddonsProps) {
    super(scope, id);
    const pins = eksAddonPinsOf(props.cluster.kubernetesVersion);
    if (!pins) {
      // Input validation refuses such a cluster first; this guards other callers.
      throw new Error(
        `EKS cluster ${props.cluster.name}: field "kubernetesVersion" = "${props.cluster.kubernetesVersion}": no add-on versions are pinned for it in ${EKS_ADDON_VERSIONS_FILE}`,
      );
    }
    const dependsOnOf = (name: string) => {
      const all = [...(props.dependsOn ?? []), ...(props.addonDependsOn?.[name] ?? [])];
      return all.length > 0 ? all : undefined;
    };
    const wanted = EKS_ADDONS.filter((a) => a.beforeNodes === (props.phase === 'beforeNodes'));
    for (const { name } of wanted) {
      const podIdentityAssociation = name === 'aws-ebs-csi-driver' ? [this.ebsCsiRole(props)] : name === 'vpc-cni' ? [this.vpcCniRole(props)] : undefined;
      this.addons.push(
        new EksAddon(this, name, {
          clusterName: props.cluster.nameRef,
          addonName: name,
          addonVersion: pins[name].version,
          configurationValues: name === 'vpc-cni' ? JSON.stringify(VPC_CNI_CONFIGURATION) : undefined,
          resolveConflictsOnCreate: 'OVERWRITE',
          resolveConflictsOnUpdate: 'OVERWRITE',
          podIdentityAssociation,
          dependsOn: dependsOnOf(name),
        }),
      );
    }
  }

  private ebsCsiRole(props: EksAddonsProps): { roleArn: string; serviceAccount: string } {
    const role = new IamRole(this, 'EbsCsiRole', {
      name: `${props.cluster.name}-ebs-csi`,
      assumeRolePolicy: podIdentityTrust(props.cluster.name, EBS_CSI_SERVICE_ACCOUNT.namespace, EBS_CSI_SERVICE_ACCOUNT.name),
    });
    new IamRolePolicyAttachment(this, 'EbsCsiPolicy', { role: role.name, policyArn: managedPolicyArn('service-role/AmazonEBSCSIDriverPolicy') });
    return { roleArn: role.arn, serviceAccount: EBS_CSI_SERVICE_ACCOUNT.name };
  }

  private vpcCniRole(props: EksAddonsProps): { roleArn: string; serviceAccount: string } {
    const role = new IamRole(this, 'VpcCniRole', {
      name: `${props.cluster.name}-vpc-cni`,
      assumeRolePolicy: podIdentityTrust(props.cluster.name, VPC_CNI_SERVICE_ACCOUNT.namespace, VPC_CNI_SERVICE_ACCOUNT.name),
    });
    role.overrideLogicalId('vpc_cni_role');
    new IamRolePolicyAttachment(this, 'VpcCniPolicy', { role: role.name, policyArn: managedPolicyArn(VPC_CNI_POLICY) }).overrideLogicalId('vpc_cni_policy');
    return { roleArn: role.arn, serviceAccount: VPC_CNI_SERVICE_ACCOUNT.name };
  }
}
