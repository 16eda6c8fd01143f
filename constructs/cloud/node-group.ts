import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Token, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { NodePoolSpec } from '../model/cluster-spec';
import { zoneNodeGroupsOf } from '../model/zone-node-groups';
import type { EksCluster } from './eks-cluster';
import { managedPolicyArn, serviceTrust } from './iam-policy';
import { amiTypeOf, cpuArchitectureOf } from '../model/instance-types';
import { nodeUserDataOf } from './node-user-data';

/** The root volume of the AL2023 EKS images. */
const ROOT_DEVICE = '/dev/xvda';
/**
 * What the nodes themselves may do: join the cluster (and let the Pod Identity agent fetch pods' roles) and
 * pull images. The VPC CNI's rights are its own ServiceAccount's, through Pod Identity (eks-addons.ts).
 */
export const NODE_POLICIES = ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly'];
/**
 * The address of the one node group that spanned all three zones before each zone had its own. Zone 0's
 * group takes it over (a `moved` block), so Terraform replaces that group rather than deleting it outright.
 */
export const SPANNING_NODE_GROUP_ADDRESS = 'aws_eks_node_group.Nodes_66C30434';

/** A private subnet and the zone it lies in. */
export interface ZoneSubnet {
  readonly zone: string;
  readonly subnetId: string;
}

export interface NodeGroupProps {
  readonly cluster: EksCluster;
  readonly pool: NodePoolSpec;
  /** One private subnet per zone: each gets a node group of its own. */
  readonly subnets: readonly ZoneSubnet[];
  /** What must exist before nodes join (the networking add-ons). @default [] */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * The managed node groups, one per zone (model/zone-node-groups.ts says why), sharing the pool's min and
 * max: at least three nodes over three zones, on the EKS-optimized Amazon Linux 2023 image. Their launch
 * template requires IMDSv2 with a hop limit of 1, so pods cannot borrow the node's role (they get their own
 * through Pod Identity), encrypts the root volume, and bounds each pod's PIDs (node-user-data.ts).
 * cluster-autoscaler finds every group by the tags EKS puts on its Auto Scaling group
 * (`k8s.io/cluster-autoscaler/<cluster>`), and balances them (`balance-similar-node-groups`,
 * platform/cluster-autoscaler.ts).
 */
export class NodeGroup extends Construct {
  /** The groups, in the order of the zones. */
  readonly groups: EksNodeGroup[];

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
      userData: nodeUserDataOf(),
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

    const shares = zoneNodeGroupsOf(
      pool,
      props.subnets.map((s) => s.zone),
    );
    const groupOf = (share: (typeof shares)[number], subnetId: string, after: readonly EksNodeGroup[]) =>
      new EksNodeGroup(this, share.zone, {
        clusterName: props.cluster.nameRef,
        // At most 20 + 15 + 2 characters: within the 37 that the provider allows a prefix.
        nodeGroupNamePrefix: `${namePrefix}-${share.zone}-`,
        nodeRoleArn: role.arn,
        subnetIds: [subnetId],
        amiType: amiTypeOf(cpuArchitectureOf(pool.instanceTypes[0])),
        capacityType: pool.capacityType,
        instanceTypes: [...pool.instanceTypes],
        scalingConfig: { minSize: share.min, maxSize: share.max, desiredSize: share.min },
        updateConfig: { maxUnavailable: 1 },
        nodeRepairConfig: { enabled: true },
        launchTemplate: { id: template.id, version: Token.asString(template.latestVersion) },
        dependsOn: [...attachments, ...(props.dependsOn ?? []), ...after],
        // A changed instance type replaces a group: the new one comes up before the old one drains.
        // The desired size belongs to the autoscaler once the group exists.
        lifecycle: { createBeforeDestroy: true, ignoreChanges: ['scaling_config[0].desired_size'] },
      });
    // Zone 0's group comes last and takes over the spanning group's address: Terraform replaces that group
    // create-before-destroy, so it deletes the old group (and drains its nodes) only once every zone has a
    // group of its own with nodes in it (docs/scale-and-upgrade.md).
    const others = props.subnets.slice(1).map((s, i) => groupOf(shares[i + 1], s.subnetId, []));
    const first = groupOf(shares[0], props.subnets[0].subnetId, others);
    first.moveFromId(SPANNING_NODE_GROUP_ADDRESS);
    this.groups = [first, ...others];
  }
}
