import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Construct } from 'constructs';
import { formatCidr, parseCidr } from '../model/cidr';
import { controlPlaneSubnetOf, privateSubnetOf, publicSubnetOf } from '../model/vpc-layout';

export interface NetworkProps {
  /** Names the VPC and tags the subnets for the cluster's load balancers. */
  readonly clusterName: string;
  /** Where S3's gateway endpoint is: the cluster's region. */
  readonly region: string;
  /** A /16, already validated. */
  readonly vpcCidr: string;
  /** Three availability zones. */
  readonly zones: readonly string[];
  /** A NAT gateway per zone, or one for all. */
  readonly natGateways: 'perZone' | 'single';
}

/**
 * A VPC over three zones. Nodes sit in private subnets and reach the internet through NAT; they get no
 * public IPs. The public subnets exist only for the one internet-facing load balancer, the control-plane
 * subnets only for the API server's interfaces, which need no route beyond the VPC. The default
 * security group allows nothing. S3 in the region is reached through a gateway endpoint, not NAT.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly privateSubnets: Subnet[] = [];
  readonly publicSubnets: Subnet[] = [];
  /** Only the API server's network interfaces live here (EKS's cluster subnets). */
  readonly controlPlaneSubnets: Subnet[] = [];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { clusterName, zones } = props;
    const cidr = parseCidr(props.vpcCidr);
    if (!cidr) throw new Error(`Network: vpcCidr "${props.vpcCidr}" is not an IPv4 CIDR`);
    const name = (suffix: string) => ({ Name: `${clusterName}-${suffix}` });
    const clusterTag = { [`kubernetes.io/cluster/${clusterName}`]: 'shared' };

    this.vpc = new Vpc(this, 'Resource', {
      cidrBlock: props.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: name('vpc'),
    });
    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', { vpcId: this.vpc.id, tags: name('default-deny-all') });
    const internetGateway = new InternetGateway(this, 'InternetGateway', { vpcId: this.vpc.id, tags: name('igw') });

    // Routes are resources of their own: inline route blocks need every attribute set in JSON syntax.
    const publicRoutes = new RouteTable(this, 'PublicRoutes', { vpcId: this.vpc.id, tags: name('public') });
    new Route(this, 'PublicDefaultRoute', { routeTableId: publicRoutes.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: internetGateway.id });

    const natGateways: NatGateway[] = [];
    const privateRouteTables: RouteTable[] = [];
    zones.forEach((zone, i) => {
      const publicSubnet = new Subnet(this, `Public${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: zone,
        cidrBlock: formatCidr(publicSubnetOf(cidr, i)),
        mapPublicIpOnLaunch: false,
        tags: { ...name(`public-${zone}`), ...clusterTag, 'kubernetes.io/role/elb': '1' },
      });
      new RouteTableAssociation(this, `Public${i}Routes`, { subnetId: publicSubnet.id, routeTableId: publicRoutes.id });
      this.publicSubnets.push(publicSubnet);

      if (props.natGateways === 'perZone' || i === 0) {
        const address = new Eip(this, `Nat${i}Address`, { domain: 'vpc', tags: name(`nat-${zone}`) });
        natGateways.push(
          new NatGateway(this, `Nat${i}`, {
            allocationId: address.allocationId,
            subnetId: publicSubnet.id,
            tags: name(`nat-${zone}`),
            dependsOn: [internetGateway],
          }),
        );
      }
    });

    zones.forEach((zone, i) => {
      const privateSubnet = new Subnet(this, `Private${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: zone,
        cidrBlock: formatCidr(privateSubnetOf(cidr, i)),
        mapPublicIpOnLaunch: false,
        tags: { ...name(`private-${zone}`), ...clusterTag, 'kubernetes.io/role/internal-elb': '1' },
      });
      const routes = new RouteTable(this, `Private${i}Routes`, { vpcId: this.vpc.id, tags: name(`private-${zone}`) });
      new Route(this, `Private${i}DefaultRoute`, {
        routeTableId: routes.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: (natGateways[i] ?? natGateways[0]).id,
      });
      new RouteTableAssociation(this, `Private${i}RoutesAssociation`, { subnetId: privateSubnet.id, routeTableId: routes.id });
      this.privateSubnets.push(privateSubnet);
      privateRouteTables.push(routes);
    });

    // A route table of its own, with the VPC's local route only: the API server's interfaces answer the nodes
    // and pods and call webhooks in the VPC, and reach nothing else through them.
    const controlPlaneRoutes = new RouteTable(this, 'ControlPlaneRoutes', { vpcId: this.vpc.id, tags: name('control-plane') });
    zones.forEach((zone, i) => {
      const subnet = new Subnet(this, `ControlPlane${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: zone,
        cidrBlock: formatCidr(controlPlaneSubnetOf(cidr, i)),
        mapPublicIpOnLaunch: false,
        tags: name(`control-plane-${zone}`),
      });
      new RouteTableAssociation(this, `ControlPlane${i}RoutesAssociation`, { subnetId: subnet.id, routeTableId: controlPlaneRoutes.id });
      this.controlPlaneSubnets.push(subnet);
    });

    // The bucket mounts, the backups and the image layers ECR serves all read and write S3 in the region: through
    // NAT, each GB would cost NAT's processing fee, twice for a backup. A gateway endpoint costs nothing and keeps
    // S3's public addresses, so the NetworkPolicies that let pods reach S3 on 443 still match. Its policy is the
    // default (the roles decide): a narrower one would have to name the AWS-owned buckets ECR and the add-ons pull from.
    new VpcEndpoint(this, 'S3Endpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: privateRouteTables.map((t) => t.id),
      tags: name('s3'),
    });
  }
}
