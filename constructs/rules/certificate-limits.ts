import { getDomain } from 'tldts';
import { LETSENCRYPT_PRODUCTION, LETSENCRYPT_STAGING, type ClusterSpec } from '../model/cluster-spec';
import type { KubeObject } from '../model/kube-object';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * New certificates a CA issues per registered domain in a sliding week. Let's Encrypt: 50 in production,
 * 30,000 on staging (letsencrypt.org/docs/rate-limits and /docs/staging-environment). Renewals of the same
 * names do not count; any other ACME server is held to the production figure.
 */
export const CA_WEEKLY_NEW_CERTIFICATES: Readonly<Record<string, number>> = { [LETSENCRYPT_PRODUCTION]: 50, [LETSENCRYPT_STAGING]: 30_000 };
export const weeklyLimitOf = (cluster: Pick<ClusterSpec, 'acme'>): number =>
  CA_WEEKLY_NEW_CERTIFICATES[cluster.acme.server] ?? CA_WEEKLY_NEW_CERTIFICATES[LETSENCRYPT_PRODUCTION];

/** The registered domain (eTLD+1, after the Public Suffix List) of a certificate name; a wildcard's is its base's. */
export const registeredDomainOf = (dnsName: string): string => getDomain(dnsName.replace(/^\*\./, '')) ?? dnsName;

/** A Certificate by what the CA sees: its names. The same names again are a renewal, not a new certificate. */
const namesOf = (c: KubeObject): string => [...((c.spec as Json)?.dnsNames ?? [])].sort().join(',');

/**
 * One warning per registered domain for which the Certificates in `after` and not in `before` (by their
 * names) outnumber the CA's weekly limit: applied at once, the rest would wait a week or more.
 */
export function newCertificateWarnings(cluster: Pick<ClusterSpec, 'name' | 'acme'>, before: readonly KubeObject[], after: readonly KubeObject[]): string[] {
  const known = new Set(before.filter((o) => o.kind === 'Certificate').map(namesOf));
  const perDomain = new Map<string, number>();
  for (const c of after.filter((o) => o.kind === 'Certificate' && !known.has(namesOf(o)))) {
    for (const domain of new Set<string>(((c.spec as Json)?.dnsNames ?? []).map(registeredDomainOf))) perDomain.set(domain, (perDomain.get(domain) ?? 0) + 1);
  }
  const limit = weeklyLimitOf(cluster);
  return [...perDomain]
    .filter(([, n]) => n > limit)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([domain, n]) =>
        `cluster "${cluster.name}": ${n} new certificates for ${domain}, more than the ${limit} a week its CA (${cluster.acme.server}) issues per registered domain; ` +
        'split the change over several weeks, or put the hosts under the cluster domain (one wildcard certificate)',
    );
}
