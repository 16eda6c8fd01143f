/*
 * Where every log line lands in Elasticsearch, and the fields that Kibana views and the alert rules
 * read. Fluent Bit writes by these names; ElastAlert2 rules query by them. One place, so both agree.
 */

/*
 * Data streams follow Elasticsearch's `<type>-<dataset>-<namespace>` scheme, so the built-in `logs-*-*`
 * template makes each one a data stream. The dataset carries the Kubernetes namespace: one stream per
 * app namespace, so retention and access can differ per app.
 */
/** The stream's last part; Elasticsearch's "namespace", not Kubernetes'. */
export const STREAM_SUFFIX = 'default';
export const CONTAINER_LOG_DATASET_PREFIX = 'k8s.';
/** A stream's name without its `-<STREAM_SUFFIX>`: what Fluent Bit's es output is given as the prefix. */
export const streamPrefixOf = (stream: string): string => stream.slice(0, -(STREAM_SUFFIX.length + 1));
/**
 * The index pattern over a stream and any of its siblings with another suffix. Never for an app's streams:
 * `logs-k8s.shop-*` matches `logs-k8s.shop-admin-default` too (appStreamsOf).
 */
export const streamPatternOf = (stream: string): string => `${streamPrefixOf(stream)}-*`;
export const containerLogStreamOf = (namespace: string): string => `logs-${CONTAINER_LOG_DATASET_PREFIX}${namespace}-${STREAM_SUFFIX}`;
/** Index pattern over every namespace's container logs. */
export const ALL_CONTAINER_LOGS = `logs-${CONTAINER_LOG_DATASET_PREFIX}*`;
/**
 * The Gateway's access log: one JSON line per request, parsed into ACCESS_LOG_FIELDS, in one stream per
 * app namespace (from the route), so an app's people may read its requests without document-level security.
 */
export const GATEWAY_ACCESS_DATASET_PREFIX = 'gateway.';
export const gatewayAccessStreamOf = (namespace: string): string => `logs-${GATEWAY_ACCESS_DATASET_PREFIX}${namespace}-${STREAM_SUFFIX}`;
/** Requests no route matched (unknown hosts, scanners). */
export const UNROUTED_NAMESPACE = 'unrouted';
export const ALL_GATEWAY_ACCESS = `logs-${GATEWAY_ACCESS_DATASET_PREFIX}*`;
/**
 * The streams of one app namespace, exactly as Fluent Bit names them (constructs/logging/fluent-bit-lua.ts):
 * what its index template, data view, role and alert rules name. Exact names, because app names may extend
 * one another (`shop`, `shop-admin`): Elasticsearch matches index patterns with `*` alone
 * (Regex.simpleMatch), so a pattern `logs-k8s.shop-*` would give shop-admin's stream shop's retention and
 * show it in shop's data view, and two such templates at one priority overlap, which Elasticsearch refuses
 * (MetadataIndexTemplateService.v2TemplateOverlaps: "multiple index templates may not match during index
 * creation"). A data stream finds its template by its own name (MetadataCreateDataStreamService and
 * MetadataRolloverService, lookupTemplateForDataStream), so the exact name covers every backing index.
 */
export const appStreamsOf = (namespace: string): string[] => [containerLogStreamOf(namespace), gatewayAccessStreamOf(namespace)];
/** Kubernetes events (crash loops, failed scheduling), collected once per cluster. */
export const EVENTS_STREAM = `logs-kubernetes.events-${STREAM_SUFFIX}`;
/** Every log stream the platform writes, as index patterns. */
export const ALL_LOG_STREAMS: readonly string[] = [ALL_CONTAINER_LOGS, ALL_GATEWAY_ACCESS, EVENTS_STREAM];
/**
 * Elasticsearch's index component selector for a data stream's failure store (9.1,
 * api-conventions.md#api-component-selectors): the documents it could not index, kept apart.
 */
export const FAILURES_SELECTOR = '::failures';
export const failuresOf = (pattern: string): string => `${pattern}${FAILURES_SELECTOR}`;
/** The namespace of the log shippers (Fluent Bit), whose own lines say when a chunk is dropped. */
export const LOG_SHIPPER_NAMESPACE = 'fluent-bit';
/**
 * The container of the Fluent Bit DaemonSet (the chart names it after itself), which its summaries of dropped
 * lines carry as theirs: an app's own lines cannot, their container being the app's.
 */
export const LOG_SHIPPER_CONTAINER = 'fluent-bit';
/** The namespace of ElastAlert2 and its watchdog, whose report lines every 15 minutes say that container logs arrive. */
export const ALERTING_NAMESPACE = 'elastalert';

/** Fields of every container log record, after Fluent Bit's kubernetes filter. */
export const LOG_FIELDS = {
  timestamp: '@timestamp',
  namespace: 'kubernetes.namespace_name',
  pod: 'kubernetes.pod_name',
  container: 'kubernetes.container_name',
  /** The node the pod runs on: the kubernetes filter's `host`, from the pod's spec.nodeName (plugins/filter_kubernetes/kube_meta.c, v3.1.0). */
  host: 'kubernetes.host',
  /** The raw line. */
  message: 'log',
  /** A JSON line's fields are merged below this key, so one app's keys never clash with the platform's. */
  json: 'json',
  /** Normalised severity (`error`, `warn`, `info`, `debug`), from the parser or the JSON `level`. */
  level: 'level',
} as const;

/** Fields of the Gateway's access log (Envoy Gateway JSON access log format, set by the envoy-gateway add-on). */
export const ACCESS_LOG_FIELDS = {
  timestamp: '@timestamp',
  host: 'authority',
  /** The HTTPRoute's namespace, which is the app's namespace. */
  namespace: 'route_namespace',
  route: 'route_name',
  method: 'method',
  path: 'path',
  status: 'response_code',
  durationMs: 'duration',
  bytesSent: 'bytes_sent',
  clientIp: 'client_ip',
} as const;

/** Fields of a Kubernetes event record. */
export const EVENT_FIELDS = {
  timestamp: '@timestamp',
  namespace: 'involvedObject.namespace',
  kind: 'involvedObject.kind',
  name: 'involvedObject.name',
  reason: 'reason',
  type: 'type',
  message: 'message',
} as const;

/*
 * The platform's own report lines: each job of the platform (the backup jobs, the Elasticsearch setup, the offsite
 * lock renewal, the alerting watchdog) ends with one JSON line that the alert rules match on. Every field of it
 * is below one key, REPORT_KEY, never at the top of the line: Fluent Bit merges every JSON line below
 * LOG_FIELDS.json, and the backup jobs run in the apps' namespaces, so a report field at the top (`event`,
 * `status`, `app`, `job`) would be typed for every app's stream, and an app that logs one of those names as an
 * object (ECS's `"event": {"dataset": …}`, an HTTP library's `"status": {"code": 200}`) would have those lines
 * rejected into the failure store. The apps own `json.*`; the platform claims only `json.<REPORT_KEY>`
 * (reserved in docs/logs.md and docs/add-an-app.md). No dot in it: Fluent Bit's es output replaces dots
 * in keys (Replace_Dots).
 */
export const REPORT_KEY = 'webapps_report';
/** Where a report line's fields land in Elasticsearch: `json.webapps_report.<field>`. */
export const REPORT_PATH = `${LOG_FIELDS.json}.${REPORT_KEY}`;
/**
 * Every field a report line carries, with the type our component template gives it (a word, a count or a date), so
 * that no app's line and no other report can pick another type for it first.
 *  - the backup jobs (constructs/app/restic-scripts.ts): `event` = BACKUP_EVENT, `job`, `app`, `status`
 *    (`success`, `failure`, or `partial` for a backup saved without some files, with `unreadable` their count),
 *    `duration_seconds`, `exit_code`, a backup's `snapshot`, `bytes_added`, `files_new`, `files_changed`, a
 *    restore's `snapshot` and `target`; a key rotation's, with `job` = `key-rotation`, also `key_rotation` and
 *    `keys_removed`;
 *  - the Elasticsearch setup: `event` = SETUP_EVENT, `status`, `step`, `exit_code`;
 *  - the offsite lock renewal (constructs/platform/backup-lock-renewal.ts): `event` = BACKUP_LOCK_EVENT,
 *    `status`, `step`, `bucket`, `mode`, `retain_until`, the counts `extended`, `gone`, `recent`, `failed`,
 *    `duration_seconds` and `exit_code`;
 *  - the alerting watchdog: `event` = ALERTING_WATCHDOG_EVENT, `status` (ok, notified, notify-failed), `notified`;
 *  - the certificate check (constructs/alerts/certificate-check.ts), one line per HTTPS host: `event` =
 *    CERTIFICATE_CHECK_EVENT, `host`, `certificate` (the Secret its listener presents), `status` (ok, wrong-host,
 *    no-certificate, unreachable), and of a served certificate `not_after` (a date), `days_left`, `issuer`,
 *    `names` (its DNS names) and `matches_host`; of none, curl's `error`;
 *  - Fluent Bit's heartbeat on every node (constructs/platform/fluent-bit.ts): `event` = LOG_HEARTBEAT_EVENT only.
 *  - Fluent Bit's summary of the lines it dropped over an app's log budget (constructs/logging/fluent-bit-lua.ts),
 *    written into the app's own stream: `event` = LOG_BUDGET_EVENT, `app`, `node`, and `dropped`, their count.
 */
export const REPORT_FIELD_TYPES = {
  event: 'keyword',
  status: 'keyword',
  app: 'keyword',
  job: 'keyword',
  step: 'keyword',
  snapshot: 'keyword',
  target: 'keyword',
  key_rotation: 'keyword',
  bucket: 'keyword',
  mode: 'keyword',
  retain_until: 'keyword',
  notified: 'keyword',
  node: 'keyword',
  host: 'keyword',
  certificate: 'keyword',
  issuer: 'keyword',
  names: 'keyword',
  matches_host: 'keyword',
  error: 'keyword',
  not_after: 'date',
  days_left: 'long',
  duration_seconds: 'long',
  exit_code: 'long',
  bytes_added: 'long',
  files_new: 'long',
  files_changed: 'long',
  unreadable: 'long',
  keys_removed: 'long',
  extended: 'long',
  gone: 'long',
  recent: 'long',
  failed: 'long',
  dropped: 'long',
} as const satisfies Record<string, 'keyword' | 'long' | 'date'>;
export const BACKUP_EVENT = 'webapps.backup';
export const SETUP_EVENT = 'webapps.elasticsearch-setup';
export const BACKUP_LOCK_EVENT = 'webapps.backup-lock';
export const ALERTING_WATCHDOG_EVENT = 'webapps.alerting-watchdog';
export const CERTIFICATE_CHECK_EVENT = 'webapps.certificate-check';
/** The line Fluent Bit's container-logs pod prints on each node every minute, and ships like any container line. */
export const LOG_HEARTBEAT_EVENT = 'webapps.log-heartbeat';
export const LOG_HEARTBEAT_SECONDS = 60;
export const LOG_BUDGET_EVENT = 'webapps.log-budget';
/** The fields of those report lines that the alert rules read. */
export const REPORT_FIELDS = {
  event: `${REPORT_PATH}.event`,
  status: `${REPORT_PATH}.status`,
  app: `${REPORT_PATH}.app`,
  job: `${REPORT_PATH}.job`,
  node: `${REPORT_PATH}.node`,
  dropped: `${REPORT_PATH}.dropped`,
  certificate: `${REPORT_PATH}.certificate`,
  daysLeft: `${REPORT_PATH}.days_left`,
  matchesHost: `${REPORT_PATH}.matches_host`,
} as const;

/** The ECK-managed Elasticsearch and Kibana, and the names ECK derives from them (its documented conventions). */
export const ELASTICSEARCH = { name: 'logs', namespace: 'logging' } as const;
export const KIBANA = { name: 'logs', namespace: 'logging' } as const;
/** ECK's Service of a Kibana: `<name>-kb-http`, port 5601, HTTPS with ECK's self-signed certificate. */
export const KIBANA_SERVICE = { name: `${KIBANA.name}-kb-http`, port: 5601 } as const;
/**
 * The name Kibana's certificate is issued for: ECK puts `<service>.<namespace>.svc` among its SANs
 * (elastic/cloud-on-k8s@v3.2.0 pkg/controller/common/certificates/http_reconcile.go, k8s.GetServiceDNSName).
 */
export const KIBANA_HOSTNAME = `${KIBANA_SERVICE.name}.${KIBANA.namespace}.svc`;
export const KIBANA_URL = `https://${KIBANA_HOSTNAME}:${KIBANA_SERVICE.port}`;
/** ECK's Secret with Kibana's certificate and its CA (keys `tls.crt`, `ca.crt`; certificates.PublicCertsSecretName). */
export const KIBANA_CA_SECRET = `${KIBANA.name}-kb-http-certs-public`;
/** Kibana's host under the cluster's domain, served only through the Gateway, behind the staff login. */
export const kibanaHostOf = (domain: string): string => `logs.${domain}`;
/** Elasticsearch's HTTP port, which its clients call. */
export const ELASTICSEARCH_PORT = 9200;
/** ECK's HTTPS Service of an Elasticsearch: `<name>-es-http`, port 9200. */
export const ELASTICSEARCH_URL = `https://${ELASTICSEARCH.name}-es-http.${ELASTICSEARCH.namespace}.svc:${ELASTICSEARCH_PORT}`;
/** ECK's Secret with the CA of that Service (key `ca.crt`). */
export const ELASTICSEARCH_CA_SECRET = `${ELASTICSEARCH.name}-es-http-certs-public`;
/** ECK's Secret with the `elastic` superuser's password (key `elastic`); only the platform itself uses it. */
export const ELASTICSEARCH_ADMIN_SECRET = `${ELASTICSEARCH.name}-es-elastic-user`;
