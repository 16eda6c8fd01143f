import type { AccessSpec } from './access-spec';
import type { EnvName, ResourceSpec, ScalingSpec, StorageDriver } from './app-spec';
import { defaultStateBucketOf } from './naming';

/** Where an env's cluster file is by convention. */
export const clusterFileOf = (env: string): string => `clusters/${env}/cluster.ts`;

export const LETSENCRYPT_PRODUCTION = 'https://acme-v02.api.letsencrypt.org/directory';
export const LETSENCRYPT_STAGING = 'https://acme-staging-v02.api.letsencrypt.org/directory';

export interface NodePoolSpec {
  readonly instanceTypes: readonly string[];
  readonly capacityType: 'ON_DEMAND' | 'SPOT';
  /** At least 3: one node per availability zone. */
  readonly min: number;
  readonly max: number;
  readonly diskGiB: number;
}

/** How staff reach internal apps: OIDC login (preferred) or basic auth, optionally only from some networks. */
export interface InternalAccessSpec {
  readonly oidc?: {
    readonly issuer: string;
    readonly clientId: string;
    /** The client secret's name in the store, under `webapps/<env>/platform/`. */
    readonly clientSecret: string;
    /**
     * Where the Gateway's proxies fetch the issuer's signing keys: `jwks_uri` of its discovery document
     * (`<issuer>/.well-known/openid-configuration`), an https:// URL on port 443. Required once any app lists
     * `access.apps.<app>.loginGroups` or `adminGroups` is set: the proxies check the ID token with these keys
     * before they read its groups. @default unset (no group check)
     */
    readonly jwksUri?: string;
    /** The ID token claim that lists the person's groups, a JSON array of strings; a dot reaches into an object (`realm.groups`). @default 'groups' */
    readonly groupsClaim?: string;
    /** IdP groups let into every internal app whatever its `loginGroups` say: the platform admins' group(s). @default [] */
    readonly adminGroups?: readonly string[];
  };
  /** Fallback when there is no OIDC provider: an htpasswd secret's name in the store, under `webapps/<env>/platform/`. */
  readonly basicAuthSecret?: string;
  /** Client networks (CIDR) that may reach internal apps at all. @default [] (any network, after login) */
  readonly allowedCidrs?: readonly string[];
}

/** Chat services ElastAlert2 posts to through one incoming-webhook URL, by its alerter name. */
export type ChatService = 'slack' | 'mattermost' | 'googlechat';
export const CHAT_SERVICES: readonly ChatService[] = ['slack', 'mattermost', 'googlechat'];

/** Mail through an SMTP relay. Its login, if any, lives in the secret store, never here. */
export interface EmailReceiverSpec {
  readonly to: readonly string[];
  readonly from: string;
  readonly smtpHost: string;
  /** 587 (STARTTLS) or 465 (TLS from the first byte); ElastAlert2's namespace may reach this one only. @default 587 */
  readonly smtpPort?: number;
  /** A secret under `webapps/<env>/platform/` holding JSON `{"user": …, "password": …}`. Unset: the relay needs no login. */
  readonly credentialsSecret?: string;
}

export interface ChatReceiverSpec {
  readonly service: ChatService;
  /** A secret under `webapps/<env>/platform/` whose JSON property `url` is the incoming-webhook URL (it embeds a token). */
  readonly webhookSecret: string;
}

/** Who hears about the alert rules: every rule goes to every receiver listed here. */
export interface AlertingSpec {
  readonly email: EmailReceiverSpec;
  readonly chat?: ChatReceiverSpec;
}

/** What one env may change about an app. Anything left out keeps the app file's value. */
export interface AppOverride {
  readonly hosts?: readonly string[];
  readonly resources?: ResourceSpec;
  readonly scaling?: ScalingSpec;
  readonly env?: Readonly<Record<string, string>>;
}

export interface ClusterSpec {
  /** Who may do what: platform admins, and per app its developers and viewers. */
  readonly access: AccessSpec;
  /** DNS-1123 label; names the EKS cluster and prefixes its cloud resources. */
  readonly name: string;
  readonly env: EnvName;
  /** Every app host sits under this domain unless listed in `extraHostDomains`. */
  readonly domain: string;
  /** Further domains whose hosts this cluster may serve (customer vanity domains). @default [] */
  readonly extraHostDomains?: readonly string[];
  /**
   * The existing Route53 hosted zone id (e.g. `Z0123456789ABCDEFGHIJ`) of each extra host domain whose
   * records external-dns may write. Extra domains not listed here get no DNS from the cluster: their
   * owner points them at the Gateway. The cluster's own `domain` gets a zone of its own. @default {}
   */
  readonly extraHostZones?: Readonly<Record<string, string>>;
  /**
   * The id of the Route53 zone the cloud stack creates for `domain` (Terraform output `dns_zone_id`, e.g.
   * `Z0123456789ABCDEFGHIJ`). Once set, every app host one label below `domain` shares one listener and
   * one wildcard certificate (`*.<domain>`, ACME DNS-01 in that zone); until then each host has its own
   * (HTTP-01). See docs/gateway-layout.md. It is also the zone id external-dns keeps (model/dns-zones.ts);
   * until it is set, external-dns finds its zones by domain alone. @default unset
   */
  readonly dnsZoneId?: string;
  readonly region: string;
  /** Where backups are replicated; must differ from `region`. */
  readonly offsiteRegion: string;
  readonly kubernetesVersion: string;
  readonly nodePool: NodePoolSpec;
  readonly acme: { readonly server: string; readonly email: string };
  readonly internalAccess: InternalAccessSpec;
  /** The receivers of the alert rules (ElastAlert2). Optional until the alerting add-on is wired; synth then requires it. */
  readonly alerting?: AlertingSpec;
  /** Platform add-ons to leave out of the default set (by name). @default [] */
  readonly disabledAddOns?: readonly string[];
  /** The apps this cluster runs, by name, with this env's overrides. */
  readonly apps: Readonly<Record<string, AppOverride>>;
  /**
   * The data ledger: every app whose bucket this cluster keeps. Each app in `apps` is `'live'` here. An
   * app taken out of `apps` stays here as retired, so its bucket stays in Terraform: synth stops while
   * an entry is `'live'` but the app is gone. Deleting an entry is the one way to give data up.
   */
  readonly appData: Readonly<Record<string, AppDataState>>;
  /** CIDRs that may reach the Kubernetes API's public endpoint. Empty: the endpoint is private only. @default [] */
  readonly adminCidrs?: readonly string[];
  /** The VPC. @default see NetworkSpec */
  readonly network?: NetworkSpec;
  /** The app buckets. @default see DataSpec */
  readonly data?: DataSpec;
  /** The backup vault: a bucket near the cluster, replicated to a locked bucket in `offsiteRegion`. @default see BackupVaultSpec */
  readonly backupVault?: BackupVaultSpec;
  /** Where Terraform keeps this cluster's state. @default see TerraformStateSpec */
  readonly terraformState?: TerraformStateSpec;
  /** The Elasticsearch of the logs. @default see ElasticsearchSpec */
  readonly elasticsearch?: ElasticsearchSpec;
  /** What the env may cost a month, watched by AWS Budgets. @default no budget */
  readonly costBudget?: CostBudgetSpec;
}

/**
 * A monthly cost budget for the env's AWS account (each cluster has its account to itself): say what the
 * servers it replaces cost. AWS Budgets emails `alerting.email.to` when the month's actual cost passes 80 %
 * of it, and when AWS forecasts the month past 100 %; `npm run cost` sets its estimate against it.
 */
export interface CostBudgetSpec {
  /** In USD, e.g. `1200` or `1249.50`. */
  readonly monthlyUsd: number;
}

export interface ElasticsearchSpec {
  /**
   * Data nodes (each also master-eligible), one per Kubernetes node. Synth stops when the log shards would
   * not fit them (constructs/logging/shard-budget.ts). @default derived from the app count: enough for the
   * shard estimate at 80 % of the budget, and at least the env's minimum (1 on staging, 3 on prod)
   */
  readonly dataNodes?: number;
}

/** An app this cluster no longer runs, whose bucket (and backups) it keeps. */
export interface RetiredAppData {
  /** The day the app left `apps`, `YYYY-MM-DD`. */
  readonly retiredOn: string;
  /** Why the data is kept, and who may decide to give it up. */
  readonly reason: string;
  /**
   * The driver of the app's volumes: its storage's, or Mountpoint for an app without storage, whose backup
   * and restore jobs mounted its bucket (`npm run retire` records it from the app file, which it deletes). Its PersistentVolumes and claims stay in the cluster and name that driver, so
   * the driver stays as long as this note says so: to unmount the app's pods, which Flux removes only after
   * the platform layer, and to mount the volumes again should the app come back.
   * @default unset (not recorded)
   */
  readonly storageDriver?: StorageDriver;
}

/** `'live'`: the app runs here. Otherwise it is retired and only its data is kept. */
export type AppDataState = 'live' | RetiredAppData;

export interface NetworkSpec {
  /** The VPC's IPv4 range, a private /16. Each zone gets a private /19 (nodes, pods) and a public /24 (load balancer only). */
  readonly vpcCidr: string;
  /** Exactly three availability zones of `region`. @default `<region>a`, `<region>b`, `<region>c` */
  readonly zones?: readonly string[];
  /** `perZone`: a NAT gateway in each zone, so a zone outage leaves the others' egress up. `single`: one, cheaper. @default 'perZone' */
  readonly natGateways?: 'perZone' | 'single';
}

export interface DataSpec {
  /** Days an app bucket keeps an overwritten or deleted object's previous version. @default 30 */
  readonly noncurrentVersionDays?: number;
  /** Days the access-log buckets keep S3 server access logs. @default 365 */
  readonly accessLogDays?: number;
}

export interface BackupVaultSpec {
  /** Days the near backup bucket keeps noncurrent versions (what restic prune leaves behind). @default 30 */
  readonly nearNoncurrentDays?: number;
  /** GOVERNANCE: a privileged principal may lift the lock. COMPLIANCE: nobody can, not even the root user. @default 'GOVERNANCE' */
  readonly objectLockMode?: 'GOVERNANCE' | 'COMPLIANCE';
  /** Days each offsite object version is locked against overwrite and deletion. @default 30 */
  readonly objectLockDays?: number;
}

export interface TerraformStateSpec {
  /** An existing S3 bucket (versioned, encrypted) for the state; it is created once, outside this stack. @default defaultStateBucketOf(cluster) */
  readonly bucket?: string;
  /** The state bucket's region. @default the cluster's region */
  readonly region?: string;
}

/** A cluster's cloud fields with every default applied: what the CDKTF stack builds from. */
export interface CloudSettings {
  readonly adminCidrs: readonly string[];
  readonly extraHostZones: Readonly<Record<string, string>>;
  readonly network: Required<NetworkSpec>;
  readonly data: Required<DataSpec>;
  readonly backupVault: Required<BackupVaultSpec>;
  readonly terraformState: Required<TerraformStateSpec>;
}

export function cloudSettingsOf(cluster: Omit<ClusterSpec, 'apps'>): CloudSettings {
  const { network, data, backupVault, terraformState } = cluster;
  return {
    adminCidrs: cluster.adminCidrs ?? [],
    extraHostZones: cluster.extraHostZones ?? {},
    network: {
      vpcCidr: network?.vpcCidr ?? '10.0.0.0/16',
      zones: network?.zones ?? ['a', 'b', 'c'].map((zone) => `${cluster.region}${zone}`),
      natGateways: network?.natGateways ?? 'perZone',
    },
    data: {
      noncurrentVersionDays: data?.noncurrentVersionDays ?? 30,
      accessLogDays: data?.accessLogDays ?? 365,
    },
    backupVault: {
      nearNoncurrentDays: backupVault?.nearNoncurrentDays ?? 30,
      objectLockMode: backupVault?.objectLockMode ?? 'GOVERNANCE',
      objectLockDays: backupVault?.objectLockDays ?? 30,
    },
    terraformState: {
      bucket: terraformState?.bucket ?? defaultStateBucketOf(cluster.name),
      region: terraformState?.region ?? cluster.region,
    },
  };
}

/** The apps whose data this cluster keeps but no longer runs, sorted by name. */
export const retiredAppsOf = (cluster: ClusterSpec): string[] =>
  Object.entries(cluster.appData)
    .filter(([, state]) => state !== 'live')
    .map(([name]) => name)
    .sort();
