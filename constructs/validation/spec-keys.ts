import type {
  AppAlertsSpec,
  AppSpec,
  BackupSpec,
  EdgeSpec,
  PreBackupHookSpec,
  PrivateServiceSpec,
  ResourceSpec,
  ReleasedFromSpec,
  RetentionSpec,
  ScalingSpec,
  SecretRef,
  StorageSpec,
} from '../model/app-spec';
import type { AccessSpec, AppAccessSpec, BreakGlassSpec, PersonSpec } from '../model/access-spec';
import type {
  AlertingSpec,
  AppOverride,
  BackupVaultSpec,
  ChatReceiverSpec,
  ClusterSpec,
  CostBudgetSpec,
  DataSpec,
  InternalAccessSpec,
  NetworkSpec,
  NodePoolSpec,
  ElasticsearchSpec,
  EmailReceiverSpec,
  RetiredAppData,
  TerraformStateSpec,
} from '../model/cluster-spec';
import { SpecProblem } from '../model/spec-error';

/*
 * The field names each spec object may have. TypeScript refuses a misspelt field in an app or cluster
 * file, but synth runs the files without type-checking (tsx), where a misspelt optional field is just
 * ignored: `scalling: { max: 2 }` in an override would leave the app at its own scaling. So synth checks
 * the names too. Each table must name every field of its type (`satisfies` makes tsc say which is missing
 * when a type gains a field; an object value's fields are checked only where its table is an object too).
 */

const EACH = Symbol('each');
type Fields = { readonly [field: string]: Shape };
/** A map with keys of the user's choosing (apps, people), each value of one shape. */
type RecordShape = { readonly [EACH]: Shape };
/** `true`: any value; an object: its own known fields; `[shape]`: an array of such objects; `eachValue(shape)`: a map of them. */
type Shape = true | Fields | readonly [Fields] | RecordShape;
type ShapeOf<T> = { readonly [K in keyof Required<T>]: Shape };
const eachValue = (shape: Shape): RecordShape => ({ [EACH]: shape });

const RESOURCES = { cpu: { request: true, limit: true }, memory: { request: true, limit: true } } satisfies ShapeOf<ResourceSpec>;
const SCALING = { min: true, max: true, targetCpuPercent: true } satisfies ShapeOf<ScalingSpec>;
const STORAGE = { mountPath: true, driver: true, allowDelete: true, allowOverwrite: true, cacheSize: true, expectedGiB: true } satisfies ShapeOf<StorageSpec>;
const BACKUP = {
  schedule: true,
  retention: { daily: true, weekly: true, monthly: true } satisfies ShapeOf<RetentionSpec>,
  retentionSchedule: true,
  checkSchedule: true,
  checkReadDataSubset: true,
  preBackup: { image: true, command: true } satisfies ShapeOf<PreBackupHookSpec>,
} satisfies ShapeOf<BackupSpec>;
const EDGE = { requestsPerSecond: true, maxBodySize: true, timeoutSeconds: true } satisfies ShapeOf<EdgeSpec>;

export const OVERRIDE_FIELDS = { hosts: true, resources: RESOURCES, scaling: SCALING, env: true } satisfies ShapeOf<AppOverride>;

const APP_FIELDS = {
  name: true,
  description: true,
  imageRepository: true,
  releasedFrom: { repository: true, branch: true } satisfies ShapeOf<ReleasedFromSpec>,
  port: true,
  exposure: true,
  hosts: true,
  healthCheckPath: true,
  resources: RESOURCES,
  scaling: SCALING,
  env: true,
  secrets: [{ env: true, secret: true, key: true } satisfies ShapeOf<SecretRef>],
  runAsUser: true,
  runAsUserReason: true,
  writablePaths: true,
  outboundHttps: true,
  outboundSmtp: true,
  privateServices: [{ name: true, port: true, cidrs: true } satisfies ShapeOf<PrivateServiceSpec>],
  storage: STORAGE,
  backup: BACKUP,
  logParser: true,
  logRetentionDays: true,
  logLinesPerSecond: true,
  edge: EDGE,
  alerts: { errorBurst: { count: true, minutes: true }, email: true } satisfies ShapeOf<AppAlertsSpec>,
} satisfies ShapeOf<AppSpec>;

const ACCESS = {
  people: eachValue({ iamRoleArn: true } satisfies ShapeOf<PersonSpec>),
  platformAdmins: true,
  breakGlass: { enabled: true, members: true, reason: true } satisfies ShapeOf<BreakGlassSpec>,
  apps: eachValue({ developers: true, viewers: true, execInProd: true, loginGroups: true } satisfies ShapeOf<AppAccessSpec>),
} satisfies ShapeOf<AccessSpec>;
const ALERTING = {
  email: { to: true, from: true, smtpHost: true, smtpPort: true, credentialsSecret: true } satisfies ShapeOf<EmailReceiverSpec>,
  chat: { service: true, webhookSecret: true } satisfies ShapeOf<ChatReceiverSpec>,
} satisfies ShapeOf<AlertingSpec>;

/** A cluster file's own fields; its `apps` overrides are checked with OVERRIDE_FIELDS, one app at a time. */
const CLUSTER_FIELDS = {
  access: ACCESS,
  name: true,
  env: true,
  domain: true,
  extraHostDomains: true,
  extraHostZones: true,
  region: true,
  offsiteRegion: true,
  kubernetesVersion: true,
  nodePool: { instanceTypes: true, capacityType: true, min: true, max: true, diskGiB: true } satisfies ShapeOf<NodePoolSpec>,
  acme: { server: true, email: true } satisfies ShapeOf<ClusterSpec['acme']>,
  internalAccess: {
    oidc: { issuer: true, clientId: true, clientSecret: true, jwksUri: true, groupsClaim: true, adminGroups: true } satisfies ShapeOf<
      NonNullable<InternalAccessSpec['oidc']>
    >,
    basicAuthSecret: true,
    allowedCidrs: true,
  } satisfies ShapeOf<InternalAccessSpec>,
  alerting: ALERTING,
  disabledAddOns: true,
  apps: true,
  // 'live', or a retired app's record; a string value has no fields to check.
  appData: eachValue({ retiredOn: true, reason: true, storageDriver: true } satisfies ShapeOf<RetiredAppData>),
  adminCidrs: true,
  network: { vpcCidr: true, zones: true, natGateways: true } satisfies ShapeOf<NetworkSpec>,
  data: { noncurrentVersionDays: true, accessLogDays: true } satisfies ShapeOf<DataSpec>,
  backupVault: { nearNoncurrentDays: true, objectLockMode: true, objectLockDays: true } satisfies ShapeOf<BackupVaultSpec>,
  terraformState: { bucket: true, region: true } satisfies ShapeOf<TerraformStateSpec>,
  elasticsearch: { dataNodes: true } satisfies ShapeOf<ElasticsearchSpec>,
  costBudget: { monthlyUsd: true } satisfies ShapeOf<CostBudgetSpec>,
  dnsZoneId: true,
} satisfies ShapeOf<ClusterSpec>;

/** The unknown field names in `value` against `shape`, as dotted paths below `prefix`, with their values. */
function unknownFields(value: unknown, shape: Shape, prefix: string): { field: string; value: unknown; known: string[] }[] {
  if (shape === true || value === null || typeof value !== 'object') return [];
  if (EACH in shape) {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => unknownFields(inner, shape[EACH], `${prefix}.${key}`));
  }
  if (Array.isArray(shape)) {
    return Array.isArray(value) ? value.flatMap((item, i) => unknownFields(item, shape[0], `${prefix}[${i}]`)) : [];
  }
  const fields = shape as { readonly [field: string]: Shape };
  const known = Object.keys(fields);
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => {
    const field = prefix ? `${prefix}.${key}` : key;
    return Object.hasOwn(fields, key) ? unknownFields(inner, fields[key], field) : [{ field, value: inner, known }];
  });
}

const problemsOf = (where: SpecProblem['where'], value: unknown, shape: Shape, what: string): SpecProblem[] =>
  unknownFields(value, shape, '').map(
    (u) => new SpecProblem(where, u.field, u.value, `is not a field of ${what} (${u.known.join(', ')}): a misspelt name would be ignored; fix the name`),
  );

export const checkAppFields = (app: AppSpec): SpecProblem[] => problemsOf({ app: app.name }, app, APP_FIELDS, 'an app');

export function checkClusterFields(cluster: ClusterSpec): SpecProblem[] {
  const overrides = Object.entries(cluster.apps ?? {}).flatMap(([app, override]) =>
    problemsOf({ cluster: cluster.name, app }, override, OVERRIDE_FIELDS, "an app's env override"),
  );
  return [...problemsOf({ cluster: cluster.name }, cluster, CLUSTER_FIELDS, 'a cluster'), ...overrides];
}
