/**
 * Every name that more than one place uses is derived here, once: the Kubernetes side, the cloud side
 * and the tests all call these functions, so the two sides cannot drift apart.
 */
import type { EnvName, StorageDriver } from './app-spec';

/**
 * The shared Gateway, the one public entry point of a cluster. It lives beside Envoy Gateway, which
 * runs its proxy pods and their one LoadBalancer Service in the same namespace.
 */
export const GATEWAY = { name: 'public', namespace: 'envoy-gateway-system', className: 'envoy' } as const;
/** App NetworkPolicies admit traffic from the proxies in this namespace only. */
export const GATEWAY_PROXY_NAMESPACE = GATEWAY.namespace;
/**
 * The labels Envoy Gateway v1.5.1 puts on the merged Gateways' proxy pods (internal/infrastructure/kubernetes/proxy/resource.go,
 * envoyLabels; the owner is the class: internal/gatewayapi/helpers.go GatewayClassOwnerLabel). Policies admit those pods,
 * not the whole namespace, where the controller, its certgen Job and ACME solvers run too.
 */
export const GATEWAY_PROXY_POD_LABELS = {
  'app.kubernetes.io/name': 'envoy',
  'app.kubernetes.io/component': 'proxy',
  'app.kubernetes.io/managed-by': 'envoy-gateway',
  'gateway.envoyproxy.io/owning-gatewayclass': GATEWAY.className,
} as const;
/**
 * A ClusterIP Service of ours over those proxy pods, with a name that stays: in-cluster clients (the certificate
 * check) reach every HTTPS listener through it on 443. Envoy Gateway's own Service of the fleet is the public
 * LoadBalancer, with a hashed name (v1.5.1 internal/infrastructure/kubernetes/proxy/resource_provider.go, Service:
 * ExpectedResourceHashedName unless the EnvoyProxy's envoyService.name is set, and setting it now would replace
 * that Service, and with it the NLB and its address).
 */
export const GATEWAY_PROXY_SERVICE = { name: 'gateway-proxies', namespace: GATEWAY.namespace, port: 443 } as const;
/** The HTTP listener: it only redirects to HTTPS and serves ACME HTTP-01 challenges. */
export const HTTP_LISTENER = 'http';
/** The Secret, in the Gateway's namespace, that holds a host's certificate. */
export const certificateSecretOf = (host: string): string => `tls-${host.replace(/\./g, '-')}`;
/** The ClusterIssuer every certificate comes from. */
export const CLUSTER_ISSUER = 'letsencrypt';
/** The ClusterSecretStore that reads AWS Secrets Manager. */
export const SECRET_STORE = 'aws-secrets-manager';
/** The folder of the platform's own keys in the secret store, beside the apps' folders. */
export const PLATFORM_STORE_FOLDER = 'platform';
/** Platform-wide secrets in the store (SSO client secret and the like). */
export const platformSecretKeyOf = (env: EnvName, secret: string): string => `webapps/${env}/${PLATFORM_STORE_FOLDER}/${secret}`;
/** Where `flux bootstrap` installs Flux and its GitRepository. */
export const FLUX_NAMESPACE = 'flux-system';
export const FLUX_SOURCE = 'flux-system';

export const LABEL_PREFIX = 'webapps.platform.io';
export const EXPOSURE_LABEL = `${LABEL_PREFIX}/exposure`;
/** On a namespace that enforces less than Pod Security `restricted`: which workload needs that, and why. */
export const POD_SECURITY_REASON_ANNOTATION = `${LABEL_PREFIX}/pod-security-reason`;

/**
 * The characters an app name is made of (a regex bracket's content): an app name, and a retirement note's, is a
 * DNS-1123 label (APP_NAME), so every name derived from it (namespace, streams, ILM policy) carries no other. The
 * Elasticsearch setup reads our names out of Elasticsearch's answers by these characters alone.
 */
export const APP_NAME_CHARACTERS = 'a-z0-9-';
/** An app name: a DNS-1123 label (its length is checked apart, constructs/validation/input-validation.ts). */
export const APP_NAME = new RegExp(`^[a-z0-9]([${APP_NAME_CHARACTERS}]*[a-z0-9])?$`);
/** The longest app name: short enough that every name derived from it fits its limit (the exec guard counts on it too). */
export const APP_NAME_MAX_LENGTH = 40;

export const namespaceOf = (app: string): string => app;
/** The app's one Deployment; its ReplicaSets and pods take their names from it (the exec guard reads them by it). */
export const deploymentOf = (app: string): string => app;
export const serviceAccountOf = (app: string): string => app;
export const serviceOf = (app: string): string => app;
/** The emptyDir volume of one of the app's writable paths, e.g. `/var/run/apache2` → `scratch-var-run-apache2`. */
export const scratchVolumeOf = (path: string): string => `scratch${path.replace(/[^a-z0-9]+/g, '-')}`.replace(/-$/, '');
/** The Secret that External Secrets fills from the store and the Deployment reads. */
export const appSecretOf = (app: string): string => `${app}-secrets`;
/** The secret store path of one of an app's secrets: an app can name only secrets under its own path. */
export const secretStoreKeyOf = (env: EnvName, app: string, secret: string): string => `webapps/${env}/${app}/${secret}`;

/**
 * On an app namespace: the hosts its routes may serve, separated by spaces. The route host guard reads it;
 * only the platform layer writes namespaces.
 */
export const HOSTS_ANNOTATION = `${LABEL_PREFIX}/hosts`;

/** Gateway listener that terminates TLS for one host; routes attach to it by this name. */
export const httpsListenerOf = (host: string): string => `https-${host}`;

/** Labels that select an app's pods. Never change them: Deployment selectors are immutable. */
export const selectorLabelsOf = (app: string): Record<string, string> => ({ 'app.kubernetes.io/name': app });

/** On every app object; on a Namespace it marks an app namespace, which the admission guards select. */
export const APP_PART_OF_LABEL = { 'app.kubernetes.io/part-of': 'webapps' } as const;

/** The recommended labels on every object of an app; `instance` is the app too, as each cluster runs it once. */
export const labelsOf = (app: string): Record<string, string> => ({
  ...selectorLabelsOf(app),
  'app.kubernetes.io/instance': app,
  ...APP_PART_OF_LABEL,
  'app.kubernetes.io/managed-by': 'webapp-platform',
});

/**
 * What the name of every bucket of a cluster starts with (S3 names are global): the app buckets, the backup
 * buckets, the log buckets and the default state bucket. The audit trail records the data events of the
 * buckets named so, all but the log and state buckets (cloud/audit-trail.ts).
 */
export const clusterBucketPrefixOf = (cluster: string): string => `${cluster}-`;
/** The app's data bucket in one cluster (S3 names are global, hence the cluster prefix). */
export const bucketOf = (cluster: string, app: string): string => `${clusterBucketPrefixOf(cluster)}${app}-data`;
/**
 * The PersistentVolumes (and their claims, of the same name) over an app's bucket: the app's own mount, and
 * with Mountpoint one each for the restore and the backup job. PVs are cluster-wide, so each carries the app.
 * A volume's name is its stem, `<app>-<use>`, and a hash of what Kubernetes refuses to change on a live PV
 * and PVC (app/bucket-volume.ts): a changed source is a new volume, never an update of the old one.
 */
export type BucketVolumeName = 'data' | 'restore' | 'backup';
export const bucketVolumeStemOf = (app: string, use: BucketVolumeName): string => `${app}-${use}`;
export const bucketVolumeNameOf = (app: string, use: BucketVolumeName, sourceHash: string): string => `${bucketVolumeStemOf(app, use)}-${sourceHash}`;
/** The stems of an app's bucket volumes with this driver. */
export const bucketVolumeStemsOf = (app: string, driver: StorageDriver): string[] =>
  (driver === 'mountpoint-s3' ? (['data', 'restore', 'backup'] as const) : (['data'] as const)).map((use) => bucketVolumeStemOf(app, use));
/**
 * On every pod that mounts a bucket volume whose driver keys a node's mount by the bucket (GeeseFS): the
 * hash of that volume's source. Pods of two sources never share a node (app/bucket-volume.ts says why).
 */
export const VOLUME_SOURCE_LABEL = `${LABEL_PREFIX}/volume-source`;
/**
 * The IAM role that the pods of every app of a cluster assume through EKS Pod Identity, one for the apps whose
 * storage deletes and one for the others: a role per use, not per app (cloud/app-role.ts, cloud/shared-pod-identity-role.ts). Its policy
 * reaches each session's own bucket by the namespace EKS tags the session with.
 */
export const appRoleOf = (cluster: string, deletes: boolean): string => `${cluster}-apps${deletes ? '-deleting' : ''}`;
/** The app's restic jobs. Each runs as the account of its job, whose role may do only what that job does. */
export type BackupJobKind = 'backup' | 'retention' | 'check' | 'restore';
/** The ServiceAccount of the app's backup job: it reads the live bucket, adds to the app's backups and removes only lock files. */
export const backupServiceAccountOf = (app: string): string => `${app}-backup`;
/** The IAM role of every app's backup job, bound to each app's backupServiceAccountOf through EKS Pod Identity. */
export const backupRoleOf = (cluster: string): string => `${cluster}-apps-backup`;
/** The ServiceAccount of the app's check job: it reads the app's backups and writes only lock files, never the live bucket. */
export const backupCheckServiceAccountOf = (app: string): string => `${app}-backup-check`;
/** The IAM role of every app's check job, bound to each app's backupCheckServiceAccountOf. */
export const backupCheckRoleOf = (cluster: string): string => `${cluster}-apps-backup-check`;
/** The ServiceAccount of the app's retention job (`forget --prune`): the only one that deletes backups. */
export const retentionServiceAccountOf = (app: string): string => `${app}-retention`;
/** The IAM role of every app's retention job, bound to each app's retentionServiceAccountOf. */
export const retentionRoleOf = (cluster: string): string => `${cluster}-apps-retention`;
/** The ServiceAccount of the app's restore job: the only job that writes the app's live bucket. */
export const restoreServiceAccountOf = (app: string): string => `${app}-restore`;
/** The IAM role of every app's restore job, bound to each app's restoreServiceAccountOf. */
export const restoreRoleOf = (cluster: string): string => `${cluster}-apps-restore`;
/** Which ServiceAccount each backup job has, and the one role of its kind that every app's job of that kind holds. */
export const BACKUP_JOB_NAMES: Readonly<
  Record<BackupJobKind, { readonly serviceAccountOf: (app: string) => string; readonly roleOf: (cluster: string) => string }>
> = {
  backup: { serviceAccountOf: backupServiceAccountOf, roleOf: backupRoleOf },
  check: { serviceAccountOf: backupCheckServiceAccountOf, roleOf: backupCheckRoleOf },
  retention: { serviceAccountOf: retentionServiceAccountOf, roleOf: retentionRoleOf },
  restore: { serviceAccountOf: restoreServiceAccountOf, roleOf: restoreRoleOf },
};
/** Which ServiceAccount each backup job runs as. */
export const backupJobServiceAccountOf = (app: string, job: BackupJobKind): string => BACKUP_JOB_NAMES[job].serviceAccountOf(app);
/** Which IAM role each backup job holds: the role of its kind, bound to its ServiceAccount. */
export const backupJobRoleOf = (cluster: string, job: BackupJobKind): string => BACKUP_JOB_NAMES[job].roleOf(cluster);
/** The Secret (filled by External Secrets) that holds the app's restic repository password. */
export const resticSecretOf = (app: string): string => `${app}-restic`;
/** The app's folder in the cluster's backup bucket. */
export const backupPrefixOf = (app: string): string => `${app}/`;
/** The cluster's backup bucket near the cluster (its region): every app's backup job writes below its own prefix. */
export const backupBucketOf = (cluster: string): string => `${cluster}-backup`;
/** The replica of the backup bucket in the offsite region, under Object Lock. */
export const offsiteBackupBucketOf = (cluster: string): string => `${cluster}-backup-offsite`;
/** Where the VPC's flow logs go: a bucket of their own that only the log delivery service writes. */
export const flowLogBucketOf = (cluster: string): string => `${cluster}-flow-logs`;
/** Where the CloudTrail trail of the cluster's account writes: a bucket of its own that only CloudTrail writes. */
export const trailBucketOf = (cluster: string): string => `${cluster}-cloudtrail`;
/** The CloudTrail trail that records management events and the data events of the app and backup buckets. */
export const trailOf = (cluster: string): string => `${cluster}-audit`;
/** Where S3 server access logs of the cluster's buckets go; one per region, as S3 requires. */
export const accessLogBucketOf = (cluster: string, site: 'near' | 'offsite'): string =>
  site === 'near' ? `${cluster}-access-logs` : `${cluster}-access-logs-offsite`;
/** The folder of one bucket's logs in an access-log bucket. */
export const accessLogPrefixOf = (bucket: string): string => `${bucket}/`;
/** The bucket that holds the Terraform state, when the cluster spec names none. Created once, outside the stack. */
export const defaultStateBucketOf = (cluster: string): string => `${cluster}-tfstate`;
/** The cluster's Terraform state object in the state bucket. */
export const stateKeyOf = (cluster: string): string => `webapp-platform/${cluster}/terraform.tfstate`;

/** Namespaces carrying this label may use the ClusterSecretStore. */
export const SECRET_CONSUMER_LABEL = `${LABEL_PREFIX}/secrets`;

/** Flux leaves an object with this annotation in the cluster when it disappears from git. */
export const FLUX_PRUNE_DISABLED = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } as const;

/** The IAM user whose access key a GeeseFS app's volume mounts with (k8s-csi-s3 cannot use Pod Identity). */
export const geesefsUserOf = (cluster: string, app: string): string => `${cluster}-${app}-geesefs`;

/** The Secret that holds a GeeseFS app's S3 keys, and the store entry it is filled from. */
export const s3CredentialsSecretOf = (app: string): string => `${app}-s3-credentials`;

export const S3_CREDENTIALS_STORE_SECRET = 's3-credentials';

/** The port every app Service listens on; the Gateway routes to it. */
export const SERVICE_PORT = 80;
