import { ENV_NAMES, LOG_PARSERS, STORAGE_DRIVERS, type AppSpec, type ResourceSpec, type ScalingSpec } from '../model/app-spec';
import { isPrivateCidr, parseCidr } from '../model/cidr';
import { EKS_ADDON_VERSIONS_FILE, eksAddonPinsOf } from '../cloud/eks-addon-versions';
import { AWS_REGIONS_FILE, isAwsRegion } from '../model/aws-regions';
import { cpuArchitectureOf, INSTANCE_TYPES, INSTANCE_TYPES_FILE, isInstanceType } from '../model/instance-types';
import { isKubernetesVersion, KUBERNETES_VERSIONS, KUBERNETES_VERSIONS_FILE, MIN_KUBERNETES_MINOR } from '../model/kubernetes-versions';
import { LOG_LINES_PER_SECOND_RANGE } from '../model/log-budget';
import { MAX_RENEWAL_INTERVAL_DAYS, MIN_OBJECT_LOCK_DAYS, RUNS_PER_LOCK } from '../model/backup-lock';
import { cloudSettingsOf, clusterFileOf, LETSENCRYPT_PRODUCTION, LETSENCRYPT_STAGING, type AppOverride, type ClusterSpec } from '../model/cluster-spec';
import { isRepository } from '../model/image';
import { APP_NAME, APP_NAME_MAX_LENGTH, bucketOf } from '../model/naming';
import { parseQuantity } from '../model/quantity';
import { DEFAULT_RUN_AS_USER, resolveApp, type ResolvedApp } from '../model/resolve';
import { MIN_SCANNER_UID } from '../model/scanner-exemptions';
import { MAX_COUNTED_NODES } from '../alerts/platform-rules';
import { checkAccess } from './access-validation';
import { checkAppAlerts, checkClusterAlerting, EMAIL } from './alert-validation';
import { checkBackupAlertWindows } from './backup-alert-windows';
import { checkCostBudget } from './cost-budget-validation';
import { checkDataPath } from './data-validation';
import { envNameProblem } from './env-names';
import { checkMountPaths } from './mount-paths';
import { checkPrivateServices } from './network-validation';
import { reservedNameReason } from './reserved-names';
import { checkReleasedFrom } from './released-from';
import { checkResourceFit } from './resource-limits';
import { clusterCapacityProblems } from './cluster-capacity';
import { addOnsOf } from '../platform/default-add-ons';
import { declaredWorkloadsOf } from '../platform/declared-workloads';
import { checkAppFields, checkClusterFields } from './spec-keys';
import { SpecProblem, SynthError } from '../model/spec-error';
import { checkVpcRanges } from './vpc-ranges';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const FQDN = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const SECRET_NAME = /^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$/;
const ACME_SERVERS: Record<string, string> = { staging: LETSENCRYPT_STAGING, prod: LETSENCRYPT_PRODUCTION };
const MIN_NODES = 3;
const S3_BUCKET_MAX = 63;

/**
 * Checks every cluster and app before any object is built. Throws one SynthError that lists every
 * problem found, so a pull request sees all of them at once.
 */
export function validateInput(clusters: readonly ClusterSpec[], apps: readonly AppSpec[]): void {
  const problems: SpecProblem[] = [];
  const seenApps = new Set<string>();
  for (const app of apps) {
    if (seenApps.has(app.name)) problems.push(new SpecProblem({ app: app.name }, 'name', app.name, 'two apps have this name'));
    seenApps.add(app.name);
    problems.push(...checkAppFields(app), ...checkAppFile(app), ...checkReleasedFrom(app), ...checkShadowedAppValues(app, clusters));
  }
  const seenClusters = new Set<string>();
  for (const cluster of clusters) {
    if (seenClusters.has(cluster.name)) problems.push(new SpecProblem({ cluster: cluster.name }, 'name', cluster.name, 'two clusters have this name'));
    seenClusters.add(cluster.name);
    problems.push(...checkClusterFields(cluster));
    problems.push(...checkCluster(cluster, apps));
    problems.push(...checkClusterAlerting(cluster));
    problems.push(...checkCostBudget(cluster));
  }
  problems.push(...checkVpcRanges(clusters, apps));
  for (const app of apps)
    problems.push(
      ...checkBackupAlertWindows(
        app,
        clusters.map((c) => c.env),
      ),
    );
  if (problems.length > 0) throw new SynthError(problems);
}

function checkAppFile(app: AppSpec): SpecProblem[] {
  const at = { app: app.name };
  const problems: SpecProblem[] = [];
  if (!APP_NAME.test(app.name) || app.name.length > APP_NAME_MAX_LENGTH) {
    problems.push(
      new SpecProblem(at, 'name', app.name, `must be a DNS-1123 label (lower-case letters, digits, "-") of at most ${APP_NAME_MAX_LENGTH} characters`),
    );
  } else {
    const reserved = reservedNameReason(app.name);
    if (reserved) problems.push(new SpecProblem(at, 'name', app.name, `is reserved: ${reserved}; pick another name`));
  }
  if (typeof app.imageRepository !== 'string' || !isRepository(app.imageRepository)) {
    problems.push(
      new SpecProblem(
        at,
        'imageRepository',
        app.imageRepository,
        'must be an image repository without tag or digest, e.g. "ghcr.io/acme-web/shop": each env\'s version is in clusters/<env>/releases.json',
      ),
    );
  }
  if (!Number.isInteger(app.port) || app.port < 1024 || app.port > 65535) {
    problems.push(new SpecProblem(at, 'port', app.port, 'must be an unprivileged port (1024-65535): apps run as non-root'));
  }
  if (app.exposure !== 'public' && app.exposure !== 'internal') problems.push(new SpecProblem(at, 'exposure', app.exposure, 'must be "public" or "internal"'));
  if (!app.healthCheckPath.startsWith('/')) problems.push(new SpecProblem(at, 'healthCheckPath', app.healthCheckPath, 'must be an absolute HTTP path'));
  for (const env of Object.keys(app.hosts)) {
    if (!(ENV_NAMES as readonly string[]).includes(env)) problems.push(new SpecProblem(at, `hosts.${env}`, env, `is not an env (${ENV_NAMES.join(', ')})`));
  }
  if (app.runAsUser !== undefined && (!Number.isInteger(app.runAsUser) || app.runAsUser < 1)) {
    problems.push(new SpecProblem(at, 'runAsUser', app.runAsUser, 'must be a non-root uid (1 or more)'));
  } else if ((app.runAsUser ?? DEFAULT_RUN_AS_USER) < MIN_SCANNER_UID && !app.runAsUserReason?.trim()) {
    problems.push(
      new SpecProblem(
        at,
        'runAsUser',
        app.runAsUser,
        `is below ${MIN_SCANNER_UID}, away from the host's users: use ${MIN_SCANNER_UID} or more, or say in runAsUserReason why the image needs it`,
      ),
    );
  } else if ((app.runAsUser ?? DEFAULT_RUN_AS_USER) >= MIN_SCANNER_UID && app.runAsUserReason !== undefined) {
    problems.push(new SpecProblem(at, 'runAsUserReason', app.runAsUserReason, `is only for a runAsUser below ${MIN_SCANNER_UID}: remove it`));
  }
  problems.push(...checkMountPaths(app));
  problems.push(...checkDataPath(app));
  problems.push(...checkPrivateServices(app));
  problems.push(...checkAppAlerts(app));
  if (app.logRetentionDays !== undefined && (!Number.isInteger(app.logRetentionDays) || app.logRetentionDays < 1 || app.logRetentionDays > 3650)) {
    problems.push(new SpecProblem(at, 'logRetentionDays', app.logRetentionDays, 'must be a whole number of days from 1 to 3650'));
  }
  const lines = app.logLinesPerSecond;
  if (lines !== undefined && (!Number.isInteger(lines) || lines < LOG_LINES_PER_SECOND_RANGE.min || lines > LOG_LINES_PER_SECOND_RANGE.max)) {
    const { min, max } = LOG_LINES_PER_SECOND_RANGE;
    problems.push(new SpecProblem(at, 'logLinesPerSecond', lines, `must be a whole number of lines a second from ${min} to ${max}`));
  }
  if (app.logParser !== undefined && !LOG_PARSERS.includes(app.logParser)) {
    problems.push(new SpecProblem(at, 'logParser', app.logParser, `must be one of ${LOG_PARSERS.join(', ')}`));
  }
  for (const name of Object.keys(app.env ?? {})) {
    const problem = envNameProblem(name, app.name);
    if (problem) problems.push(new SpecProblem(at, `env.${name}`, name, problem));
  }
  for (const [i, ref] of (app.secrets ?? []).entries()) {
    const problem = envNameProblem(ref.env, app.name);
    if (problem) problems.push(new SpecProblem(at, `secrets[${i}].env`, ref.env, problem));
    if (!SECRET_NAME.test(ref.secret)) problems.push(new SpecProblem(at, `secrets[${i}].secret`, ref.secret, 'must be a lower-case secret name'));
    if (ref.env in (app.env ?? {})) problems.push(new SpecProblem(at, `secrets[${i}].env`, ref.env, 'is also set as a plain env var'));
  }
  return problems;
}

function checkCluster(cluster: ClusterSpec, apps: readonly AppSpec[]): SpecProblem[] {
  const at = { cluster: cluster.name };
  const problems: SpecProblem[] = [];
  if (!DNS_LABEL.test(cluster.name) || cluster.name.length > 20) {
    problems.push(new SpecProblem(at, 'name', cluster.name, 'must be a DNS-1123 label of at most 20 characters'));
  }
  if (!FQDN.test(cluster.domain)) problems.push(new SpecProblem(at, 'domain', cluster.domain, 'must be a fully qualified domain name'));
  if (cluster.offsiteRegion === cluster.region) {
    problems.push(new SpecProblem(at, 'offsiteRegion', cluster.offsiteRegion, 'must differ from region, or the backups are not offsite'));
  }
  const pool = cluster.nodePool;
  if (!Number.isInteger(pool.min) || pool.min < MIN_NODES)
    problems.push(new SpecProblem(at, 'nodePool.min', pool.min, `must be at least ${MIN_NODES}, one node per availability zone`));
  if (pool.max < pool.min) problems.push(new SpecProblem(at, 'nodePool.max', pool.max, `must be at least nodePool.min (${pool.min})`));
  if (pool.max > MAX_COUNTED_NODES) {
    problems.push(
      new SpecProblem(
        at,
        'nodePool.max',
        pool.max,
        `must be at most ${MAX_COUNTED_NODES}: the alert on a node whose logs stop counts that many nodes (constructs/alerts/platform-rules.ts)`,
      ),
    );
  }
  if (typeof cluster.acme.email !== 'string' || !EMAIL.test(cluster.acme.email)) {
    problems.push(new SpecProblem(at, 'acme.email', cluster.acme.email, "is not an email address: Let's Encrypt writes to it about expiring certificates"));
  }
  if (cluster.acme.server !== ACME_SERVERS[cluster.env]) {
    problems.push(new SpecProblem(at, 'acme.server', cluster.acme.server, `the ${cluster.env} cluster must use ${ACME_SERVERS[cluster.env]}`));
  }

  const byName = new Map(apps.map((app) => [app.name, app]));
  const hostOwner = new Map<string, string>();
  const resolved: ResolvedApp[] = [];
  for (const name of Object.keys(cluster.apps)) {
    const spec = byName.get(name);
    if (!spec) {
      problems.push(new SpecProblem(at, `apps.${name}`, name, `is not an app in apps/ (known: ${[...byName.keys()].sort().join(', ')})`));
      continue;
    }
    const app = resolveApp(spec, cluster);
    resolved.push(app);
    problems.push(...checkResolvedApp(app, cluster));
    for (const host of app.hosts) {
      const owner = hostOwner.get(host);
      if (owner !== undefined) problems.push(new SpecProblem({ ...at, app: name }, 'hosts', host, `is already served by app "${owner}"`));
      else hostOwner.set(host, name);
    }
  }
  problems.push(...checkAppData(cluster, byName), ...checkCloud(cluster), ...checkAccess(cluster));
  // Their sum, once each app and the pool are sound on their own.
  if (problems.length === 0) {
    const ctx = { cluster, apps: resolved };
    problems.push(...clusterCapacityProblems(cluster, resolved, declaredWorkloadsOf(addOnsOf(ctx), ctx)));
  }
  return problems;
}

function checkResolvedApp(app: ResolvedApp, cluster: ClusterSpec): SpecProblem[] {
  const at = { cluster: cluster.name, app: app.name };
  const problems: SpecProblem[] = [];
  const bucket = bucketOf(cluster.name, app.name);
  if (bucket.length > S3_BUCKET_MAX)
    problems.push(new SpecProblem(at, 'name', app.name, `makes the bucket name "${bucket}" longer than ${S3_BUCKET_MAX} characters`));
  if (app.hosts.length === 0) problems.push(new SpecProblem(at, `hosts.${cluster.env}`, app.hosts, 'the app needs at least one host in this env'));
  const domains = [cluster.domain, ...(cluster.extraHostDomains ?? [])];
  for (const host of app.hosts) {
    if (!FQDN.test(host)) problems.push(new SpecProblem(at, 'hosts', host, 'must be a lower-case fully qualified domain name'));
    else if (!domains.some((d) => host === d || host.endsWith(`.${d}`))) {
      problems.push(new SpecProblem(at, 'hosts', host, `must be under ${domains.join(' or ')} (add its domain to the cluster's extraHostDomains to allow it)`));
    }
  }
  const sizing = [...checkResources(app.resources, at), ...checkScaling(app.scaling, at)];
  problems.push(...(sizing.length > 0 ? sizing : checkResourceFit(app, cluster)));
  const override: AppOverride = cluster.apps[app.name] ?? {};
  for (const name of Object.keys(override.env ?? {})) {
    const problem = envNameProblem(name, app.name);
    if (problem) problems.push(new SpecProblem(at, `env.${name}`, name, problem));
    else if (app.secrets.some((ref) => ref.env === name)) problems.push(new SpecProblem(at, `env.${name}`, name, "is also one of the app's secrets"));
  }
  return problems;
}

/** An app's resources, as the app file or an env override sets them. */
function checkResources(resources: ResourceSpec, at: SpecProblem['where']): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const kind of ['cpu', 'memory'] as const) {
    const { request, limit } = resources?.[kind] ?? {};
    const req = typeof request === 'string' ? parseQuantity(request) : undefined;
    const lim = typeof limit === 'string' ? parseQuantity(limit) : undefined;
    if (req === undefined || req <= 0) problems.push(new SpecProblem(at, `resources.${kind}.request`, request, 'is not a positive Kubernetes quantity'));
    if (lim === undefined || lim <= 0) problems.push(new SpecProblem(at, `resources.${kind}.limit`, limit, 'is not a positive Kubernetes quantity'));
    if (req !== undefined && lim !== undefined && req > lim)
      problems.push(new SpecProblem(at, `resources.${kind}.request`, request, `must not exceed the limit (${limit})`));
  }
  return problems;
}

/** An app's replica bounds, as the app file or an env override sets them. */
function checkScaling(scaling: ScalingSpec, at: SpecProblem['where']): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const { min, max, targetCpuPercent } = scaling ?? ({} as Partial<ScalingSpec>);
  if (!Number.isInteger(min) || min! < 1) problems.push(new SpecProblem(at, 'scaling.min', min, 'must be a whole number of at least 1'));
  if (!Number.isInteger(max) || max! < min!) problems.push(new SpecProblem(at, 'scaling.max', max, `must be a whole number of at least scaling.min (${min})`));
  if (targetCpuPercent !== undefined && (typeof targetCpuPercent !== 'number' || targetCpuPercent < 10 || targetCpuPercent > 100)) {
    problems.push(new SpecProblem(at, 'scaling.targetCpuPercent', targetCpuPercent, 'must be between 10 and 100'));
  }
  return problems;
}

/**
 * The app file's own resources, scaling and hosts where every env that runs the app overrides them (or
 * no env runs it): the checks on each env's resolved app never see those values, yet they are what the
 * next env to drop its override gets. A value still in effect somewhere is checked there, once.
 */
function checkShadowedAppValues(app: AppSpec, clusters: readonly ClusterSpec[]): SpecProblem[] {
  const at = { app: app.name };
  const running = clusters.filter((c) => Object.hasOwn(c.apps ?? {}, app.name));
  const shadowed = (field: keyof AppOverride, env?: string) =>
    running.filter((c) => env === undefined || c.env === env).every((c) => c.apps[app.name]?.[field] !== undefined);
  const problems: SpecProblem[] = [];
  if (shadowed('resources')) problems.push(...checkResources(app.resources, at));
  if (shadowed('scaling')) problems.push(...checkScaling(app.scaling, at));
  for (const [env, hosts] of Object.entries(app.hosts ?? {})) {
    if (!shadowed('hosts', env)) continue;
    for (const [i, host] of (hosts ?? []).entries()) {
      if (!FQDN.test(host)) problems.push(new SpecProblem(at, `hosts.${env}[${i}]`, host, 'must be a lower-case fully qualified domain name'));
    }
  }
  return problems;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 3650;
const WIDEST_ADMIN_PREFIX = 16;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;

/**
 * The data ledger (`appData`): a bucket leaves Terraform only when its entry is deleted on purpose, never
 * because an app was taken out of `apps`.
 */
function checkAppData(cluster: ClusterSpec, known: ReadonlyMap<string, AppSpec>): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const ledger = cluster.appData ?? {};
  for (const name of Object.keys(cluster.apps).filter((n) => known.has(n))) {
    const at = { cluster: cluster.name, app: name };
    const state = ledger[name];
    if (state === undefined) {
      problems.push(
        new SpecProblem(
          at,
          `appData.${name}`,
          state,
          `is missing: each app in "apps" is recorded here as 'live', so that taking the app out later cannot drop its bucket "${bucketOf(cluster.name, name)}". Add '${name}': 'live'`,
        ),
      );
    } else if (state !== 'live') {
      problems.push(new SpecProblem(at, `appData.${name}`, state, 'marks an app that is in "apps" as retired: set it to \'live\''));
    }
  }
  for (const [name, state] of Object.entries(ledger).sort(([a], [b]) => a.localeCompare(b))) {
    const at = { cluster: cluster.name, app: name };
    const bucket = bucketOf(cluster.name, name);
    if (!APP_NAME.test(name)) problems.push(new SpecProblem(at, `appData.${name}`, name, 'must be an app name (a DNS-1123 label)'));
    if (state === 'live') {
      if (!(name in cluster.apps)) {
        problems.push(
          new SpecProblem(
            at,
            `appData.${name}`,
            state,
            `the app is no longer in "apps", but its bucket "${bucket}" still holds its data. ` +
              'Synth stops so that the bucket does not leave the Terraform plan silently: a bucket removed from the configuration is destroyed, ' +
              'lifecycle.prevent_destroy protects only what is still configured. ' +
              `To keep the data (the safe choice), retire the app: '${name}': { retiredOn: 'YYYY-MM-DD', reason: '...' }; its bucket, its backups and their protection stay. ` +
              'To give the data up on purpose, delete this entry in a reviewed change after emptying the bucket of every object version (it has no force_destroy, so Terraform cannot delete it while it holds data)',
          ),
        );
      }
    } else if (typeof state !== 'object' || state === null) {
      problems.push(new SpecProblem(at, `appData.${name}`, state, "must be 'live' or { retiredOn, reason }"));
    } else {
      if (bucket.length > S3_BUCKET_MAX)
        problems.push(new SpecProblem(at, `appData.${name}`, name, `makes the bucket name "${bucket}" longer than ${S3_BUCKET_MAX} characters`));
      if (!ISO_DATE.test(state.retiredOn) || Number.isNaN(Date.parse(state.retiredOn))) {
        problems.push(new SpecProblem(at, `appData.${name}.retiredOn`, state.retiredOn, 'must be a date, YYYY-MM-DD'));
      }
      if (typeof state.reason !== 'string' || state.reason.trim() === '') {
        problems.push(new SpecProblem(at, `appData.${name}.reason`, state.reason, 'must say why the data is kept'));
      }
      if (state.storageDriver !== undefined && !STORAGE_DRIVERS.includes(state.storageDriver)) {
        problems.push(
          new SpecProblem(
            at,
            `appData.${name}.storageDriver`,
            state.storageDriver,
            `must be one of ${STORAGE_DRIVERS.join(', ')}: the storage.driver the app had, whose CSI driver stays for its volumes`,
          ),
        );
      }
    }
  }
  return problems;
}

/** The fields the CDKTF stack builds from: versions, networks, retention and the state backend. */
function checkCloud(cluster: ClusterSpec): SpecProblem[] {
  const at = { cluster: cluster.name };
  const problems: SpecProblem[] = [];
  const add = (field: string, value: unknown, problem: string) => problems.push(new SpecProblem(at, field, value, problem));
  const days = (field: string, value: number, min = 1) => {
    if (!Number.isInteger(value) || value < min || value > MAX_DAYS) add(field, value, `must be a whole number of days from ${min} to ${MAX_DAYS}`);
  };
  const settings = cloudSettingsOf(cluster);
  const regionProblem = (field: string, region: string) => {
    if (typeof region !== 'string' || !REGION.test(region)) add(field, region, 'must be an AWS region, e.g. eu-central-1');
    else if (!isAwsRegion(region)) add(field, region, `is not an AWS region where EKS runs; if it is new, add it to AWS_REGIONS in ${AWS_REGIONS_FILE}`);
  };

  const minor = /^1\.(\d+)$/.exec(cluster.kubernetesVersion);
  if (!minor || Number(minor[1]) < MIN_KUBERNETES_MINOR) {
    add('kubernetesVersion', cluster.kubernetesVersion, `must be an EKS version in standard support: 1.${MIN_KUBERNETES_MINOR} or later`);
  } else if (!eksAddonPinsOf(cluster.kubernetesVersion)) {
    add(
      'kubernetesVersion',
      cluster.kubernetesVersion,
      `has no EKS add-on versions pinned: add a table for it to EKS_ADDON_VERSIONS in ${EKS_ADDON_VERSIONS_FILE}`,
    );
  } else if (!isKubernetesVersion(cluster.kubernetesVersion)) {
    add(
      'kubernetesVersion',
      cluster.kubernetesVersion,
      `is not in KUBERNETES_VERSIONS (${Object.keys(KUBERNETES_VERSIONS).join(', ')}) in ${KUBERNETES_VERSIONS_FILE}: add it there with the day its EKS standard support ends`,
    );
  }
  for (const [field, region] of [
    ['region', cluster.region],
    ['offsiteRegion', cluster.offsiteRegion],
  ] as const) {
    regionProblem(field, region);
  }

  const pool = cluster.nodePool;
  if (pool.instanceTypes.length === 0) add('nodePool.instanceTypes', pool.instanceTypes, 'must name at least one instance type');
  for (const [i, type] of pool.instanceTypes.entries()) {
    if (!isInstanceType(type)) {
      add(
        `nodePool.instanceTypes[${i}]`,
        type,
        `is not in the instance type table (${Object.keys(INSTANCE_TYPES).join(', ')}): add it to INSTANCE_TYPES in ${INSTANCE_TYPES_FILE} with its vCPUs, memory, ENIs and price`,
      );
    }
  }
  const arches = new Set(pool.instanceTypes.map(cpuArchitectureOf));
  if (arches.size > 1) add('nodePool.instanceTypes', pool.instanceTypes, 'mixes x86_64 and arm64 (Graviton) types: one node group runs one image');
  if (!Number.isInteger(pool.diskGiB) || pool.diskGiB < 20) add('nodePool.diskGiB', pool.diskGiB, 'must be a whole number of at least 20');

  for (const [i, text] of settings.adminCidrs.entries()) {
    const cidr = parseCidr(text);
    if (!cidr) add(`adminCidrs[${i}]`, text, 'is not an IPv4 CIDR (a.b.c.d/n, no host bits set)');
    else if (cidr.prefix < WIDEST_ADMIN_PREFIX)
      add(`adminCidrs[${i}]`, text, `is wider than /${WIDEST_ADMIN_PREFIX}: it would open the Kubernetes API to much of the internet`);
  }

  const { vpcCidr, zones, natGateways } = settings.network;
  const vpc = parseCidr(vpcCidr);
  if (!vpc || vpc.prefix !== 16 || !isPrivateCidr(vpc)) add('network.vpcCidr', vpcCidr, 'must be a private (RFC 1918) /16, e.g. 10.10.0.0/16');
  if (zones.length !== 3 || new Set(zones).size !== 3) add('network.zones', zones, 'must name exactly three different availability zones');
  for (const [i, zone] of zones.entries()) {
    if (!new RegExp(`^${cluster.region}[a-z]$`).test(zone)) add(`network.zones[${i}]`, zone, `must be an availability zone of ${cluster.region}`);
  }
  if (natGateways !== 'perZone' && natGateways !== 'single') add('network.natGateways', natGateways, 'must be "perZone" or "single"');

  days('data.noncurrentVersionDays', settings.data.noncurrentVersionDays);
  days('data.accessLogDays', settings.data.accessLogDays);
  const vault = settings.backupVault;
  days('backupVault.nearNoncurrentDays', vault.nearNoncurrentDays);
  days('backupVault.objectLockDays', vault.objectLockDays);
  // The lock renewal runs RUNS_PER_LOCK times inside each lock, at most daily (model/backup-lock.ts).
  if (Number.isInteger(vault.objectLockDays) && vault.objectLockDays >= 1 && vault.objectLockDays < MIN_OBJECT_LOCK_DAYS) {
    problems.push(
      new SpecProblem(
        { file: clusterFileOf(cluster.env), cluster: cluster.name },
        'backupVault.objectLockDays',
        vault.objectLockDays,
        `is too short for the job that renews the offsite locks: it runs ${RUNS_PER_LOCK} times inside each lock, at most daily, ` +
          `so that a failed run is alerted and the next one still renews every lock in time; set ${MIN_OBJECT_LOCK_DAYS} or more ` +
          `(${RUNS_PER_LOCK * MAX_RENEWAL_INTERVAL_DAYS} or more renews weekly)`,
      ),
    );
  }
  if (vault.objectLockMode !== 'GOVERNANCE' && vault.objectLockMode !== 'COMPLIANCE') {
    add('backupVault.objectLockMode', vault.objectLockMode, 'must be "GOVERNANCE" or "COMPLIANCE"');
  }

  const state = settings.terraformState;
  if (!S3_BUCKET_NAME.test(state.bucket) || state.bucket.includes('..')) add('terraformState.bucket', state.bucket, 'must be an S3 bucket name');
  regionProblem('terraformState.region', state.region);

  const extraDomains = cluster.extraHostDomains ?? [];
  for (const [domain, zoneId] of Object.entries(settings.extraHostZones).sort(([a], [b]) => a.localeCompare(b))) {
    const field = `extraHostZones['${domain}']`;
    if (!extraDomains.includes(domain)) {
      add(
        field,
        zoneId,
        `names a domain that is not in extraHostDomains (${extraDomains.join(', ') || 'none'}): external-dns may write only to zones of domains the cluster serves`,
      );
    }
    if (!HOSTED_ZONE_ID.test(zoneId)) add(field, zoneId, 'must be a Route53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ (without "/hostedzone/")');
  }
  if (cluster.dnsZoneId !== undefined && !HOSTED_ZONE_ID.test(cluster.dnsZoneId)) {
    add('dnsZoneId', cluster.dnsZoneId, "must be the Route53 hosted zone id of the domain's zone (Terraform output dns_zone_id), e.g. Z0123456789ABCDEFGHIJ");
  }
  return problems;
}
