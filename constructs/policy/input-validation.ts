import { ENV_NAMES, type AppSpec } from '../model/app-spec';
import { LETSENCRYPT_PRODUCTION, LETSENCRYPT_STAGING, type ClusterSpec } from '../model/cluster-spec';
import { isPinned, parseImage } from '../model/image';
import { bucketOf } from '../model/naming';
import { parseQuantity } from '../model/quantity';
import { resolveApp, type ResolvedApp } from '../model/resolve';
import { SpecProblem, SynthError } from './spec-error';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const FQDN = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_NAME = /^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$/;
const CRON_FIELD = /^(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?)*$/;
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
    problems.push(...checkAppFile(app));
  }
  const seenClusters = new Set<string>();
  for (const cluster of clusters) {
    if (seenClusters.has(cluster.name)) problems.push(new SpecProblem({ cluster: cluster.name }, 'name', cluster.name, 'two clusters have this name'));
    seenClusters.add(cluster.name);
    problems.push(...checkCluster(cluster, apps));
  }
  if (problems.length > 0) throw new SynthError(problems);
}

function checkAppFile(app: AppSpec): SpecProblem[] {
  const at = { app: app.name };
  const problems: SpecProblem[] = [];
  if (!DNS_LABEL.test(app.name) || app.name.length > 40) {
    problems.push(new SpecProblem(at, 'name', app.name, 'must be a DNS-1123 label (lower-case letters, digits, "-") of at most 40 characters'));
  }
  const image = parseImage(app.image);
  if (!image) problems.push(new SpecProblem(at, 'image', app.image, 'is not a valid image reference (repo:tag or repo@sha256:<64 hex>)'));
  else if (!isPinned(image)) problems.push(new SpecProblem(at, 'image', app.image, 'must be pinned to a tag other than "latest" or to a digest'));
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
  }
  for (const [i, path] of (app.writablePaths ?? []).entries()) {
    if (!path.startsWith('/') || path === '/') problems.push(new SpecProblem(at, `writablePaths[${i}]`, path, 'must be an absolute path other than /'));
  }
  if (app.storage && (!app.storage.mountPath.startsWith('/') || app.storage.mountPath === '/')) {
    problems.push(new SpecProblem(at, 'storage.mountPath', app.storage.mountPath, 'must be an absolute path other than /'));
  }
  if (app.backup) {
    const fields = app.backup.schedule.trim().split(/\s+/);
    if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
      problems.push(new SpecProblem(at, 'backup.schedule', app.backup.schedule, 'must be a 5-field cron expression, e.g. "30 2 * * *"'));
    }
    if (!app.storage) problems.push(new SpecProblem(at, 'backup', app.backup, 'needs storage: there is no data to back up'));
  }
  for (const [i, ref] of (app.secrets ?? []).entries()) {
    if (!ENV_VAR.test(ref.env)) problems.push(new SpecProblem(at, `secrets[${i}].env`, ref.env, 'must be an env var name'));
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
  if (!Number.isInteger(pool.min) || pool.min < MIN_NODES) problems.push(new SpecProblem(at, 'nodePool.min', pool.min, `must be at least ${MIN_NODES}, one node per availability zone`));
  if (pool.max < pool.min) problems.push(new SpecProblem(at, 'nodePool.max', pool.max, `must be at least nodePool.min (${pool.min})`));
  if (cluster.acme.server !== ACME_SERVERS[cluster.env]) {
    problems.push(new SpecProblem(at, 'acme.server', cluster.acme.server, `the ${cluster.env} cluster must use ${ACME_SERVERS[cluster.env]}`));
  }

  const byName = new Map(apps.map((app) => [app.name, app]));
  const hostOwner = new Map<string, string>();
  for (const name of Object.keys(cluster.apps)) {
    const spec = byName.get(name);
    if (!spec) {
      problems.push(new SpecProblem(at, `apps.${name}`, name, `is not an app in apps/ (known: ${[...byName.keys()].sort().join(', ')})`));
      continue;
    }
    const app = resolveApp(spec, cluster);
    problems.push(...checkResolvedApp(app, cluster));
    for (const host of app.hosts) {
      const owner = hostOwner.get(host);
      if (owner !== undefined) problems.push(new SpecProblem({ ...at, app: name }, 'hosts', host, `is already served by app "${owner}"`));
      else hostOwner.set(host, name);
    }
  }
  return problems;
}

function checkResolvedApp(app: ResolvedApp, cluster: ClusterSpec): SpecProblem[] {
  const at = { cluster: cluster.name, app: app.name };
  const problems: SpecProblem[] = [];
  const bucket = bucketOf(cluster.name, app.name);
  if (bucket.length > S3_BUCKET_MAX) problems.push(new SpecProblem(at, 'name', app.name, `makes the bucket name "${bucket}" longer than ${S3_BUCKET_MAX} characters`));
  if (app.hosts.length === 0) problems.push(new SpecProblem(at, `hosts.${cluster.env}`, app.hosts, 'the app needs at least one host in this env'));
  const domains = [cluster.domain, ...(cluster.extraHostDomains ?? [])];
  for (const host of app.hosts) {
    if (!FQDN.test(host)) problems.push(new SpecProblem(at, 'hosts', host, 'must be a lower-case fully qualified domain name'));
    else if (!domains.some((d) => host === d || host.endsWith(`.${d}`))) {
      problems.push(new SpecProblem(at, 'hosts', host, `must be under ${domains.join(' or ')} (add its domain to the cluster's extraHostDomains to allow it)`));
    }
  }
  for (const kind of ['cpu', 'memory'] as const) {
    const { request, limit } = app.resources[kind];
    const req = parseQuantity(request);
    const lim = parseQuantity(limit);
    if (req === undefined || req <= 0) problems.push(new SpecProblem(at, `resources.${kind}.request`, request, 'is not a positive Kubernetes quantity'));
    if (lim === undefined || lim <= 0) problems.push(new SpecProblem(at, `resources.${kind}.limit`, limit, 'is not a positive Kubernetes quantity'));
    if (req !== undefined && lim !== undefined && req > lim) problems.push(new SpecProblem(at, `resources.${kind}.request`, request, `must not exceed the limit (${limit})`));
  }
  const { min, max, targetCpuPercent } = app.scaling;
  if (!Number.isInteger(min) || min < 1) problems.push(new SpecProblem(at, 'scaling.min', min, 'must be a whole number of at least 1'));
  if (!Number.isInteger(max) || max < min) problems.push(new SpecProblem(at, 'scaling.max', max, `must be a whole number of at least scaling.min (${min})`));
  if (targetCpuPercent !== undefined && (targetCpuPercent < 10 || targetCpuPercent > 100)) {
    problems.push(new SpecProblem(at, 'scaling.targetCpuPercent', targetCpuPercent, 'must be between 10 and 100'));
  }
  for (const name of Object.keys(app.env)) {
    if (!ENV_VAR.test(name)) problems.push(new SpecProblem(at, `env.${name}`, name, 'must be an env var name'));
  }
  return problems;
}
