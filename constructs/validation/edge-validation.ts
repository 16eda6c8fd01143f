import { parseCidr } from '../model/cidr';
import type { AppSpec } from '../model/app-spec';
import { ANY_SIGNED_IN } from '../model/access-spec';
import { clusterFileOf, type ClusterSpec } from '../model/cluster-spec';
import { DEFAULT_GROUPS_CLAIM, MAX_LOGIN_GROUPS } from '../model/gateway-login';
import { parseQuantity } from '../model/quantity';
import { resolveApp, type ResolvedApp } from '../model/resolve';
import { addOnsOf } from '../platform/default-add-ons';
import { platformEndpointsOf } from '../platform/internal-endpoint';
import { SpecProblem, SynthError } from '../model/spec-error';

/** Checks the edge settings of apps and how each cluster lets staff into internal apps. */
export function validateEdgeInput(clusters: readonly ClusterSpec[], apps: readonly AppSpec[]): void {
  const problems: SpecProblem[] = [];
  for (const app of apps) {
    const at = { app: app.name };
    const edge = app.edge ?? {};
    if (edge.requestsPerSecond !== undefined && (!Number.isInteger(edge.requestsPerSecond) || edge.requestsPerSecond < 1)) {
      problems.push(new SpecProblem(at, 'edge.requestsPerSecond', edge.requestsPerSecond, 'must be a whole number of at least 1'));
    }
    if (edge.maxBodySize !== undefined && !(parseQuantity(edge.maxBodySize)! > 0)) {
      problems.push(new SpecProblem(at, 'edge.maxBodySize', edge.maxBodySize, 'is not a positive quantity, e.g. "10Mi"'));
    }
    if (edge.timeoutSeconds !== undefined && (!Number.isInteger(edge.timeoutSeconds) || edge.timeoutSeconds < 1 || edge.timeoutSeconds > 3600)) {
      problems.push(new SpecProblem(at, 'edge.timeoutSeconds', edge.timeoutSeconds, 'must be a whole number of seconds from 1 to 3600'));
    }
  }
  for (const cluster of clusters) {
    const at = { cluster: cluster.name };
    const access = cluster.internalAccess;
    const resolved = apps.filter((a) => a.name in cluster.apps).map((a) => resolveApp(a, cluster));
    const endpoints = platformEndpointsOf({ cluster, apps: resolved }, addOnsOf({ cluster, apps: resolved }));
    for (const app of resolved) {
      for (const endpoint of endpoints.filter((e) => app.hosts.includes(e.host))) {
        problems.push(
          new SpecProblem(
            { ...at, app: app.name },
            'hosts',
            endpoint.host,
            `is the platform's ${endpoint.name} endpoint (namespace ${endpoint.namespace}); an app cannot serve it`,
          ),
        );
      }
    }
    const runsInternal = resolved.some((a) => a.exposure === 'internal');
    if ((runsInternal || endpoints.length > 0) && !access.oidc && !access.basicAuthSecret) {
      const who = runsInternal ? 'internal apps' : `the platform endpoints (${endpoints.map((e) => e.name).join(', ')})`;
      problems.push(new SpecProblem(at, 'internalAccess', access, `${who} need a login: set oidc or basicAuthSecret`));
    }
    if (access.oidc && !access.oidc.issuer.startsWith('https://')) {
      problems.push(new SpecProblem(at, 'internalAccess.oidc.issuer', access.oidc.issuer, 'must be an https:// URL'));
    }
    for (const [i, cidr] of (access.allowedCidrs ?? []).entries()) {
      if (typeof cidr !== 'string' || !parseCidr(cidr))
        problems.push(new SpecProblem(at, `internalAccess.allowedCidrs[${i}]`, cidr, 'must be an IPv4 CIDR, e.g. "203.0.113.0/24"'));
    }
    problems.push(...loginGroupProblems(cluster, resolved));
  }
  if (problems.length > 0) throw new SynthError(problems);
}

/** A group name as a claim value: 1 to 253 characters, printable (a control character cannot be written in a YAML plain scalar). */
const GROUP_NAME = /^[^\p{Cc}]{1,253}$/u;
/** A claim name: segments without whitespace joined by dots, which Envoy Gateway walks into nested objects. */
const CLAIM_NAME = /^[^.\s]+(\.[^.\s]+)*$/;

/**
 * Who may pass each internal app's login (model/gateway-login.ts has what Envoy Gateway does with it): with
 * OIDC every internal app says which IdP groups, or `'any-signed-in'` on purpose; groups need the issuer's
 * JWKS URI, fit one authorization claim, and only internal apps have them; basic auth has no groups at all.
 * Each problem names the cluster file: the groups are the cluster's, not the app's.
 */
function loginGroupProblems(cluster: ClusterSpec, resolved: readonly ResolvedApp[]): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const file = clusterFileOf(cluster.env);
  const add = (field: string, value: unknown, problem: string, app?: string) =>
    problems.push(new SpecProblem({ file, cluster: cluster.name, ...(app ? { app } : {}) }, field, value, problem));
  const oidc = cluster.internalAccess.oidc;
  const exposureOf = new Map(resolved.map((a) => [a.name, a.exposure]));
  const listing: string[] = [];
  for (const [app, spec] of Object.entries(cluster.access.apps ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const groups = spec.loginGroups;
    if (groups === undefined) continue;
    const field = `access.apps.${app}.loginGroups`;
    if (groups !== ANY_SIGNED_IN && !Array.isArray(groups)) {
      add(field, groups, `must be a list of IdP group names, or "${ANY_SIGNED_IN}"`, app);
      continue;
    }
    // Basic auth lets in every htpasswd user: what 'any-signed-in' says.
    if (!oidc && groups !== ANY_SIGNED_IN) {
      add(
        field,
        groups,
        'basic auth (internalAccess.basicAuthSecret) knows no groups: every htpasswd user reaches every internal app; set internalAccess.oidc to let only some groups in, or remove loginGroups',
        app,
      );
      continue;
    }
    if (!oidc) continue;
    if (exposureOf.has(app) && exposureOf.get(app) !== 'internal') {
      add(field, groups, `app "${app}" is ${exposureOf.get(app)}: only internal apps have a login, so there is nobody to keep out`, app);
      continue;
    }
    if (groups === ANY_SIGNED_IN) continue;
    listing.push(app);
    const all = [...new Set([...(oidc.adminGroups ?? []), ...groups])];
    if (groups.length === 0)
      add(field, groups, `lets nobody but internalAccess.oidc.adminGroups in; list the IdP groups that may reach ${app}, or "${ANY_SIGNED_IN}"`, app);
    if (all.length > MAX_LOGIN_GROUPS)
      add(
        field,
        groups,
        `with internalAccess.oidc.adminGroups these are ${all.length} groups; Envoy Gateway v1.5.1 takes at most ${MAX_LOGIN_GROUPS} per claim`,
        app,
      );
    for (const [i, group] of groups.entries()) {
      if (typeof group !== 'string' || !GROUP_NAME.test(group)) add(`${field}[${i}]`, group, 'must be a group name of 1 to 253 characters', app);
      else if (groups.indexOf(group) !== i) add(`${field}[${i}]`, group, 'is listed twice', app);
    }
  }
  if (oidc) {
    for (const app of resolved.filter((a) => a.exposure === 'internal' && cluster.access.apps?.[a.name]?.loginGroups === undefined)) {
      add(
        `access.apps.${app.name}.loginGroups`,
        undefined,
        `internal app "${app.name}" lets in every person the IdP signs in unless it says who: list the IdP groups that may reach it (e.g. ["${app.name}-staff"]), or "${ANY_SIGNED_IN}" to let all of them in on purpose`,
        app.name,
      );
    }
    const admins = oidc.adminGroups ?? [];
    if (!Array.isArray(admins)) add('internalAccess.oidc.adminGroups', admins, 'must be a list of IdP group names');
    else
      for (const [i, group] of admins.entries())
        if (typeof group !== 'string' || !GROUP_NAME.test(group))
          add(`internalAccess.oidc.adminGroups[${i}]`, group, 'must be a group name of 1 to 253 characters');
    const claim = oidc.groupsClaim ?? DEFAULT_GROUPS_CLAIM;
    if (typeof claim !== 'string' || claim.length > 253 || !CLAIM_NAME.test(claim))
      add('internalAccess.oidc.groupsClaim', oidc.groupsClaim, 'must be a claim name of at most 253 characters, without spaces (a dot reaches into an object)');
    const checked = listing.length > 0;
    if (oidc.jwksUri === undefined) {
      if (checked)
        add(
          'internalAccess.oidc.jwksUri',
          undefined,
          `is required while access.apps.${listing[0]}.loginGroups lists groups: the proxies check the ID token with the issuer's keys. Set it to jwks_uri of ${oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
        );
    } else {
      const problem = jwksUriProblem(oidc.jwksUri);
      if (problem) add('internalAccess.oidc.jwksUri', oidc.jwksUri, problem);
    }
  }
  return problems;
}

/** What is wrong with a JWKS URI for Envoy Gateway's remoteJWKS (at most 253 characters) and the proxies' egress (443 only). */
function jwksUriProblem(uri: unknown): string | undefined {
  if (typeof uri !== 'string' || uri.length > 253) return 'must be an https:// URL of at most 253 characters';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an https:// URL';
  }
  if (url.protocol !== 'https:') return 'must be an https:// URL: the proxies fetch the keys over TLS';
  if (url.port !== '' && url.port !== '443') return `is on port ${url.port}: the proxies may reach the internet on 443 only`;
  if (url.username || url.password || url.hash) return 'must have no user, password or fragment';
  return undefined;
}
