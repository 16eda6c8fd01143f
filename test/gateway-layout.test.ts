// Many hosts behind one load balancer: the layout of Gateways, listeners and certificates, at 1,000 apps,
// and its stability when apps come and go. The 1,000-app cluster is built as far as the edge goes: input
// checks, the platform configs chart (Gateways, issuer, certificates) and each app's namespace, route and
// edge policy, then the schemas and the route, edge and merge rules over them. (A full synth of that many
// apps in one cluster is the synth-speed work of issue 17; here only what the layout decides is built.)
// The add and remove cases re-render the platform configs chart alone, from the first build's ledger.
import { generatedAccessOf } from '../scripts/lib/generated-access';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import type { AppSpec } from '../constructs/model/app-spec';
import { LETSENCRYPT_PRODUCTION, type ClusterSpec } from '../constructs/model/cluster-spec';
import {
  EMPTY_LEDGER,
  gatewayLayoutOf,
  MAX_LISTENERS_PER_GATEWAY,
  SHARED_LISTENER,
  type GatewayLayout,
  type GatewayLedger,
  type HostOwner,
} from '../constructs/model/gateway-layout';
import { GATEWAY, HTTP_LISTENER, namespaceOf } from '../constructs/model/naming';
import { clusterAppsOf } from '../constructs/model/resolve';
import { edgeProblems, gatewayProblems } from '../constructs/rules/edge-rules';
import { newCertificateWarnings, registeredDomainOf } from '../constructs/rules/certificate-limits';
import { clusterGatewaysOf } from '../constructs/platform/cluster-gateways';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { platformEndpointsOf } from '../constructs/platform/internal-endpoint';
import { PlatformConfigs, PlatformCredentials } from '../constructs/platform/platform';
import { synthChart } from '../constructs/synth/chart-synth';
import type { KubeObject } from '../constructs/model/kube-object';
import type { SynthInput } from '../constructs/synth/pipeline';
import { Chart } from 'cdk8s';
import { Isolation } from '../constructs/app/isolation';
import { HttpsRoute } from '../constructs/blocks/https-route';
import { appRouteProps } from '../constructs/app/web-app';
import type { ResolvedApp } from '../constructs/model/resolve';
import { validateEdgeInput } from '../constructs/validation/edge-validation';
import { validateInput } from '../constructs/validation/input-validation';
import { routeProblems } from '../constructs/rules/output-rules';
import { schemaProblems } from '../constructs/schemas/schema-validation';
import { readReleasesFile } from '../constructs/synth/releases-io';
import { certManagerStatements } from '../constructs/cloud/add-on-policies';
import { realObjectsOf, REPO_ROOT } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const base = CLUSTERS.find((c) => c.env === 'staging')!;
const released = readReleasesFile(REPO_ROOT, base.env).apps;
const PUBLIC_TEMPLATES = APPS.filter((a) => a.exposure === 'public');
const customDomainOf = (i: number) => `customer-${i}.com`;

/** App i: a public app copied from a real one, its host under the cluster's domain, the first 100 also a custom domain's www host. */
function syntheticApp(i: number): AppSpec {
  const template = PUBLIC_TEMPLATES[i % PUBLIC_TEMPLATES.length];
  const name = `site-${i}`;
  const hosts = [`${name}.${base.domain}`, ...(i < 100 ? [`www.${customDomainOf(i)}`] : [])];
  return { ...template, name, hosts: { [base.env]: hosts } };
}

/** A staging-like cluster that runs the given synthetic apps. */
function inputOf(indexes: readonly number[], ledger?: GatewayLedger): SynthInput & { cluster: ClusterSpec } {
  const apps = indexes.map(syntheticApp);
  const cluster: ClusterSpec = {
    ...base,
    name: 'many-apps',
    // A thousand apps need more than staging's five nodes: every app at its scaling.min must fit the pool, and each app's quota at its max replicas.
    nodePool: { ...base.nodePool, instanceTypes: ['m7i.xlarge'], max: 150 },
    extraHostDomains: indexes.filter((i) => i < 100).map(customDomainOf),
    apps: Object.fromEntries(apps.map((a) => [a.name, {}])),
    appData: Object.fromEntries(apps.map((a) => [a.name, 'live' as const])),
    access: generatedAccessOf(base.access, apps),
  };
  const templateOf = (name: string) => PUBLIC_TEMPLATES[Number(name.slice('site-'.length)) % PUBLIC_TEMPLATES.length].name;
  const releases = { [base.env]: { apps: Object.fromEntries(apps.map((a) => [a.name, released[templateOf(a.name)]])) } };
  return { cluster, clusters: [cluster], apps, releases, gatewayLedgers: ledger ? { [base.env]: ledger } : undefined };
}

/** The layout and the Gateways and Certificates of a cluster, rendered by the platform configs chart alone. */
function edgeOf(input: ReturnType<typeof inputOf>): { layout: GatewayLayout; objects: KubeObject[]; apps: ResolvedApp[] } {
  const { cluster } = input;
  const apps = clusterAppsOf(cluster, input.apps, (name) => input.releases[cluster.env].apps[name].current);
  const addOns = addOnsOf({ cluster, apps });
  const endpoints = platformEndpointsOf({ cluster, apps }, addOns);
  const layout = clusterGatewaysOf({ cluster, apps, endpoints }, input.gatewayLedgers?.[cluster.env]);
  const props = { ctx: { cluster, apps, gateways: layout }, addOns };
  // The certificates are in the credentials layer beside the configs (platform.ts).
  const objects = [
    ...synthChart((scope) => new PlatformConfigs(scope, 'configs', props)),
    ...synthChart((scope) => new PlatformCredentials(scope, 'credentials', props)),
  ];
  return { layout, objects, apps };
}

/** Each app's part of the edge: its namespace (with the hosts it owns), its route and its edge policy. */
const appEdgeOf = (app: ResolvedApp, cluster: ClusterSpec, gateways: GatewayLayout): KubeObject[] =>
  synthChart((scope) => {
    const chart = new Chart(scope, app.name, { namespace: namespaceOf(app.name), disableResourceNameHashes: true });
    new Isolation(chart, 'Isolation', { app });
    new HttpsRoute(chart, 'Route', appRouteProps(app, cluster, gateways));
    return chart;
  });

/** What one host depends on: its Gateway, its listener as rendered, and the certificate that listener presents, as rendered. */
function hostView(edge: ReturnType<typeof edgeOf>, host: string): Json {
  const placement = edge.layout.placements.get(host)!;
  const gateway = edge.objects.find((o) => o.kind === 'Gateway' && o.metadata.name === placement.gateway)!;
  const listener = (gateway.spec as Json).listeners.find((l: Json) => l.name === placement.listener);
  const certificate = edge.objects.find((o) => o.kind === 'Certificate' && (o.spec as Json).secretName === listener.tls.certificateRefs[0].name);
  return { gateway: placement.gateway, listener, certificate };
}

const ALL = Array.from({ length: 1000 }, (_, i) => i);

describe('1,000 public apps in one cluster, 100 of them with a custom domain', () => {
  const started = Date.now();
  const input = inputOf(ALL);
  validateInput(input.clusters, input.apps);
  validateEdgeInput(input.clusters, input.apps);
  const edge = edgeOf(input);
  const objects = [...edge.objects, ...edge.apps.flatMap((app) => appEdgeOf(app, input.cluster, edge.layout))];
  const problems = [...schemaProblems(objects), ...routeProblems(objects), ...edgeProblems(objects)];
  const seconds = (Date.now() - started) / 1000;
  const gateways = objects.filter((o) => o.kind === 'Gateway');
  const ledger = edge.layout.ledger;

  test('its edge builds and passes the input checks, the schemas and the route, edge and merge rules', () => {
    // Printed, not judged: tests never time.
    console.log(`1,000-app cluster: edge built and checked in ${seconds.toFixed(1)} s (${objects.length} objects)`);
    expect(problems).toEqual([]);
    expect(objects.filter((o) => o.kind === 'HTTPRoute' && o.metadata.namespace?.startsWith('site-'))).toHaveLength(1000);
  });

  test('behind one NLB: one EnvoyProxy with a LoadBalancer Service, merging every Gateway of the one class', () => {
    const proxies = objects.filter((o) => o.kind === 'EnvoyProxy');
    expect(proxies).toHaveLength(1);
    expect((proxies[0].spec as Json).mergeGateways).toBe(true);
    expect((proxies[0].spec as Json).provider.kubernetes.envoyService.type).toBe('LoadBalancer');
    expect(objects.filter((o) => o.kind === 'GatewayClass').map((o) => o.metadata.name)).toEqual([GATEWAY.className]);
    expect(gateways.length).toBeGreaterThan(1);
    for (const g of gateways) expect((g.spec as Json).gatewayClassName).toBe(GATEWAY.className);
    expect(objects.filter((o) => o.kind === 'Service' && (o.spec as Json).type === 'LoadBalancer')).toEqual([]);
  });

  test('every Gateway holds at most 64 listeners, and the merged set passes the merge rules', () => {
    for (const g of gateways) expect((g.spec as Json).listeners.length).toBeLessThanOrEqual(MAX_LISTENERS_PER_GATEWAY);
    expect(gatewayProblems(objects)).toEqual([]);
  });

  test('the hosts under the domain share one listener and one wildcard certificate; custom domains have their own', () => {
    const first = gateways.find((g) => g.metadata.name === GATEWAY.name)!;
    const shared = (first.spec as Json).listeners.filter((l: Json) => l.name === SHARED_LISTENER);
    expect(shared).toEqual([expect.objectContaining({ hostname: `*.${base.domain}` })]);
    const certificates = objects.filter((o) => o.kind === 'Certificate');
    // The wildcard, each custom domain's host and the platform's Kibana under the wildcard: 1 + 100.
    expect(certificates.map((c) => (c.spec as Json).dnsNames[0]).sort()).toEqual(
      [`*.${base.domain}`, ...ALL.filter((i) => i < 100).map((i) => `www.${customDomainOf(i)}`)].sort(),
    );
  });

  test('every HTTP-01 host is named by a redirect route on the :80 listener, so an open challenge takes only its own path', () => {
    const http01Hosts = objects
      .filter((o) => o.kind === 'Certificate')
      .flatMap((c) => (c.spec as Json).dnsNames as string[])
      .filter((name) => !name.startsWith('*.'));
    expect(http01Hosts).toHaveLength(100);
    const redirects = objects.filter((o) => o.kind === 'HTTPRoute' && o.metadata.namespace === GATEWAY.namespace && (o.spec as Json).hostnames);
    for (const route of redirects) {
      const spec = route.spec as Json;
      expect(spec.hostnames.length).toBeLessThanOrEqual(16); // HTTPRouteSpec.hostnames maxItems
      expect(spec.parentRefs).toEqual([expect.objectContaining({ name: GATEWAY.name, sectionName: HTTP_LISTENER })]);
      expect(spec.rules).toEqual([
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }],
        },
      ]);
    }
    const named = redirects.flatMap((r) => (r.spec as Json).hostnames as string[]);
    expect(named.sort()).toEqual([...http01Hosts].sort());
    // The :80 listener still belongs to the first Gateway alone.
    expect(gateways.filter((g) => (g.spec as Json).listeners.some((l: Json) => l.port === 80)).map((g) => g.metadata.name)).toEqual([GATEWAY.name]);
  });

  test('the ledger names the Gateway of every host with its own listener', () => {
    const own = Object.keys(ledger.hosts);
    expect(own).toHaveLength(101); // 100 custom domains and Kibana's logs host
    expect(new Set(Object.values(ledger.hosts))).toEqual(new Set(gateways.map((g) => g.metadata.name)));
  });

  describe('apps come and go; no other app moves', () => {
    const before = edgeOf(inputOf(ALL, ledger));
    const beforeObjects = before.objects;
    const hostsOf = (indexes: readonly number[]) => indexes.flatMap((i) => syntheticApp(i).hosts[base.env]!);
    const clientPoliciesOf = (e: ReturnType<typeof edgeOf>) => e.objects.filter((o) => o.kind === 'ClientTrafficPolicy');
    /** The policies in `more` that `fewer` lacks, each as the listener it covers (a Gateway-wide one as its Gateway). */
    const policiesOnlyIn = (more: ReturnType<typeof edgeOf>, fewer: ReturnType<typeof edgeOf>) => {
      const kept = clientPoliciesOf(fewer).map((p) => JSON.stringify(p));
      return clientPoliciesOf(more)
        .filter((p) => !kept.includes(JSON.stringify(p)))
        .map((p) => (p.spec as Json).targetRefs[0].sectionName ?? (p.spec as Json).targetRefs[0].name);
    };
    const ownListenersOf = (e: ReturnType<typeof edgeOf>, i: number) =>
      hostsOf([i])
        .map((h) => e.layout.placements.get(h)!.listener)
        .filter((l) => l !== SHARED_LISTENER);

    test('the ledger reproduces the first build', () => {
      expect(before.layout.ledger).toEqual(ledger);
      expect(beforeObjects).toEqual(edge.objects);
    });

    test('adding an app (a host under the domain and a custom one) changes no other app’s Gateway, listener, certificate or client limits', () => {
      // App 50 comes back after being away: its custom host is new to the ledger, its place taken by nobody.
      const withoutFifty = ALL.filter((i) => i !== 50);
      const start = edgeOf(
        inputOf(withoutFifty, { hosts: Object.fromEntries(Object.entries(ledger.hosts).filter(([h]) => h !== `www.${customDomainOf(50)}`)) }),
      );
      const after = edgeOf(inputOf(ALL, start.layout.ledger));
      const others = hostsOf(withoutFifty);
      expect(others.length).toBeGreaterThan(0);
      for (const host of others) expect(hostView(after, host)).toEqual(hostView(start, host));
      expect(after.layout.placements.get(`www.${customDomainOf(50)}`)).toBeDefined();
      // Client limits: every policy stays as it was; a new one, if any, covers app 50's own listener only.
      expect(policiesOnlyIn(start, after)).toEqual([]);
      for (const listener of policiesOnlyIn(after, start)) expect(ownListenersOf(after, 50)).toContain(listener);
    });

    test('removing an app changes no other app’s Gateway, listener, certificate or client limits', () => {
      const removed = 3; // has a custom domain on the first Gateway
      expect(ledger.hosts[`www.${customDomainOf(removed)}`]).toBe(GATEWAY.name);
      const rest = ALL.filter((i) => i !== removed);
      const after = edgeOf(inputOf(rest, before.layout.ledger));
      for (const host of hostsOf(rest)) expect(hostView(after, host)).toEqual(hostView(before, host));
      // Client limits: every other policy stays as it was; one that goes covered app 3's own listener.
      expect(policiesOnlyIn(after, before)).toEqual([]);
      for (const listener of policiesOnlyIn(before, after)) expect(ownListenersOf(before, removed)).toContain(listener);
    });

    test('without the ledger, the same removal would move other hosts: the ledger is what keeps them', () => {
      const rest = ALL.filter((i) => i !== 3);
      const fresh = edgeOf(inputOf(rest));
      const moved = hostsOf(rest).filter((h) => fresh.layout.placements.get(h)!.gateway !== before.layout.placements.get(h)!.gateway);
      expect(moved.length).toBeGreaterThan(0);
    });
  });
});

describe('the layout, on small fixtures', () => {
  const cluster = { domain: 'apps.example.org', dnsZoneId: 'Z0123456789ABCDEFGHIJ' };
  const owner = (host: string, namespace = host.split('.')[0]): HostOwner => ({ host, namespace });

  test('only hosts one label below the domain share the listener; the apex and deeper names have their own', () => {
    const layout = gatewayLayoutOf(cluster, [owner('a.apps.example.org'), owner('apps.example.org', 'apex'), owner('x.b.apps.example.org', 'deep')]);
    expect(layout.placements.get('a.apps.example.org')).toMatchObject({ listener: SHARED_LISTENER, ownCertificate: false });
    expect(layout.placements.get('apps.example.org')).toMatchObject({ listener: 'https-apps.example.org', ownCertificate: true });
    expect(layout.placements.get('x.b.apps.example.org')).toMatchObject({ listener: 'https-x.b.apps.example.org', ownCertificate: true });
  });

  test('a platform endpoint under the domain keeps its own listener, with the wildcard certificate', () => {
    const layout = gatewayLayoutOf(cluster, [{ host: 'logs.apps.example.org', namespace: 'logging', platform: true }]);
    expect(layout.placements.get('logs.apps.example.org')).toMatchObject({ listener: 'https-logs.apps.example.org', ownCertificate: false });
  });

  test('without the zone id every host has its own listener and certificate (HTTP-01)', () => {
    const layout = gatewayLayoutOf({ domain: cluster.domain }, [owner('a.apps.example.org')]);
    expect(layout.wildcard).toBeUndefined();
    expect(layout.placements.get('a.apps.example.org')).toMatchObject({ listener: 'https-a.apps.example.org', ownCertificate: true });
  });

  test('the first Gateway takes 62 host listeners beside :80 and the shared one, the next 64', () => {
    const owners = Array.from({ length: 130 }, (_, i) => owner(`www.c${String(i).padStart(3, '0')}.net`, `c${i}`));
    const layout = gatewayLayoutOf(cluster, owners, EMPTY_LEDGER);
    expect(layout.shards.map((s) => [s.name, s.hosts.length])).toEqual([
      ['public', 62],
      ['public-1', 64],
      ['public-2', 4],
    ]);
  });

  test('a new host fills a freed place; the others stay', () => {
    const owners = Array.from({ length: 70 }, (_, i) => owner(`www.c${String(i).padStart(3, '0')}.net`, `c${i}`));
    const first = gatewayLayoutOf(cluster, owners);
    const freed = owners.filter((o) => o.host !== 'www.c010.net');
    const next = gatewayLayoutOf(cluster, [...freed, owner('www.zzz.net', 'z')], first.ledger);
    expect(next.placements.get('www.zzz.net')!.gateway).toBe('public');
    for (const o of freed) expect(next.placements.get(o.host)!.gateway).toBe(first.placements.get(o.host)!.gateway);
  });
});

describe('the CA weekly limit', () => {
  const certificate = (name: string, dnsName: string): KubeObject => ({
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name, namespace: GATEWAY.namespace },
    spec: { secretName: name, dnsNames: [dnsName] },
  });
  const prod = { name: 'acme-prod', acme: { server: LETSENCRYPT_PRODUCTION, email: 'ops@example.com' } };
  const many = (n: number, domain: string) => Array.from({ length: n }, (_, i) => certificate(`c${i}-${domain}`, `h${i}.${domain}`));

  test('the registered domain follows the Public Suffix List', () => {
    expect(registeredDomainOf('a.b.shop.co.uk')).toBe('shop.co.uk');
    expect(registeredDomainOf('*.staging.example.com')).toBe('example.com');
  });

  test('51 new certificates under one registered domain warn; 50 do not', () => {
    expect(newCertificateWarnings(prod, [], many(50, 'example.com'))).toEqual([]);
    expect(newCertificateWarnings(prod, [], many(51, 'example.com'))).toEqual([
      expect.stringContaining('51 new certificates for example.com, more than the 50 a week'),
    ]);
  });

  test('certificates already in dist/ are renewals, not new; other registered domains count apart', () => {
    const existing = many(30, 'example.com');
    expect(newCertificateWarnings(prod, existing, [...existing, ...many(45, 'example.com').slice(30), ...many(40, 'example.net')])).toEqual([]);
    expect(newCertificateWarnings(prod, existing.slice(0, 10), many(61, 'example.com'))).toEqual([expect.stringContaining('51 new certificates')]);
  });
});

describe('the wildcard by DNS-01, with only the rights it needs', () => {
  // cert-manager/cert-manager@v1.18.2, pkg/issuer/acme/dns/route53/route53.go: with hostedZoneID set,
  // getHostedZoneID returns it without calling ListHostedZonesByName; changeRecord calls
  // ChangeResourceRecordSets (UPSERT to present the TXT record, DELETE to clean up) and then GetChange until
  // the change is INSYNC. Nothing else. Credentials: ambient (a ClusterIssuer's default), i.e. the AWS SDK's
  // default chain (aws-sdk-go-v2/config v1.27.36), which reads the Pod Identity agent's endpoint EKS injects.
  const SOLVER_CALLS = ['route53:ChangeResourceRecordSets', 'route53:GetChange'];

  test('the role grants exactly the calls the route53 solver makes', () => {
    const actions = certManagerStatements('arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ', 'example.com').flatMap((s) => [s.Action].flat());
    expect(actions.sort()).toEqual([...SOLVER_CALLS].sort());
  });

  test.each(CLUSTERS.filter((c) => c.dnsZoneId).map((c) => [c.env, c] as const))(
    '%s: the issuer names the zone and solves only the wildcard by DNS-01',
    (env, cluster) => {
      const objects = realObjectsOf(env);
      const issuer = objects.find((o) => o.kind === 'ClusterIssuer')!.spec as Json;
      const dns01 = issuer.acme.solvers.filter((s: Json) => s.dns01);
      expect(dns01).toEqual([
        { selector: { dnsNames: [`*.${cluster.domain}`] }, dns01: { route53: { region: cluster.region, hostedZoneID: cluster.dnsZoneId } } },
      ]);
      const wildcard = objects.filter((o) => o.kind === 'Certificate' && (o.spec as Json).dnsNames.some((n: string) => n.startsWith('*.')));
      expect(wildcard.map((c) => (c.spec as Json).dnsNames)).toEqual([[`*.${cluster.domain}`]]);
    },
  );
});
