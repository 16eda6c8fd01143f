// The staff login in front of internal apps (model/gateway-login.ts has what Envoy Gateway v1.5.1 does with
// it): on a fixture internal app with two hosts, each host's login comes back to that host, the login keeps
// to its own paths, and the reviewer's page lists every callback the IdP must accept; on two fixture internal
// apps, each lets in only its own IdP groups.
import { Chart } from 'cdk8s';
import { Isolation } from '../constructs/app/isolation';
import { appRouteProps } from '../constructs/app/web-app';
import { HttpsRoute } from '../constructs/blocks/https-route';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { OIDC_PATH_PREFIX, oidcCallbackOf } from '../constructs/model/gateway-login';
import type { KubeObject } from '../constructs/model/kube-object';
import { namespaceOf } from '../constructs/model/naming';
import { clusterAppsOf } from '../constructs/model/resolve';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { platformEndpointsOf } from '../constructs/platform/internal-endpoint';
import { clusterGatewaysOf } from '../constructs/platform/cluster-gateways';
import { PlatformConfigs, PlatformCredentials, type PlatformProps } from '../constructs/platform/platform';
import { publicSurfaceOf, renderPublicSurface } from '../constructs/reports/public-surface';
import { renderAccessTable } from '../constructs/reports/access-table';
import { edgeProblems } from '../constructs/rules/edge-rules';
import { loginGroupProblems } from '../constructs/rules/login-group-rules';
import { proxyEgressOf } from '../constructs/platform/envoy-gateway';
import { checkSchema } from '../constructs/schemas/crd-schema';
import { ENVOY_GATEWAY_SCHEMAS } from '../constructs/schemas/envoy-gateway-schemas';
import { synthChart } from '../constructs/synth/chart-synth';
import { validateEdgeInput } from '../constructs/validation/edge-validation';
import { FIXTURE_APPS, FIXTURE_CLUSTERS, fixtureObjectsOf, synthProblemsOf } from './support';
import { parse } from 'yaml';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const HOSTS = ['admin.example.com', 'staff.example.com'];
const base = FIXTURE_CLUSTERS.find((c) => c.env === 'prod')!;
// The fixture's internal app, here with a second host.
const cluster: ClusterSpec = { ...base, apps: { backoffice: { hosts: HOSTS } } };
const backoffice = FIXTURE_APPS.find((a) => a.name === 'backoffice')!;
const apps = clusterAppsOf(cluster, [backoffice]);

/** The platform's part of the edge: the configs (Gateways, Kibana's route) and the certificates beside them. */
const platformEdgeOf = (props: PlatformProps): KubeObject[] => [
  ...synthChart((scope) => new PlatformConfigs(scope, 'configs', props)),
  ...synthChart((scope) => new PlatformCredentials(scope, 'credentials', props)),
];

/** The cluster's edge (Gateways, certificates, Kibana's route) and the app's namespace, route and policies. */
function edgeObjects(): KubeObject[] {
  const addOns = addOnsOf({ cluster, apps });
  const gateways = clusterGatewaysOf({ cluster, apps, endpoints: platformEndpointsOf({ cluster, apps }, addOns) });
  const platform = platformEdgeOf({ ctx: { cluster, apps, gateways }, addOns });
  const app = synthChart((scope) => {
    const chart = new Chart(scope, 'backoffice', { namespace: namespaceOf('backoffice'), disableResourceNameHashes: true });
    new Isolation(chart, 'Isolation', { app: apps[0] });
    new HttpsRoute(chart, 'Route', appRouteProps(apps[0], cluster, gateways));
    return chart;
  });
  return [...platform, ...app];
}

describe('an internal app with two hosts behind the OIDC login', () => {
  validateEdgeInput([cluster], [backoffice]);
  const objects = edgeObjects();
  const policy = objects.find((o) => o.kind === 'SecurityPolicy' && o.metadata.namespace === namespaceOf('backoffice'))!;
  const oidc = (policy.spec as Json).oidc;

  test('each host comes back to its own callback, where its host-only login cookies are set', () => {
    expect(apps[0].hosts).toEqual(HOSTS);
    expect(HOSTS.map((host) => oidcCallbackOf(oidc, host))).toEqual(HOSTS.map((host) => `https://${host}/oauth2/callback`));
  });

  test("the logout path is the login's own, below /oauth2/, never a path the app serves such as /logout", () => {
    expect(oidc.logoutPath.startsWith(OIDC_PATH_PREFIX)).toBe(true);
  });

  test('the login renews its tokens with the refresh token, so XHR and form posts survive the access token; it asks no offline_access', () => {
    expect(oidc.refreshToken).toBe(true);
    expect(oidc.scopes ?? []).not.toContain('offline_access');
  });

  test('the edge rules pass', () => {
    expect(edgeProblems(objects)).toEqual([]);
  });

  test('public-endpoints.md lists the callback of every host for the IdP client', () => {
    const page = renderPublicSurface(cluster.name, publicSurfaceOf(objects));
    expect(page).toContain(`OIDC client \`${base.internalAccess.oidc!.clientId}\``);
    for (const host of [...HOSTS, `logs.${base.domain}`]) expect(page).toContain(`- https://${host}/oauth2/callback\n`);
  });
});

// Who passes the login (model/gateway-login.ts has what Envoy Gateway v1.5.1 does with it): two fixture internal
// apps with groups of their own, in a prod cluster made for these tests. Never the repo's own apps or clusters.
describe('an internal app lets in only the IdP groups the cluster lists for it', () => {
  const payroll: typeof backoffice = { ...backoffice, name: 'payroll', hosts: { prod: ['payroll.example.com'] } };
  const oidc = { ...base.internalAccess.oidc!, jwksUri: 'https://keys.example.net/realms/staff/certs', adminGroups: ['ops-admins'] };
  const grouped: ClusterSpec = {
    ...base,
    internalAccess: { ...base.internalAccess, oidc },
    access: { ...base.access, apps: { backoffice: { loginGroups: ['orders-team'] }, payroll: { loginGroups: ['hr-team', 'finance-team'] } } },
    apps: { backoffice: {}, payroll: {} },
    appData: { backoffice: 'live', payroll: 'live' },
  };
  const specs = [backoffice, payroll];
  const resolved = clusterAppsOf(grouped, specs);
  const objectsOf = (c: ClusterSpec): KubeObject[] => {
    const apps = clusterAppsOf(c, specs);
    const addOns = addOnsOf({ cluster: c, apps });
    const gateways = clusterGatewaysOf({ cluster: c, apps, endpoints: platformEndpointsOf({ cluster: c, apps }, addOns) });
    const platform = platformEdgeOf({ ctx: { cluster: c, apps, gateways }, addOns });
    const charts = apps.map((app) =>
      synthChart((scope) => {
        const chart = new Chart(scope, app.name, { namespace: namespaceOf(app.name), disableResourceNameHashes: true });
        new Isolation(chart, 'Isolation', { app });
        new HttpsRoute(chart, 'Route', appRouteProps(app, c, gateways));
        return chart;
      }),
    );
    return [...platform, ...charts.flat()];
  };
  const objects = objectsOf(grouped);
  const policyOf = (all: readonly KubeObject[], app: string) => all.find((o) => o.kind === 'SecurityPolicy' && o.metadata.namespace === namespaceOf(app))!;
  const specOf = (app: string) => policyOf(objects, app).spec as Json;
  const claimValues = (spec: Json): string[] =>
    spec.authorization.rules.filter((r: Json) => r.action === 'Allow').flatMap((r: Json) => r.principal.jwt?.claims?.flatMap((c: Json) => c.values) ?? []);
  /** The objects with one app's policy spec changed. */
  const withPolicy = (app: string, change: (spec: Json) => Json) =>
    objects.map((o) => (o === policyOf(objects, app) ? { ...o, spec: change(structuredClone(o.spec as Json)) } : o));

  test('the fixture is valid input and the rules pass on its output', () => {
    validateEdgeInput([grouped], specs);
    expect(resolved.map((a) => a.exposure)).toEqual(['internal', 'internal']);
    expect(edgeProblems(objects)).toEqual([]);
    expect(loginGroupProblems(objects, grouped)).toEqual([]);
  });

  test("the groups from the cluster spec, the admins' first, land in the app's policy, which denies everyone else", () => {
    const spec = specOf('payroll');
    expect(spec.authorization.defaultAction).toBe('Deny');
    expect(claimValues(spec)).toEqual(['ops-admins', 'hr-team', 'finance-team']);
    const rule = spec.authorization.rules[0];
    // One principal: the staff networks AND the groups claim (Envoy Gateway ANDs a principal's kinds).
    expect(rule.principal.clientCIDRs).toEqual(base.internalAccess.allowedCidrs);
    expect(rule.principal.jwt.claims).toEqual([{ name: 'groups', valueType: 'StringArray', values: ['ops-admins', 'hr-team', 'finance-team'] }]);
    // The JWT provider checks the login's own ID token cookie, by its fixed name, with the issuer's keys.
    const [provider] = spec.jwt.providers;
    expect(provider.name).toBe(rule.principal.jwt.provider);
    expect(provider.extractFrom.cookies).toEqual([spec.oidc.cookieNames.idToken]);
    expect(provider.remoteJWKS.uri).toBe(oidc.jwksUri);
    expect(provider.issuer).toBe(oidc.issuer);
    expect(provider.audiences).toEqual([oidc.clientId]);
    expect(spec.jwt.optional).toBeUndefined();
  });

  test("the policy fits the v1.5.1 CRD's shape (constructs/schemas), where a misspelt field would not", () => {
    const policy = policyOf(objects, 'payroll');
    expect(checkSchema(policy, ENVOY_GATEWAY_SCHEMAS.SecurityPolicy)).toEqual([]);
    const spec = structuredClone(policy.spec as Json);
    spec.jwt.providers[0].extractFrom = { cookie: spec.jwt.providers[0].extractFrom.cookies };
    expect(checkSchema({ ...policy, spec }, ENVOY_GATEWAY_SCHEMAS.SecurityPolicy)).not.toEqual([]);
  });

  test("another app's group is not let in", () => {
    expect(claimValues(specOf('backoffice'))).toEqual(['ops-admins', 'orders-team']);
    expect(claimValues(specOf('backoffice'))).not.toContain('hr-team');
    expect(claimValues(specOf('payroll'))).not.toContain('orders-team');
    const widened = withPolicy('backoffice', (spec) => {
      spec.authorization.rules[0].principal.jwt.claims[0].values.push('hr-team');
      return spec;
    });
    expect(loginGroupProblems(widened, grouped)).toEqual([
      `SecurityPolicy backoffice/backoffice (app "backoffice"): rule staff-groups lets in group hr-team, which access.apps.backoffice.loginGroups and adminGroups do not list`,
    ]);
  });

  test('the rule fails a policy that allows without the groups claim, or does not deny by default', () => {
    const networksOnly = withPolicy('payroll', (spec) => ({
      ...spec,
      authorization: {
        defaultAction: 'Deny',
        rules: [{ name: 'staff-networks', action: 'Allow', principal: { clientCIDRs: base.internalAccess.allowedCidrs } }],
      },
    }));
    expect(loginGroupProblems(networksOnly, grouped)).toEqual([
      'SecurityPolicy payroll/payroll (app "payroll"): rule staff-networks allows without the JWT claim groups, so it lets in anyone who signs in, not only ops-admins, hr-team, finance-team',
      'SecurityPolicy payroll/payroll (app "payroll"): does not let in declared group(s) ops-admins, hr-team, finance-team',
    ]);
    const allowing = withPolicy('payroll', (spec) => ({ ...spec, authorization: { ...spec.authorization, defaultAction: 'Allow' } }));
    expect(loginGroupProblems(allowing, grouped)).toEqual([
      'SecurityPolicy payroll/payroll (app "payroll"): does not deny by default (authorization.defaultAction Deny)',
    ]);
  });

  test("the JWKS host is in the Envoy proxies' egress, on 443, only while some login checks groups", () => {
    const proxiesOf = (c: ClusterSpec) => proxyEgressOf({ cluster: c, apps: clusterAppsOf(c, specs) }).egressInternet ?? [];
    expect(proxiesOf(grouped)).toContainEqual({ port: 443, name: 'OIDC JWKS keys.example.net' });
    const anyone: ClusterSpec = {
      ...grouped,
      access: { ...grouped.access, apps: { backoffice: { loginGroups: 'any-signed-in' }, payroll: { loginGroups: 'any-signed-in' } } },
    };
    expect(proxiesOf(anyone).map((p) => p.name)).toEqual(['OIDC token endpoint']);
  });

  test("public-endpoints.md and access.md show who may pass each app's login, read from its policy", () => {
    const page = renderPublicSurface(grouped.name, publicSurfaceOf(objects));
    expect(page).toContain('| payroll.example.com | payroll | login required | 203.0.113.0/24 | IdP groups (groups): ops-admins, hr-team, finance-team |');
    expect(page).toContain('| admin.example.com | backoffice | login required | 203.0.113.0/24 | IdP groups (groups): ops-admins, orders-team |');
    const table = renderAccessTable(grouped.name, grouped.access, objects, [], []);
    expect(table).toContain('| `payroll/payroll` | payroll.example.com | IdP groups (groups): ops-admins, hr-team, finance-team |');
  });

  const PROD = 'file "clusters/prod/cluster.ts", cluster "acme-prod"';
  test.each<[string, ClusterSpec, string]>([
    [
      'groups with basic auth',
      {
        ...grouped,
        internalAccess: { basicAuthSecret: 'staff-htpasswd', allowedCidrs: base.internalAccess.allowedCidrs },
        // What basic auth means anyway, so only backoffice's groups are wrong.
        access: { ...grouped.access, apps: { backoffice: { loginGroups: ['orders-team'] }, payroll: { loginGroups: 'any-signed-in' } } },
      },
      `${PROD}, app "backoffice": field "access.apps.backoffice.loginGroups" = ["orders-team"]: basic auth (internalAccess.basicAuthSecret) knows no groups: every htpasswd user reaches every internal app; set internalAccess.oidc to let only some groups in, or remove loginGroups`,
    ],
    [
      'groups without the JWKS URI',
      { ...grouped, internalAccess: { ...grouped.internalAccess, oidc: { ...oidc, jwksUri: undefined } } },
      `${PROD}: field "internalAccess.oidc.jwksUri" = undefined: is required while access.apps.backoffice.loginGroups lists groups: the proxies check the ID token with the issuer's keys. Set it to jwks_uri of https://login.example.com/realms/staff/.well-known/openid-configuration`,
    ],
    [
      'an internal app that says nothing about who may reach it',
      { ...grouped, access: { ...grouped.access, apps: { payroll: { loginGroups: ['hr-team'] } } } },
      `${PROD}, app "backoffice": field "access.apps.backoffice.loginGroups" = undefined: internal app "backoffice" lets in every person the IdP signs in unless it says who: list the IdP groups that may reach it (e.g. ["backoffice-staff"]), or "any-signed-in" to let all of them in on purpose`,
    ],
    [
      'a JWKS URI the proxies may not reach',
      { ...grouped, internalAccess: { ...grouped.internalAccess, oidc: { ...oidc, jwksUri: 'https://keys.example.net:8443/certs' } } },
      `${PROD}: field "internalAccess.oidc.jwksUri" = "https://keys.example.net:8443/certs": is on port 8443: the proxies may reach the internet on 443 only`,
    ],
  ])('%s is a clear error naming the cluster file, the app, the field and the value', (_name, bad, message) => {
    expect(synthProblemsOf(() => validateEdgeInput([bad], specs))).toEqual([message]);
  });
});

describe.each(FIXTURE_CLUSTERS.map((c) => [c.env] as const))("cluster %s: the login's session cookies", (env) => {
  // CVE-2026-47775: the oauth2 filter's CBC cookie decryption is a padding oracle; fixed from Envoy 1.35.13 in
  // the 1.35 line, GCM only once both runtime guards are turned (envoyproxy/gateway#9830; envoy-proxy-runtime.ts).
  const proxy = fixtureObjectsOf(env).find((o) => o.kind === 'EnvoyProxy')!.spec as Json;

  test('the proxies run an Envoy with the fix, in the 1.35 line Envoy Gateway v1.5.1 is built against', () => {
    const image = proxy.provider.kubernetes.envoyDeployment.container.image as string;
    const [, minor, patch] = /:distroless-v1\.(\d+)\.(\d+)$/.exec(image)!.map(Number);
    expect(minor).toBe(35);
    expect(patch).toBeGreaterThanOrEqual(13);
  });

  test('their bootstrap appends a runtime layer that turns GCM on and the CBC path off', () => {
    expect(proxy.bootstrap.type).toBe('Merge');
    const layers = parse(proxy.bootstrap.value).layered_runtime.layers as Json[];
    expect(layers).toEqual([
      {
        name: 'webapps-oauth2-cookies',
        static_layer: { 'envoy.reloadable_features.oauth2_use_gcm_encryption': true, 'envoy.reloadable_features.oauth2_legacy_cbc_decrypt_compat': false },
      },
    ]);
    expect(
      checkSchema(
        { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyProxy', metadata: { name: 'p', namespace: 'n' }, spec: proxy },
        ENVOY_GATEWAY_SCHEMAS.EnvoyProxy,
      ),
    ).toEqual([]);
  });
});
