/**
 * Where each host is served: which Gateway, which listener, which certificate. Pure data, computed once
 * per cluster from its spec, the hosts of its apps and platform endpoints, and the committed ledger.
 *
 * The layout (docs/gateway-layout.md says why):
 * - With the cluster's Route53 zone id known (`dnsZoneId`), every app host one label below the cluster's
 *   domain shares ONE HTTPS listener, hostname `*.<domain>`, on the first Gateway, with one wildcard
 *   certificate (ACME DNS-01). An admission policy ties each host to its app's namespace there.
 * - Every other host (custom domains, the apex, deeper names, and the platform's endpoints, which stay
 *   open to their own namespace only) gets a listener of its own, as before. Those listeners fill the
 *   Gateways in order: the first Gateway also holds the HTTP listener and the shared one, each further
 *   Gateway (`public-1`, `public-2`, …) up to 64 host listeners. Envoy Gateway merges all of them
 *   (`mergeGateways`) into one Envoy fleet behind one NLB.
 * - Which Gateway holds a host is kept in the ledger (clusters/<env>/gateway-ledger.json, written by
 *   synth): a host stays where it is for as long as it exists, a new host takes the first free place,
 *   so adding or removing an app never moves another app's host, listener or certificate.
 */
import type { ClusterSpec } from './cluster-spec';
import { certificateSecretOf, GATEWAY, httpsListenerOf } from './naming';

/** Gateway API: a Gateway holds at most 64 listeners (GatewaySpec.listeners, maxItems 64). */
export const MAX_LISTENERS_PER_GATEWAY = 64;
/** The HTTPS listener that every app host under the cluster's domain shares. */
export const SHARED_LISTENER = 'https-shared';
/** The file, beside the cluster spec, that keeps which Gateway holds each host's own listener. */
export const gatewayLedgerFileOf = (env: string): string => `clusters/${env}/gateway-ledger.json`;
/** The n-th Gateway: the first keeps the name of the single Gateway this layout grew from. */
export const gatewayNameOf = (index: number): string => (index === 0 ? GATEWAY.name : `${GATEWAY.name}-${index}`);
/** The Secret of the wildcard certificate of a domain. */
export const wildcardSecretOf = (domain: string): string => `tls-wildcard-${domain.replace(/\./g, '-')}`;

/** Host → the Gateway that holds its own listener. Only hosts with a listener of their own are in it. */
export interface GatewayLedger {
  readonly $comment?: string;
  readonly hosts: Readonly<Record<string, string>>;
}
export const EMPTY_LEDGER: GatewayLedger = { hosts: {} };
export const LEDGER_COMMENT =
  "Written by synth, committed with dist/: the Gateway that holds each host's own listener. A host keeps its Gateway while it exists; see docs/gateway-layout.md.";

/** A host and the namespace whose routes may serve it. */
export interface HostOwner {
  readonly host: string;
  readonly namespace: string;
  /** A platform endpoint keeps a listener of its own, open to its namespace only. */
  readonly platform?: boolean;
}

export interface HostPlacement extends HostOwner {
  readonly gateway: string;
  readonly listener: string;
  /** The Secret, in the Gateway's namespace, that the listener presents. */
  readonly certificateSecret: string;
  /** False when the wildcard certificate covers it: no Certificate of its own. */
  readonly ownCertificate: boolean;
}

export interface GatewayShard {
  readonly name: string;
  /** Hosts with their own listener on this Gateway, sorted. */
  readonly hosts: readonly string[];
  /** The first Gateway only: the HTTP listener (redirect and ACME HTTP-01) and the shared listener. */
  readonly first: boolean;
}

/** Where each host is served: what a route reads of the layout. */
export type GatewayPlacements = Pick<GatewayLayout, 'placements'>;

export interface GatewayLayout {
  /** Set when the cluster's zone id is known: the shared listener's wildcard and its certificate. */
  readonly wildcard?: { readonly domain: string; readonly hostname: string; readonly secret: string };
  readonly placements: ReadonlyMap<string, HostPlacement>;
  readonly shards: readonly GatewayShard[];
  readonly ledger: GatewayLedger;
}

/** True for a host exactly one label below the domain: what `*.<domain>` matches (RFC 6125 §6.4.3). */
export const isOneLabelBelow = (host: string, domain: string): boolean => host.endsWith(`.${domain}`) && !host.slice(0, -domain.length - 1).includes('.');

/** Host listeners a Gateway can hold: the first one also holds the HTTP listener and, with a wildcard, the shared one. */
export const hostCapacityOf = (first: boolean, wildcard: boolean): number => MAX_LISTENERS_PER_GATEWAY - (first ? 1 + (wildcard ? 1 : 0) : 0);

export function gatewayLayoutOf(
  cluster: Pick<ClusterSpec, 'domain' | 'dnsZoneId'>,
  owners: readonly HostOwner[],
  previous: GatewayLedger = EMPTY_LEDGER,
): GatewayLayout {
  const wildcard = cluster.dnsZoneId ? { domain: cluster.domain, hostname: `*.${cluster.domain}`, secret: wildcardSecretOf(cluster.domain) } : undefined;
  const shared = (o: HostOwner) => wildcard !== undefined && !o.platform && isOneLabelBelow(o.host, cluster.domain);
  const certificateOf = (o: HostOwner) =>
    wildcard && isOneLabelBelow(o.host, cluster.domain)
      ? { certificateSecret: wildcard.secret, ownCertificate: false }
      : { certificateSecret: certificateSecretOf(o.host), ownCertificate: true };

  const own = owners.filter((o) => !shared(o)).map((o) => o.host);
  const capacity = (index: number) => hostCapacityOf(index === 0, wildcard !== undefined);
  const byGateway = new Map<string, string[]>();
  const place = (host: string, gateway: string) => byGateway.set(gateway, [...(byGateway.get(gateway) ?? []), host]);
  // Hosts keep their Gateway; a Gateway that is somehow over its capacity sheds its last hosts to the new-host path.
  const kept = new Set<string>();
  for (const host of [...own].sort()) {
    const gateway = previous.hosts[host];
    const index = gateway === undefined ? -1 : indexOfGateway(gateway);
    if (index >= 0 && (byGateway.get(gateway)?.length ?? 0) < capacity(index)) {
      place(host, gateway);
      kept.add(host);
    }
  }
  for (const host of own.filter((h) => !kept.has(h)).sort()) {
    let index = 0;
    while ((byGateway.get(gatewayNameOf(index))?.length ?? 0) >= capacity(index)) index++;
    place(host, gatewayNameOf(index));
  }
  // The first Gateway always exists (it owns :80); a later one only while it holds a host.
  const names = [...new Set([gatewayNameOf(0), ...byGateway.keys()])].sort((a, b) => indexOfGateway(a) - indexOfGateway(b));
  const shards = names.map((name) => ({ name, hosts: [...(byGateway.get(name) ?? [])].sort(), first: name === gatewayNameOf(0) }));
  const gatewayOfHost = new Map(shards.flatMap((s) => s.hosts.map((h) => [h, s.name] as const)));

  const placements = new Map<string, HostPlacement>();
  for (const o of owners) {
    const onShared = shared(o);
    placements.set(o.host, {
      ...o,
      gateway: onShared ? gatewayNameOf(0) : gatewayOfHost.get(o.host)!,
      listener: onShared ? SHARED_LISTENER : httpsListenerOf(o.host),
      ...certificateOf(o),
    });
  }
  const ledger = { $comment: LEDGER_COMMENT, hosts: Object.fromEntries([...gatewayOfHost].sort(([a], [b]) => a.localeCompare(b))) };
  return { wildcard, placements, shards, ledger };
}

/** Gateway API: an HTTPRoute names at most 16 hostnames (HTTPRouteSpec.hostnames, maxItems 16). */
export const MAX_ROUTE_HOSTNAMES = 16;

/**
 * The hosts whose certificate comes by ACME HTTP-01: every host with a certificate of its own (the wildcard
 * alone is DNS-01), sorted. While a challenge is open, cert-manager's route names the host on the HTTP listener,
 * so the redirect must name it too (platform/envoy-gateway.ts).
 */
export const http01HostsOf = (layout: GatewayPlacements): string[] =>
  [...layout.placements.values()]
    .filter((p) => p.ownCertificate)
    .map((p) => p.host)
    .sort();

/** The index of a Gateway named by gatewayNameOf, or -1 for any other name. */
export function indexOfGateway(name: string): number {
  if (name === GATEWAY.name) return 0;
  const match = new RegExp(`^${GATEWAY.name}-([1-9][0-9]*)$`).exec(name);
  return match ? Number(match[1]) : -1;
}
