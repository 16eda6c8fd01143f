/**
 * Every name that more than one place uses is derived here, once: the Kubernetes side, the cloud side
 * and the tests all call these functions, so the two sides cannot drift apart.
 */
import type { EnvName } from './app-spec';

/**
 * The shared Gateway, the one public entry point of a cluster. It lives beside Envoy Gateway, which
 * runs its proxy pods and their one LoadBalancer Service in the same namespace.
 */
export const GATEWAY = { name: 'public', namespace: 'envoy-gateway-system', className: 'envoy' } as const;
/** App NetworkPolicies admit traffic from the proxies in this namespace only. */
export const GATEWAY_PROXY_NAMESPACE = GATEWAY.namespace;
/** The HTTP listener: it only redirects to HTTPS and serves ACME HTTP-01 challenges. */
export const HTTP_LISTENER = 'http';
/** The Secret, in the Gateway's namespace, that holds a host's certificate. */
export const certificateSecretOf = (host: string): string => `tls-${host.replace(/\./g, '-')}`;
/** The ClusterIssuer every certificate comes from. */
export const CLUSTER_ISSUER = 'letsencrypt';
/** The ClusterSecretStore that reads AWS Secrets Manager. */
export const SECRET_STORE = 'aws-secrets-manager';
/** Platform-wide secrets in the store (SSO client secret and the like). */
export const platformSecretKeyOf = (env: EnvName, secret: string): string => `webapps/${env}/platform/${secret}`;
/** Where `flux bootstrap` installs Flux and its GitRepository. */
export const FLUX_NAMESPACE = 'flux-system';
export const FLUX_SOURCE = 'flux-system';

export const LABEL_PREFIX = 'webapps.platform.io';
export const EXPOSURE_LABEL = `${LABEL_PREFIX}/exposure`;
/** On a namespace that enforces less than Pod Security `restricted`: which workload needs that, and why. */
export const POD_SECURITY_REASON_ANNOTATION = `${LABEL_PREFIX}/pod-security-reason`;

export const namespaceOf = (app: string): string => app;
export const serviceAccountOf = (app: string): string => app;
export const serviceOf = (app: string): string => app;
/** The Secret that External Secrets fills from the store and the Deployment reads. */
export const appSecretOf = (app: string): string => `${app}-secrets`;
/** The secret store path of one of an app's secrets: an app can name only secrets under its own path. */
export const secretStoreKeyOf = (env: EnvName, app: string, secret: string): string => `webapps/${env}/${app}/${secret}`;

/** Gateway listener that terminates TLS for one host; routes attach to it by this name. */
export const httpsListenerOf = (host: string): string => `https-${host}`;

/** Labels that select an app's pods. Never change them: Deployment selectors are immutable. */
export const selectorLabelsOf = (app: string): Record<string, string> => ({ 'app.kubernetes.io/name': app });

/** The recommended labels on every object of an app; `instance` is the app too, as each cluster runs it once. */
export const labelsOf = (app: string): Record<string, string> => ({
  ...selectorLabelsOf(app),
  'app.kubernetes.io/instance': app,
  'app.kubernetes.io/part-of': 'webapps',
  'app.kubernetes.io/managed-by': 'webapp-platform',
});

/** The app's data bucket in one cluster (S3 names are global, hence the cluster prefix). */
export const bucketOf = (cluster: string, app: string): string => `${cluster}-${app}-data`;
/** The IAM role the app's pods assume through EKS Pod Identity. */
export const appRoleOf = (cluster: string, app: string): string => `${cluster}-${app}-app`;
/** The ServiceAccount of the app's backup, retention, check and restore jobs: the only one that reaches its backups. */
export const backupServiceAccountOf = (app: string): string => `${app}-backup`;
/** The IAM role of those jobs, bound to backupServiceAccountOf through EKS Pod Identity. */
export const backupRoleOf = (cluster: string, app: string): string => `${cluster}-${app}-backup`;
/** The Secret (filled by External Secrets) that holds the app's restic repository password. */
export const resticSecretOf = (app: string): string => `${app}-restic`;
/** The app's folder in the cluster's backup bucket. */
export const backupPrefixOf = (app: string): string => `${app}/`;
/** The cluster's backup bucket near the cluster (its region): every app's backup job writes below its own prefix. */
export const backupBucketOf = (cluster: string): string => `${cluster}-backup`;
/** The replica of the backup bucket in the offsite region, under Object Lock. */
export const offsiteBackupBucketOf = (cluster: string): string => `${cluster}-backup-offsite`;
/** Where S3 server access logs of the cluster's buckets go; one per region, as S3 requires. */
export const accessLogBucketOf = (cluster: string, site: 'near' | 'offsite'): string =>
  site === 'near' ? `${cluster}-access-logs` : `${cluster}-access-logs-offsite`;
/** The folder of one bucket's logs in an access-log bucket. */
export const accessLogPrefixOf = (bucket: string): string => `${bucket}/`;
/** The bucket that holds the Terraform state, when the cluster spec names none. Created once, outside the stack. */
export const defaultStateBucketOf = (cluster: string): string => `${cluster}-tfstate`;
/** The cluster's Terraform state object in the state bucket. */
export const stateKeyOf = (cluster: string): string => `webapp-platform/${cluster}/terraform.tfstate`;
