import { cloudSettingsOf, type ClusterSpec } from '../model/cluster-spec';
import { KUBERNETES_SERVICE_IPS, METADATA_ENDPOINT, POD_IDENTITY_AGENT } from '../model/network-ranges';
import type { ResolvedApp } from '../model/resolve';
import { externalIdOf, type ExternalEndpoint } from './endpoints';
import { hostIn } from './ipv4';
import { controlPlaneRangesOf } from '../model/vpc-layout';

/**
 * Representative addresses inside the VPC: a node and a pod in the first private subnet (a /19, see
 * constructs/model/vpc-layout.ts), where the nodes and their pods (VPC CNI) live, and one of the API
 * server's private endpoint interfaces in the first control-plane subnet (a /28 of its own).
 */
export function vpcAddressesOf(cluster: ClusterSpec): { readonly node: string; readonly apiServer: string; readonly pod: string } {
  const vpc = cloudSettingsOf(cluster).network.vpcCidr;
  // AWS keeps a subnet's first four addresses.
  return { node: hostIn(vpc, 10), apiServer: hostIn(controlPlaneRangesOf(cluster)[0], 5), pod: hostIn(vpc, 266) };
}

const PUBLIC = {
  /** TEST-NET-2 (RFC 5737) stands for any public address. */
  internet: '198.51.100.7',
  /** In AWS's published S3 ranges; a policy cannot tell it from any other public address. */
  s3: '52.219.170.10',
  /** In AWS's published Route53 API ranges. */
  route53: '54.239.31.10',
  /** In 205.251.192.0/21, where Route53's name servers (awsdns) answer. */
  nameServers: '205.251.192.10',
} as const;

/** Everything outside the cluster's pods that a pod may call, or that calls pods, with a representative address each. */
export function externalEndpointsOf(cluster: ClusterSpec, apps: readonly ResolvedApp[]): ExternalEndpoint[] {
  const vpc = vpcAddressesOf(cluster);
  const ext = (name: string, title: string, addresses: string[], note: string, sourceAddress?: string): ExternalEndpoint => ({
    type: 'external',
    id: externalIdOf(name),
    title,
    addresses,
    note,
    ...(sourceAddress ? { sourceAddress } : {}),
  });
  const privateServices = privateRangesOf(apps).map(({ cidrs, services }) =>
    ext(
      `private:${cidrs.join(',')}`,
      `private ${cidrs.join(', ')}`,
      cidrs.map((c) => hostIn(c, 10)),
      `the private services there: ${services.join(', ')}. A policy tells addresses and ports apart, never two services of one range: a pod let out to this range on a port reaches each service here that listens on it`,
    ),
  );
  return [
    ext(
      'internet',
      'internet',
      [PUBLIC.internet],
      'any public address: the OIDC issuer and its JWKS, the ACME server, chat and mail; as a source, a client through the load balancer (its address kept)',
      PUBLIC.internet,
    ),
    ext(
      'api-server',
      'API server',
      [vpc.apiServer, ...KUBERNETES_SERVICE_IPS.map((c) => c.replace(/\/32$/, ''))],
      `its private endpoint's interfaces in the control-plane subnets (${vpc.apiServer}) and the \`kubernetes\` Service IP (either EKS default range); as a source, it calls webhooks from those subnets`,
      vpc.apiServer,
    ),
    ext('nodes', 'VPC nodes', [vpc.node], `a node of the VPC (${vpc.node}): the kubelet on 10250`),
    ext(
      'pod-identity',
      'Pod Identity agent',
      [POD_IDENTITY_AGENT.cidr.replace(/\/32$/, '')],
      `the EKS Pod Identity agent on every node, port ${POD_IDENTITY_AGENT.port}`,
    ),
    ext('metadata', 'instance metadata', [METADATA_ENDPOINT.address], `the node's instance metadata endpoint, port ${METADATA_ENDPOINT.port}`),
    ext('s3', 'S3', [PUBLIC.s3], `S3's regional endpoint (${PUBLIC.s3}, an AWS public address), on 443`),
    ext('route53', 'Route53 API', [PUBLIC.route53], `Route53's API (${PUBLIC.route53}, an AWS public address), on 443`),
    ext('name-servers', 'name servers', [PUBLIC.nameServers], `authoritative name servers (${PUBLIC.nameServers}, Route53's), on 53`),
    ...privateServices,
  ];
}

/**
 * The apps' private services grouped by their ranges, one group per distinct set of CIDRs. NetworkPolicies
 * match ipBlocks and ports only, so every service of one range is reached alike: one endpoint stands for
 * them all. An endpoint per service repeated each range once per service, for every pod, in network.md:
 * 30 MB at 1,000 apps, when 667 of them named one database subnet.
 */
function privateRangesOf(apps: readonly ResolvedApp[]): { cidrs: string[]; services: string[] }[] {
  const byRange = new Map<string, { cidrs: string[]; services: string[] }>();
  for (const app of [...apps].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const s of app.privateServices) {
      if (s.cidrs.length === 0) continue;
      const cidrs = [...s.cidrs].sort();
      const key = cidrs.join(',');
      const range = byRange.get(key) ?? { cidrs, services: [] };
      range.services.push(`${s.name} of ${app.name} (port ${s.port})`);
      byRange.set(key, range);
    }
  }
  return [...byRange.values()].sort((a, b) => a.cidrs.join(',').localeCompare(b.cidrs.join(',')));
}
