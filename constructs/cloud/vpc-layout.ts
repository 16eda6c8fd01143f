/* How a cluster's VPC is cut into subnets; the network construct builds them, the input checks keep other ranges off them. */
import { subnetOf, type Ipv4Cidr } from '../model/cidr';

/** Size of each zone's private subnet (nodes, and pods through the VPC CNI): 8,192 addresses. */
export const PRIVATE_SUBNET_PREFIX = 19;
/** Size of each zone's public subnet: only the load balancer's addresses live there. */
export const PUBLIC_SUBNET_PREFIX = 24;
/** The public /24s start after the three private /19s (10.x.96.0/24 in a 10.x.0.0/16). */
const FIRST_PUBLIC_SUBNET = 96;

/** Zone i's private subnet. */
export const privateSubnetOf = (vpc: Ipv4Cidr, zone: number): Ipv4Cidr => subnetOf(vpc, PRIVATE_SUBNET_PREFIX, zone);
/** Zone i's public subnet. */
export const publicSubnetOf = (vpc: Ipv4Cidr, zone: number): Ipv4Cidr => subnetOf(vpc, PUBLIC_SUBNET_PREFIX, FIRST_PUBLIC_SUBNET + zone);
