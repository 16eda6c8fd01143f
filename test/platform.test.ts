import { isCelError, run } from '@bufbuild/cel';
import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import { EXPOSURE_LABEL, GATEWAY, GATEWAY_PROXY_POD_LABELS, namespaceOf } from '../constructs/model/naming';
import { controlPlaneRangesOf, nodeRangesOf } from '../constructs/model/vpc-layout';
import { KUBERNETES_SERVICE_IPS } from '../constructs/model/network-ranges';
import { ES_ROLES_SECRET } from '../constructs/logging/elasticsearch-users';
import { Chart, Testing } from 'cdk8s';
import type { AddOn, AddOnKind } from '../constructs/platform/add-on';
import { dependencyNamesOf, orderAddOns } from '../constructs/platform/add-on-order';
import { EckAddOn } from '../constructs/platform/eck';
import { certManagerDefaults } from '../constructs/platform/cert-manager';
import { EnvoyGatewayAddOn, GATEWAY_METRICS_PORT, PROXY_PORTS } from '../constructs/platform/envoy-gateway';
import { externalSecretsDefaults } from '../constructs/platform/external-secrets';
import { fluentBitDefaults } from '../constructs/platform/fluent-bit';
import { clusterAutoscalerDefaults } from '../constructs/platform/cluster-autoscaler';
import { externalDnsDefaults } from '../constructs/platform/external-dns';
import { metricsServerDefaults } from '../constructs/platform/metrics-server';
import { elastAlertDefaults } from '../constructs/platform/elastalert';
import { declaredWorkloadsOf } from '../constructs/platform/declared-workloads';
import type { WorkloadEgress } from '../constructs/platform/network-needs';
import { clientsOf, PlatformNetworkPolicies } from '../constructs/platform/platform-network-policies';
import { addOnsOf, defaultAddOns } from '../constructs/platform/default-add-ons';
import { platformEndpointsOf } from '../constructs/platform/internal-endpoint';
import { platformStoreKeysOf } from '../constructs/platform/platform';
import { guardRulesOf } from '../constructs/platform/public-surface-guard';
import { edgeProblems, supplyProblems } from '../constructs/rules/edge-rules';
import { publicSurfaceOf } from '../constructs/reports/public-surface';
import { schemaProblems } from '../constructs/schemas/schema-validation';
import { describe as describeObject, type KubeObject } from '../constructs/model/kube-object';
import { byKind, fixtureObjectsOf, fixtureOutput } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = <T>(value: T): Json => JSON.parse(JSON.stringify(value));
/** Throwaway add-on kinds for the ordering rules: an add-on is of a kind by its prototype, as `instanceof` sees it. */
const kind = (): AddOnKind => class {} as unknown as AddOnKind;
const [KindA, KindB, Ghost] = [kind(), kind(), kind()];
Object.defineProperty(Ghost, 'name', { value: 'Ghost' });
const fakeAddOn = (of: AddOnKind, name: string, dependsOn: () => AddOnKind[]): AddOn =>
  Object.setPrototypeOf(
    {
      ...defaultAddOns()[0],
      name,
      get dependsOn() {
        return dependsOn();
      },
      values: () => ({}),
    },
    of.prototype,
  );

describe('add-on contract', () => {
  test('the default add-ons install in dependency order', () => {
    const addOns = addOnsOf(CLUSTERS[0]);
    const order = addOns.map((a) => a.name);
    expect(addOns.some((a) => a.dependsOn.length > 0)).toBe(true);
    for (const addOn of addOns) {
      for (const dep of dependencyNamesOf(addOn, addOns)) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(addOn.name));
    }
  });
  test('a missing dependency fails synth, naming both add-ons', () => {
    expect(() => orderAddOns([fakeAddOn(KindA, 'a', () => [Ghost])])).toThrow(
      'add-on "a": field "dependsOn" = Ghost: no add-on of that kind is enabled in this cluster',
    );
  });
  test('a cycle fails synth and shows it', () => {
    expect(() => orderAddOns([fakeAddOn(KindA, 'a', () => [KindB]), fakeAddOn(KindB, 'b', () => [KindA])])).toThrow(
      'add-on "a": field "dependsOn" forms a cycle: a -> b -> a',
    );
  });
  test('a dependency is found by its kind, whatever the add-on is named', () => {
    const renamed = fakeAddOn(KindB, 'renamed-b', () => []);
    expect(
      dependencyNamesOf(
        fakeAddOn(KindA, 'a', () => [KindB]),
        [renamed],
      ),
    ).toEqual(['renamed-b']);
  });
  test('disabling an add-on another needs fails synth', () => {
    expect(() => addOnsOf({ ...CLUSTERS[0], disabledAddOns: ['envoy-gateway'] })).toThrow('add-on "cert-manager": field "dependsOn" = EnvoyGatewayAddOn');
  });
  test("a port open to clients admits exactly the workloads that call it: those whose own egress names it, and those without one whose namespace's add-ons do", () => {
    const addOns = defaultAddOns();
    const eck = addOns.find((a) => a instanceof EckAddOn)!;
    const [port] = eck.network.ingressFromClients ?? [];
    const callers = addOns.filter((a) => a.network.egressToNamespaces?.some((c) => c.namespace === eck.namespace && c.ports.some((p) => p.port === port.port)));
    expect(callers.length).toBeGreaterThan(0);
    const caller = callers[0].namespace;
    const group = (name: string, egress?: WorkloadEgress) => ({ namespace: caller, name, podLabels: { app: name }, ports: [], ...(egress ? { egress } : {}) });
    const byNamespace = group('by-namespace');
    const byOwnEgress = group('by-own-egress', { egressToNamespaces: [{ namespace: eck.namespace, ports: [port] }] });
    const quiet = group('quiet', { dns: true });
    const server = { namespace: eck.namespace, name: 'server', podLabels: { app: 'server' }, ports: [port.port] };
    const podsOf = new Map([
      [caller, [byNamespace, byOwnEgress, quiet]],
      [eck.namespace, [server]],
    ]);
    expect(clientsOf(eck.namespace, addOns, podsOf).get(port.port)).toEqual([byNamespace, byOwnEgress]);
    // Without the callers' add-ons, the namespace's own egress calls nothing: only the workload that names the port is left.
    expect(
      clientsOf(
        eck.namespace,
        addOns.filter((a) => !callers.includes(a)),
        podsOf,
      ).get(port.port),
    ).toEqual([byOwnEgress]);
    expect(clientsOf(eck.namespace, addOns, new Map([[eck.namespace, [server]]])).get(port.port)).toBeUndefined();
  });
  test('a call to a port that the namespace called does not admit fails synth, naming the caller, the field and the port', () => {
    const eck = defaultAddOns().find((a) => a instanceof EckAddOn)!;
    const chart = new Chart(Testing.app(), 'c');
    const es = { namespace: eck.namespace, name: 'logs-es-default', podLabels: { app: 'es' }, ports: [9200, 9300] };
    const caller = { namespace: 'fluent-bit', name: 'fluent-bit', podLabels: { app: 'fluent-bit' }, ports: [] };
    const clients = new Map([
      [9200, [caller]],
      [9300, [caller]],
    ]);
    expect(() => new PlatformNetworkPolicies(chart, 'n', { addOns: [eck], clients, cluster: CLUSTERS[0], apps: [], endpoints: [], pods: [es] })).toThrow(
      /namespace fluent-bit, workload "fluent-bit": field "egressToNamespaces.logging" = 9300: no add-on of namespace logging admits it/,
    );
  });
  test("a call to a port open to anywhere (the proxies' public ports) needs no client entry; one to their metrics port still fails", () => {
    const gateway = defaultAddOns().find((a) => a instanceof EnvoyGatewayAddOn)!;
    const proxies = {
      namespace: gateway.namespace,
      name: 'envoy-envoy-',
      podLabels: { ...GATEWAY_PROXY_POD_LABELS },
      ports: [...PROXY_PORTS, GATEWAY_METRICS_PORT],
    };
    const controller = { namespace: gateway.namespace, name: 'envoy-gateway', podLabels: { app: 'envoy-gateway' }, ports: [9443] };
    const caller = { namespace: 'elastalert', name: 'certificate-check', podLabels: { app: 'certificate-check' }, ports: [] };
    const policies = (port: number) => () =>
      new PlatformNetworkPolicies(new Chart(Testing.app(), 'c'), 'n', {
        addOns: [gateway],
        clients: new Map([[port, [caller]]]),
        cluster: CLUSTERS[0],
        apps: [],
        endpoints: [],
        pods: [proxies, controller],
      });
    expect(policies(PROXY_PORTS[1])).not.toThrow();
    expect(policies(GATEWAY_METRICS_PORT)).toThrow(
      /workload "certificate-check": field "egressToNamespaces.envoy-gateway-system" = 19001: no add-on of namespace/,
    );
  });
  test("a call to another namespace's port that no workload there listens on fails synth, naming the add-on, the field and the port", () => {
    const addOns = defaultAddOns();
    const fluentBit = addOns.find((a) => a.name === fluentBitDefaults.name)!;
    const chart = new Chart(Testing.app(), 'c');
    const pods = [{ namespace: fluentBit.namespace, name: 'fluent-bit', podLabels: { app: 'fluent-bit' }, ports: [] }];
    const kibanaOnly = new Map([['logging', [{ namespace: 'logging', name: 'logs-kb', podLabels: { app: 'kibana' }, ports: [5601] }]]]);
    expect(
      () =>
        new PlatformNetworkPolicies(chart, 'n', {
          addOns: [fluentBit],
          clients: new Map(),
          servers: kibanaOnly,
          cluster: CLUSTERS[0],
          apps: [],
          endpoints: [],
          pods,
        }),
    ).toThrow(/add-on "fluent-bit": field "network.egressToNamespaces.logging" = 9200: no workload declared in namespace logging listens on it/);
  });
  test('a port open to clients that no add-on calls fails synth, naming the add-on and the port', () => {
    const eck = defaultAddOns().find((a) => a instanceof EckAddOn)!;
    const chart = new Chart(Testing.app(), 'c');
    const props = { addOns: [eck], clients: new Map(), cluster: CLUSTERS[0], apps: [], endpoints: [], pods: [] };
    expect(() => new PlatformNetworkPolicies(chart, 'n', props)).toThrow(
      /add-on "eck-operator": field "network.ingressFromClients" = 9200: no add-on calls it/,
    );
  });
});

describe("a workload's own egress", () => {
  const envoy = defaultAddOns().find((a) => a instanceof EnvoyGatewayAddOn)!;
  const controller = { namespace: envoy.namespace, name: 'envoy-gateway', podLabels: { 'control-plane': 'envoy-gateway' }, ports: [9443, 10080, 10443, 18000] };
  const policiesWith = (egress: WorkloadEgress) => {
    const chart = new Chart(Testing.app(), 'c');
    const worker = { namespace: envoy.namespace, name: 'worker', podLabels: { app: 'worker' }, ports: [], egress };
    new PlatformNetworkPolicies(chart, 'n', { addOns: [envoy], clients: new Map(), cluster: CLUSTERS[0], apps: [], endpoints: [], pods: [controller, worker] });
    return Testing.synth(chart).filter((o) => o.metadata.name === 'worker');
  };

  test("going beyond its namespace's add-ons, or naming a workload or port its namespace lacks, fails synth naming the field and the value", () => {
    const beyond = {
      awsCredentials: true,
      egressNodes: [{ port: 10250, name: 'kubelet' }],
      egressInternet: [
        { port: 443, name: 'OIDC' },
        { port: 80, name: 'plain' },
      ],
      egressToNamespaces: [{ namespace: 'logging', ports: [{ port: 9200, name: 'Elasticsearch' }] }],
      egressToOwnNamespace: [
        { workload: 'ghost', ports: [{ port: 1, name: 'x' }] },
        { workload: 'envoy-gateway', ports: [{ port: 18001, name: 'rate limit xDS' }] },
      ],
    } satisfies WorkloadEgress;
    let message = '';
    try {
      policiesWith(beyond);
    } catch (e) {
      message = (e as Error).message;
    }
    for (const line of [
      'workload "worker": field "egress.awsCredentials" = true: its namespace\'s add-ons do not declare it',
      'workload "worker": field "egress.egressToNamespaces.logging" = 9200/TCP',
      'workload "worker": field "egress.egressNodes" = 10250/TCP',
      'workload "worker": field "egress.egressInternet" = 80/TCP',
      'workload "worker": field "egress.egressToOwnNamespace" = ghost: no workload of namespace envoy-gateway-system has that name',
      'workload "worker": field "egress.egressToOwnNamespace.envoy-gateway" = 18001: that workload does not listen on it',
    ])
      expect(message).toContain(line);
    expect(message).not.toContain('egress.egressInternet" = 443');
  });

  test('is exactly what its policy lets out, DNS unless it says not', () => {
    const [quiet] = policiesWith({ dns: false });
    expect((quiet.spec as Json).policyTypes).toEqual(['Ingress', 'Egress']);
    expect((quiet.spec as Json).egress ?? []).toEqual([]);
    const [xds] = policiesWith({ egressToOwnNamespace: [{ workload: 'envoy-gateway', ports: [{ port: 18000, name: 'xDS' }] }] });
    expect((xds.spec as Json).egress).toEqual([
      { to: [{ podSelector: { matchLabels: { 'control-plane': 'envoy-gateway' } } }], ports: [{ protocol: 'TCP', port: 18000 }] },
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ]);
  });
});

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('platform of cluster %s', (env, cluster) => {
  const objects = fixtureObjectsOf(env);
  const releases = byKind(objects, 'HelmRelease');

  test('every add-on has a HelmRelease pinned to an exact chart version, and Flux dependsOn matches the add-on order', () => {
    const addOns = addOnsOf(cluster);
    expect(releases.map((r) => r.metadata.name).sort()).toEqual(addOns.map((a) => a.name).sort());
    for (const addOn of addOns) {
      const spec = releases.find((r) => r.metadata.name === addOn.name)!.spec as Json;
      expect(spec.chart.spec.version).toBe(addOn.chart.version);
      expect(spec.chart.spec.version).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect((spec.dependsOn ?? []).map((d: Json) => d.name)).toEqual(dependencyNamesOf(addOn, addOns));
      expect(spec.install.crds).toBe('CreateReplace');
      expect(spec.upgrade.remediation.retries).toBeGreaterThan(0);
    }
  });

  test("the proxies reach a platform endpoint's pods only, not its whole namespace", () => {
    const proxies = byKind(objects, 'NetworkPolicy').find((p) => p.metadata.namespace === GATEWAY.namespace && p.metadata.name === 'envoy-envoy')!;
    const endpoints = platformEndpointsOf({ cluster, apps: [] }, addOnsOf(cluster));
    expect(endpoints).not.toHaveLength(0);
    for (const e of endpoints) {
      const rules = ((proxies.spec as Json).egress as Json[]).filter((r) =>
        (r.to ?? []).some((t: Json) => t.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === e.namespace),
      );
      expect(rules).toEqual([{ to: [expect.objectContaining({ podSelector: { matchLabels: e.podLabels } })], ports: [{ port: e.port, protocol: 'TCP' }] }]);
    }
  });

  test('the ACME issuer matches the env', () => {
    const issuer = byKind(objects, 'ClusterIssuer')[0].spec as Json;
    expect(issuer.acme.server).toBe(cluster.acme.server);
    expect(issuer.acme.server.includes('staging')).toBe(env === 'staging');
  });

  test("the HTTP-01 solver's Service is ClusterIP: no node port opens while a challenge is open", () => {
    const solvers = (byKind(objects, 'ClusterIssuer')[0].spec as Json).acme.solvers.filter((s: Json) => s.http01);
    expect(solvers).not.toHaveLength(0);
    // cert-manager v1.18.2 defaults it to NodePort (pkg/issuer/acme/http/service.go).
    for (const s of solvers) expect(s.http01.gatewayHTTPRoute.serviceType).toBe('ClusterIP');
  });

  test('the public surface computed from dist/ matches the app specs and the platform endpoints (login only)', () => {
    const surface = publicSurfaceOf(objects);
    expect(surface.loadBalancers).toHaveLength(1);
    const endpoints = platformEndpointsOf({ cluster, apps: [] }, addOnsOf(cluster));
    expect(endpoints.map((e) => e.host)).toContain(`logs.${cluster.domain}`);
    const expected = Object.keys(cluster.apps)
      .flatMap((name) => {
        const app = APPS.find((a) => a.name === name)!;
        const hosts = cluster.apps[name].hosts ?? app.hosts[env] ?? [];
        return hosts.map((host) => ({ host, namespace: namespaceOf(name), access: app.exposure === 'public' ? 'open' : 'login' }));
      })
      .concat(endpoints.map((e) => ({ host: e.host, namespace: e.namespace, access: 'login' })))
      .sort((a, b) => a.host.localeCompare(b.host));
    expect(surface.endpoints.map(({ host, namespace, access }) => ({ host, namespace, access }))).toEqual(expected);
    const summary = fixtureOutput().find((f) => f.path === `dist/${env}/public-endpoints.md`)!.text!;
    for (const e of expected) expect(summary).toContain(`| ${e.host} | ${e.namespace} | ${e.access === 'open' ? 'public' : 'login required'} |`);
  });

  test("each workload of a platform namespace has its namespace's egress, but one that declares its own; in the Gateway's, cert-manager's, External Secrets', logging, Fluent Bit's, ElastAlert2's, the autoscaler's, external-dns' and metrics-server's, each declares it", () => {
    const policies = byKind(objects, 'NetworkPolicy').filter((p) => p.metadata.name !== 'default-deny');
    const declared = declaredWorkloadsOf(addOnsOf(cluster), { cluster, apps: [] });
    const own = new Set([
      ...declared.filter((d) => d.workload.egress).map((d) => `${d.namespace}/${d.workload.name.replace(/-$/, '')}`),
      ...addOnsOf(cluster).flatMap((a) => Object.keys(a.ownPodEgress?.({ cluster, apps: [] }) ?? {}).map((name) => `${a.namespace}/${name}`)),
    ]);
    const certManager = certManagerDefaults.namespace;
    const externalSecrets = externalSecretsDefaults.namespace;
    expect([...own].sort()).toEqual(
      [
        ...['envoy-envoy', 'envoy-gateway', 'envoy-gateway-gateway-helm-certgen', 'cm-acme-http-solver'].map((n) => `${GATEWAY.namespace}/${n}`),
        ...['cert-manager', 'cert-manager-webhook', 'cert-manager-cainjector', 'cert-manager-startupapicheck'].map((n) => `${certManager}/${n}`),
        ...['external-secrets', 'external-secrets-webhook', 'external-secrets-cert-controller', 'backup-lock-renewal'].map((n) => `${externalSecrets}/${n}`),
        ...['elastic-operator', 'logs-es-default', 'logs-kb', 'elasticsearch-setup', 'elasticsearch-setup-apply'].map((n) => `logging/${n}`),
        ...['fluent-bit', 'fluent-bit-events'].map((n) => `${fluentBitDefaults.namespace}/${n}`),
        ...['elastalert', 'alerting-watchdog', 'certificate-check'].map((n) => `${elastAlertDefaults.namespace}/${n}`),
        // Their one workload declares its namespace's egress, so that its pods do not reach each other.
        `${clusterAutoscalerDefaults.namespace}/cluster-autoscaler-aws-cluster-autoscaler`,
        `${externalDnsDefaults.namespace}/external-dns`,
        `${metricsServerDefaults.namespace}/metrics-server`,
      ].sort(),
    );
    const namespaces = byKind(objects, 'Namespace').filter((n) => n.metadata.labels?.['app.kubernetes.io/part-of'] === 'platform');
    expect(namespaces.length).toBeGreaterThan(3);
    for (const ns of namespaces.map((n) => n.metadata.name)) {
      const shared = policies
        .filter((p) => p.metadata.namespace === ns && !own.has(`${ns}/${p.metadata.name}`))
        .map((p) => JSON.stringify((p.spec as Json).egress));
      expect(new Set(shared).size).toBeLessThanOrEqual(1);
      // The namespace's egress always lets a pod reach its own namespace; a workload's own reaches only what it names.
      for (const egress of shared) expect(JSON.parse(egress)[0]).toEqual({ to: [{ podSelector: {} }] });
    }
    const egressOf = (name: string, namespace: string = GATEWAY.namespace): Json[] =>
      (policies.find((p) => p.metadata.namespace === namespace && p.metadata.name === name)!.spec as Json).egress ?? [];
    const portsOf = (egress: Json[]) => egress.flatMap((r) => r.ports.map((p: Json) => `${p.port}/${p.protocol}`));
    expect(egressOf('cm-acme-http-solver')).toEqual([]);
    const apiServerAndDns = [
      egressOf('envoy-gateway-gateway-helm-certgen'),
      ...['cert-manager-webhook', 'cert-manager-cainjector', 'cert-manager-startupapicheck'].map((n) => egressOf(n, certManager)),
      ...['external-secrets-webhook', 'external-secrets-cert-controller'].map((n) => egressOf(n, externalSecrets)),
    ];
    for (const egress of apiServerAndDns) expect(portsOf(egress)).toEqual(['53/UDP', '53/TCP', '443/TCP']);
    // The controllers: DNS, the API server, the internet, the Pod Identity agent; none reaches the rest of its namespace.
    expect(portsOf(egressOf('cert-manager', certManager))).toEqual(['53/UDP', '53/TCP', '443/TCP', '53/UDP', '53/TCP', '80/TCP', '443/TCP', '80/TCP']);
    expect(portsOf(egressOf('external-secrets', externalSecrets))).toEqual(['53/UDP', '53/TCP', '443/TCP', '443/TCP', '80/TCP']);
    for (const [name, namespace] of [
      ['cert-manager', certManager],
      ['external-secrets', externalSecrets],
    ])
      expect(egressOf(name, namespace).some((r) => r.to.some((peer: Json) => peer.podSelector && !peer.namespaceSelector))).toBe(false);
  });

  test('every platform namespace is default-deny', () => {
    for (const ns of byKind(objects, 'Namespace').filter((n) => n.metadata.labels?.['app.kubernetes.io/part-of'] === 'platform')) {
      expect(byKind(objects, 'NetworkPolicy').some((p) => p.metadata.namespace === ns.metadata.name && p.metadata.name === 'default-deny')).toBe(true);
    }
  });

  test("each platform endpoint's port admits the Gateway's proxies only, and no port is open to anywhere for it", () => {
    const policies = byKind(objects, 'NetworkPolicy');
    for (const e of platformEndpointsOf({ cluster, apps: [] }, addOnsOf(cluster))) {
      const inNs = policies.filter((p) => p.metadata.namespace === e.namespace).map((p) => p.spec as Json);
      const admitting = inNs.flatMap((p) => p.ingress ?? []).filter((rule: Json) => rule.ports?.some((port: Json) => port.port === e.port));
      // Besides the proxies, only named workloads of its own namespace that declare the call (Kibana's setup jobs).
      const siblings = admitting.filter((rule: Json) => rule.from?.every((f: Json) => f.podSelector && !f.namespaceSelector && !f.ipBlock));
      for (const rule of siblings) for (const f of rule.from) expect(Object.keys(f.podSelector.matchLabels ?? {}).length).toBeGreaterThan(0);
      expect(admitting.filter((rule: Json) => !siblings.includes(rule))).toEqual([
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY.namespace } },
              podSelector: { matchLabels: GATEWAY_PROXY_POD_LABELS },
            },
          ],
          ports: [{ protocol: 'TCP', port: e.port }],
        },
      ]);
    }
  });

  test('apps run below the platform in priority', () => {
    const classes = Object.fromEntries(byKind(objects, 'PriorityClass').map((p) => [p.metadata.name, (p as Json).value]));
    for (const d of byKind(objects, 'Deployment')) expect(classes[(d.spec as Json).template.spec.priorityClassName]).toBeLessThan(classes['platform-critical']);
  });
});

describe('the edge rules catch broken output', () => {
  const objects = fixtureObjectsOf('prod');
  const without = (pred: (o: KubeObject) => boolean) => objects.filter((o) => !pred(o));

  test('a route with no rate limit', () => {
    expect(edgeProblems(without((o) => o.kind === 'BackendTrafficPolicy' && o.metadata.namespace === 'shop'))).toEqual([
      'HTTPRoute shop/shop: no BackendTrafficPolicy rate-limits it',
    ]);
  });
  test("a route whose body cap buffers bodies in the proxies' memory", () => {
    const shop = byKind(objects, 'BackendTrafficPolicy').find((p) => p.metadata.namespace === 'shop')!;
    const buffering = clone(shop);
    buffering.spec.requestBuffer = { limit: '10Mi' };
    expect(edgeProblems(objects.map((o) => (o === shop ? buffering : o)))).toEqual([
      "HTTPRoute shop/shop: a BackendTrafficPolicy buffers its request bodies in the proxies' memory (requestBuffer), which a flood of uploads to it would fill for every host",
    ]);
  });
  test('a route without its 413 for a Content-Length above the cap: the rule lost, the filter lost, the filter answering 200, the rule on one path only', () => {
    const lost = 'HTTPRoute shop/shop: no rule answers 413 to a Content-Length above its body cap on every path';
    const route = byKind(objects, 'HTTPRoute').find((r) => r.metadata.namespace === 'shop')!;
    const filter = byKind(objects, 'HTTPRouteFilter').find((f) => f.metadata.namespace === 'shop')!;
    const withRoute = (edit: (r: Json) => void) => {
      const changed = clone(route);
      edit(changed);
      return objects.map((o) => (o === route ? changed : o));
    };
    const capRule = (r: Json) => r.spec.rules.find((rule: Json) => rule.matches.some((m: Json) => m.headers));
    expect(edgeProblems(withRoute((r) => (r.spec.rules = r.spec.rules.filter((rule: Json) => rule !== capRule(r)))))).toEqual([lost]);
    expect(edgeProblems(without((o) => o === filter))).toEqual([lost]);
    const answers200 = clone(filter);
    answers200.spec.directResponse.statusCode = 200;
    expect(edgeProblems(objects.map((o) => (o === filter ? answers200 : o)))).toEqual([lost]);
    expect(edgeProblems(withRoute((r) => (capRule(r).matches[0].path.value = '/upload')))).toEqual([lost]);
  });
  test('an internal app or platform endpoint without login', () => {
    expect(edgeProblems(without((o) => o.kind === 'SecurityPolicy'))).toEqual([
      'HTTPRoute logging/kibana: the app is internal but its route has no login SecurityPolicy',
      'HTTPRoute backoffice/backoffice: the app is internal but its route has no login SecurityPolicy',
    ]);
  });
  test('a login SecurityPolicy that lost its login', () => {
    const kibana = byKind(objects, 'SecurityPolicy').find((p) => p.metadata.namespace === 'logging')!;
    const open = clone(kibana);
    delete open.spec.oidc;
    expect(edgeProblems(objects.map((o) => (o === kibana ? open : o)))).toEqual([
      'HTTPRoute logging/kibana: the app is internal but its route has no login SecurityPolicy',
    ]);
  });
  // Envoy Gateway v1.5.1 answers the OIDC logout and callback paths itself (model/gateway-login.ts): one the app
  // serves, such as Kibana's `/logout`, would end the Gateway's login and never the app's own session.
  test('every login keeps its logout and callback paths below /oauth2/, which no app serves', () => {
    const logins = byKind(objects, 'SecurityPolicy').filter((p) => (p.spec as Json).oidc);
    expect(logins.length).toBeGreaterThan(0);
    for (const p of logins) expect([describeObject(p), (p.spec as Json).oidc.logoutPath]).toEqual([describeObject(p), '/oauth2/logout']);
  });
  test('a login whose logout path the app serves, set or left to the default /logout', () => {
    const kibana = byKind(objects, 'SecurityPolicy').find((p) => p.metadata.namespace === 'logging')!;
    const served = clone(kibana);
    served.spec.oidc.logoutPath = '/logout';
    const defaulted = clone(kibana);
    delete defaulted.spec.oidc.logoutPath;
    const problem =
      "SecurityPolicy logging/kibana: its logout path /logout is not below /oauth2/; the Gateway answers it, so the app's own page there is never reached";
    expect(edgeProblems(objects.map((o) => (o === kibana ? served : o)))).toEqual([problem]);
    expect(edgeProblems(objects.map((o) => (o === kibana ? defaulted : o)))).toEqual([problem]);
  });
  test('a login whose callback is a path the app serves', () => {
    const kibana = byKind(objects, 'SecurityPolicy').find((p) => p.metadata.namespace === 'logging')!;
    const served = clone(kibana);
    served.spec.oidc.redirectURL = 'https://logs.example.com/callback';
    expect(edgeProblems(objects.map((o) => (o === kibana ? served : o)))).toEqual([
      "SecurityPolicy logging/kibana: its callback path /callback is not below /oauth2/; the Gateway answers it, so the app's own page there is never reached",
    ]);
  });
  test('a login with one callback for a route of two hosts', () => {
    const route = byKind(objects, 'HTTPRoute').find((r) => r.metadata.namespace === 'backoffice')!;
    const policy = byKind(objects, 'SecurityPolicy').find((p) => p.metadata.namespace === 'backoffice')!;
    const twoHosts = clone(route);
    twoHosts.spec.hostnames.push('staff.example.com');
    const fixed = clone(policy);
    fixed.spec.oidc.redirectURL = 'https://admin.example.com/oauth2/callback';
    expect(edgeProblems(objects.map((o) => (o === route ? twoHosts : o === policy ? fixed : o)))).toEqual([
      'SecurityPolicy backoffice/backoffice: the login on host staff.example.com comes back to https://admin.example.com/oauth2/callback, whose cookies staff.example.com never sees; the login loops there',
    ]);
    expect(edgeProblems(objects.map((o) => (o === route ? twoHosts : o)))).toEqual([]);
  });
  test('a platform route that does not say whether it is internal', () => {
    const kibana = byKind(objects, 'HTTPRoute').find((r) => r.metadata.namespace === 'logging')!;
    const unlabelled = clone(kibana);
    delete unlabelled.metadata.labels[EXPOSURE_LABEL];
    expect(edgeProblems(objects.map((o) => (o === kibana ? unlabelled : o)))).toEqual([
      'HTTPRoute logging/kibana: neither the route nor its namespace says whether it is public or internal',
    ]);
  });
  test('an endpoint host without its listener', () => {
    const gateway = byKind(objects, 'Gateway')[0];
    const fewer = clone(gateway);
    fewer.spec.listeners = fewer.spec.listeners.filter((l: Json) => l.hostname !== 'logs.example.com');
    expect(edgeProblems(objects.map((o) => (o === gateway ? fewer : o)))).toEqual([
      'HTTPRoute logging/kibana: host logs.example.com has no HTTPS listener on the Gateway',
    ]);
  });
  test('a public app with a login by accident', () => {
    const stray = clone(byKind(objects, 'SecurityPolicy')[0]);
    stray.metadata.namespace = 'shop';
    stray.spec.targetRefs[0].name = 'shop';
    expect(edgeProblems([...objects, stray])).toEqual(['HTTPRoute shop/shop: the app is public but its route has a SecurityPolicy']);
  });
  // RFC 6797 §8.4, §12.1: a browser that saw includeSubDomains on a host refuses, for max-age and with no
  // click-through, every name below it without a trusted certificate. The fixture prod's apex example.com
  // sits above staging's *.staging.example.com (Let's Encrypt staging certificates, untrusted), and a custom
  // domain's other names are not ours: so no route sends it, whatever its host.
  test('no route pins the names below its hosts: HSTS never has includeSubDomains', () => {
    const routes = byKind(objects, 'HTTPRoute').filter((r) => (r.spec as Json).hostnames);
    const hsts = routes.flatMap((r) =>
      (r.spec as Json).rules.flatMap((rule: Json) =>
        (rule.filters ?? []).flatMap((f: Json) => (f.responseHeaderModifier?.set ?? []).filter((h: Json) => h.name === 'Strict-Transport-Security')),
      ),
    );
    expect(routes.flatMap((r) => (r.spec as Json).hostnames)).toEqual(expect.arrayContaining(['example.com', 'www.example.net']));
    expect(hsts.length).toBeGreaterThanOrEqual(routes.length);
    for (const h of hsts) expect(h.value).not.toMatch(/includesubdomains/i);
  });
  test('a route whose HSTS has includeSubDomains', () => {
    const site = byKind(objects, 'HTTPRoute').find((r) => r.metadata.namespace === 'legacy-site')!;
    const pinning = clone(site);
    pinning.spec.rules[0].filters[0].responseHeaderModifier.set[0].value = 'max-age=31536000; IncludeSubDomains';
    expect(edgeProblems(objects.map((o) => (o === site ? pinning : o)))).toEqual([
      'HTTPRoute legacy-site/legacy-site: its HSTS has includeSubDomains, which would pin names below its hosts that the platform does not serve (blocks/https-route.ts, HSTS)',
    ]);
  });
  test('a host without a certificate', () => {
    expect(edgeProblems(without((o) => o.kind === 'Certificate' && o.metadata.name === 'tls-example-com'))).toEqual([
      'HTTPRoute legacy-site/legacy-site: host example.com has no Certificate for its listener',
    ]);
  });
  test('the hosts under the domain without their wildcard certificate', () => {
    expect(edgeProblems(without((o) => o.kind === 'Certificate' && o.metadata.name === 'tls-wildcard-example-com'))).toEqual([
      'HTTPRoute logging/kibana: host logs.example.com has no Certificate for its listener',
      'HTTPRoute backoffice/backoffice: host admin.example.com has no Certificate for its listener',
      'HTTPRoute legacy-site/legacy-site: host www.example.com has no Certificate for its listener',
      'HTTPRoute shop/shop: host shop.example.com has no Certificate for its listener',
    ]);
  });
  test('an HTTP listener that does not redirect', () => {
    expect(edgeProblems(without((o) => o.metadata.name === 'redirect-to-https'))).toEqual([
      'Gateway envoy-gateway-system/public: the HTTP listener does not redirect to HTTPS',
    ]);
  });
  test('an HTTP-01 host that the HTTP listener does not redirect by name', () => {
    expect(edgeProblems(without((o) => o.metadata.name === 'redirect-to-https-http01-0'))).toEqual([
      'Gateway envoy-gateway-system/public: the HTTP listener has no redirect naming example.com, whose HTTP-01 challenge route would take the host over',
      'Gateway envoy-gateway-system/public: the HTTP listener has no redirect naming www.example.net, whose HTTP-01 challenge route would take the host over',
    ]);
  });
  test('a Secret with data, and an unpinned chart', () => {
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data: { password: 'aHVudGVyMg==' } };
    const release = clone(byKind(objects, 'HelmRelease')[0]);
    release.spec.chart.spec.version = '1.x';
    expect(supplyProblems([secret, release])).toEqual([
      'Secret shop/db: carries secret data; reference the secret store instead',
      `HelmRelease flux-system/${release.metadata.name}: chart version is not pinned exactly`,
    ]);
  });
  test('a workload that binds a hostPort', () => {
    const deployment = clone(byKind(objects, 'Deployment')[0]);
    deployment.spec.template.spec.containers[0].ports = [{ containerPort: 8080, hostPort: 8080 }];
    expect(supplyProblems([deployment])).toEqual([`Deployment ${deployment.metadata.namespace}/${deployment.metadata.name}: uses a hostPort`]);
  });
  test('a hostPort anywhere in a spec is found where its JSON text would show it, and nowhere else', () => {
    // supplyProblems reads the spec instead of writing its JSON; it must find `"hostPort"` exactly where that text is.
    class Stamp {
      toJSON = () => ({ hostPort: 1 });
    }
    const specs: unknown[] = [
      { ports: [{ hostPort: 80 }] },
      { deep: [[{ a: { hostPort: null } }]] },
      { note: 'hostPort' },
      { list: ['x', 'hostPort'] },
      { 'say "hostPort': 1 },
      { note: 'a "hostPort' },
      { hostPort: undefined },
      { hostPort: () => 1 },
      [undefined, 'hostPorts'],
      { hostports: 1, HostPort: 2, note: 'hostPort "' },
      'hostPort',
      { stamp: new Stamp() },
      { boxed: new String('hostPort') },
      { plain: Object.assign(Object.create(null), { hostPort: 1 }) },
      { nothing: null, n: 1, b: true },
    ];
    const found = specs.map((spec) => supplyProblems([{ apiVersion: 'v1', kind: 'Thing', metadata: { name: 't' }, spec } as KubeObject]).length === 1);
    expect(found).toEqual(specs.map((spec) => JSON.stringify(spec).includes('"hostPort"')));
    expect(found).toContain(false);
    expect(found).toContain(true);
    const cycle: Json = { a: {} };
    cycle.a.back = cycle;
    expect(() => supplyProblems([{ apiVersion: 'v1', kind: 'Thing', metadata: { name: 't' }, spec: cycle } as KubeObject])).toThrow(/circular/);
  });
  test("no Secret object with data is in dist/, but ECK's role definitions (no credential; ECK reads roles only from a Secret)", () => {
    const withData = byKind(objects, 'Secret').filter((s) => s.data || s.stringData);
    expect(withData.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual([`${ES_ROLES_SECRET.namespace}/${ES_ROLES_SECRET.name}`]);
    expect(Object.keys((withData[0] as Json).stringData)).toEqual([ES_ROLES_SECRET.key]);
    expect((withData[0] as Json).stringData[ES_ROLES_SECRET.key]).not.toMatch(/password|secret|token|key:/i);
  });
  test('the hand-written Envoy Gateway schemas reject a misspelt field', () => {
    const policy = clone(byKind(objects, 'BackendTrafficPolicy')[0]);
    policy.spec.rateLimit.local.rules[0].limit.unit = 'Fortnight';
    policy.spec.rateLimt = {};
    expect(schemaProblems([policy])).toEqual([
      `BackendTrafficPolicy ${policy.metadata.namespace}/${policy.metadata.name}: /spec/rateLimit/local/rules/0/limit/unit must be one of Second, Minute, Hour, Day`,
      `BackendTrafficPolicy ${policy.metadata.namespace}/${policy.metadata.name}: /spec/rateLimt is not a known field`,
    ]);
  });
});

// The admission guard's CEL, evaluated by a real CEL implementation against allowed and rejected objects.
describe('the in-cluster guard (ValidatingAdmissionPolicy CEL)', () => {
  const cluster = CLUSTERS.find((c) => c.env === 'prod')!;
  const platformKeys = platformStoreKeysOf({ ctx: { cluster, apps: [] }, addOns: addOnsOf(cluster) });
  const rules = Object.fromEntries(guardRulesOf(cluster, platformKeys).map((r) => [r.name, r.expression]));
  const admits = (rule: string, object: Json): boolean => {
    const result = run(rules[rule], { object });
    if (isCelError(result)) throw new Error(`${rule}: ${String(result)}`);
    return result as boolean;
  };

  test('the emitted policies carry exactly these expressions', () => {
    const emitted = byKind(fixtureObjectsOf('prod'), 'ValidatingAdmissionPolicy').filter((p) => p.metadata.name in rules);
    expect(Object.fromEntries(emitted.map((p) => [p.metadata.name, (p.spec as Json).validations[0].expression]))).toEqual(rules);
    // Every policy in the output, these and the tenancy guards (test/tenancy-guards.test.ts), denies.
    const policies = byKind(fixtureObjectsOf('prod'), 'ValidatingAdmissionPolicy').map((p) => p.metadata.name);
    const bindings = byKind(fixtureObjectsOf('prod'), 'ValidatingAdmissionPolicyBinding');
    expect(bindings.map((b) => (b.spec as Json).policyName).sort()).toEqual([...policies].sort());
    for (const b of bindings) expect((b.spec as Json).validationActions).toEqual(['Deny']);
  });
  test.each([
    ['a ClusterIP Service anywhere', { metadata: { namespace: 'shop' }, spec: { type: 'ClusterIP' } }, true],
    ['a Service with no type', { metadata: { namespace: 'shop' }, spec: {} }, true],
    ['the Envoy LoadBalancer in the gateway namespace', { metadata: { namespace: 'envoy-gateway-system' }, spec: { type: 'LoadBalancer' } }, true],
    ['a LoadBalancer in an app namespace', { metadata: { namespace: 'shop' }, spec: { type: 'LoadBalancer' } }, false],
    ['a NodePort in an app namespace', { metadata: { namespace: 'legacy-site' }, spec: { type: 'NodePort' } }, false],
    [
      'a NodePort in the gateway namespace (the HTTP-01 solver Service is ClusterIP)',
      { metadata: { namespace: 'envoy-gateway-system' }, spec: { type: 'NodePort' } },
      false,
    ],
  ])('services: %s', (_what, object, allowed) => expect(admits('public-services-only-at-the-gateway', object)).toBe(allowed));
  test.each([
    ['a host under the domain', ['shop.example.com'], true],
    ['the apex', ['example.com'], true],
    ['a foreign host', ['shop.example.com', 'evil.com'], false],
    ['a look-alike suffix', ['shopexample.com'], false],
  ])('routes: %s', (_what, hostnames, allowed) => expect(admits('route-hosts-in-cluster-domains', { spec: { hostnames } })).toBe(allowed));
  test.each([
    ['its own key', 'shop', 'webapps/prod/shop/database', true],
    ["another app's key", 'shop', 'webapps/prod/legacy-site/database', false],
    ['the shared login secret', 'backoffice', 'webapps/prod/platform/oidc-client', true],
    ["another env's key", 'shop', 'webapps/staging/shop/database', false],
  ])('external secrets: %s', (_what, namespace, key, allowed) => {
    const shared = { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' };
    expect(admits('external-secrets-own-keys-only', { metadata: { namespace }, spec: { secretStoreRef: shared, data: [{ remoteRef: { key } }] } })).toBe(
      allowed,
    );
  });
  test.each([
    ['ElastAlert2 reading its SMTP login', 'elastalert', 'webapps/prod/platform/alerting-smtp', true],
    ['an app reading the SMTP login', 'shop', 'webapps/prod/platform/alerting-smtp', false],
    ["ElastAlert2 reading Fluent Bit's Elasticsearch password", 'elastalert', 'webapps/prod/platform/fluent-bit-es-user', false],
    ["ECK's file realm reading both service users", 'logging', 'webapps/prod/platform/fluent-bit-es-user', true],
  ])('platform keys: %s', (_what, namespace, key, allowed) => {
    const shared = { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' };
    expect(admits('external-secrets-own-keys-only', { metadata: { namespace }, spec: { secretStoreRef: shared, data: [{ remoteRef: { key } }] } })).toBe(
      allowed,
    );
  });
  test('dataFrom and per-item store references are refused: they would bypass the key check', () => {
    const shared = { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' };
    expect(
      admits('external-secrets-own-keys-only', {
        metadata: { namespace: 'shop' },
        spec: { secretStoreRef: shared, dataFrom: [{ extract: { key: 'webapps/prod/legacy-site/database' } }] },
      }),
    ).toBe(false);
    expect(
      admits('external-secrets-own-keys-only', {
        metadata: { namespace: 'shop' },
        spec: {
          secretStoreRef: { kind: 'SecretStore', name: 'x' },
          data: [{ remoteRef: { key: 'webapps/prod/legacy-site/database' }, sourceRef: { storeRef: shared } }],
        },
      }),
    ).toBe(false);
  });
  test('a namespaced SecretStore may only be a Kubernetes-provider one', () => {
    expect(admits('namespaced-secret-stores-kubernetes-only', { spec: { provider: { kubernetes: { remoteNamespace: 'logging' } } } })).toBe(true);
    expect(admits('namespaced-secret-stores-kubernetes-only', { spec: { provider: { aws: { service: 'SecretsManager' } } } })).toBe(false);
  });
  test.each(CLUSTERS.map((c) => [c.env, c] as const))('%s: the guard admits every ExternalSecret and SecretStore that synth writes', (env, c) => {
    const keys = platformStoreKeysOf({ ctx: { cluster: c, apps: [] }, addOns: addOnsOf(c) });
    const own = Object.fromEntries(guardRulesOf(c, keys).map((r) => [r.name, r.expression]));
    const check = (rule: string, object: KubeObject) => {
      const result = run(own[rule], { object: object as Json });
      if (isCelError(result)) throw new Error(`${rule}: ${String(result)}`);
      return [describeObject(object), result];
    };
    for (const o of byKind(fixtureObjectsOf(env), 'ExternalSecret')) expect(check('external-secrets-own-keys-only', o)).toEqual([describeObject(o), true]);
    for (const o of byKind(fixtureObjectsOf(env), 'SecretStore'))
      expect(check('namespaced-secret-stores-kubernetes-only', o)).toEqual([describeObject(o), true]);
  });
});

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: platform workloads admit their siblings only where called', (env, cluster) => {
  const objects = fixtureObjectsOf(env);
  const pods = (addOnNamespace: string) => declaredWorkloadsOf(addOnsOf(cluster), { cluster, apps: [] }).filter((d) => d.namespace === addOnNamespace);

  /*
   * Where every workload of a platform namespace declares its egress, each admits from its own namespace only
   * the workloads that declare a call to it, on those ports: a widened egress (a bad value, a compromised
   * internet-facing proxy) still meets the callee's ingress, e.g. the proxies reach their controller's xDS and
   * not its webhook or admin ports.
   */
  test('no policy in such a namespace admits the whole namespace, and every sibling rule names its callers and ports', () => {
    const declaring = [...new Set(addOnsOf(cluster).map((a) => a.namespace))].filter((ns) => pods(ns).length > 0 && pods(ns).every((d) => d.workload.egress));
    expect(declaring).toEqual(expect.arrayContaining([GATEWAY.namespace, 'logging']));
    for (const ns of declaring) {
      const ingress = byKind(objects, 'NetworkPolicy')
        .filter((p) => p.metadata.namespace === ns)
        .flatMap((p) => ((p.spec as Json).ingress ?? []) as Json[]);
      for (const rule of ingress.filter((r) => r.from?.some((f: Json) => f.podSelector && !f.namespaceSelector))) {
        expect([ns, rule.ports?.length ?? 0]).not.toEqual([ns, 0]);
        for (const f of rule.from) expect([ns, Object.keys(f.podSelector?.matchLabels ?? {}).length]).not.toEqual([ns, 0]);
      }
    }
  });
});

describe.each(CLUSTERS.map((c) => [c.env, c] as const))(
  'cluster %s: platform workloads reach only the nodes and the API server inside the network',
  (env, cluster) => {
    test("every private range a platform policy lets out to is a node subnet, a control-plane subnet or the API's Service address: never the rest of the VPC, where the apps' databases live", () => {
      const allowed = new Set([...nodeRangesOf(cluster), ...controlPlaneRangesOf(cluster), ...KUBERNETES_SERVICE_IPS]);
      const appNamespaces = new Set(Object.keys(cluster.apps).map(namespaceOf));
      const named = byKind(fixtureObjectsOf(env), 'NetworkPolicy')
        .filter((p) => !appNamespaces.has(p.metadata.namespace!))
        .flatMap((p) =>
          ((p.spec as Json).egress ?? []).flatMap((rule: Json) => (rule.to ?? []).map((t: Json) => [p.metadata.namespace, p.metadata.name, t.ipBlock?.cidr])),
        )
        .filter(([, , cidr]: string[]) => cidr !== undefined && /^(10\.|172\.(1[6-9]|2\d|3[01])\.|192\.168\.)/.test(cidr));
      expect(named.length).toBeGreaterThan(0);
      expect(named.filter(([, , cidr]: string[]) => !allowed.has(cidr))).toEqual([]);
    });
  },
);
