/* How a cluster's VPC is cut into subnets; the network construct builds them, the input checks keep other ranges off them. */
import { formatCidr, parseCidr, subnetOf, type Ipv4Cidr } from './cidr';
import { cloudSettingsOf, type ClusterSpec } from './cluster-spec';

/** Size of each zone's private subnet (nodes, and pods through the VPC CNI): 8,192 addresses. */
export const PRIVATE_SUBNET_PREFIX = 19;
/** Size of each zone's public subnet: only the load balancer's addresses live there. */
export const PUBLIC_SUBNET_PREFIX = 24;
/** The public /24s start after the three private /19s (10.x.96.0/24 in a 10.x.0.0/16). */
const FIRST_PUBLIC_SUBNET = 96;

/**
 * Size of each zone's control-plane subnet, where EKS places the API server's network interfaces (two to
 * four, and as many again during an upgrade: a /28 keeps 11 of its 16 addresses, AWS reserving five).
 * Apart from the nodes' subnets so that the NetworkPolicies can name the API server by address: as a
 * destination on 443 and as the source of webhook calls, instead of the whole VPC, where every pod lives.
 */
export const CONTROL_PLANE_SUBNET_PREFIX = 28;
/** The control-plane /28s start at the /24 after the public ones (10.x.99.0/28, .16/28, .32/28 in a 10.x.0.0/16). */
const FIRST_CONTROL_PLANE_SUBNET = (FIRST_PUBLIC_SUBNET + 3) * 2 ** (CONTROL_PLANE_SUBNET_PREFIX - PUBLIC_SUBNET_PREFIX);

/** Zone i's private subnet. */
export const privateSubnetOf = (vpc: Ipv4Cidr, zone: number): Ipv4Cidr => subnetOf(vpc, PRIVATE_SUBNET_PREFIX, zone);
/** Zone i's public subnet. */
export const publicSubnetOf = (vpc: Ipv4Cidr, zone: number): Ipv4Cidr => subnetOf(vpc, PUBLIC_SUBNET_PREFIX, FIRST_PUBLIC_SUBNET + zone);
/** Zone i's control-plane subnet. */
export const controlPlaneSubnetOf = (vpc: Ipv4Cidr, zone: number): Ipv4Cidr => subnetOf(vpc, CONTROL_PLANE_SUBNET_PREFIX, FIRST_CONTROL_PLANE_SUBNET + zone);

/** The cluster's private subnets, one per zone: where its nodes (and, through the VPC CNI, its pods) have their addresses. */
export function nodeRangesOf(cluster: ClusterSpec): string[] {
  const { vpcCidr, zones } = cloudSettingsOf(cluster).network;
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new Error(`cluster ${cluster.name}: network.vpcCidr "${vpcCidr}" is not an IPv4 CIDR`);
  return zones.map((_, zone) => formatCidr(privateSubnetOf(vpc, zone)));
}

/** The cluster's control-plane subnets, one per zone: where its API server's private endpoint answers and whence it calls webhooks. */
export function controlPlaneRangesOf(cluster: ClusterSpec): string[] {
  const { vpcCidr, zones } = cloudSettingsOf(cluster).network;
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new Error(`cluster ${cluster.name}: network.vpcCidr "${vpcCidr}" is not an IPv4 CIDR`);
  return zones.map((_, zone) => formatCidr(controlPlaneSubnetOf(vpc, zone)));
}
