import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import type { AppSpec } from '../constructs/model/app-spec';
import { LETSENCRYPT_PRODUCTION, type ClusterSpec } from '../constructs/model/cluster-spec';
import { withRelease, type ReleaseVersion } from '../constructs/model/releases';
import { buildAll, checkInput, synthesize, type SynthInput } from '../constructs/synth/pipeline';
import { FIXTURE_INPUT, FIXTURE_RELEASES, synthProblemsOf, tempDir, treeHash } from './support';

const app = (name: string) => APPS.find((a) => a.name === name)!;
const cluster = (env: string) => CLUSTERS.find((c) => c.env === env)!;

/** The fixture input with one app changed. */
const withApp = (name: string, patch: Partial<AppSpec>): SynthInput => ({
  clusters: CLUSTERS,
  apps: APPS.map((a) => (a.name === name ? { ...a, ...patch } : a)),
  releases: FIXTURE_RELEASES,
});
/** The fixture input with one cluster changed. */
const withCluster = (env: string, patch: Partial<ClusterSpec>): SynthInput => ({
  clusters: CLUSTERS.map((c) => (c.env === env ? { ...c, ...patch } : c)),
  apps: APPS,
  releases: FIXTURE_RELEASES,
});
const withOverride = (env: string, name: string, override: ClusterSpec['apps'][string]): SynthInput =>
  withCluster(env, { apps: { ...cluster(env).apps, [name]: { ...cluster(env).apps[name], ...override } } });

/** The fixture input with one app's current version in one env's releases file changed. */
const withCurrent = (env: string, name: string, patch: Partial<ReleaseVersion>): SynthInput => {
  const entry = FIXTURE_RELEASES[env].apps[name];
  return {
    ...FIXTURE_INPUT,
    releases: { ...FIXTURE_RELEASES, [env]: withRelease(FIXTURE_RELEASES[env], name, { ...entry, current: { ...entry.current, ...patch } }) },
  };
};
const withoutRelease = (env: string, name: string): SynthInput => {
  const { [name]: _dropped, ...apps } = FIXTURE_RELEASES[env].apps;
  return { ...FIXTURE_INPUT, releases: { ...FIXTURE_RELEASES, [env]: { ...FIXTURE_RELEASES[env], apps } } };
};

const STG = 'cluster "acme-staging"';
const PRD = 'cluster "acme-prod"';

const BAD_INPUTS: ReadonlyArray<readonly [string, SynthInput, string]> = [
  [
    'an app name that is no DNS label',
    withApp('shop', { name: 'Web_Shop' }),
    'app "Web_Shop": field "name" = "Web_Shop": must be a DNS-1123 label (lower-case letters, digits, "-") of at most 40 characters',
  ],
  [
    'two apps with one name',
    { clusters: CLUSTERS, apps: [...APPS, { ...app('shop'), hosts: {} }], releases: FIXTURE_RELEASES },
    'app "shop": field "name" = "shop": two apps have this name',
  ],
  [
    'one host served by two apps',
    withOverride('prod', 'backoffice', { hosts: ['shop.example.com'] }),
    `${PRD}, app "backoffice": field "hosts" = "shop.example.com": is already served by app "shop"`,
  ],
  [
    'a host that is no FQDN',
    withOverride('staging', 'shop', { hosts: ['shop..staging.example.com'] }),
    `${STG}, app "shop": field "hosts" = "shop..staging.example.com": must be a lower-case fully qualified domain name`,
  ],
  [
    'a host outside the cluster domain',
    withOverride('prod', 'shop', { hosts: ['shop.other-company.com'] }),
    `${PRD}, app "shop": field "hosts" = "shop.other-company.com": must be under example.com or example.net (add its domain to the cluster's extraHostDomains to allow it)`,
  ],
  [
    'an app with no host in an env',
    withApp('backoffice', { hosts: { prod: ['admin.example.com'] } }),
    `${STG}, app "backoffice": field "hosts.staging" = []: the app needs at least one host in this env`,
  ],
  [
    'an image repository with a tag',
    withApp('shop', { imageRepository: 'ghcr.io/acme-web/shop:3.8.2' }),
    'app "shop": field "imageRepository" = "ghcr.io/acme-web/shop:3.8.2": must be an image repository without tag or digest, e.g. "ghcr.io/acme-web/shop": each env\'s version is in clusters/<env>/releases.json',
  ],
  [
    'a pipeline repository given as a URL',
    withApp('shop', { releasedFrom: { repository: 'https://github.com/acme-web/shop' } }),
    'app "shop": field "releasedFrom.repository" = "https://github.com/acme-web/shop": must be the GitHub repository of the app\'s pipeline as "owner/name", e.g. "acme-web/shop"',
  ],
  [
    'a pipeline branch given as a full ref',
    withApp('shop', { releasedFrom: { repository: 'acme-web/shop', branch: 'refs/heads/main' } }),
    'app "shop": field "releasedFrom.branch" = "refs/heads/main": must be a branch name, e.g. "main", without "refs/heads/"',
  ],
  [
    'a release tagged latest',
    withCurrent('staging', 'shop', { tag: 'latest' }),
    'file "clusters/staging/releases.json", env "staging", app "shop": field "current.tag" = "latest": must not be "latest": name the version',
  ],
  [
    'a malformed digest',
    withCurrent('prod', 'shop', { digest: 'sha256:abc' }),
    'file "clusters/prod/releases.json", env "prod", app "shop": field "current.digest" = "sha256:abc": must be "sha256:" followed by 64 lower-case hex digits',
  ],
  [
    'an app with no release in its env',
    withoutRelease('prod', 'backoffice'),
    'file "clusters/prod/releases.json", env "prod", app "backoffice": field "apps.backoffice" = undefined: is missing: the env runs this app, so it needs a release; ' +
      'prod runs only what ran in staging, and clusters/staging/releases.json holds no real release of it yet, so release and promote both refuse it here. ' +
      'Take it out of clusters/prod/cluster.ts (apps, and appData and access.apps where they name it), ' +
      'release it to staging (npm run release -- --env staging --app backoffice --image <repository>:<tag>@sha256:<digest>), ' +
      'then name it in clusters/prod/cluster.ts again and run npm run promote -- --app backoffice',
  ],
  [
    'an app with no release in staging',
    withoutRelease('staging', 'backoffice'),
    'file "clusters/staging/releases.json", env "staging", app "backoffice": field "apps.backoffice" = undefined: is missing: the env runs this app, so it needs a release; ' +
      'add one with npm run release -- --env staging --app backoffice --image <repository>:<tag>@sha256:<digest>',
  ],
  [
    'a CPU request that does not parse',
    withApp('shop', { resources: { ...app('shop').resources, cpu: { request: '2 cores', limit: '2' } } }),
    `${STG}, app "shop": field "resources.cpu.request" = "2 cores": is not a positive Kubernetes quantity`,
  ],
  [
    'a memory request above its limit',
    withOverride('prod', 'shop', { resources: { cpu: { request: '1', limit: '2' }, memory: { request: '2Gi', limit: '1Gi' } } }),
    `${PRD}, app "shop": field "resources.memory.request" = "2Gi": must not exceed the limit (1Gi)`,
  ],
  [
    'scaling min above max',
    withOverride('prod', 'shop', { scaling: { min: 5, max: 3 } }),
    `${PRD}, app "shop": field "scaling.max" = 3: must be a whole number of at least scaling.min (5)`,
  ],
  [
    'zero replicas',
    withOverride('staging', 'shop', { scaling: { min: 0, max: 2 } }),
    `${STG}, app "shop": field "scaling.min" = 0: must be a whole number of at least 1`,
  ],
  [
    'a cluster that names an unknown app',
    withCluster('prod', { apps: { ...cluster('prod').apps, blog: {} } }),
    `${PRD}: field "apps.blog" = "blog": is not an app in apps/ (known: backoffice, legacy-site, shop)`,
  ],
  [
    'fewer than 3 nodes',
    withCluster('staging', { nodePool: { ...cluster('staging').nodePool, min: 2 } }),
    `${STG}: field "nodePool.min" = 2: must be at least 3, one node per availability zone`,
  ],
  [
    'more nodes than the per-node log alert counts',
    withCluster('staging', { nodePool: { ...cluster('staging').nodePool, max: 1001 } }),
    `${STG}: field "nodePool.max" = 1001: must be at most 1000: the alert on a node whose logs stop counts that many nodes (constructs/alerts/platform-rules.ts)`,
  ],
  [
    'staging on the production ACME server',
    withCluster('staging', { acme: { ...cluster('staging').acme, server: LETSENCRYPT_PRODUCTION } }),
    `${STG}: field "acme.server" = "${LETSENCRYPT_PRODUCTION}": the staging cluster must use https://acme-staging-v02.api.letsencrypt.org/directory`,
  ],
  [
    'offsite backups in the same region',
    withCluster('prod', { offsiteRegion: 'eu-central-1' }),
    `${PRD}: field "offsiteRegion" = "eu-central-1": must differ from region, or the backups are not offsite`,
  ],
  [
    'a privileged port',
    withApp('legacy-site', { port: 80 }),
    'app "legacy-site": field "port" = 80: must be an unprivileged port (1024-65535): apps run as non-root',
  ],
  ['running as root', withApp('legacy-site', { runAsUser: 0 }), 'app "legacy-site": field "runAsUser" = 0: must be a non-root uid (1 or more)'],
  [
    'a uid below 10000 without a reason',
    withApp('shop', { runAsUser: 1000 }),
    'app "shop": field "runAsUser" = 1000: is below 10000, away from the host\'s users: use 10000 or more, or say in runAsUserReason why the image needs it',
  ],
  [
    'a blank reason for a low uid',
    withApp('legacy-site', { runAsUserReason: '  ' }),
    'app "legacy-site": field "runAsUser" = 33: is below 10000, away from the host\'s users: use 10000 or more, or say in runAsUserReason why the image needs it',
  ],
  [
    'a low-uid reason on an app that runs high',
    withApp('shop', { runAsUserReason: 'the image needs it' }),
    'app "shop": field "runAsUserReason" = "the image needs it": is only for a runAsUser below 10000: remove it',
  ],
  [
    'a log budget of a fraction of a line',
    withApp('shop', { logLinesPerSecond: 0.5 }),
    'app "shop": field "logLinesPerSecond" = 0.5: must be a whole number of lines a second from 10 to 5000',
  ],
  [
    'a log budget above what one app may take of a node',
    withApp('legacy-site', { logLinesPerSecond: 50000 }),
    'app "legacy-site": field "logLinesPerSecond" = 50000: must be a whole number of lines a second from 10 to 5000',
  ],
  [
    'a weekly backup whose alert windows outlast the default log retention',
    withApp('legacy-site', { backup: { schedule: '0 3 * * 0' } }),
    'file "apps/legacy-site.ts", env "staging", app "legacy-site": field "backup.schedule" = "0 3 * * 0": the backup alerts look back 338 hours (two of the longest waits between runs of backup.schedule "0 3 * * 0", and the slack), and Elasticsearch deletes the backup reports before that, after the 14 days staging keeps logs by default: set logRetentionDays to at least 15, or back up more often',
  ],
  [
    'a log retention shorter than the backup alerts look back',
    withApp('shop', { logRetentionDays: 1 }),
    'file "apps/shop.ts", app "shop": field "logRetentionDays" = 1: keeps the logs 1 day: its backup alerts look back 50 hours (two of the longest waits between runs of backup.schedule "0 2 * * *", and the slack), and Elasticsearch deletes the backup reports before that; set at least 3',
  ],
  [
    'a cron schedule with 4 fields',
    withApp('legacy-site', { backup: { schedule: '30 1 * *' } }),
    'app "legacy-site": field "backup.schedule" = "30 1 * *": must be a 5-field cron expression, e.g. "30 2 * * *"',
  ],
  [
    'a storage driver that does not exist',
    withApp('shop', { storage: { mountPath: '/app/media', driver: 's3fs' as never } }),
    'app "shop": field "storage.driver" = "s3fs": must be one of mountpoint-s3, geesefs',
  ],
  [
    'storage mounted where the backup jobs mount',
    withApp('shop', { storage: { mountPath: '/backup/media' } }),
    'app "shop": field "storage.mountPath" = "/backup/media": must not lie under /backup, /restic, /restore: the backup jobs mount there',
  ],
  [
    'a retention that keeps nothing',
    withApp('shop', { backup: { retention: { daily: 0, weekly: 0, monthly: 0 } } }),
    'app "shop": field "backup.retention" = {"daily":0,"weekly":0,"monthly":0}: keeps no snapshot at all: forget would delete every backup',
  ],
  [
    'a check sample that restic cannot read',
    withApp('shop', { backup: { checkReadDataSubset: 'half' } }),
    'app "shop": field "backup.checkReadDataSubset" = "half": must be a percentage ("10%"), a part ("1/7") or a size ("50G")',
  ],
  [
    'a pre-backup hook on a floating image',
    withApp('shop', { backup: { preBackup: { image: 'postgres:latest', command: ['pg_dump'] } } }),
    'app "shop": field "backup.preBackup.image" = "postgres:latest": must be a valid image pinned to a tag other than "latest" or to a digest',
  ],
  [
    // Every app is backed up: an app without storage has its backup settings checked like any other's.
    'a floating pre-backup image on an app without storage',
    withApp('backoffice', { backup: { schedule: '0 3 * * *', preBackup: { image: 'postgres:latest', command: ['pg_dump'] } } }),
    'app "backoffice": field "backup.preBackup.image" = "postgres:latest": must be a valid image pinned to a tag other than "latest" or to a digest',
  ],
  [
    'a secret that shadows a plain env var',
    withApp('shop', { secrets: [{ env: 'NODE_ENV', secret: 'database', key: 'url' }] }),
    'app "shop": field "secrets[0].env" = "NODE_ENV": is also set as a plain env var',
  ],
  [
    "an app that claims Kibana's host",
    withOverride('prod', 'backoffice', { hosts: ['logs.example.com'] }),
    `${PRD}, app "backoffice": field "hosts" = "logs.example.com": is the platform's kibana endpoint (namespace logging); an app cannot serve it`,
  ],
  [
    'no login for Kibana, even with no internal app',
    withCluster('prod', {
      internalAccess: {},
      apps: { 'legacy-site': {}, shop: {} },
      appData: { 'legacy-site': 'live', shop: 'live', backoffice: { retiredOn: '2026-01-01', reason: 'kept for the audit' } },
    }),
    `${PRD}: field "internalAccess" = {}: the platform endpoints (kibana) need a login: set oidc or basicAuthSecret`,
  ],
  [
    'a health check path without a slash',
    withApp('backoffice', { healthCheckPath: 'health' }),
    'app "backoffice": field "healthCheckPath" = "health": must be an absolute HTTP path',
  ],
];

describe('bad input stops synth with a clear error and leaves dist/ untouched', () => {
  let root: string;
  let before: string;
  beforeAll(() => {
    root = tempDir('bad-input');
    fs.mkdirSync(path.join(root, 'dist', 'staging'), { recursive: true });
    fs.writeFileSync(path.join(root, 'dist', 'staging', 'previous.yaml'), 'kind: Previous\n');
    before = treeHash(root);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('the table covers at least 15 cases', () => expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(15));

  test.each(BAD_INPUTS)('%s', (_case, input, expected) => {
    expect(synthProblemsOf(() => synthesize(root, input))).toContain(expected);
    expect(treeHash(root)).toBe(before);
  });

  test('backups of an app without storage are no error: every app is backed up, and its backup settings are its own', () => {
    const input = withApp('backoffice', { backup: { schedule: '0 3 * * *', preBackup: { image: 'postgres:17.2', command: ['pg_dump'] } } });
    expect(APPS.find((a) => a.name === 'backoffice')!.storage).toBeUndefined();
    expect(() => checkInput(input)).not.toThrow();
  });
});

describe('an app named after a system or platform namespace stops synth, naming the file and the reason, and leaves dist/ untouched', () => {
  /** The fixture input with shop renamed everywhere it is named: its file, the clusters and the releases. */
  const renamed = (name: string): SynthInput => {
    const rename = <T>(record: Readonly<Record<string, T>> | undefined) =>
      record && Object.fromEntries(Object.entries(record).map(([k, v]) => [k === 'shop' ? name : k, v]));
    return {
      apps: APPS.map((a) => (a.name === 'shop' ? { ...a, name } : a)),
      clusters: CLUSTERS.map((c) => ({ ...c, apps: rename(c.apps)!, appData: rename(c.appData)!, access: { ...c.access, apps: rename(c.access.apps) } })),
      releases: Object.fromEntries(Object.entries(FIXTURE_RELEASES).map(([env, r]) => [env, { ...r, apps: rename(r.apps)! }])),
    };
  };
  let root: string;
  let before: string;
  beforeAll(() => {
    root = tempDir('reserved-names');
    fs.mkdirSync(path.join(root, 'dist', 'prod'), { recursive: true });
    fs.writeFileSync(path.join(root, 'dist', 'prod', 'previous.yaml'), 'kind: Previous\n');
    before = treeHash(root);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('a name that is none of them synthesizes', () => {
    expect(() => buildAll(renamed('webshop'))).not.toThrow();
  });
  test.each([
    ['kube-system', 'Kubernetes keeps the namespaces starting with "kube-" (kube-system, kube-public, kube-node-lease) for itself'],
    ['kube-tools', 'Kubernetes keeps the namespaces starting with "kube-" (kube-system, kube-public, kube-node-lease) for itself'],
    ['default', `"default" is Kubernetes' default namespace`],
    ['flux-system', `"flux-system" is Flux's namespace`],
    ['logging', '"logging" is the namespace of the eck-operator add-on'],
    ['cert-manager', '"cert-manager" is the namespace of the cert-manager add-on'],
    ['envoy-gateway-system', '"envoy-gateway-system" is the namespace of the envoy-gateway add-on'],
    ['csi-s3', '"csi-s3" is the namespace of the csi-s3 add-on'],
    ['mount-s3', `"mount-s3" is the namespace of the Mountpoint for S3 CSI driver's mount pods`],
    [
      'platform',
      'names starting with "platform" are the platform\'s: its keys in the secret store are webapps/<env>/platform/…, where an app\'s are webapps/<env>/<app>/…',
    ],
    [
      'platform-tools',
      'names starting with "platform" are the platform\'s: its keys in the secret store are webapps/<env>/platform/…, where an app\'s are webapps/<env>/<app>/…',
    ],
    ['unrouted', 'its Elasticsearch name "logs-gateway.unrouted-default" is the data stream of the requests no route matched'],
  ])('%s', (name, reason) => {
    const expected = `app "${name}": field "name" = "${name}": is reserved: ${reason}; pick another name`;
    const problems = synthProblemsOf(() => synthesize(root, renamed(name)));
    expect(problems).toEqual([expected]);
    expect(treeHash(root)).toBe(before);
  });
});
