import type { ClusterSpec } from './cluster-spec';

/** The existing Route53 zone ids of the extra host domains the spec names, in the order of their domains, each once. */
export const extraHostZoneIdsOf = (cluster: Pick<ClusterSpec, 'extraHostZones'>): string[] => {
  const zones = cluster.extraHostZones ?? {};
  return [
    ...new Set(
      Object.keys(zones)
        .sort()
        .map((domain) => zones[domain]),
    ),
  ];
};

/**
 * The ids of the Route53 zones external-dns manages: the env's own zone (the cloud stack creates it; the
 * spec knows its id once `dnsZoneId` is copied from the Terraform output) and each extra host zone. The
 * cloud stack grants external-dns's role exactly these zones, and external-dns's `--zone-id-filter` names
 * exactly these, both from here. Undefined while `dnsZoneId` is unset: a filter without the env's own zone
 * would shut external-dns out of it.
 */
export const externalDnsZoneIdsOf = (cluster: Pick<ClusterSpec, 'dnsZoneId' | 'extraHostZones'>): string[] | undefined =>
  cluster.dnsZoneId === undefined ? undefined : [...new Set([cluster.dnsZoneId, ...extraHostZoneIdsOf(cluster)])];
