import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppSpec } from '../constructs/model/app-spec';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { releasesFileOf, type Releases } from '../constructs/model/releases';
import { buildAll } from '../constructs/synth/pipeline';
import { isPlaceholderZoneId, isTestNet, preflightOf } from '../constructs/synth/preflight';
import type { Console } from '../scripts/lib/commands';
import { preflightCli } from '../scripts/lib/preflight-cli';
import { scriptCommand } from '../scripts/repo-copy';
import { FIXTURE_APPS, FIXTURE_CLUSTERS, FIXTURE_RELEASES, fixtureRepoCopy, scopedTempDirs } from './support';

const tempDir = scopedTempDirs();

/** The value's JSON text, rewritten: the fixture specs with their placeholders replaced by real-looking values. */
const rewrite = <T>(value: T, edit: (text: string) => string): T => JSON.parse(edit(JSON.stringify(value)));
const realLooking = (text: string): string =>
  text
    .replace(/example\.com/g, 'acme-shop.eu')
    .replace(/example\.net/g, 'legacy-customer.eu')
    .replace(/\b(111122223333|444455556666)\b/g, '281739460512')
    .replace(/:role\/AWSReservedSSO_/g, ':role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_')
    .replace(/"203\.0\.113\.0\/24"/g, '"85.214.12.0/24"')
    .replace(/"(Z\w*EXAMPLE\w*|Z0123456789ABCDEFGHIJ)"/g, (_, id: string) => `"Z${createHash('sha256').update(id).digest('hex').slice(0, 20).toUpperCase()}"`);
const READY_CLUSTERS: readonly ClusterSpec[] = rewrite(FIXTURE_CLUSTERS, realLooking);
const READY_APPS: readonly AppSpec[] = rewrite(FIXTURE_APPS, realLooking);
/** Every current version released for real: a digest no placeholder rule knows. */
const READY_RELEASES: Releases = Object.fromEntries(
  Object.entries(FIXTURE_RELEASES).map(([env, file]) => [
    env,
    {
      ...file,
      apps: Object.fromEntries(
        Object.entries(file.apps).map(([app, entry]) => [
          app,
          {
            ...entry,
            current: { ...entry.current, digest: `sha256:${createHash('sha256').update(`real image of ${app} ${entry.current.tag}`).digest('hex')}` },
          },
        ]),
      ),
    },
  ]),
);

function run(argv: string[], clusters: readonly ClusterSpec[], apps: readonly AppSpec[], releases: Releases) {
  const root = tempDir('preflight');
  for (const [env, file] of Object.entries(releases)) {
    fs.mkdirSync(path.join(root, 'clusters', env), { recursive: true });
    fs.writeFileSync(path.join(root, releasesFileOf(env)), JSON.stringify(file));
  }
  const out: string[] = [];
  const err: string[] = [];
  const console: Console = { log: (t) => out.push(t), error: (t) => err.push(t) };
  const code = preflightCli(argv, { root, clusters, apps }, console);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run preflight -- --env <env>', () => {
  test('on the shipped specs (their copy in the fixtures) it lists every kind of placeholder and exits non-zero', () => {
    const root = fixtureRepoCopy(path.join(tempDir('preflight-shipped'), 'repo'));
    const [cmd, args] = scriptCommand(root, 'scripts/preflight.ts', ['--env', 'prod']);
    const result = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    for (const expected of [
      'prod: placeholder: file "clusters/prod/cluster.ts", field "domain" = "example.com": a domain reserved for documentation',
      'prod: placeholder: file "clusters/prod/cluster.ts", field "acme.email" = "ops@example.com"',
      'field "access.people.ops-lead.iamRoleArn" = "arn:aws:iam::444455556666:role/AWSReservedSSO_PlatformAdmin_9f8e7d6c5b4a3f2e": account 444455556666 is one AWS\'s documentation uses',
      'field "access.people.ops-lead.iamRoleArn" = "arn:aws:iam::444455556666:role/AWSReservedSSO_PlatformAdmin_9f8e7d6c5b4a3f2e": an IAM Identity Center role without its path',
      'prod: placeholder: file "clusters/prod/cluster.ts", field "adminCidrs[0]" = "203.0.113.0/24": a range reserved for documentation (RFC 5737)',
      'prod: placeholder: file "clusters/prod/cluster.ts", field "dnsZoneId" = "Z0PRODEXAMPLE000000001": a placeholder hosted zone id',
      'prod: placeholder: file "clusters/prod/cluster.ts", field "extraHostZones[\'example.net\']" = "Z0123456789ABCDEFGHIJ": a placeholder hosted zone id',
      'prod: placeholder: file "apps/shop.ts", field "hosts.prod[0]" = "shop.example.com"',
      'prod: placeholder: file "clusters/prod/releases.json", field "apps.shop.current" = "3.8.2@sha256:',
      'prod: prerequisite: file "clusters/prod/cluster.ts", field "terraformState.bucket" = "acme-webapps-tfstate": the Terraform state bucket must exist',
    ])
      expect(result.stdout).toContain(expected);
    expect(result.stdout).toMatch(/^prod: \d+ placeholders left: replace each before running Terraform$/m);
  });

  test('on a cluster with real-looking values it lists only the prerequisites and exits 0, and that cluster synthesizes', () => {
    expect(() => buildAll({ clusters: READY_CLUSTERS, apps: READY_APPS, releases: READY_RELEASES })).not.toThrow();
    for (const env of READY_CLUSTERS.map((c) => c.env)) {
      const result = run(['--env', env], READY_CLUSTERS, READY_APPS, READY_RELEASES);
      expect(result).toEqual({ code: 0, out: expect.stringContaining(`${env}: no placeholder left`), err: '' });
      expect(result.out).not.toContain('placeholder:');
      expect(result.out).toContain(`${env}: prerequisite: file "clusters/${env}/cluster.ts", field "terraformState.bucket"`);
    }
  });

  test('without --env it checks every env; an unknown env or flag is one line and exit code 2', () => {
    expect(run([], READY_CLUSTERS, READY_APPS, READY_RELEASES).out).toMatch(/^staging: no placeholder left[\s\S]*^prod: no placeholder left/m);
    expect(run(['--env', 'qa'], READY_CLUSTERS, READY_APPS, READY_RELEASES)).toEqual({
      code: 2,
      out: '',
      err: expect.stringMatching(/^preflight failed: field "--env" = "qa": is no env of clusters\/ \(envs: staging, prod\); usage: /),
    });
    expect(run(['--envs', 'prod'], READY_CLUSTERS, READY_APPS, READY_RELEASES).code).toBe(2);
  });

  const prod = READY_CLUSTERS.find((c) => c.env === 'prod')!;
  const firstPerson = Object.keys(prod.access.people)[0];
  const withPerson = (arn: string): ClusterSpec => ({
    ...prod,
    access: { ...prod.access, people: { ...prod.access.people, [firstPerson]: { iamRoleArn: arn } } },
  });
  const firstApp = Object.keys(prod.apps)[0];
  test.each<[string, ClusterSpec, Releases, string]>([
    ['the example.com domain', { ...prod, domain: 'example.com' }, READY_RELEASES, 'field "domain" = "example.com": a domain reserved for documentation'],
    ['a .test domain', { ...prod, domain: 'shop.test' }, READY_RELEASES, 'field "domain" = "shop.test": a domain reserved for documentation'],
    ['an ACME email at example.org', { ...prod, acme: { ...prod.acme, email: 'ops@example.org' } }, READY_RELEASES, 'field "acme.email" = "ops@example.org"'],
    [
      "a role in AWS's documentation account",
      withPerson('arn:aws:iam::123456789012:role/platform-admin'),
      READY_RELEASES,
      `field "access.people.${firstPerson}.iamRoleArn" = "arn:aws:iam::123456789012:role/platform-admin": account 123456789012 is one AWS's documentation uses`,
    ],
    [
      'an SSO role without its path',
      withPerson('arn:aws:iam::281739460512:role/AWSReservedSSO_PlatformAdmin_9f8e7d6c5b4a3f2e'),
      READY_RELEASES,
      'an IAM Identity Center role without its path',
    ],
    [
      'an admin range in TEST-NET-1',
      { ...prod, adminCidrs: ['192.0.2.0/24'] },
      READY_RELEASES,
      'field "adminCidrs[0]" = "192.0.2.0/24": a range reserved for documentation',
    ],
    [
      'staff networks inside TEST-NET-2',
      { ...prod, internalAccess: { ...prod.internalAccess, allowedCidrs: ['198.51.100.64/26'] } },
      READY_RELEASES,
      'field "internalAccess.allowedCidrs[0]" = "198.51.100.64/26"',
    ],
    [
      'a hosted zone id with EXAMPLE in it',
      { ...prod, dnsZoneId: 'Z0PRODEXAMPLE000000001' },
      READY_RELEASES,
      'field "dnsZoneId" = "Z0PRODEXAMPLE000000001": a placeholder hosted zone id: external-dns would keep no zone',
    ],
    [
      "the docs' example zone id for an extra host zone",
      { ...prod, extraHostZones: { 'legacy-customer.eu': 'Z0123456789ABCDEFGHIJ' } },
      READY_RELEASES,
      `field "extraHostZones['legacy-customer.eu']" = "Z0123456789ABCDEFGHIJ": a placeholder hosted zone id`,
    ],
    [
      'the placeholder version new-app writes',
      prod,
      {
        ...READY_RELEASES,
        prod: {
          ...READY_RELEASES.prod,
          apps: { ...READY_RELEASES.prod.apps, [firstApp]: { current: { tag: '0.0.0', digest: `sha256:${'1'.repeat(64)}` }, history: [] } },
        },
      },
      `file "clusters/prod/releases.json", field "apps.${firstApp}.current" = "0.0.0@sha256:${'1'.repeat(64)}": the tag 0.0.0 is the placeholder npm run new-app writes`,
    ],
  ])('%s is listed as a placeholder and fails the check', (_case, cluster, releases, expected) => {
    const result = run(['--env', 'prod'], [READY_CLUSTERS[0], cluster], READY_APPS, releases);
    expect(result.code).toBe(1);
    expect(result.out).toContain(expected);
    expect(result.out).toContain('prod: 1 placeholder left');
  });

  test("placeholder zone ids are those with EXAMPLE in them and the docs' example, not real ones", () => {
    expect(['Z0PRODEXAMPLE000000001', 'Z0STAGINGEXAMPLE000001', 'Z3M3LMPEXAMPLE', 'Z0123456789ABCDEFGHIJ'].filter(isPlaceholderZoneId)).toHaveLength(4);
    expect(['Z1D633PJN98FT9', 'Z06158742Q3KXJ9RT4B7N', 'Z0123456789ABCDEFGHIK'].filter(isPlaceholderZoneId)).toEqual([]);
  });

  test('TEST-NET ranges are found wherever they overlap, and only there', () => {
    expect(['203.0.113.0/24', '203.0.113.128/25', '198.51.0.0/16', '192.0.2.7/32'].filter(isTestNet)).toHaveLength(4);
    expect(['203.0.114.0/24', '10.0.0.0/8', '85.214.12.0/24', 'not a range'].filter(isTestNet)).toEqual([]);
  });

  test('an app host in the cluster file override is blamed on the cluster file', () => {
    const withHostOverride = { ...prod, apps: { ...prod.apps, [firstApp]: { ...prod.apps[firstApp], hosts: ['www.example.net'] } } };
    expect(preflightOf(withHostOverride, READY_APPS, READY_RELEASES.prod).filter((i) => i.kind === 'placeholder')).toEqual([
      expect.objectContaining({ file: 'clusters/prod/cluster.ts', field: `apps.${firstApp}.hosts[0]`, value: 'www.example.net' }),
    ]);
  });
});
