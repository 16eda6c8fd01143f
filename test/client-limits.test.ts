// How long the Gateway waits to receive a request, per listener, and the rule that every app's timeout fits it.
// Envoy Gateway v1.5.1: requestReceivedTimeout bounds receiving the complete request (api/v1alpha1/timeout_types.go,
// HTTPClientTimeout); a ClientTrafficPolicy with a sectionName takes its listener over from the Gateway's
// (internal/gatewayapi/clienttrafficpolicy.go, ProcessClientTrafficPolicies); each HTTPS listener has its own
// filter chain and connection manager (internal/xds/translator/listener.go), so listeners can differ.
import { gatewayLayoutOf, SHARED_LISTENER } from '../constructs/model/gateway-layout';
import { gatewayDurationMs } from '../constructs/model/gateway-duration';
import { DEFAULT_EDGE, type ResolvedApp } from '../constructs/model/resolve';
import { clientLimitsOf, REQUEST_RECEIVED_FLOOR_SECONDS } from '../constructs/platform/client-limits';
import { requestTimeoutProblems } from '../constructs/rules/edge-rules';
import type { KubeObject } from '../constructs/model/kube-object';
import { byKind, fixtureObjectsOf } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = <T>(value: T): Json => JSON.parse(JSON.stringify(value));

describe('each listener waits for a request as long as its apps may take', () => {
  const cluster = { domain: 'apps.example.org', dnsZoneId: 'Z0123456789ABCDEFGHIJ' };
  /** Only what the client limits read of an app: its hosts and its timeout. */
  const app = (name: string, hosts: string[], timeoutSeconds: number) => ({ name, hosts, edge: { ...DEFAULT_EDGE, timeoutSeconds } }) as unknown as ResolvedApp;
  const apps = [
    app('shop', ['shop.apps.example.org'], 60),
    app('uploads', ['uploads.apps.example.org', 'www.customer.net'], 300),
    app('reports', ['reports.apps.example.org'], 120),
    app('brochure', ['www.brochure.net'], 30),
  ];
  const layoutOf = (of: readonly ResolvedApp[]) =>
    gatewayLayoutOf(
      cluster,
      of.flatMap((a) => a.hosts.map((host) => ({ host, namespace: a.name }))),
    );
  const limitsOf = (of: readonly ResolvedApp[]) => clientLimitsOf(layoutOf(of), of);

  test('the Gateway keeps 60 s; the shared listener takes its longest app, a custom domain its own app', () => {
    expect(REQUEST_RECEIVED_FLOOR_SECONDS).toBe(60);
    expect(limitsOf(apps).map((l) => [l.name, l.listener, l.requestReceivedSeconds])).toEqual([
      ['client-limits', undefined, 60],
      ['client-limits-https-shared', SHARED_LISTENER, 300],
      ['client-limits-https-www.customer.net', 'https-www.customer.net', 300],
    ]);
  });

  test("an app's timeout changes no policy but that of its own listener, or the shared listener's longest", () => {
    const before = limitsOf(apps);
    // A custom domain asking for more: a policy of its own, nothing else changes.
    const slow = app('archive', ['www.archive.net'], 900);
    const withSlow = limitsOf([...apps, slow]);
    expect(withSlow.filter((l) => !before.some((b) => JSON.stringify(b) === JSON.stringify(l)))).toEqual([
      expect.objectContaining({ listener: 'https-www.archive.net', requestReceivedSeconds: 900 }),
    ]);
    expect(withSlow).toEqual(expect.arrayContaining(before));
    // Under the shared listener's longest: nothing changes at all; removing an app below it neither.
    expect(limitsOf([...apps, app('more', ['more.apps.example.org'], 200)])).toEqual(before);
    expect(limitsOf(apps.filter((a) => a.name !== 'reports'))).toEqual(before);
  });
});

describe('the request timeout rule, on the fixture prod cluster', () => {
  const objects = fixtureObjectsOf('prod');
  const policies = byKind(objects, 'ClientTrafficPolicy');
  const site = byKind(objects, 'HTTPRoute').find((r) => r.metadata.namespace === 'legacy-site')!;
  const replaced = (from: KubeObject, to: KubeObject) => objects.map((o) => (o === from ? to : o));

  test('legacy-site asks more than the Gateway-wide floor, on the shared listener and on its own ones, and fits', () => {
    expect(gatewayDurationMs((site.spec as Json).rules.find((r: Json) => r.backendRefs).timeouts.request)).toBe(120_000);
    expect((site.spec as Json).parentRefs.map((p: Json) => p.sectionName)).toEqual(['https-shared', 'https-example.com', 'https-www.example.net']);
    expect(requestTimeoutProblems(objects)).toEqual([]);
  });

  test("without its listener's own policy, the Gateway's 60 s covers it, and the rule names both", () => {
    const own = policies.find((p) => p.metadata.name === 'client-limits-https-www.example.net')!;
    expect(requestTimeoutProblems(objects.filter((o) => o !== own))).toEqual([
      'HTTPRoute legacy-site/legacy-site: its request timeout 120s is longer than the 60s that ClientTrafficPolicy envoy-gateway-system/client-limits gives listener public/https-www.example.net to receive a request; a slower upload gets 408',
    ]);
  });

  test("a listener's own policy wins over its Gateway's, also when it is shorter", () => {
    const gatewayWide = policies.find((p) => p.metadata.name === 'client-limits')!;
    const longer = clone(gatewayWide);
    longer.spec.timeout.http.requestReceivedTimeout = '1h';
    const own = policies.find((p) => p.metadata.name === 'client-limits-https-example.com')!;
    const shorter = clone(own);
    shorter.spec.timeout.http.requestReceivedTimeout = '1m30s';
    const both = replaced(gatewayWide, longer).map((o) => (o === own ? shorter : o));
    expect(requestTimeoutProblems(both)).toEqual([
      'HTTPRoute legacy-site/legacy-site: its request timeout 120s is longer than the 1m30s that ClientTrafficPolicy envoy-gateway-system/client-limits-https-example.com gives listener public/https-example.com to receive a request; a slower upload gets 408',
    ]);
  });

  test('Gateway API durations are read in every unit', () => {
    expect([gatewayDurationMs('1h30m'), gatewayDurationMs('500ms'), gatewayDurationMs('2m5s'), gatewayDurationMs('60')]).toEqual([
      5_400_000,
      500,
      125_000,
      undefined,
    ]);
  });
});
