import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import { tenantFileOf } from '../constructs/gitops/app-layers';
import type { AppSpec } from '../constructs/model/app-spec';
import { namespaceOf } from '../constructs/model/naming';
import { clusterAppsOf } from '../constructs/model/resolve';
import { buildAll, type SynthInput } from '../constructs/synth/pipeline';
import { FIXTURE_INPUT, fixtureObjectsOf, synthProblemsOf } from './support';
import { FIXTURE_INPUT as NETWORK_INPUT } from './network-fixture';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every (cidr, port) an egress rule of these policies opens to private addresses. */
const privateEgressOf = (policies: readonly Json[]): string[] =>
  policies
    .flatMap((p) => p.spec.egress ?? [])
    .flatMap((rule: Json) =>
      (rule.to ?? [])
        .filter((t: Json) => t.ipBlock && /^(10\.|172\.(1[6-9]|2\d|3[01])\.|192\.168\.)/.test(t.ipBlock.cidr))
        .flatMap((t: Json) => (rule.ports ?? []).map((p: Json) => `${t.ipBlock.cidr}:${p.port}`)),
    )
    .sort();

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: private services', (env, cluster) => {
  const objects = fixtureObjectsOf(env);
  const apps = clusterAppsOf(cluster, APPS);

  test.each(apps.map((a) => [a.name, a] as const))('%s reaches exactly the private services of its spec, nothing else private', (name, app) => {
    const appPolicies = objects.filter(
      (o) =>
        o.kind === 'NetworkPolicy' &&
        o.metadata.namespace === namespaceOf(name) &&
        (o.spec as Json).podSelector?.matchLabels?.['app.kubernetes.io/name'] === name,
    );
    expect(privateEgressOf(appPolicies)).toEqual(app.privateServices.flatMap((s) => s.cidrs.map((c) => `${c}:${s.port}`)).sort());
  });

  test('backup pods reach private services only when a pre-backup hook needs them', () => {
    for (const app of apps.filter((a) => a.backup)) {
      const backup = objects.find(
        (o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === namespaceOf(app.name) && o.metadata.name === `${app.name}-backup`,
      );
      const expected = app.backup!.preBackup ? app.privateServices.flatMap((s) => s.cidrs.map((c) => `${c}:${s.port}`)).sort() : [];
      expect([app.name, privateEgressOf([backup])]).toEqual([app.name, expected]);
    }
  });
});

describe('private services: the backup hook and bad input', () => {
  const shop = APPS.find((a) => a.name === 'shop')!;
  const withShop = (patch: Partial<AppSpec>): SynthInput => ({ ...FIXTURE_INPUT, apps: APPS.map((a) => (a === shop ? { ...a, ...patch } : a)) });

  test("a pre-backup hook gets the app's database, and only that", () => {
    const files = buildAll(
      withShop({ backup: { ...shop.backup, preBackup: { image: 'postgres:17.2', command: ['pg_dump', '-f', '/backup/hook/orders.sql'] } } }),
    );
    // NetworkPolicies belong to the platform layer: the app's tenant file.
    const staging = files.find((f) => f.path === tenantFileOf('staging', 'shop'))!.objects!;
    const policy = staging.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'shop-backup');
    expect(privateEgressOf([policy])).toEqual(['10.20.128.0/20:5432']);
  });

  test.each([
    [
      'a public range',
      [{ name: 'db', port: 5432, cidrs: { prod: ['8.8.8.0/24'] } }],
      'app "shop": field "privateServices[0].cidrs.prod" = "8.8.8.0/24": must be a private IPv4 range',
    ],
    [
      'the metadata range',
      [{ name: 'db', port: 80, cidrs: { staging: ['169.254.169.254/32'] } }],
      'app "shop": field "privateServices[0].cidrs.staging" = "169.254.169.254/32": must be a private IPv4 range',
    ],
    [
      'a port out of range',
      [{ name: 'db', port: 70000, cidrs: { prod: ['10.10.128.0/20'] } }],
      'app "shop": field "privateServices[0].port" = 70000: must be a port from 1 to 65535',
    ],
    [
      'two services with one name',
      [
        { name: 'db', port: 1, cidrs: {} },
        { name: 'db', port: 2, cidrs: {} },
      ],
      'app "shop": field "privateServices[1].name" = "db": two private services have this name',
    ],
  ])('%s', (_what, privateServices, message) => {
    expect(synthProblemsOf(() => buildAll(withShop({ privateServices })))).toEqual([expect.stringContaining(message)]);
  });
});

describe('network.md: each private range once, with the services in it', () => {
  const ledger = NETWORK_INPUT.apps.find((a) => a.name === 'ledger')!;
  const [cluster] = NETWORK_INPUT.clusters;
  const networkMdOf = (input: SynthInput) => buildAll(input).find((f) => f.path === `dist/${cluster.env}/network.md`)!.text!;
  /** The network fixture with one more app, whose database sits in ledger's database range on another port. */
  const withNeighbour = (): SynthInput => {
    const neighbour: AppSpec = {
      ...ledger,
      name: 'ledger-reports',
      hosts: { staging: ['reports.net.example.org'] },
      storage: undefined,
      backup: undefined,
      privateServices: [{ name: 'reports-db', port: 3306, cidrs: { staging: ledger.privateServices![0].cidrs.staging } }],
    };
    return {
      clusters: [
        {
          ...cluster,
          apps: { ...cluster.apps, [neighbour.name]: {} },
          appData: { ...cluster.appData, [neighbour.name]: 'live' },
          access: { ...cluster.access, apps: { ...cluster.access.apps, [neighbour.name]: { developers: ['dev-shop'] } } },
        },
      ],
      apps: [...NETWORK_INPUT.apps, neighbour],
      releases: { staging: { apps: { ...NETWORK_INPUT.releases.staging.apps, [neighbour.name]: NETWORK_INPUT.releases.staging.apps.ledger } } },
    };
  };
  const sectionOf = (networkMd: string, app: string) => networkMd.split('\n### ').find((s) => s.startsWith(`\`${app}\` (app)`))!;

  test('one column and row per range, naming each service in it with its app and port', () => {
    const networkMd = networkMdOf(withNeighbour());
    const rows = networkMd.split('\n').filter((l) => l.startsWith('| private '));
    expect(rows).toEqual([
      expect.stringMatching(/^\| private 172\.31\.8\.0\/24, 172\.31\.9\.0\/24 \| the private services there: ledger-cache of ledger \(port 6379\)\. /),
      expect.stringMatching(
        /^\| private 192\.168\.40\.0\/24 \| the private services there: ledger-db of ledger \(port 5432\), reports-db of ledger-reports \(port 3306\)\. /,
      ),
    ]);
    // What a policy lets through to the range: each app its own port, though another app's service listens there too.
    expect(sectionOf(networkMd, 'ledger')).toMatch(/Deployment `ledger`: out to [^\n]*; private 192\.168\.40\.0\/24 5432;/);
    expect(sectionOf(networkMd, 'ledger-reports')).toMatch(/Deployment `ledger-reports`: out to [^\n]*; private 192\.168\.40\.0\/24 3306;/);
  });

  test("an app's arrival in a shared range leaves every other app's section as it was", () => {
    const before = networkMdOf(NETWORK_INPUT);
    const after = networkMdOf(withNeighbour());
    for (const app of NETWORK_INPUT.apps.map((a) => a.name)) expect([app, sectionOf(after, app)]).toEqual([app, sectionOf(before, app)]);
  });
});
