/**
 * Every name that more than one place uses is derived here, once: the Kubernetes side, the cloud side
 * and the tests all call these functions, so the two sides cannot drift apart.
 */
import type { EnvName } from './app-spec';

/** The shared Gateway, the one public entry point of a cluster. */
export const GATEWAY = { name: 'public', namespace: 'gateway' } as const;
/** Envoy Gateway runs the Gateway's proxy pods here; app NetworkPolicies admit traffic from it. */
export const GATEWAY_PROXY_NAMESPACE = 'envoy-gateway-system';
/** Where `flux bootstrap` installs Flux and its GitRepository. */
export const FLUX_NAMESPACE = 'flux-system';
export const FLUX_SOURCE = 'flux-system';

export const LABEL_PREFIX = 'webapps.platform.io';
export const EXPOSURE_LABEL = `${LABEL_PREFIX}/exposure`;

export const namespaceOf = (app: string): string => app;
export const serviceAccountOf = (app: string): string => app;
export const serviceOf = (app: string): string => app;
/** The Secret that External Secrets fills from the store and the Deployment reads. */
export const appSecretOf = (app: string): string => `${app}-secrets`;
/** The secret store path of one of an app's secrets: an app can name only secrets under its own path. */
export const secretStoreKeyOf = (env: EnvName, app: string, secret: string): string =>
  `webapps/${env}/${app}/${secret}`;

/** Gateway listener that terminates TLS for one host; routes attach to it by this name. */
export const httpsListenerOf = (host: string): string => `https-${host}`;

/** Labels that select an app's pods. Never change them: Deployment selectors are immutable. */
export const selectorLabelsOf = (app: string): Record<string, string> => ({ 'app.kubernetes.io/name': app });

export const labelsOf = (app: string): Record<string, string> => ({
  ...selectorLabelsOf(app),
  'app.kubernetes.io/part-of': 'webapps',
  'app.kubernetes.io/managed-by': 'webapp-platform',
});

/** The app's data bucket in one cluster (S3 names are global, hence the cluster prefix). */
export const bucketOf = (cluster: string, app: string): string => `${cluster}-${app}-data`;
/** The IAM role the app's pods assume through EKS Pod Identity. */
export const appRoleOf = (cluster: string, app: string): string => `${cluster}-${app}-app`;
/** The app's folder in the cluster's backup bucket. */
export const backupPrefixOf = (app: string): string => `${app}/`;
