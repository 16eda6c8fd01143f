import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import type { AppSpec } from '../constructs/model/app-spec';
import type { AppOverride, ClusterSpec } from '../constructs/model/cluster-spec';
import { allocatableOf, INSTANCE_TYPES, maxPodsOf } from '../constructs/model/instance-types';
import { PRICES } from '../constructs/reports/prices';
import { synthesize, type SynthInput } from '../constructs/synth/pipeline';
import { copyRepo, scriptCommand } from '../scripts/repo-copy';
import { REAL_RELEASES, REPO_ROOT, synthProblemsOf, tempDir, treeHash } from './support';

const app = (name: string) => APPS.find((a) => a.name === name)!;
const cluster = (env: string) => CLUSTERS.find((c) => c.env === env)!;
const withApp = (name: string, patch: Partial<AppSpec> | Record<string, unknown>): SynthInput => ({
  clusters: CLUSTERS,
  apps: APPS.map((a) => (a.name === name ? ({ ...a, ...patch } as AppSpec) : a)),
  releases: REAL_RELEASES,
});
const withCluster = (env: string, patch: Partial<ClusterSpec> | Record<string, unknown>): SynthInput => ({
  clusters: CLUSTERS.map((c) => (c.env === env ? ({ ...c, ...patch } as ClusterSpec) : c)),
  apps: APPS,
  releases: REAL_RELEASES,
});
/** One env's override of one app, replaced (not merged) so a test can leave fields out or misspell them. */
const withOverride = (input: SynthInput, env: string, name: string, override: AppOverride | Record<string, unknown>): SynthInput => ({
  ...input,
  clusters: input.clusters.map((c) => (c.env === env ? { ...c, apps: { ...c.apps, [name]: override as AppOverride } } : c)),
});

const STG = 'cluster "acme-staging"';
const PRD = 'cluster "acme-prod"';

/** [what, input, one expected problem, the file the printed error must name] */
type Case = readonly [string, SynthInput, string, string];

const RESOURCE_CASES: readonly Case[] = [
  [
    'a memory request larger than any node of the pool',
    withOverride(withCluster('prod', {}), 'prod', 'shop', { resources: { cpu: { request: '200m', limit: '1' }, memory: { request: '16Gi', limit: '16Gi' } } }),
    `${PRD}, app "shop": field "resources.memory.request" = "16Gi": is more than one node can give a pod: the largest instance type of nodePool.instanceTypes, m7i.large, has 6.74Gi allocatable on EKS; ask for less, or add a larger instance type to the node pool`,
    'clusters/prod/cluster.ts',
  ],
  [
    'a CPU limit larger than any node of the pool',
    withApp('backoffice', { resources: { cpu: { request: '100m', limit: '4' }, memory: { request: '192Mi', limit: '384Mi' } } }),
    `${STG}, app "backoffice": field "resources.cpu.limit" = "4": is more than one node can give a pod: the largest instance type of nodePool.instanceTypes, t3a.large, has 1.93 cores allocatable on EKS; ask for less, or add a larger instance type to the node pool`,
    'apps/backoffice.ts',
  ],
  [
    'max replicas whose quota exceeds the whole pool',
    withOverride(withCluster('prod', {}), 'prod', 'shop', { scaling: { min: 3, max: 40 } }),
    // (40 + 10 surge) × 1 core + 2 backup jobs × 1 core = 52 cores of limits; 9 m7i.large give 9 × 1.93.
    `${PRD}, app "shop": field "scaling.max" = 40: makes the namespace quota 52 cores of CPU limits at 40 replicas (+10 during a rolling update, +2 job pods), more than the whole node pool holds at nodePool.max (9 × 1.93 cores); lower scaling.max or the resources, or raise nodePool.max`,
    'clusters/prod/cluster.ts',
  ],
  [
    'a node pool too small for the quota at max',
    withCluster('staging', {
      nodePool: { ...cluster('staging').nodePool, min: 3, max: 3 },
      apps: { ...cluster('staging').apps, shop: { scaling: { min: 1, max: 4 } } },
    }),
    // (4 + 1 surge) × 1 core + 2 × 1 core = 7 cores of limits against 3 × 1.93.
    `${STG}, app "shop": field "scaling.max" = 4: makes the namespace quota 7 cores of CPU limits at 4 replicas (+1 during a rolling update, +2 job pods), more than the whole node pool holds at nodePool.max (3 × 1.93 cores); lower scaling.max or the resources, or raise nodePool.max`,
    'clusters/staging/cluster.ts',
  ],
];

const MOUNT_CASES: readonly Case[] = [
  [
    'a writable path in a system folder',
    withApp('shop', { writablePaths: ['/tmp', '/etc/shop'] }),
    'app "shop": field "writablePaths[1]" = "/etc/shop": lies in the system folder /etc: a volume there hides the image\'s own files',
    'apps/shop.ts',
  ],
  [
    'a storage path with ".."',
    withApp('shop', { storage: { ...app('shop').storage!, mountPath: '/app/../media' } }),
    'app "shop": field "storage.mountPath" = "/app/../media": must be normalized: no "." or ".." segments',
    'apps/shop.ts',
  ],
  [
    'a path with a trailing slash',
    withApp('shop', { storage: { ...app('shop').storage!, mountPath: '/app/media/' } }),
    'app "shop": field "storage.mountPath" = "/app/media/": must not end with "/"',
    'apps/shop.ts',
  ],
  [
    'a path with "//"',
    withApp('legacy-site', { writablePaths: ['/tmp', '/var//lock/apache2'] }),
    'app "legacy-site": field "writablePaths[1]" = "/var//lock/apache2": must not contain "//"',
    'apps/legacy-site.ts',
  ],
  [
    'a path over the Pod Identity token',
    withApp('shop', { writablePaths: ['/tmp', '/var/run'] }),
    'app "shop": field "writablePaths[1]" = "/var/run": covers /var/run/secrets, where Kubernetes mounts the pod\'s credentials (the EKS Pod Identity token)',
    'apps/shop.ts',
  ],
  [
    'the storage at a path another volume uses',
    withApp('shop', { storage: { ...app('shop').storage!, mountPath: '/tmp' } }),
    'app "shop": field "writablePaths" = "/tmp": is also the mount path of storage.mountPath: each volume needs a path of its own',
    'apps/shop.ts',
  ],
  [
    'one volume inside another',
    withApp('shop', { writablePaths: ['/tmp', '/app/media/cache'] }),
    'app "shop": field "writablePaths[1]" = "/app/media/cache": lies inside or over storage.mountPath ("/app/media"): one volume would hide part of the other',
    'apps/shop.ts',
  ],
  [
    'two paths that make one volume name',
    withApp('legacy-site', { writablePaths: ['/tmp', '/var/lock/apache2', '/var/lock-apache2'] }),
    'app "legacy-site": field "writablePaths[2]" = "/var/lock-apache2": gets the same volume name "scratch-var-lock-apache2" as writablePaths[1] ("/var/lock/apache2"): rename one folder',
    'apps/legacy-site.ts',
  ],
];

const ENV_CASES: readonly Case[] = [
  [
    'a name a shell cannot read',
    withApp('shop', { env: { ...app('shop').env, 'LOG-LEVEL': 'debug' } }),
    'app "shop": field "env.LOG-LEVEL" = "LOG-LEVEL": must be a C identifier (letters, digits, "_", not starting with a digit): a shell cannot read other names',
    'apps/shop.ts',
  ],
  [
    "the API server's service link",
    withApp('shop', { env: { ...app('shop').env, KUBERNETES_SERVICE_HOST: '10.0.0.1' } }),
    'app "shop": field "env.KUBERNETES_SERVICE_HOST" = "KUBERNETES_SERVICE_HOST": is reserved: the kubelet sets KUBERNETES_SERVICE_HOST, KUBERNETES_PORT and the like for the API server',
    'apps/shop.ts',
  ],
  [
    "the app's own service link",
    withApp('legacy-site', { env: { ...app('legacy-site').env, LEGACY_SITE_PORT: '8080' } }),
    'app "legacy-site": field "env.LEGACY_SITE_PORT" = "LEGACY_SITE_PORT": is reserved: the kubelet sets LEGACY_SITE_PORT and LEGACY_SITE_PORT_<port>_TCP… for the app\'s own Service "legacy-site"',
    'apps/legacy-site.ts',
  ],
  [
    'any service-link host name',
    withApp('shop', { env: { ...app('shop').env, REDIS_SERVICE_HOST: 'redis' } }),
    'app "shop": field "env.REDIS_SERVICE_HOST" = "REDIS_SERVICE_HOST": is reserved: names ending in _SERVICE_HOST or _SERVICE_PORT are the kubelet\'s service links, and a Service added later would take it over',
    'apps/shop.ts',
  ],
  [
    "an AWS region in an env's override",
    withOverride(withCluster('prod', {}), 'prod', 'shop', { scaling: { min: 3, max: 12, targetCpuPercent: 65 }, env: { AWS_REGION: 'us-east-1' } }),
    `${PRD}, app "shop": field "env.AWS_REGION" = "AWS_REGION": is reserved: the AWS SDK reads it for credentials, region or endpoints, which EKS Pod Identity sets; the app gets AWS access from its role only`,
    'clusters/prod/cluster.ts',
  ],
  [
    'AWS keys as a secret',
    withApp('backoffice', { secrets: [...app('backoffice').secrets!, { env: 'AWS_SECRET_ACCESS_KEY', secret: 'aws', key: 'secret' }] }),
    'app "backoffice": field "secrets[2].env" = "AWS_SECRET_ACCESS_KEY": is reserved: the AWS SDK reads it for credentials, region or endpoints, which EKS Pod Identity sets; the app gets AWS access from its role only',
    'apps/backoffice.ts',
  ],
  [
    'the Pod Identity credentials URI',
    withApp('shop', { env: { ...app('shop').env, AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://attacker.example/' } }),
    'app "shop": field "env.AWS_CONTAINER_CREDENTIALS_FULL_URI" = "AWS_CONTAINER_CREDENTIALS_FULL_URI": is reserved: the AWS SDK reads it for credentials, region or endpoints, which EKS Pod Identity sets; the app gets AWS access from its role only',
    'apps/shop.ts',
  ],
  [
    "the runtime's HOSTNAME",
    withApp('shop', { env: { ...app('shop').env, HOSTNAME: 'shop' } }),
    'app "shop": field "env.HOSTNAME" = "HOSTNAME": is reserved: the container runtime sets it to the pod name',
    'apps/shop.ts',
  ],
];

const schedule = (value: string) => withApp('legacy-site', { backup: { ...app('legacy-site').backup, schedule: value } });
const CRON_CASES: readonly Case[] = (
  [
    [
      'Sunday as 7',
      schedule('30 1 * * 7'),
      'day of week field "7": "7" is not a day of week (0-6 or sun-sat) (Sunday is 0: Kubernetes has no 7)',
      'apps/legacy-site.ts',
    ],
    [
      'the last day of the month (L)',
      schedule('30 1 L * *'),
      'day of month field "L": L, W and # (last day, nearest weekday, nth weekday) are extensions of other cron parsers; Kubernetes refuses them',
      'apps/legacy-site.ts',
    ],
    [
      'the second Monday (#)',
      schedule('30 1 * * mon#2'),
      'day of week field "mon#2": L, W and # (last day, nearest weekday, nth weekday) are extensions of other cron parsers; Kubernetes refuses them',
      'apps/legacy-site.ts',
    ],
    ['a seconds field', schedule('0 30 1 * * *'), 'must be a 5-field cron expression, e.g. "30 2 * * *"', 'apps/legacy-site.ts'],
    ['a minute out of range', schedule('60 1 * * *'), 'minute field "60": "60" is not a minute (0-59)', 'apps/legacy-site.ts'],
    ['a backwards range', schedule('30 5-1 * * *'), 'hour field "5-1": the range "5-1" runs backwards', 'apps/legacy-site.ts'],
    ['a step of 0', schedule('*/0 1 * * *'), 'minute field "*/0": the step in "*/0" must be a whole number of at least 1', 'apps/legacy-site.ts'],
    [
      'a time zone in the schedule',
      schedule('CRON_TZ=Europe/Berlin 30 1 * * *'),
      'must not name a time zone: Kubernetes refuses TZ= and CRON_TZ= in a CronJob schedule; the jobs run in UTC, so write the time in UTC',
      'apps/legacy-site.ts',
    ],
    [
      'an unknown macro',
      schedule('@reboot'),
      'is not a schedule macro Kubernetes knows (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>)',
      'apps/legacy-site.ts',
    ],
    ['@every a few seconds', schedule('@every 10s'), 'runs more often than once a minute: use @every 1m or more', 'apps/legacy-site.ts'],
  ] as const
).map(
  ([what, input, problem, file]) =>
    [what, input, `app "legacy-site": field "backup.schedule" = ${JSON.stringify(scheduleOf(input))}: ${problem}`, file] as const,
);
function scheduleOf(input: SynthInput): string {
  return input.apps.find((a) => a.name === 'legacy-site')!.backup!.schedule!;
}

const TABLE_CASES: readonly Case[] = [
  [
    'an instance type not in the table',
    withCluster('prod', { nodePool: { ...cluster('prod').nodePool, instanceTypes: ['m7i.huge'] } }),
    `${PRD}: field "nodePool.instanceTypes[0]" = "m7i.huge": is not in the instance type table (${Object.keys(INSTANCE_TYPES).join(', ')}): add it to INSTANCE_TYPES in constructs/model/instance-types.ts with its vCPUs, memory, ENIs and price`,
    'clusters/prod/cluster.ts',
  ],
  [
    'a well-formed name of no EC2 type',
    withCluster('staging', { nodePool: { ...cluster('staging').nodePool, instanceTypes: ['t3a.large', 't9.large'] } }),
    `${STG}: field "nodePool.instanceTypes[1]" = "t9.large": is not in the instance type table (${Object.keys(INSTANCE_TYPES).join(', ')}): add it to INSTANCE_TYPES in constructs/model/instance-types.ts with its vCPUs, memory, ENIs and price`,
    'clusters/staging/cluster.ts',
  ],
  [
    'a region of the right shape that does not exist',
    withCluster('prod', { offsiteRegion: 'eu-central-9' }),
    `${PRD}: field "offsiteRegion" = "eu-central-9": is not an AWS region where EKS runs; if it is new, add it to AWS_REGIONS in constructs/model/aws-regions.ts`,
    'clusters/prod/cluster.ts',
  ],
  [
    'a state bucket region that does not exist',
    withCluster('staging', { terraformState: { bucket: 'acme-webapps-tfstate', region: 'xx-north-1' } }),
    `${STG}: field "terraformState.region" = "xx-north-1": is not an AWS region where EKS runs; if it is new, add it to AWS_REGIONS in constructs/model/aws-regions.ts`,
    'clusters/staging/cluster.ts',
  ],
  [
    'a Kubernetes version out of standard support',
    withCluster('staging', { kubernetesVersion: '1.33' }),
    `${STG}: field "kubernetesVersion" = "1.33": must be an EKS version in standard support: 1.34 or later`,
    'clusters/staging/cluster.ts',
  ],
  [
    'a Kubernetes patch version',
    withCluster('prod', { kubernetesVersion: '1.35.2' }),
    `${PRD}: field "kubernetesVersion" = "1.35.2": must be an EKS version in standard support: 1.34 or later`,
    'clusters/prod/cluster.ts',
  ],
];

const NETWORK_CASES: readonly Case[] = [
  [
    'an ACME email without a domain',
    withCluster('prod', { acme: { ...cluster('prod').acme, email: 'ops@' } }),
    `${PRD}: field "acme.email" = "ops@": is not an email address: Let's Encrypt writes to it about expiring certificates`,
    'clusters/prod/cluster.ts',
  ],
  [
    'an ACME email that is a name',
    withCluster('staging', { acme: { ...cluster('staging').acme, email: 'Ops Team' } }),
    `${STG}: field "acme.email" = "Ops Team": is not an email address: Let's Encrypt writes to it about expiring certificates`,
    'clusters/staging/cluster.ts',
  ],
  [
    'a client range with host bits',
    withCluster('prod', { internalAccess: { ...cluster('prod').internalAccess, allowedCidrs: ['203.0.113.7/24'] } }),
    `${PRD}: field "internalAccess.allowedCidrs[0]" = "203.0.113.7/24": must be an IPv4 CIDR, e.g. "203.0.113.0/24"`,
    'clusters/prod/cluster.ts',
  ],
  [
    'a client range with an octet over 255',
    withCluster('staging', { internalAccess: { ...cluster('staging').internalAccess, allowedCidrs: ['300.0.113.0/24'] } }),
    `${STG}: field "internalAccess.allowedCidrs[0]" = "300.0.113.0/24": must be an IPv4 CIDR, e.g. "203.0.113.0/24"`,
    'clusters/staging/cluster.ts',
  ],
  [
    'two envs with one VPC range',
    withCluster('prod', { network: { ...cluster('prod').network!, vpcCidr: '10.20.0.0/16' } }),
    `${PRD}: field "network.vpcCidr" = "10.20.0.0/16": overlaps the VPC of cluster "acme-staging" (10.20.0.0/16): give each env a range of its own, e.g. 10.<n>.0.0/16`,
    'clusters/prod/cluster.ts',
  ],
  [
    "a staging service in prod's VPC",
    withApp('shop', { privateServices: [{ name: 'orders-db', port: 5432, cidrs: { staging: ['10.10.128.0/20'] } }] }),
    'app "shop": field "privateServices[0].cidrs.staging" = "10.10.128.0/20": lies in the VPC of cluster "acme-prod" (10.10.0.0/16), env prod: an app in staging must not reach another env\'s network',
    'apps/shop.ts',
  ],
  [
    "a service range over the cluster's own subnets",
    withApp('shop', { privateServices: [{ name: 'orders-db', port: 5432, cidrs: { prod: ['10.10.0.0/18'] } }] }),
    'app "shop": field "privateServices[0].cidrs.prod" = "10.10.0.0/18": overlaps the subnet 10.10.0.0/19 that cluster "acme-prod" builds for its nodes, pods, load balancer and API server (10.10.0.0/19, 10.10.32.0/19, 10.10.64.0/19, 10.10.96.0/24, 10.10.97.0/24, 10.10.98.0/24, 10.10.99.0/28, 10.10.99.16/28, 10.10.99.32/28): the egress rule would open them; name only the service\'s own subnets',
    'apps/shop.ts',
  ],
  [
    "a service range over the API server's subnets",
    withApp('shop', { privateServices: [{ name: 'orders-db', port: 5432, cidrs: { prod: ['10.10.99.16/28'] } }] }),
    'app "shop": field "privateServices[0].cidrs.prod" = "10.10.99.16/28": overlaps the subnet 10.10.99.16/28 that cluster "acme-prod" builds for its nodes, pods, load balancer and API server (10.10.0.0/19, 10.10.32.0/19, 10.10.64.0/19, 10.10.96.0/24, 10.10.97.0/24, 10.10.98.0/24, 10.10.99.0/28, 10.10.99.16/28, 10.10.99.32/28): the egress rule would open them; name only the service\'s own subnets',
    'apps/shop.ts',
  ],
  [
    'a service range over the Kubernetes service range',
    withApp('shop', { privateServices: [{ name: 'orders-db', port: 5432, cidrs: { prod: ['172.20.0.0/24'] } }] }),
    'app "shop": field "privateServices[0].cidrs.prod" = "172.20.0.0/24": overlaps 172.20.0.0/16, a range EKS may give the cluster\'s Services: the egress rule would open every Service',
    'apps/shop.ts',
  ],
];

/** Both envs override backoffice's scaling, so its own value is never resolved: it is checked on its own. */
const bothOverride = (patch: Partial<AppSpec>): SynthInput =>
  withOverride(withOverride(withApp('backoffice', patch), 'prod', 'backoffice', { scaling: { min: 2, max: 3 } }), 'staging', 'backoffice', {
    scaling: { min: 1, max: 1 },
  });

const OVERRIDE_CASES: readonly Case[] = [
  [
    "an app's scaling that every env overrides",
    bothOverride({ scaling: { min: 0, max: 3 } }),
    'app "backoffice": field "scaling.min" = 0: must be a whole number of at least 1',
    'apps/backoffice.ts',
  ],
  [
    "an app's resources that every env overrides",
    withOverride(
      withOverride(withApp('shop', { resources: { ...app('shop').resources, memory: { request: 'lots', limit: '768Mi' } } }), 'prod', 'shop', {
        resources: app('shop').resources,
        scaling: { min: 3, max: 12 },
      }),
      'staging',
      'shop',
      { resources: app('shop').resources, scaling: { min: 1, max: 2 } },
    ),
    'app "shop": field "resources.memory.request" = "lots": is not a positive Kubernetes quantity',
    'apps/shop.ts',
  ],
  [
    "an app's host for an env that overrides it",
    withOverride(withApp('backoffice', { hosts: { ...app('backoffice').hosts, prod: ['Admin.Example.com'] } }), 'prod', 'backoffice', {
      hosts: ['admin.example.com'],
    }),
    'app "backoffice": field "hosts.prod[0]" = "Admin.Example.com": must be a lower-case fully qualified domain name',
    'apps/backoffice.ts',
  ],
  [
    'a misspelt override field',
    withOverride(withCluster('prod', {}), 'prod', 'shop', { scalling: { min: 3, max: 12 } }),
    `${PRD}, app "shop": field "scalling" = {"min":3,"max":12}: is not a field of an app's env override (hosts, resources, scaling, env): a misspelt name would be ignored; fix the name`,
    'clusters/prod/cluster.ts',
  ],
  [
    'a misspelt field inside an override',
    withOverride(withCluster('prod', {}), 'prod', 'shop', { scaling: { min: 3, max: 12, targetCPUPercent: 65 } }),
    `${PRD}, app "shop": field "scaling.targetCPUPercent" = 65: is not a field of an app's env override (min, max, targetCpuPercent): a misspelt name would be ignored; fix the name`,
    'clusters/prod/cluster.ts',
  ],
  [
    'a misspelt app field',
    withApp('shop', { writeablePaths: ['/tmp'] }),
    'app "shop": field "writeablePaths" = ["/tmp"]: is not a field of an app (name',
    'apps/shop.ts',
  ],
  [
    "a misspelt field in an app's access",
    withCluster('prod', {
      access: {
        ...cluster('prod').access,
        apps: { ...cluster('prod').access.apps, shop: { ...cluster('prod').access.apps?.shop, loginGroup: ['shop-staff'] } },
      },
    }),
    `${PRD}: field "access.apps.shop.loginGroup" = ["shop-staff"]: is not a field of a cluster (developers, viewers, execInProd, loginGroups): a misspelt name would be ignored; fix the name`,
    'clusters/prod/cluster.ts',
  ],
  [
    'a misspelt field in the alert receivers',
    withCluster('staging', { alerting: { ...cluster('staging').alerting!, email: { ...cluster('staging').alerting!.email, smtpport: 465 } } }),
    `${STG}: field "alerting.email.smtpport" = 465: is not a field of a cluster (to, from, smtpHost, smtpPort, credentialsSecret): a misspelt name would be ignored; fix the name`,
    'clusters/staging/cluster.ts',
  ],
  [
    'a misspelt cluster field',
    withCluster('staging', { adminCidr: ['203.0.113.0/24'] }),
    `${STG}: field "adminCidr" = ["203.0.113.0/24"]: is not a field of a cluster (access`,
    'clusters/staging/cluster.ts',
  ],
];

describe.each([
  ['requests, limits and the quota against the node pool', RESOURCE_CASES],
  ['mount paths', MOUNT_CASES],
  ['env var names', ENV_CASES],
  ['CronJob schedules', CRON_CASES],
  ['instance types, Kubernetes versions and regions from their tables', TABLE_CASES],
  ['emails, CIDRs and address ranges', NETWORK_CASES],
  ["an app's values under env overrides, and misspelt fields", OVERRIDE_CASES],
])('bad input (%s) stops synth with the file, app, field and value, and leaves dist/ byte-identical', (_family, cases) => {
  let root: string;
  let before: string;
  beforeAll(() => {
    root = tempDir('input-limits');
    fs.mkdirSync(path.join(root, 'dist', 'prod'), { recursive: true });
    fs.writeFileSync(path.join(root, 'dist', 'prod', 'previous.yaml'), 'kind: Previous\n');
    before = treeHash(root);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('the family has at least two bad inputs', () => expect(cases.length).toBeGreaterThanOrEqual(2));

  test.each(cases)('%s', (_what, input, expected) => {
    const problems = synthProblemsOf(() => synthesize(root, input));
    // A few expectations end early where the rest lists a whole table; the start names place, field and value.
    expect(problems).toContainEqual(expected.endsWith('(name') || expected.endsWith('(access') ? expect.stringContaining(expected) : expected);
    expect(treeHash(root)).toBe(before);
    // The specs here are patched copies made in memory, which no file exports; which file an error names
    // (the one that holds the value) is shown on real files by test/error-locations.test.ts.
  });
});

describe('what a node of the pool offers, as EKS computes it', () => {
  // amazon-eks-ami v20260724 nodeadm/internal/kubelet: max pods = ENIs × (IPs per ENI − 1) + 2; kube-reserved
  // memory = 11 MiB × max pods + 255 MiB; CPU 6% of the first core + 1% of the second; eviction at 100Mi;
  // and Karpenter's 7.5% VM overhead on the nominal memory.
  test('m7i.large: 29 pods, 1.93 cores, 8192 × 0.925 − 574 − 100 MiB', () => {
    expect(maxPodsOf(INSTANCE_TYPES['m7i.large'])).toBe(29);
    expect(allocatableOf(INSTANCE_TYPES['m7i.large'])).toEqual({ cpu: 1.93, memory: Math.floor(8192 * 0.925 - 574 - 100) * 2 ** 20, pods: 29 });
  });
  test('t3.xlarge: 58 pods, 4 cores less 60 + 10 + 10 millicores', () => {
    expect(allocatableOf(INSTANCE_TYPES['t3.xlarge'])).toEqual({ cpu: 3.92, memory: Math.floor(16384 * 0.925 - (11 * 58 + 255) - 100) * 2 ** 20, pods: 58 });
  });
  test('the cost estimate prices every instance type of the table, and nothing else', () => {
    expect(Object.keys(INSTANCE_TYPES).length).toBeGreaterThan(0);
    expect(Object.keys(PRICES.ec2PerHour).sort()).toEqual(Object.keys(INSTANCE_TYPES).sort());
  });
});

describe('npm run cost on an instance type the table does not know', () => {
  test('prints one clear problem naming the file, exits 2, and shows no stack trace', () => {
    const root = copyRepo(REPO_ROOT, path.join(tempDir('cost-unknown-type'), 'repo'));
    try {
      const file = path.join(root, 'clusters', 'prod', 'cluster.ts');
      const spec = fs.readFileSync(file, 'utf8');
      expect(spec).toContain("instanceTypes: ['m7i.large']");
      fs.writeFileSync(file, spec.replace("instanceTypes: ['m7i.large']", "instanceTypes: ['m7i.huge']"));
      const [command, args] = scriptCommand(root, 'scripts/cost.ts');
      const run = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        'file "clusters/prod/cluster.ts", cluster "acme-prod": field "nodePool.instanceTypes[0]" = "m7i.huge": is not in the instance type table',
      );
      expect(run.stderr).not.toMatch(/^\s+at /m);
    } finally {
      fs.rmSync(path.dirname(root), { recursive: true, force: true });
    }
  }, 60_000);
});
