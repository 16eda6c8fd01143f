import { serviceOf } from '../model/naming';

/**
 * Env var names an app may set. A C identifier, as the Kubernetes docs recommend: Kubernetes itself takes
 * any printable ASCII but "=", but a name with "-" or "." cannot be read from a shell (`$MY-VAR` is
 * `$MY` followed by "-VAR"), and entrypoint scripts are shell scripts more often than not.
 */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The AWS SDKs' credential, region, endpoint and config variables. EKS Pod Identity sets
 * AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, AWS_REGION,
 * AWS_DEFAULT_REGION and AWS_STS_REGIONAL_ENDPOINTS in every pod of a ServiceAccount with an association;
 * an app's own value would replace them (an env var the container sets wins over the injected one) or
 * send the SDK elsewhere: the app's AWS access must come from its Pod Identity role only.
 */
const AWS_RESERVED: readonly string[] = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_STS_REGIONAL_ENDPOINTS',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_EC2_METADATA_SERVICE_ENDPOINT',
];

/** What the container runtime sets and an app must not replace. */
const RUNTIME_SET: Readonly<Record<string, string>> = {
  HOSTNAME: 'the container runtime sets it to the pod name',
  PATH: "it would replace the image's search path for programs",
};

/** A service's name as its service-link variables spell it: `my-app` → `MY_APP`. */
const serviceLinkPrefixOf = (service: string): string => service.toUpperCase().replace(/-/g, '_');

/**
 * Why an app may not set this env var, or undefined if it may. `app` is the app's name: the kubelet adds
 * service-link variables for each Service of the pod's namespace (the app's own) and for `kubernetes`.
 */
export function envNameProblem(name: string, app: string): string | undefined {
  if (!ENV_NAME.test(name)) return 'must be a C identifier (letters, digits, "_", not starting with a digit): a shell cannot read other names';
  const upper = name.toUpperCase();
  if (upper.startsWith('KUBERNETES_')) return 'is reserved: the kubelet sets KUBERNETES_SERVICE_HOST, KUBERNETES_PORT and the like for the API server';
  if (/_SERVICE_(HOST|PORT)(_|$)/.test(upper)) {
    return "is reserved: names ending in _SERVICE_HOST or _SERVICE_PORT are the kubelet's service links, and a Service added later would take it over";
  }
  const own = serviceLinkPrefixOf(serviceOf(app));
  if (upper === `${own}_PORT` || upper.startsWith(`${own}_PORT_`)) {
    return `is reserved: the kubelet sets ${own}_PORT and ${own}_PORT_<port>_TCP… for the app's own Service "${serviceOf(app)}"`;
  }
  if (AWS_RESERVED.includes(upper) || upper.startsWith('AWS_ENDPOINT_URL')) {
    return 'is reserved: the AWS SDK reads it for credentials, region or endpoints, which EKS Pod Identity sets; the app gets AWS access from its role only';
  }
  const runtime = RUNTIME_SET[upper];
  if (runtime) return `is reserved: ${runtime}`;
  return undefined;
}
