import { formatCidr, parseCidr, type Ipv4Cidr } from '../model/cidr';
import { controlPlaneSubnetOf, privateSubnetOf, publicSubnetOf } from '../model/vpc-layout';
import type { AppSpec } from '../model/app-spec';
import { cloudSettingsOf, type ClusterSpec } from '../model/cluster-spec';
import { SpecProblem } from '../model/spec-error';

/** Whether two ranges share an address: one holds the other's network address. */
export const overlaps = (a: Ipv4Cidr, b: Ipv4Cidr): boolean => {
  const prefix = Math.min(a.prefix, b.prefix);
  return Math.floor(a.address / 2 ** (32 - prefix)) === Math.floor(b.address / 2 ** (32 - prefix));
};

/** The service ranges EKS picks from when a cluster sets none, whose first addresses are KUBERNETES_SERVICE_IPS. */
const SERVICE_RANGES = ['10.100.0.0/16', '172.20.0.0/16'].map((r) => parseCidr(r)!);

/**
 * The address plan across envs: every cluster's VPC apart from every other's (so envs can later be
 * peered or share a service without renumbering, and a range in one env's spec can never mean the
 * other's), and each private service an app declares apart from the cluster's own subnets (an egress
 * rule to it would open the nodes, the pods or the load balancer), from the other envs' VPCs (a staging
 * app reaching into prod) and from the Kubernetes service range.
 */
export function checkVpcRanges(clusters: readonly ClusterSpec[], apps: readonly AppSpec[]): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const vpcs = clusters.flatMap((cluster) => {
    const cidr = parseCidr(cloudSettingsOf(cluster).network.vpcCidr);
    return cidr ? [{ cluster, cidr }] : [];
  });
  for (const [i, { cluster, cidr }] of vpcs.entries()) {
    const other = vpcs.slice(0, i).find((v) => overlaps(v.cidr, cidr));
    if (other) {
      problems.push(
        new SpecProblem(
          { cluster: cluster.name },
          'network.vpcCidr',
          formatCidr(cidr),
          `overlaps the VPC of cluster "${other.cluster.name}" (${formatCidr(other.cidr)}): give each env a range of its own, e.g. 10.<n>.0.0/16`,
        ),
      );
    }
  }
  for (const app of apps) {
    for (const [i, service] of (app.privateServices ?? []).entries()) {
      for (const [env, cidrs] of Object.entries(service.cidrs)) {
        for (const text of cidrs ?? []) {
          const range = parseCidr(text);
          if (!range) continue;
          const problem = serviceRangeProblem(range, env, vpcs);
          if (problem) problems.push(new SpecProblem({ app: app.name }, `privateServices[${i}].cidrs.${env}`, text, problem));
        }
      }
    }
  }
  return problems;
}

function serviceRangeProblem(range: Ipv4Cidr, env: string, vpcs: readonly { cluster: ClusterSpec; cidr: Ipv4Cidr }[]): string | undefined {
  for (const { cluster, cidr } of vpcs) {
    if (cluster.env !== env) {
      if (overlaps(range, cidr))
        return `lies in the VPC of cluster "${cluster.name}" (${formatCidr(cidr)}), env ${cluster.env}: an app in ${env} must not reach another env's network`;
      continue;
    }
    const zones = cloudSettingsOf(cluster).network.zones.length;
    const own = [privateSubnetOf, publicSubnetOf, controlPlaneSubnetOf].flatMap((subnetOf) => Array.from({ length: zones }, (_, z) => subnetOf(cidr, z)));
    const hit = own.find((subnet) => overlaps(range, subnet));
    if (hit) {
      return `overlaps the subnet ${formatCidr(hit)} that cluster "${cluster.name}" builds for its nodes, pods, load balancer and API server (${own.map(formatCidr).join(', ')}): the egress rule would open them; name only the service's own subnets`;
    }
  }
  const service = SERVICE_RANGES.find((r) => overlaps(range, r));
  if (service) return `overlaps ${formatCidr(service)}, a range EKS may give the cluster's Services: the egress rule would open every Service`;
  return undefined;
}
