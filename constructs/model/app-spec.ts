/** The environments a cluster can be. Each has one folder under clusters/. */
export type EnvName = 'staging' | 'prod';
export const ENV_NAMES: readonly EnvName[] = ['staging', 'prod'];

/** Kubernetes quantities, e.g. cpu `250m`, memory `512Mi`. */
export interface ResourceSpec {
  readonly cpu: { readonly request: string; readonly limit: string };
  readonly memory: { readonly request: string; readonly limit: string };
}

export interface ScalingSpec {
  /** Fewest replicas; 2 or more keeps the app up while a node drains. */
  readonly min: number;
  /** Most replicas the HPA may add under load; also sizes the namespace quota. */
  readonly max: number;
  /** Average CPU utilisation, in percent of the request, that the HPA aims for. @default 70 */
  readonly targetCpuPercent?: number;
}

/** An env var whose value comes from the secret store (AWS Secrets Manager), never from git. */
export interface SecretRef {
  /** The env var the container sees, e.g. `DB_PASSWORD`. */
  readonly env: string;
  /** The secret's name in the store, below the app's own path (`webapps/<env>/<app>/<secret>`). */
  readonly secret: string;
  /** The JSON property inside that secret. */
  readonly key: string;
}

/**
 * How the app's bucket appears as a filesystem. `mountpoint-s3` (Mountpoint for Amazon S3, the default)
 * is fast and AWS-supported but writes only new files sequentially. `geesefs` (through k8s-csi-s3) also
 * renames, appends and writes in place, for apps that need that. See docs/storage-drivers.md.
 */
export type StorageDriver = 'mountpoint-s3' | 'geesefs';
export const STORAGE_DRIVERS: readonly StorageDriver[] = ['mountpoint-s3', 'geesefs'];

export interface StorageSpec {
  /** Where the app expects its files, e.g. `/var/www/html/uploads`. The app's bucket is mounted here. */
  readonly mountPath: string;
  /** @default 'mountpoint-s3' */
  readonly driver?: StorageDriver;
  /** The app deletes its files (Mountpoint refuses deletes unless asked). @default false */
  readonly allowDelete?: boolean;
  /** The app replaces existing files by writing them again from the start. @default false */
  readonly allowOverwrite?: boolean;
  /** A node-local cache for repeated reads, e.g. `2Gi`; off when unset. */
  readonly cacheSize?: string;
  /** How much data the app keeps, in GiB: what the cost estimate prices its bucket and backups at. @default 0 */
  readonly expectedGiB?: number;
}

/** How many snapshots `restic forget` keeps. */
export interface RetentionSpec {
  readonly daily?: number;
  readonly weekly?: number;
  readonly monthly?: number;
}

/** A step that runs before each backup, e.g. a database dump; whatever it writes to `/backup/hook` is backed up too. */
export interface PreBackupHookSpec {
  /** Pinned image, like the app's. */
  readonly image: string;
  readonly command: readonly string[];
}

/**
 * The app's backups. Every app is backed up, with storage or without: its bucket (which it may also write
 * through the S3 API), and what its pre-backup hook writes, e.g. a dump of its database. These fields only
 * change how.
 */
export interface BackupSpec {
  /** Cron schedule (5 fields, UTC) of the backup job. @default '30 2 * * *' */
  readonly schedule?: string;
  /** Snapshots kept. @default { daily: 7, weekly: 5, monthly: 12 } */
  readonly retention?: RetentionSpec;
  /** Cron schedule of `restic forget --prune`. @default '0 5 * * *' */
  readonly retentionSchedule?: string;
  /** Cron schedule of the weekly `restic check` that reads a sample of the data. @default '0 4 * * 0' */
  readonly checkSchedule?: string;
  /** Share of the backup data that each check downloads and verifies, e.g. `10%`. @default '10%' */
  readonly checkReadDataSubset?: string;
  readonly preBackup?: PreBackupHookSpec;
}

/** A private service an app talks to, e.g. its RDS database: one port, an address range per env. */
export interface PrivateServiceSpec {
  /** For people reading the spec and the NetworkPolicy, e.g. `orders-db`. */
  readonly name: string;
  readonly port: number;
  /**
   * Its private address ranges in each env, e.g. the database subnets. An env without any gets no access.
   * Policies match ranges and ports only: another app's service in the same range, on the same port, is
   * reachable too (docs/add-an-app.md).
   */
  readonly cidrs: Readonly<Partial<Record<EnvName, readonly string[]>>>;
}

/** Fluent Bit's built-in parsers an app's stdout can ask for; JSON lines are merged without asking. */
export type LogParser = 'apache2' | 'apache_error' | 'nginx' | 'json';
export const LOG_PARSERS: readonly LogParser[] = ['apache2', 'apache_error', 'nginx', 'json'];

/** Limits the Gateway enforces in front of the app, so one app's flood cannot starve the others. */
export interface EdgeSpec {
  /**
   * Requests per second the Gateway lets through to the app for each of its hosts, on each Envoy replica
   * (2 to 6 by default), shared by all clients; more get 429. So an app with 3 hosts on 4 replicas may get
   * up to 12 times this in all, and one client can use up a host's share for everyone. @default 100
   */
  readonly requestsPerSecond?: number;
  /**
   * Largest request body, e.g. `64Mi` for uploads: a request whose Content-Length is larger gets 413 from the
   * Gateway before its body is read. A body sent without Content-Length (chunked) reaches the app, whose own
   * limit holds for it. @default '10Mi'
   */
  readonly maxBodySize?: string;
  /**
   * Seconds a request may take end to end before the Gateway answers 504; the Gateway also waits this long
   * for the request itself to arrive (an upload), where it would otherwise give up after 60 with 408. @default 60
   */
  readonly timeoutSeconds?: number;
}

/** N error-level log lines of the app within M minutes raise an alert. */
export interface ErrorBurstSpec {
  /** Error lines that make a burst. @default 10 */
  readonly count?: number;
  /** The window they must fall in. @default 5 */
  readonly minutes?: number;
}

/** Tuning of the app's generated alert rules; every app gets the rules whether or not this is set. */
export interface AppAlertsSpec {
  readonly errorBurst?: ErrorBurstSpec;
  /**
   * Who else gets this app's alerts by email (its team, its customer), besides the cluster's receivers.
   * Only the app's own rules go to them, never the platform's; the cluster's SMTP relay must accept them.
   * @default none
   */
  readonly email?: readonly string[];
}

/** The one GitHub repository and branch whose pipeline may release an app to staging (docs/app-pipeline.md). */
export interface ReleasedFromSpec {
  /** `owner/name` of the app's GitHub repository, e.g. `acme-web/shop`. */
  readonly repository: string;
  /** The branch its releases are built from. @default 'main' */
  readonly branch?: string;
}

/**
 * One web app, as plain data. Copy a file in apps/ and change the values to add one.
 * Per-env differences (replicas, hosts, resources) go in clusters/<env>/cluster.ts.
 */
export interface AppSpec {
  /** DNS-1123 label; becomes the namespace, service account and bucket stem. */
  readonly name: string;
  /** One line for people reading the overview. */
  readonly description: string;
  /**
   * The image repository, without tag or digest, e.g. `ghcr.io/acme-web/shop`. The version each env runs
   * (tag and digest) is in `clusters/<env>/releases.json`, set by `npm run release`.
   */
  readonly imageRepository: string;
  /**
   * Where the app's own pipeline runs. A release sent by a pipeline (a dispatch) is applied only when it
   * carries a GitHub OIDC token of this repository's run of app-pipeline.yml on this branch, so one app's
   * repository cannot release another app. Without it, the app is released only from here (Actions →
   * release, or `npm run release`). @default none: no dispatch is accepted for the app
   */
  readonly releasedFrom?: ReleasedFromSpec;
  /** The port the container listens on. */
  readonly port: number;
  /** `public`: anyone may reach it. `internal`: staff only, behind login and an IP allowlist. */
  readonly exposure: 'public' | 'internal';
  /** The app's hostnames in each env. Each must sit under that cluster's domain unless the cluster allows it. */
  readonly hosts: Readonly<Partial<Record<EnvName, readonly string[]>>>;
  /** HTTP path that answers 200 when the app can serve. */
  readonly healthCheckPath: string;
  readonly resources: ResourceSpec;
  readonly scaling: ScalingSpec;
  /** Plain, non-secret settings. */
  readonly env?: Readonly<Record<string, string>>;
  readonly secrets?: readonly SecretRef[];
  /** The uid (and gid) the app runs as; never 0. @default 10001 */
  readonly runAsUser?: number;
  /**
   * Why the app must run below uid 10000, where the manifest scanners want it (e.g. the image's files
   * belong to `www-data`, 33). Required exactly when runAsUser is below 10000; the app's pods carry it
   * as their scanner exemption.
   */
  readonly runAsUserReason?: string;
  /** Paths the app must write to besides its storage (read-only root otherwise), e.g. `/tmp`. @default ['/tmp'] */
  readonly writablePaths?: readonly string[];
  /**
   * Lets the app open HTTPS connections to the internet (payment APIs, a mail provider's HTTP API), and so
   * use its bucket through the S3 API, whose addresses are public (its pods then reach the Pod Identity agent
   * for its role's credentials). @default false
   */
  readonly outboundHttps?: boolean;
  /**
   * Lets the app submit mail to a relay on the internet (SMTP submission: 587 with STARTTLS, 465 with TLS),
   * e.g. a contact form's mail. Port 25 stays closed. A relay inside the network is a `privateServices` entry. @default false
   */
  readonly outboundSmtp?: boolean;
  /** Private services the app reaches inside the network (its database, a cache); nothing else private is open. */
  readonly privateServices?: readonly PrivateServiceSpec[];
  /** The app's files, kept in its own S3 bucket, mounted into its pods. Without it the app still has its bucket, through the S3 API where `outboundHttps` lets it out. */
  readonly storage?: StorageSpec;
  /** How the app is backed up; every app is, whether or not it sets this. */
  readonly backup?: BackupSpec;
  /** How Fluent Bit parses the app's log lines into fields (e.g. `apache2` for Apache's access log). @default JSON lines are merged, others kept as text */
  readonly logParser?: LogParser;
  /**
   * Days Elasticsearch keeps the app's logs (its container and Gateway lines): at least this, at most twice
   * this (its streams roll over at this age; docs/logs.md, "Shards"). @default the cluster's
   */
  readonly logRetentionDays?: number;
  /**
   * The most log lines a second Fluent Bit ships of the app on each node, after a burst of 10 seconds' worth;
   * past it the node drops the app's lines, counts them, and says so once a minute in the app's logs
   * (docs/logs.md, "Log budget"). Whole number, 10 to 5000. @default 200
   */
  readonly logLinesPerSecond?: number;
  readonly edge?: EdgeSpec;
  readonly alerts?: AppAlertsSpec;
}
