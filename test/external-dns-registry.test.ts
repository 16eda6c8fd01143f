// Where external-dns's TXT registry writes the owner record of each host we publish, and whether Route 53
// takes it: a record outside every zone external-dns keeps is dropped (provider/aws/aws.go changesByZone at
// v0.18.0, "Skipping record ... no hosted zone"), and a host whose owner record is missing is never
// updated again. Upstream read at kubernetes-sigs/external-dns v0.18.0 (the app of chart 1.18.0).
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import type { KubeObject } from '../constructs/model/kube-object';
import { FIXTURE_CLUSTERS, fixtureObjectsOf } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const RECORD_TEMPLATE = '%{record_type}';

/**
 * A port of registry/txt.go at v0.18.0: newaffixNameMapper (lower-cases the prefix) and
 * affixNameMapper.toTXTName, for a prefix without a suffix and without a wildcard replacement, as we run it.
 */
function toTxtName(prefix: string, endpointDnsName: string, recordType: string): string {
  const affix = prefix.toLowerCase();
  const dnsName = splitN(endpointDnsName, '.', 2);
  const type = recordType.toLowerCase();
  const normalized = affix.split(RECORD_TEMPLATE).join(type);
  if (!affix.includes(RECORD_TEMPLATE)) dnsName[0] = `${type}-${dnsName[0]}`;
  if (dnsName.length < 2) return normalized + dnsName[0];
  return `${normalized}${dnsName[0]}.${dnsName[1]}`;
}

/** Go's strings.SplitN. */
const splitN = (s: string, sep: string, n: number): string[] => {
  const parts = s.split(sep);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
};

/*
 * The TXT record types of a host behind the Gateway: the gateway-httproute source gives a CNAME to the
 * load balancer's name, which provider/aws/aws.go AdjustEndpoints turns into an alias A and an alias AAAA;
 * registry/txt.go generateTXTRecord names the owner record of an alias A by "cname".
 */
const OWNER_RECORD_TYPES = ['CNAME', 'AAAA'];

/**
 * The hosts external-dns publishes for a cluster: each HTTPRoute's hostnames, or for a route without any,
 * the hostnames of the listeners it attaches to (source/gateway.go resolve and hosts at v0.18.0; a route
 * and a listener without either publish nothing).
 */
function publishedHostsOf(objects: readonly KubeObject[]): string[] {
  const gateways = objects.filter((o) => o.kind === 'Gateway') as Json[];
  return (objects.filter((o) => o.kind === 'HTTPRoute') as Json[]).flatMap((route) => {
    if ((route.spec.hostnames ?? []).length > 0) return route.spec.hostnames as string[];
    return ((route.spec.parentRefs ?? []) as Json[]).flatMap((parent) => {
      const gateway = gateways.find((g) => g.metadata.name === parent.name && g.metadata.namespace === (parent.namespace ?? route.metadata.namespace));
      return ((gateway?.spec.listeners ?? []) as Json[]).filter((l) => l.name === parent.sectionName && l.hostname).map((l) => l.hostname as string);
    });
  });
}

/** The zones external-dns keeps, by name: the env's own and each extra host zone. */
const managedZonesOf = (cluster: ClusterSpec): string[] => [cluster.domain, ...Object.keys(cluster.extraHostZones ?? {})];

/** The most specific of the zones that holds name, as aws.go suitableZones picks it. */
const zoneOf = (name: string, zones: readonly string[]): string | undefined =>
  zones.filter((z) => name === z || name.endsWith(`.${z}`)).sort((a, b) => b.length - a.length)[0];

describe('the port of registry/txt.go toTXTName holds to upstream', () => {
  // Cases of TestToEndpointNameNewTXT in registry/txt_test.go at v0.18.0.
  test.each([
    ['foo', 'A', 'fooa-example.com'],
    ['foo-', 'A', 'foo-a-example.com'],
    ['foo.', 'CNAME', 'foo.cname-example.com'],
    ['%{record_type}-foo', 'A', 'a-fooexample.com'],
    ['%{record_type}foo.', 'CNAME', 'cnamefoo.example.com'],
    ['bar.%{record_type}.foo.', 'CNAME', 'bar.cname.foo.example.com'],
  ])('prefix %j, type %s: example.com owned by %s', (prefix, type, expected) => {
    expect(toTxtName(prefix, 'example.com', type)).toBe(expected);
  });

  test('without a prefix, an alias A is owned by cname-<first label> (testTXTRegistryRecordsNoPrefix, registry/txt_test.go at v0.18.0)', () => {
    expect(toTxtName('', 'alias.test-zone.example.org', 'CNAME')).toBe('cname-alias.test-zone.example.org');
  });
});

describe.each(FIXTURE_CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: external-dns owner records', (env, cluster) => {
  const objects = fixtureObjectsOf(env);
  const release = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'external-dns') as Json;
  const zones = managedZonesOf(cluster);
  const hosts = publishedHostsOf(objects);

  test('every host it publishes lies in a zone it keeps', () => {
    expect(hosts.length).toBeGreaterThan(0);
    for (const host of hosts) expect([host, zoneOf(host, zones)]).toEqual([host, expect.any(String)]);
  });

  test("every host's TXT owner record lies in the host's own zone, the zone apex's included", () => {
    const prefix = release.spec.values.txtPrefix ?? '';
    if (env === 'prod') expect(hosts).toContain(cluster.domain);
    for (const host of hosts) {
      for (const type of OWNER_RECORD_TYPES) {
        const owner = toTxtName(prefix, host, type);
        expect({ host, owner, zone: zoneOf(owner, zones) }).toEqual({ host, owner, zone: zoneOf(host, zones) });
      }
    }
  });
});
