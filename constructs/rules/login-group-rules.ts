import type { ClusterSpec } from '../model/cluster-spec';
import { DEFAULT_GROUPS_CLAIM, loginGroupsOf } from '../model/gateway-login';
import { describe, type KubeObject } from '../model/kube-object';
import { APP_PART_OF_LABEL } from '../model/naming';
import { byNamespace, ofKind } from './objects-of-kind';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const PART_OF = 'app.kubernetes.io/part-of';
const APP_NAME = 'app.kubernetes.io/name';
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/**
 * Who passes an internal app's login (model/gateway-login.ts has what Envoy Gateway v1.5.1 does with it).
 * Where the cluster lets only some IdP groups into an app (`access.apps.<app>.loginGroups`, with
 * `internalAccess.oidc.adminGroups`), each OIDC SecurityPolicy on the app's route denies by default, and
 * each of its Allow rules asks for the groups claim of a JWT provider of the same policy that reads the
 * login's own ID token cookie with the issuer's keys, lets in only the app's declared groups (all of them,
 * between its rules) and keeps the client allowlist of `internalAccess.allowedCidrs`. A rule that allows
 * without such a claim would let every signed-in person in. Apps under basic auth or `'any-signed-in'` are
 * the other edge rules' (a login, its paths) and Kibana's (its allowlist).
 */
export function loginGroupProblems(objects: readonly KubeObject[], cluster: Pick<ClusterSpec, 'internalAccess' | 'access'>): string[] {
  const oidc = cluster.internalAccess.oidc;
  if (!oidc) return [];
  const problems: string[] = [];
  const claimName = oidc.groupsClaim ?? DEFAULT_GROUPS_CLAIM;
  const allowedCidrs = cluster.internalAccess.allowedCidrs ?? [];
  const policiesIn = byNamespace(ofKind(objects, 'SecurityPolicy'));
  for (const route of ofKind(objects, 'HTTPRoute')) {
    const labels = route.metadata.labels ?? {};
    if (labels[PART_OF] !== APP_PART_OF_LABEL[PART_OF] || labels[APP_NAME] === undefined) continue;
    const app = labels[APP_NAME];
    const expected = loginGroupsOf(cluster, app);
    if (!Array.isArray(expected)) continue;
    const logins = (policiesIn.get(route.metadata.namespace) ?? []).filter(
      (p) => (p.spec as Json).oidc && (p.spec as Json).targetRefs?.some((t: Json) => t.kind === 'HTTPRoute' && t.name === route.metadata.name),
    );
    if (logins.length === 0)
      problems.push(`${describe(route)}: app "${app}" lets only groups ${expected.join(', ')} in, but its route has no OIDC SecurityPolicy`);
    for (const policy of logins) {
      const spec = policy.spec as Json;
      const at = `${describe(policy)} (app "${app}")`;
      if (spec.authorization?.defaultAction !== 'Deny') problems.push(`${at}: does not deny by default (authorization.defaultAction Deny)`);
      const cookie: string | undefined = spec.oidc.cookieNames?.idToken;
      const providers: Json[] = (spec.jwt?.providers ?? []).filter(
        (p: Json) =>
          cookie !== undefined &&
          p.extractFrom?.cookies?.includes(cookie) &&
          p.issuer === oidc.issuer &&
          p.remoteJWKS?.uri === oidc.jwksUri &&
          !spec.jwt.optional,
      );
      const allows: Json[] = (spec.authorization?.rules ?? []).filter((r: Json) => r.action === 'Allow');
      const admitted = new Set<string>();
      for (const [i, rule] of allows.entries()) {
        const name = `rule ${rule.name ?? i}`;
        const jwt = rule.principal?.jwt;
        const claim = jwt?.claims?.find((c: Json) => c.name === claimName);
        if (!jwt || !claim) {
          problems.push(`${at}: ${name} allows without the JWT claim ${claimName}, so it lets in anyone who signs in, not only ${expected.join(', ')}`);
          continue;
        }
        if (!providers.some((p) => p.name === jwt.provider))
          problems.push(
            `${at}: ${name} reads provider ${jwt.provider}, which is not a provider of this policy that checks the login's ID token cookie (${cookie ?? 'unnamed'}) with ${oidc.jwksUri}`,
          );
        if (claim.valueType !== 'StringArray')
          problems.push(`${at}: ${name} reads ${claimName} as ${claim.valueType ?? 'String'}, not StringArray (a list of groups)`);
        for (const value of claim.values ?? []) {
          if (!expected.includes(value))
            problems.push(`${at}: ${name} lets in group ${value}, which access.apps.${app}.loginGroups and adminGroups do not list`);
          admitted.add(value);
        }
        if (allowedCidrs.length > 0 && !sameSet(rule.principal?.clientCIDRs ?? [], allowedCidrs))
          problems.push(`${at}: ${name} does not keep clients to internalAccess.allowedCidrs (${allowedCidrs.join(', ')})`);
      }
      const missing = expected.filter((g) => !admitted.has(g));
      if (missing.length > 0) problems.push(`${at}: does not let in declared group(s) ${missing.join(', ')}`);
    }
  }
  return problems;
}
