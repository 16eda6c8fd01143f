import {
  ALERTING_NAMESPACE,
  ALERTING_WATCHDOG_EVENT,
  ALL_LOG_STREAMS,
  containerLogStreamOf,
  ELASTICSEARCH,
  EVENT_FIELDS,
  EVENTS_STREAM,
  failuresOf,
  LOG_FIELDS,
  LOG_HEARTBEAT_EVENT,
  LOG_HEARTBEAT_SECONDS,
  LOG_SHIPPER_NAMESPACE,
  REPORT_FIELDS,
  SETUP_EVENT,
  BACKUP_LOCK_EVENT,
  CERTIFICATE_CHECK_EVENT,
} from '../model/log-contract';
import { BACKUP_LOCK, MAX_RENEWAL_INTERVAL_DAYS } from '../model/backup-lock';
import { CLUSTER_AUTOSCALER_ACCOUNT } from '../model/aws-add-on-accounts';
import { FLUX_NAMESPACE } from '../model/naming';
import { ALERTING_WATCHDOG, PERIOD_MINUTES as WATCHDOG_PERIOD_MINUTES } from './alerting-watchdog';
import { CRASH_LOOP } from './app-rules';
import { CERTIFICATE_CHECK, PERIOD_MINUTES as CERTIFICATE_CHECK_PERIOD_MINUTES } from './certificate-check';
import { exists, matchPhrase, not, platformRuleId, range, term, terms, wildcard, type AlertRule, type PlatformRulePurpose } from './rule';

/** The objects cert-manager records Warning events on while it fails to issue or renew. */
export const CERT_MANAGER_KINDS = ['Certificate', 'CertificateRequest', 'Order', 'Challenge'] as const;
/**
 * The days left on a served certificate below which it alerts. cert-manager renews our Certificates 30 days
 * before they end (renewBefore 720h, platform/cert-manager.ts; a certificate that lives 30 days or less, at 2/3
 * of its life: cert-manager v1.18.2 pkg/util/pki/renewaltime.go RenewBefore), and the certificate-failure rule
 * tells of a renewal that fails while cert-manager still records events. At 14 days left a renewal has been
 * missing for 16 days: longer than a week of the CA's weekly limits (a duplicate-certificate or failed-order
 * limit hit) and a slow DNS or HTTP-01 fix, so a working cert-manager never trips it; and two weeks are left
 * to find the cause and issue by hand, past a weekend and a weekly limit of the CA, before every host on the
 * certificate fails in the browsers.
 */
export const CERTIFICATE_EXPIRY_DAYS = 14;
/** Three runs of the hourly certificate check: one late or killed run does not fire, two in a row do. */
export const CERTIFICATE_CHECK_STOPPED_MINUTES = 3 * CERTIFICATE_CHECK_PERIOD_MINUTES;
/** The setup CronJob runs hourly: three hours without a success is three runs missed or failed. */
export const SETUP_STALE_HOURS = 3;
/** The rejected documents of every log stream (their failure stores). */
export const REJECTED_DOCUMENTS_INDEX = ALL_LOG_STREAMS.map(failuresOf).join(',');
/**
 * Elasticsearch's warnings as a data node's disk fills (server/.../routing/allocation/DiskThresholdMonitor.java,
 * elastic/elasticsearch, logged at WARN): "high disk
 * watermark [90%] exceeded on […], shards will be relocated away from this node; … expected to continue to
 * exceed …", then "flood stage disk watermark [95%] exceeded on […], all indices on this node will be marked
 * read-only", when Fluent Bit's writes start to fail. The low watermark and the recoveries ("no longer
 * exceeded") are logged at INFO. The message is `match_only_text`, so the rule matches a phrase of words.
 */
export const DISK_WATERMARK_PHRASE = 'disk watermark';
/** Fluent Bit's line when it gives a chunk up (src/flb_engine.c, v3.1.0): "[engine] chunk '…' cannot be retried: task_id=…". */
export const CHUNK_DROPPED_PATTERN = '*cannot be retried*';

/**
 * cluster-autoscaler's event on a pending pod that no node group can grow to hold: every group is at its
 * max, or no node of any group would fit the pod (type Normal; processors/status/
 * eventing_scale_up_processor.go, kubernetes/autoscaler cluster-autoscaler-1.33.0, the chart's image).
 */
export const NO_ROOM_REASON = 'NotTriggerScaleUp';
/**
 * A pod that waits five minutes, or two pods of a namespace at once. The autoscaler looks every 10 s
 * (--scan-interval) and records the event each time, but its own recorder lets one event through per
 * reason and pod, then one per 5 minutes (cluster-autoscaler-1.33.0 utils/kubernetes/factory.go:
 * defaultBurstSize 1, defaultQPS 1/300, keyed by reason and involved object; --record-duplicated-events is
 * off by default, config/flags/flags.go, and our chart values leave it so): in any 10 minutes one waiting pod
 * makes two documents at most. Fluent Bit ships each (a repeat is an update of the Event, MODIFIED, shipped
 * like ADDED: plugins/in_kubernetes_events/kubernetes_events.c, v3.1.0).
 */
export const NO_ROOM = { count: 2, minutes: 10 } as const;
/**
 * Where cluster-autoscaler records what it fails at: Warning events on its status ConfigMap, in the
 * namespace it runs in (the chart passes --namespace=<release namespace> for AWS; --status-config-map-name
 * defaults to cluster-autoscaler-status: config/flags/flags.go, clusterstate/utils/status.go, 1.33.0).
 * Among them FailedToScaleUpGroup (Auto Scaling refused the new size), ScaleUpFailed (instances did not
 * launch: no capacity of the type, an account quota), ScaleUpTimedOut (nodes never joined) and
 * ClusterUnhealthy (too many nodes not ready: the autoscaler stops acting).
 */
export const AUTOSCALER_STATUS = { namespace: CLUSTER_AUTOSCALER_ACCOUNT.namespace, kind: 'ConfigMap', name: 'cluster-autoscaler-status' } as const;
/**
 * The kubelet's event on a pod it evicts: its node ran short of memory, disk or process ids, or the pod
 * passed its ephemeral-storage limit (Reason in pkg/kubelet/eviction/helpers.go, kubernetes/kubernetes).
 */
export const EVICTED_REASON = 'Evicted';

/*
 * When Fluent Bit stops shipping, every rule finds nothing, which is what all is well looks like. Two rules
 * watch for something that is always there. ElastAlert2 itself is no such thing: without --verbose (the chart
 * passes no args) its logger stays at Python's default WARNING (elastalert/util.py@2.26.0 logging.basicConfig;
 * elastalert.py sets INFO only with --verbose or --debug), so a run that goes well logs nothing. The alerting
 * watchdog does: a JSON report line at the end of every run (alerting-watchdog.ts), every 15 minutes, which
 * the container-logs release ships to its namespace's stream; and each of its scheduled runs is an Event on its
 * CronJob, which the events release ships (the CronJob controller records SuccessfulCreate, JobAlreadyActive or
 * FailedCreate on the CronJob at every schedule, and SuccessfulDelete as it prunes the Jobs:
 * kubernetes pkg/controller/cronjob/cronjob_controllerv2.go, syncCronJob and deleteJob).
 */
/** Three runs of the watchdog: one run that is late or killed before its report does not fire, two in a row do. */
export const CONTAINER_LOGS_STOPPED_MINUTES = 3 * WATCHDOG_PERIOD_MINUTES;
/** Four scheduled runs, each at least one Event on the CronJob. */
export const EVENTS_STOPPED_MINUTES = 60;
const watchdogReport = [term(REPORT_FIELDS.event, ALERTING_WATCHDOG_EVENT)];
const certificateReport = [term(REPORT_FIELDS.event, CERTIFICATE_CHECK_EVENT)];

/*
 * That watchdog runs on one node, so the rule above sees one node's Fluent Bit. Every node's Fluent Bit also
 * prints a heartbeat line a minute and ships it like any container line (HEARTBEAT in platform/fluent-bit.ts),
 * and the node-logs-stopped rule counts those lines per node name (`kubernetes.host`), read in
 * jertel/elastalert2 2.26.0:
 *  - use_terms_query: each run asks Elasticsearch for one count per node (a terms aggregation of terms_size
 *    buckets) instead of fetching the lines (elastalert.py run_query, get_hits_terms). With
 *    scan_entire_timeframe, a run covers the whole timeframe in run_every (1 minute) segments, each count
 *    added at its segment's end (set_starttime, get_segment_size, run_rule), so a node's last line counts
 *    until a timeframe after it was shipped, and a restart of ElastAlert2 still knows every node that
 *    shipped within the timeframe.
 *  - FlatlineRule (ruletypes.py) keeps a count per key it has seen. A node it never saw ship a line never
 *    alerts (a Fluent Bit that cannot start is the crash-loop rule's: its BackOff events). A node that goes
 *    quiet alerts once its count in the timeframe falls below the threshold; without forget_keys it would
 *    then alert again at every realert for as long as ElastAlert2 runs, for a node that is gone too. With
 *    forget_keys it alerts once and forgets the node until it ships again.
 *  - A node the autoscaler removed (or an upgrade replaced) goes quiet too. The node lifecycle controller
 *    records a `RemovingNode` event on each Node deleted from the API (kubernetes/kubernetes
 *    pkg/controller/nodelifecycle/node_lifecycle_controller.go, monitorNodeHealth), within a minute or two of
 *    its instance ending, long before the timeframe runs out. The node-removed rule matches that event and,
 *    instead of alerting anyone, silences the node-logs rule for that node's name: both share one
 *    realert_key, and ElastAlert2 silences `<realert_key>.<query key value>` (elastalert.py run_rule,
 *    set_realert, is_silenced; a flatline match's value is its `key`, get_query_key_value). The node's own
 *    alert then finds the silence, and forget_keys drops the node.
 */
/** Minutes without a heartbeat from a node before it alerts: a chunk Elasticsearch refused for a while is retried within them (RETRY). */
export const NODE_LOGS_STOPPED_MINUTES = 20;
/** The node names the heartbeat rule counts per run (terms_size); synth refuses a nodePool.max above it. */
export const MAX_COUNTED_NODES = 1000;
/** The node lifecycle controller's event on a Node deleted from the API. */
export const NODE_REMOVED_REASON = 'RemovingNode';
/** How long a removed node's name is silenced: past the latest its heartbeat rule could fire, a timeframe and a few runs after its last line. */
export const NODE_REMOVED_SILENCE_MINUTES = 2 * NODE_LOGS_STOPPED_MINUTES;

const base = (purpose: PlatformRulePurpose, title: string) => ({ id: platformRuleId(purpose), name: `platform: ${title}`, owner: { platform: purpose } });
/** Elasticsearch logs JSON; its text lands here after Fluent Bit merged the line below LOG_FIELDS.json. */
const ES_MESSAGE = `${LOG_FIELDS.json}.message`;
const loggingStream = containerLogStreamOf(ELASTICSEARCH.namespace);
const setupReport = [term(REPORT_FIELDS.event, SETUP_EVENT)];
const lockReport = [term(REPORT_FIELDS.event, BACKUP_LOCK_EVENT)];
/**
 * The offsite lock renewal runs at least weekly (model/backup-lock.ts): a day past the longest interval
 * without a success line is a run missed, killed before it reported, or failed.
 */
export const BACKUP_LOCK_STALE_HOURS = (MAX_RENEWAL_INTERVAL_DAYS + 1) * 24;

/**
 * The rules about the platform itself, and about the cluster's room. `appNamespaces`: each app has its
 * own crash-loop rule, so the platform's watches every other namespace.
 */
export function platformRules(appNamespaces: readonly string[]): AlertRule[] {
  const nodeLogsStopped = base('node-logs-stopped', 'a node ships no container logs');
  return [
    {
      ...base('certificate-failure', 'certificate issuance or renewal failing'),
      type: 'any',
      description: 'cert-manager recorded a Warning on a Certificate or its ACME request. Renewals start 30 days before expiry: act within days.',
      index: EVENTS_STREAM,
      filter: [terms(EVENT_FIELDS.kind, CERT_MANAGER_KINDS), term(EVENT_FIELDS.type, 'Warning')],
      queryKey: EVENT_FIELDS.name,
      realert: { hours: 6 },
    },
    /*
     * The certificate check's lines (alerts/certificate-check.ts), one per host each hour, say what the
     * proxies serve, whatever cert-manager does. Keyed by the certificate (the Secret the listener presents),
     * so the hundreds of hosts under one wildcard make one alert, not one each.
     */
    {
      ...base('certificate-expiring', `served certificate expires in less than ${CERTIFICATE_EXPIRY_DAYS} days`),
      type: 'any',
      description:
        `The Gateway serves a certificate with less than ${CERTIFICATE_EXPIRY_DAYS} days left (days_left below 0: it has ended): ` +
        'cert-manager has not renewed it though renewal was due 30 days before its end, perhaps without a word (scaled down, stuck, ' +
        'its Certificate pruned, the Secret replaced by hand). Every host on it fails when it ends.',
      index: containerLogStreamOf(ALERTING_NAMESPACE),
      filter: [...certificateReport, range(REPORT_FIELDS.daysLeft, { lt: CERTIFICATE_EXPIRY_DAYS })],
      queryKey: REPORT_FIELDS.certificate,
      realert: { hours: 24 },
    },
    {
      ...base('certificate-mismatch', 'served certificate does not match the host'),
      type: 'any',
      description:
        "For a host of the cluster, the Gateway's proxies served a certificate none of whose names covers it, or none at all " +
        '(the handshake failed: its listener has no valid Secret), or could not be reached from inside the cluster: browsers ' +
        "refuse the host now. The line names the host, what was served (names, issuer) or curl's error.",
      index: containerLogStreamOf(ALERTING_NAMESPACE),
      filter: [...certificateReport, term(REPORT_FIELDS.matchesHost, 'false')],
      queryKey: REPORT_FIELDS.certificate,
      realert: { hours: 6 },
    },
    {
      ...base('certificate-check-stopped', 'certificate check not reporting'),
      type: 'flatline',
      description:
        `No report line of the ${CERTIFICATE_CHECK.name} CronJob (hourly, in ${ALERTING_NAMESPACE}) reached Elasticsearch in ` +
        `${CERTIFICATE_CHECK_STOPPED_MINUTES / 60} hours: nothing watches what the hosts' certificates are, so one may run out unseen.`,
      index: containerLogStreamOf(ALERTING_NAMESPACE),
      filter: certificateReport,
      threshold: 1,
      timeframe: { minutes: CERTIFICATE_CHECK_STOPPED_MINUTES },
      realert: { hours: 6 },
    },
    {
      ...base('flux-failure', 'Flux reconciliation failing'),
      type: 'any',
      description: `A Flux object in ${FLUX_NAMESPACE} (Kustomization, HelmRelease, source) recorded a Warning: what is in git is not what runs.`,
      index: EVENTS_STREAM,
      filter: [term(EVENT_FIELDS.namespace, FLUX_NAMESPACE), term(EVENT_FIELDS.type, 'Warning')],
      queryKey: EVENT_FIELDS.name,
      realert: { hours: 1 },
    },
    /*
     * ElastAlert2 reads documents only, and cluster health is no document. What it can read is the line
     * Elasticsearch itself logs on every change, "Cluster health status changed from [GREEN] to [YELLOW]
     * (reason: …)" (AllocationService), shipped like any container log of its namespace. The message is
     * `match_only_text` (ecs@mappings), so the rule matches phrases of words, not patterns of characters:
     * "to [GREEN]" is the words `to green` in that order, which only a change to green contains. Limits:
     * a RED cluster may fail to index that very line until it recovers (Fluent Bit buffers it); and when
     * Elasticsearch cannot be reached at all, no rule runs: the alerting watchdog (alerting-watchdog.ts) tells
     * the same receivers.
     */
    {
      ...base('elasticsearch-health', 'Elasticsearch health not green'),
      type: 'any',
      description: `The Elasticsearch cluster "${ELASTICSEARCH.name}" changed its health to yellow or red: replicas (yellow) or primaries (red) are unassigned.`,
      index: loggingStream,
      filter: [matchPhrase(ES_MESSAGE, 'Cluster health status changed from'), not(matchPhrase(ES_MESSAGE, 'to [GREEN]'))],
      realert: { minutes: 30 },
    },
    {
      ...base('elasticsearch-disk', 'Elasticsearch disk filling up'),
      type: 'any',
      description: `A data node of "${ELASTICSEARCH.name}" passed its high or flood-stage disk watermark: shards move away, and at the flood stage its indices turn read-only and new log lines are refused.`,
      index: loggingStream,
      filter: [term(LOG_FIELDS.level, 'warn'), matchPhrase(ES_MESSAGE, DISK_WATERMARK_PHRASE)],
      realert: { hours: 1 },
    },
    {
      ...base('elasticsearch-setup-failed', 'Elasticsearch setup failed'),
      type: 'any',
      description:
        'The job that writes the index templates, retention policies and Kibana data views stopped at a refused request; its report line names the step and the exit code.',
      index: loggingStream,
      filter: [...setupReport, term(REPORT_FIELDS.status, 'failure')],
      realert: { hours: 1 },
    },
    {
      ...base('elasticsearch-setup-stale', 'Elasticsearch setup not succeeding'),
      type: 'flatline',
      description: `No successful run of the hourly Elasticsearch setup in ${SETUP_STALE_HOURS} hours: templates and retention may have drifted from git.`,
      index: loggingStream,
      filter: [...setupReport, term(REPORT_FIELDS.status, 'success')],
      threshold: 1,
      timeframe: { hours: SETUP_STALE_HOURS },
      realert: { hours: 6 },
    },
    {
      ...base('backup-lock-failed', 'offsite backup lock renewal failed'),
      type: 'any',
      description:
        `The ${BACKUP_LOCK.name} job in ${BACKUP_LOCK.namespace} could not extend the Object Lock of some current offsite backups, ` +
        'or could not list them; its report line counts them, its log names the first. Until a run succeeds, those locks run out ' +
        'at their old date (docs/restore.md, "When the renewal fails").',
      index: containerLogStreamOf(BACKUP_LOCK.namespace),
      filter: [...lockReport, term(REPORT_FIELDS.status, 'failure')],
      realert: { hours: 6 },
    },
    {
      ...base('backup-lock-stale', 'offsite backup lock renewal not succeeding'),
      type: 'flatline',
      description: `No successful run of the ${BACKUP_LOCK.name} job in ${BACKUP_LOCK_STALE_HOURS / 24} days: the locks of the current offsite backups are not being renewed.`,
      index: containerLogStreamOf(BACKUP_LOCK.namespace),
      filter: [...lockReport, term(REPORT_FIELDS.status, 'success')],
      threshold: 1,
      timeframe: { hours: BACKUP_LOCK_STALE_HOURS },
      realert: { hours: 24 },
    },
    {
      ...base('log-documents-rejected', 'log lines rejected by Elasticsearch'),
      type: 'any',
      description:
        "Elasticsearch could not index some log lines (usually a field that is an object in one line and a text in another) and kept them in the stream's failure store; the lines are not lost, but searches of that stream miss them.",
      index: REJECTED_DOCUMENTS_INDEX,
      filter: [exists('error.type')],
      queryKey: 'document.index',
      realert: { hours: 1 },
    },
    {
      ...base('log-chunks-dropped', 'log lines dropped by Fluent Bit'),
      type: 'any',
      description: 'Fluent Bit gave up on a chunk of log lines after retrying for hours: Elasticsearch refused it, or was unreachable for that long.',
      index: containerLogStreamOf(LOG_SHIPPER_NAMESPACE),
      filter: [wildcard(LOG_FIELDS.message, CHUNK_DROPPED_PATTERN)],
      realert: { hours: 1 },
    },
    {
      ...base('container-logs-stopped', 'container logs not arriving'),
      type: 'flatline',
      description:
        `No report line of the ${ALERTING_WATCHDOG.name} CronJob (it runs every ${WATCHDOG_PERIOD_MINUTES} minutes) reached ` +
        `Elasticsearch in ${CONTAINER_LOGS_STOPPED_MINUTES} minutes: Fluent Bit (container-logs) stopped shipping, so the ` +
        'rules on container lines see nothing, or the watchdog itself did not run.',
      index: containerLogStreamOf(ALERTING_NAMESPACE),
      filter: watchdogReport,
      threshold: 1,
      timeframe: { minutes: CONTAINER_LOGS_STOPPED_MINUTES },
      realert: { hours: 1 },
    },
    {
      ...nodeLogsStopped,
      type: 'flatline',
      description:
        `No heartbeat line (one every ${LOG_HEARTBEAT_SECONDS} seconds) of the Fluent Bit pod on the node named in the alert reached ` +
        `Elasticsearch in ${NODE_LOGS_STOPPED_MINUTES} minutes, though the node was not removed: the container lines of that node ` +
        'are not arriving (its Fluent Bit pod is gone, stuck or crash-looping, its buffer is full, or the node itself is down), so ' +
        'every rule on them is blind to the pods there.',
      index: containerLogStreamOf(LOG_SHIPPER_NAMESPACE),
      filter: [term(REPORT_FIELDS.event, LOG_HEARTBEAT_EVENT)],
      threshold: 1,
      timeframe: { minutes: NODE_LOGS_STOPPED_MINUTES },
      queryKey: LOG_FIELDS.host,
      termsSize: MAX_COUNTED_NODES,
      forgetKeys: true,
      realert: { hours: 1 },
    },
    {
      ...base('node-removed', 'a node was removed'),
      type: 'any',
      description:
        `A Node was deleted from the API (the autoscaler scaled in, an upgrade replaced it): silences "${nodeLogsStopped.name}" ` +
        `for that node for ${NODE_REMOVED_SILENCE_MINUTES} minutes. It alerts no one.`,
      index: EVENTS_STREAM,
      filter: [term(EVENT_FIELDS.kind, 'Node'), term(EVENT_FIELDS.reason, NODE_REMOVED_REASON)],
      queryKey: EVENT_FIELDS.name,
      silences: nodeLogsStopped.name,
      realert: { minutes: NODE_REMOVED_SILENCE_MINUTES },
    },
    {
      ...base('events-stopped', 'Kubernetes events not arriving'),
      type: 'flatline',
      description:
        `No Kubernetes event of the ${ALERTING_WATCHDOG.name} CronJob (it starts a Job every ${WATCHDOG_PERIOD_MINUTES} minutes) ` +
        `reached Elasticsearch in ${EVENTS_STOPPED_MINUTES} minutes: Fluent Bit (events) stopped shipping, so the rules on ` +
        'events (crash loops, certificates, Flux, evictions) see nothing, or the CronJob is suspended or gone.',
      index: EVENTS_STREAM,
      filter: [term(EVENT_FIELDS.namespace, ALERTING_NAMESPACE), term(EVENT_FIELDS.kind, 'CronJob'), term(EVENT_FIELDS.name, ALERTING_WATCHDOG.name)],
      threshold: 1,
      timeframe: { minutes: EVENTS_STOPPED_MINUTES },
      realert: { hours: 1 },
    },
    {
      ...base('crash-loop', 'add-on or system pod in a crash loop'),
      type: 'frequency',
      description: `A pod outside the apps' namespaces (an add-on, Flux, kube-system) keeps failing: Kubernetes backed off restarting it ${CRASH_LOOP.count} times within ${CRASH_LOOP.minutes} minutes.`,
      index: EVENTS_STREAM,
      filter: [
        terms(EVENT_FIELDS.reason, CRASH_LOOP.reasons),
        ...(appNamespaces.length > 0 ? [not(terms(EVENT_FIELDS.namespace, [...appNamespaces].sort()))] : []),
      ],
      numEvents: CRASH_LOOP.count,
      timeframe: { minutes: CRASH_LOOP.minutes },
      queryKey: EVENT_FIELDS.name,
      realert: { minutes: 60 },
    },
    {
      ...base('pods-without-room', 'pods wait for room no node can give'),
      type: 'frequency',
      description:
        'Pods stay pending and cluster-autoscaler cannot add a node for them: the node pool is at its max, or no instance type of it fits them. New replicas, rollouts and replacements of failed pods wait.',
      index: EVENTS_STREAM,
      filter: [term(EVENT_FIELDS.kind, 'Pod'), term(EVENT_FIELDS.reason, NO_ROOM_REASON)],
      numEvents: NO_ROOM.count,
      timeframe: { minutes: NO_ROOM.minutes },
      queryKey: EVENT_FIELDS.namespace,
      realert: { hours: 1 },
    },
    {
      ...base('autoscaler-failing', 'cluster-autoscaler failing'),
      type: 'any',
      description:
        'cluster-autoscaler recorded a Warning: AWS did not give it the nodes it asked for (capacity, a quota), new nodes never joined, or too many nodes are not ready and it stopped acting.',
      index: EVENTS_STREAM,
      filter: [
        term(EVENT_FIELDS.namespace, AUTOSCALER_STATUS.namespace),
        term(EVENT_FIELDS.kind, AUTOSCALER_STATUS.kind),
        term(EVENT_FIELDS.name, AUTOSCALER_STATUS.name),
        term(EVENT_FIELDS.type, 'Warning'),
      ],
      queryKey: EVENT_FIELDS.reason,
      realert: { hours: 1 },
    },
    {
      ...base('pods-evicted', 'pods evicted by their node'),
      type: 'any',
      description:
        'The kubelet evicted pods: their node ran short of memory, disk or process ids, or a pod passed its ephemeral-storage limit. The message names the resource and the pod that used most.',
      index: EVENTS_STREAM,
      filter: [term(EVENT_FIELDS.kind, 'Pod'), term(EVENT_FIELDS.reason, EVICTED_REASON)],
      queryKey: EVENT_FIELDS.namespace,
      realert: { hours: 1 },
    },
  ];
}
