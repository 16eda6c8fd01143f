import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Token, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { NodePoolSpec } from '../model/cluster-spec';
import type { EksCluster } from './eks-cluster';
import { managedPolicyArn, serviceTrust } from './iam-policy';
import { amiTypeOf, cpuArchitectureOf } from '../model/instance-types';

/** The root volume of the AL2023 EKS images. */
const ROOT_DEVICE = '/dev/xvda';
/**
 * What the nodes themselves may do: join the cluster (and let the Pod Identity agent fetch pods' roles) and
 * pull images. The VPC CNI's rights are its own ServiceAccount's, through Pod Identity (eks-addons.ts).
 */
export const NODE_POLICIES = ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly'];

export interface NodeGroupProps {
  readonly cluster: EksCluster;
  readonly pool: NodePoolSpec;
  /** One private subnet per zone: the node group spreads its nodes over them. */
  readonly subnetIds: readonly string[];
  /** What must exist before nodes join (the networking add-ons). @default [] */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * The managed node group: at least three nodes over three zones, on the EKS-optimized Amazon Linux 2023
 * image. Its launch template requires IMDSv2 with a hop limit of 1, so pods cannot borrow the node's
 * role (they get their own through Pod Identity), and encrypts the root volume.
 */
export class NodeGroup extends Construct {
  readonly resource: EksNodeGroup;

  constructor(scope: Construct, id: string, props: NodeGroupProps) {
    super(scope, id);
    const { pool } = props;
    const namePrefix = props.cluster.name;
    const role = new IamRole(this, 'Role', { name: `${namePrefix}-node`, assumeRolePolicy: serviceTrust('ec2.amazonaws.com') });
    const attachments = NODE_POLICIES.map((policy) => new IamRolePolicyAttachment(this, policy, { role: role.name, policyArn: managedPolicyArn(policy) }));

    const tags = { Name: `${namePrefix}-node` };
    const template = new LaunchTemplate(this, 'LaunchTemplate', {
      name: `${namePrefix}-node`,
      updateDefaultVersion: true,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [
        {
          deviceName: ROOT_DEVICE,
          ebs: { volumeSize: pool.diskGiB, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
        },
      ],
      tagSpecifications: [
        { resourceType: 'instance', tags },
        { resourceType: 'volume', tags },
      ],
    });

    this.resource = new EksNodeGroup(this, 'Resource', {
      clusterName: props.cluster.nameRef,
      nodeGroupNamePrefix: `${namePrefix}-`,
      nodeRoleArn: role.arn,
      subnetIds: [...props.subnetIds],
      amiType: amiTypeOf(cpuArchitectureOf(pool.instanceTypes[0])),
      capacityType: pool.capacityType,
      instanceTypes: [...pool.instanceTypes],
      scalingConfig: { minSize: pool.min, maxSize: pool.max, desiredSize: pool.min },
      updateConfig: { maxUnavailable: 1 },
      nodeRepairConfig: { enabled: true },
      launchTemplate: { id: template.id, version: Token.asString(template.latestVersion) },
      dependsOn: [...attachments, ...(props.dependsOn ?? [])],
      // A changed instance type replaces the group: the new one comes up before the old one drains.
      // The desired size belongs to the autoscaler once the group exists.
      lifecycle: { createBeforeDestroy: true, ignoreChanges: ['scaling_config[0].desired_size'] },
    });
  }
}
