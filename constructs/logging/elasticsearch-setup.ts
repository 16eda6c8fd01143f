import { createHash } from 'node:crypto';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { EnvName } from '../model/app-spec';
import { hardenedContainer, restrictedPod } from '../blocks/hardened-container';
import { ELASTICSEARCH_CA_SECRET, ELASTICSEARCH_URL, KIBANA, KIBANA_CA_SECRET, KIBANA_URL, REPORT_KEY, SETUP_EVENT } from '../model/log-contract';
import type { ResolvedApp } from '../model/resolve';
import { exemptionAnnotations, PER_FLOW_NETWORK_POLICIES, PINNED_IMAGE_PULL, type ScannerExemption } from '../model/scanner-exemptions';
import { APP_NAME } from '../model/naming';
import { PLATFORM_PRIORITY } from '../model/priority-names';
import { dataViewRequestsOf, defaultDataViewRequest } from './data-views';
import { esUserSecretOf, SETUP_ES_USER } from './elasticsearch-users';
import {
  APP_LOG_POLICY_PREFIX,
  APP_RETENTION_NAME_BRE,
  keptRetentionOf,
  RETENTION_IN_USE,
  RETENTION_LISTINGS,
  retentionRemovalOf,
  retentionRequestsOf,
  type EsRequest,
} from './log-retention';
import { elastalertIndexTemplateOf } from './elastalert-indices';

export const SETUP_IMAGE = 'docker.io/curlimages/curl:8.16.0';
/** What a job of a curl script in that image uses: a few requests, nothing written but its log. */
export const CURL_JOB_RESOURCES = {
  requests: { cpu: '10m', memory: '16Mi', 'ephemeral-storage': '16Mi' },
  limits: { cpu: '200m', memory: '64Mi', 'ephemeral-storage': '64Mi' },
} as const;
/** The ConfigMap of requests and the hourly CronJob. */
export const SETUP_NAME = 'elasticsearch-setup';
/** The one-shot Job of the setup layer, recreated (Flux `force`) whenever its requests change. */
export const SETUP_JOB_NAME = `${SETUP_NAME}-apply`;
/** The pod template annotation that carries the requests' hash, so a changed request changes the Job. */
export const SETUP_HASH_ANNOTATION = 'webapp-platform/requests-sha256';
/**
 * curl runs as any uid; the image's own curl_user (100) is below the 10000 the scanners want. The
 * fsGroup makes the password file (mode 0440) readable to it: without one, the file is root's.
 */
const SETUP_USER = 10100;
/** The recommended labels; the instance is the object itself, as the platform runs one of each. */
const labelsOf = (instance: string) => ({
  'app.kubernetes.io/name': SETUP_NAME,
  'app.kubernetes.io/instance': instance,
  'app.kubernetes.io/part-of': 'platform',
});
/** kube-linter wants a TTL on a standalone Job; this one must stay (SETUP_JOB_NAME). */
const NO_TTL_FOR_A_FLUX_JOB: ScannerExemption = {
  scanner: 'kube-linter',
  check: 'job-ttl-seconds-after-finished',
  reason:
    'Flux applies this Job from git: a TTL would delete it once it ran, and Flux would create and run it again at every ' +
    'reconcile; it stays until its requests change, when Flux replaces it (force)',
};

/** Where the pod mounts what it reads; SETUP_ROOT (empty in the cluster) lets a test run the script elsewhere. */
export const SETUP_MOUNTS = {
  requests: '/config',
  credentials: '/run/es-user',
  esCa: '/run/es-ca',
  kibanaCa: '/run/kibana-ca',
} as const;
const PASSWORD_FILE = 'password';
const CA_FILE = 'ca.crt';

/** Where one request goes. */
export type SetupTarget = 'es' | 'kibana';

export interface SetupRequest extends EsRequest {
  readonly method: 'PUT' | 'POST';
  readonly target: SetupTarget;
  /** Its body's key in the ConfigMap. */
  readonly file: string;
  /** The key of its `ifExists` body, when it has one. */
  readonly updateFile?: string;
}

/**
 * The app name as the script's prune holds it: the TS functions are called with this sh expansion in place of a
 * name, so the script's paths are theirs (the streams from appStreamsOf, the names from appLogPolicyOf).
 */
const SH_APP = '${app}';
/** What the prune's paths may contain besides the app: a path's characters, and nothing sh expands in double quotes. */
const SH_SAFE_PATH = /^[A-Za-z0-9_.,:*?=&/-]+$/;
const shPath = (path: string): string => {
  if (!path.includes(SH_APP) || !SH_SAFE_PATH.test(path.split(SH_APP).join(''))) throw new Error(`not a path the prune can send: ${path}`);
  return path;
};

/**
 * The app retention the setup takes away: every template and policy named as an app's own retention that
 * Elasticsearch holds and `keep` does not name (log-retention.ts, keptRetentionOf and retentionRemovalOf).
 */
export interface SetupPrune {
  /** The names kept: the default, each live app's own retention, each retired app's. */
  readonly keep: readonly string[];
  /** The ConfigMap key of the body that puts a pruned app's streams back on the default policy. */
  readonly file: string;
  readonly body: unknown;
}

export function setupPruneOf(apps: readonly ResolvedApp[], retiredApps: readonly string[]): SetupPrune {
  const keep = keptRetentionOf(apps, retiredApps);
  // The script quotes them in sh and compares them with names read by APP_RETENTION_NAME_BRE.
  const odd = keep.filter((name) => !name.startsWith(APP_LOG_POLICY_PREFIX) || !APP_NAME.test(name.slice(APP_LOG_POLICY_PREFIX.length)));
  if (odd.length > 0) throw new Error(`retention names to keep that are not the prefix and an app name: ${odd.join(', ')}`);
  return { keep, file: 'es-prune.json', body: retentionRemovalOf(SH_APP).streams.body };
}

/** The ConfigMap's files: each request's body, and its update's, and the prune's. */
export function setupFilesOf(requests: readonly SetupRequest[], prune: SetupPrune): Record<string, unknown> {
  return Object.fromEntries([
    ...requests.flatMap((r) => [[r.file, r.body] as const, ...(r.ifExists && r.updateFile ? [[r.updateFile, r.ifExists.body] as const] : [])]),
    [prune.file, prune.body] as const,
  ]);
}

/**
 * The prune, after every other Elasticsearch request (the default template and policy exist by then): list the
 * names, then for each one not kept, in this order, its template, its streams back on the default, its policy.
 * Each step is idempotent, so a run stopped anywhere is finished by the next one: a name stays listed until its
 * policy, the last step, is gone. The listings use `filter_path`, and the names are read with grep (there is
 * no jq in the image) by APP_RETENTION_NAME_BRE, so no other name is ever touched.
 */
function pruneScript(prune: SetupPrune): string {
  const removal = retentionRemovalOf(SH_APP);
  return `keep='${prune.keep.join('\n')}'
names() { # the names of app retention in the last answer; none when it was a 404
  [ "$status" = 404 ] || printf '%s' "$answer" | grep -o '${APP_RETENTION_NAME_BRE}' | tr -d '"'
}
prune() { # one name not kept: its template, then its streams' indices back on the default policy, then its policy
  app=\${1#${APP_LOG_POLICY_PREFIX}}
  request DELETE es "${shPath(removal.template)}"
  expect 404
  send PUT es "${shPath(removal.streams.path)}" ${prune.file}
  request DELETE es "${shPath(removal.policy)}"
  # Indices that still have the policy (a failure store's, made by the template, until the policy deletes them).
  case "$status $answer" in "400 "*'${RETENTION_IN_USE}'*) printf 'kept %s, still in use; the next run deletes it once no index has it: %s\\n' "$1" "$answer" >&2; return 0 ;; esac
  expect 404
}
request GET es "${RETENTION_LISTINGS.templates}"
expect 404
listed=$(names)
request GET es "${RETENTION_LISTINGS.policies}"
expect 404
listed="$listed$nl$(names)"
for name in $(printf '%s\\n' "$listed" | sort -u); do
  case "$nl$keep$nl" in *"$nl$name$nl"*) ;; *) prune "$name" ;; esac
done`;
}

/** Every request, in order: components, policies and templates before any data view. */
export function setupRequestsOf(env: EnvName, apps: readonly ResolvedApp[]): SetupRequest[] {
  const numbered = (prefix: string, i: number) => `${prefix}-${String(i).padStart(2, '0')}.json`;
  return [
    ...[...retentionRequestsOf(env, apps), elastalertIndexTemplateOf(env)].map((r, i) => ({
      ...r,
      method: 'PUT' as const,
      target: 'es' as const,
      file: numbered('es', i),
    })),
    ...[...dataViewRequestsOf(apps), defaultDataViewRequest()].map((r, i) => ({
      ...r,
      method: 'POST' as const,
      target: 'kibana' as const,
      file: numbered('kibana', i),
      ...(r.ifExists ? { updateFile: numbered('kibana', i).replace(/\.json$/, '-update.json') } : {}),
    })),
  ];
}

/** How long a request answered 401 is asked again, and how often: the new user's way into Elasticsearch. */
const UNAUTHORIZED_WAIT_SECONDS = 600;
const UNAUTHORIZED_PAUSE_SECONDS = 15;

/**
 * The setup script (POSIX sh; busybox ash in the image): one idempotent request per file of the
 * ConfigMap, over verified TLS, as the setup user. It stops at the first refusal, and its last line is
 * always a JSON report (`status` success or failure, the `step` it reached, the `exit_code`) that an
 * alert rule reads. The password goes to curl on stdin (`-K -`), never in an argument or the environment.
 * A request with `ifExists` is an upsert: a GET of that path, then the update there, or on a 404 the create.
 * Between the Elasticsearch and the Kibana requests, the prune (pruneScript) takes away the app retention
 * no longer wanted.
 */
export function setupScript(requests: readonly SetupRequest[], prune: SetupPrune): string {
  const root = '${SETUP_ROOT:-}';
  const line = (r: SetupRequest) =>
    r.ifExists && r.updateFile
      ? `upsert ${r.method} ${r.target} "${r.path}" ${r.file} "${r.ifExists.path}" ${r.updateFile}`
      : `send ${r.method} ${r.target} "${r.path}" ${r.file}`;
  return `set -eu
step='read credentials'
nl='
'
report() { printf '{"${REPORT_KEY}":{"event":"${SETUP_EVENT}","status":"%s","step":"%s","exit_code":%s}}\\n' "$1" "$step" "$2"; }
trap 'code=$?; [ "$code" -eq 0 ] || report failure "$code"' EXIT
password=$(cat "${root}${SETUP_MOUNTS.credentials}/${PASSWORD_FILE}")
credentials() { printf 'user = "%s:%s"\\n' '${SETUP_ES_USER.username}' "$(printf '%s' "$password" | sed 's/[\\\\"]/\\\\&/g')"; }
request() { # method, target (es or kibana), API path, then curl's body arguments if any; sets answer and status
  case "$2" in
    es) url='${ELASTICSEARCH_URL}' ca="${root}${SETUP_MOUNTS.esCa}/${CA_FILE}" ;;
    kibana) url='${KIBANA_URL}' ca="${root}${SETUP_MOUNTS.kibanaCa}/${CA_FILE}" ;;
  esac
  method=$1 path=$3
  shift 3
  step="$method $path"
  # Elasticsearch and Kibana may still be starting: curl retries what is transient (refused connections,
  # timeouts, 429 and 5xx answers) for up to 10 minutes; expect judges the HTTP status of the last answer.
  # A 401 is retried as long: on a new cluster the user reaches Elasticsearch minutes after this Job starts
  # (the store, External Secrets, ECK's file realm, the kubelet's copy of it in the pods).
  unauthorized_for=0
  while :; do
    out=$(credentials | curl -sS -g --connect-timeout 10 --max-time 60 --retry 60 --retry-delay 10 --retry-max-time 600 --retry-connrefused \\
      --cacert "$ca" -K - -X "$method" "$url/$path" -H 'Content-Type: application/json' -H 'kbn-xsrf: webapp-platform' -w "\\n%{http_code}" "$@") ||
      { code=$?; printf '%s\\n' "$out" >&2; exit "$code"; }
    status=\${out##*"$nl"} answer=\${out%"$nl"*}
    [ "$status" = 401 ] && [ "$unauthorized_for" -lt "\${SETUP_UNAUTHORIZED_WAIT:-${UNAUTHORIZED_WAIT_SECONDS}}" ] || break
    sleep "\${SETUP_UNAUTHORIZED_PAUSE:-${UNAUTHORIZED_PAUSE_SECONDS}}"
    unauthorized_for=$((unauthorized_for + \${SETUP_UNAUTHORIZED_PAUSE:-${UNAUTHORIZED_PAUSE_SECONDS}}))
  done
}
expect() { # the statuses other than 2xx the step accepts; any other refusal ends the run (22, curl's code for it), its answer on stderr
  case "$status" in 2??) return 0 ;; esac
  for accepted in "$@"; do [ "$status" = "$accepted" ] && return 0; done
  printf '%s\\n' "$answer" >&2
  exit 22
}
send() { # method, target, API path, body file
  request "$1" "$2" "$3" --data-binary "@${root}${SETUP_MOUNTS.requests}/$4"
  expect
}
upsert() { # method, target, create path, create body file, path of the existing object, update body file
  request GET "$2" "$5"
  expect 404
  if [ "$status" = 404 ]; then send "$1" "$2" "$3" "$4"; else send "$1" "$2" "$5" "$6"; fi
}
${requests
  .filter((r) => r.target === 'es')
  .map(line)
  .join('\n')}
${pruneScript(prune)}
${requests
  .filter((r) => r.target === 'kibana')
  .map(line)
  .join('\n')}
step=done
report success 0
`;
}

export interface ElasticsearchSetupProps {
  readonly env: EnvName;
  readonly apps: readonly ResolvedApp[];
  /** The apps retired in this cluster (`appData` retirement notes): their retention is kept, never pruned. */
  readonly retiredApps: readonly string[];
}

/**
 * What Elasticsearch and Kibana hold that ECK does not manage: our component template, the ILM
 * retention policies and index templates, and Kibana's data views. It lives in a Flux layer of its own,
 * between the configs (Elasticsearch, Kibana, the users) and the services (Fluent Bit): a Job applies
 * everything before the first log line is shipped, and Flux waits for it to finish. A Job's pod template
 * cannot change, so the layer is applied with `force`: when the requests change, the hash on its pod
 * template changes, and Flux recreates the Job. An hourly CronJob sends the same requests, so a hand
 * edit is undone within the hour, and both take away the app retention no longer wanted (pruneScript).
 */
export class ElasticsearchSetup extends Construct {
  constructor(scope: Construct, id: string, props: ElasticsearchSetupProps) {
    super(scope, id);
    const namespace = KIBANA.namespace;
    const requests = setupRequestsOf(props.env, props.apps);
    const prune = setupPruneOf(props.apps, props.retiredApps);
    const data = Object.fromEntries(Object.entries(setupFilesOf(requests, prune)).map(([file, body]) => [file, `${JSON.stringify(body, null, 2)}\n`]));
    const script = setupScript(requests, prune);
    const hash = createHash('sha256')
      .update(JSON.stringify([data, script, SETUP_IMAGE]))
      .digest('hex');
    new ApiObject(this, 'Requests', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: SETUP_NAME, namespace }, data });

    const pod = {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      priorityClassName: PLATFORM_PRIORITY,
      // fsGroup: the Secret files below are root-owned; with it they belong to our group, which may read them.
      securityContext: restrictedPod(SETUP_USER),
      containers: [
        {
          name: 'setup',
          image: SETUP_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: ['/bin/sh', '-c', script],
          // It writes nothing but its log.
          resources: CURL_JOB_RESOURCES,
          securityContext: hardenedContainer({ user: SETUP_USER }),
          volumeMounts: [
            { name: 'requests', mountPath: SETUP_MOUNTS.requests, readOnly: true },
            { name: 'es-user', mountPath: SETUP_MOUNTS.credentials, readOnly: true },
            { name: 'es-ca', mountPath: SETUP_MOUNTS.esCa, readOnly: true },
            { name: 'kibana-ca', mountPath: SETUP_MOUNTS.kibanaCa, readOnly: true },
          ],
        },
      ],
      volumes: [
        { name: 'requests', configMap: { name: SETUP_NAME, defaultMode: 0o444 } },
        // ECK's file-realm Secret of the setup user, filled by External Secrets: only its password.
        {
          name: 'es-user',
          secret: { secretName: esUserSecretOf(SETUP_ES_USER.username), items: [{ key: 'password', path: PASSWORD_FILE }], defaultMode: 0o440 },
        },
        { name: 'es-ca', secret: { secretName: ELASTICSEARCH_CA_SECRET, items: [{ key: CA_FILE, path: CA_FILE }], defaultMode: 0o444 } },
        { name: 'kibana-ca', secret: { secretName: KIBANA_CA_SECRET, items: [{ key: CA_FILE, path: CA_FILE }], defaultMode: 0o444 } },
      ],
    };
    const jobSpec = (instance: string) => ({
      // Each attempt retries for up to 10 minutes per request, so a slow first start of Elasticsearch fits.
      backoffLimit: 3,
      activeDeadlineSeconds: 1800,
      template: { metadata: { labels: labelsOf(instance), annotations: { [SETUP_HASH_ANNOTATION]: hash } }, spec: pod },
    });

    const annotations = (extra: readonly ScannerExemption[]) => exemptionAnnotations([...PINNED_IMAGE_PULL, PER_FLOW_NETWORK_POLICIES, ...extra]);
    new ApiObject(this, 'Job', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: SETUP_JOB_NAME, namespace, labels: labelsOf(SETUP_JOB_NAME), annotations: annotations([NO_TTL_FOR_A_FLUX_JOB]) },
      spec: jobSpec(SETUP_JOB_NAME),
    });
    new ApiObject(this, 'Hourly', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: SETUP_NAME, namespace, labels: labelsOf(SETUP_NAME), annotations: annotations([]) },
      spec: {
        schedule: '17 * * * *',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 600,
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        // A failed hourly run is reported (and alerted on) at once, and retried by the next hour's.
        jobTemplate: { metadata: { labels: labelsOf(SETUP_NAME) }, spec: { ...jobSpec(SETUP_NAME), backoffLimit: 0, activeDeadlineSeconds: 900 } },
      },
    });
  }
}
