// The staff login in front of internal apps (model/gateway-login.ts has what Envoy Gateway v1.5.1 does with
// it): on a fixture internal app with two hosts, each host's login comes back to that host, the login keeps
// to its own paths, and the reviewer's page lists every callback the IdP must accept.
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
import { PlatformConfigs } from '../constructs/platform/platform';
import { publicSurfaceOf, renderPublicSurface } from '../constructs/reports/public-surface';
import { edgeProblems } from '../constructs/rules/edge-rules';
import { synthChart } from '../constructs/synth/chart-synth';
import { validateEdgeInput } from '../constructs/validation/edge-validation';
import { FIXTURE_APPS, FIXTURE_CLUSTERS } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const HOSTS = ['admin.example.com', 'staff.example.com'];
const base = FIXTURE_CLUSTERS.find((c) => c.env === 'prod')!;
// The fixture's internal app, here with a second host.
const cluster: ClusterSpec = { ...base, apps: { backoffice: { hosts: HOSTS } } };
const backoffice = FIXTURE_APPS.find((a) => a.name === 'backoffice')!;
const apps = clusterAppsOf(cluster, [backoffice]);

/** The cluster's edge (Gateways, certificates, Kibana's route) and the app's namespace, route and policies. */
function edgeObjects(): KubeObject[] {
  const addOns = addOnsOf({ cluster, apps });
  const gateways = clusterGatewaysOf({ cluster, apps, endpoints: platformEndpointsOf({ cluster, apps }, addOns) });
  const platform = synthChart((scope) => new PlatformConfigs(scope, 'configs', { ctx: { cluster, apps, gateways }, addOns }));
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

  test('the edge rules pass', () => {
    expect(edgeProblems(objects)).toEqual([]);
  });

  test('public-endpoints.md lists the callback of every host for the IdP client', () => {
    const page = renderPublicSurface(cluster.name, publicSurfaceOf(objects));
    expect(page).toContain(`OIDC client \`${base.internalAccess.oidc!.clientId}\``);
    for (const host of [...HOSTS, `logs.${base.domain}`]) expect(page).toContain(`- https://${host}/oauth2/callback\n`);
  });
});
