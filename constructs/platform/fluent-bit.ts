import { Construct } from 'constructs';
import { ELASTICSEARCH_CA, ElasticsearchCaCopy } from '../logging/elasticsearch-ca';
import { FLUENT_BIT_ES_USER } from '../logging/elasticsearch-users';
import { LUA_FUNCTION, routingScript, STREAM_KEY, type RoutingBudgets } from '../logging/fluent-bit-lua';
import { accessBudgetOf, DEFAULT_ACCESS_BUDGET, DEFAULT_LOG_BUDGET, logBudgetOf, type LogBudget } from '../model/log-budget';
import {
  ELASTICSEARCH,
  ELASTICSEARCH_PORT,
  ELASTICSEARCH_URL,
  EVENTS_STREAM,
  LOG_HEARTBEAT_EVENT,
  LOG_HEARTBEAT_SECONDS,
  LOG_SHIPPER_NAMESPACE,
  REPORT_KEY,
  STREAM_SUFFIX,
  streamPrefixOf,
} from '../model/log-contract';
import { namespaceOf, platformSecretKeyOf } from '../model/naming';
import { hardenedContainer, restrictedPod, RUNTIME_DEFAULT_SECCOMP, sized } from '../blocks/hardened-container';
import { EckAddOn } from './eck';
import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource, type AddOnKind } from './add-on';
import type { ChartWorkload } from './chart-workload';
import type { WorkloadEgress } from './network-needs';
import { PLATFORM_PRIORITY } from '../model/priority-names';
import type { ResolvedApp } from '../model/resolve';
import { platformNamespacesOf } from './platform-namespaces';
import { StoreSecret } from '../blocks/store-secret';

/** What this Fluent Bit release collects: every container's log on every node, or the cluster's events once. */
export type FluentBitRole = 'container-logs' | 'events';

export const fluentBitDefaults = {
  name: 'fluent-bit',
  namespace: LOG_SHIPPER_NAMESPACE,
  chart: { repository: 'https://fluent.github.io/helm-charts', chart: 'fluent-bit', version: '0.47.0' } as ChartSource,
  role: 'container-logs' as FluentBitRole,
  /**
   * What the filesystem buffer may hold while Elasticsearch is down (Fluent Bit's size units, decimal);
   * the oldest chunks are dropped beyond it, whichever apps' lines they hold, so each app's log budget
   * (routingScript) keeps one app's flood out of it. @default BUFFER_LIMITS of the role
   */
  bufferLimit: undefined as string | undefined,
  /**
   * The namespaces no log budget meters: the platform's (default-add-ons.ts platformNamespaces passes every one
   * a cluster can have). @default Kubernetes', the system's and this release's own
   */
  unmeteredNamespaces: undefined as (() => readonly string[]) | undefined,
};
export type FluentBitProps = Partial<typeof fluentBitDefaults>;

const CREDENTIALS_SECRET = 'fluent-bit-es';
const CA_DIR = '/fluent-bit/es-ca';
export const STATE_DIR = '/var/fluent-bit/state';
/** The node's logs: /var/log/containers/*.log link into /var/log/pods, where containerd writes them. */
const NODE_LOG_DIR = '/var/log';
const SCRIPT = 'routing.lua';
const EVENTS_UID = 10001;

/** Per role: the buffer on its state volume. Both fit their volume (constructs/rules/log-buffer-rules.ts). */
export const BUFFER_LIMITS: Readonly<Record<FluentBitRole, string>> = { 'container-logs': '2G', events: '512M' };
/** The events pod's state volume: an emptyDir of this size, counted against the node's ephemeral storage. */
export const EVENTS_STATE_SIZE = '1Gi';
/**
 * The share of a node's root volume (nodePool.diskGiB) the container-logs buffer, a hostPath outside any
 * pod's ephemeral-storage accounting, may fill: half of the 10% the kubelet keeps free before it evicts
 * pods (EKS's default `nodefs.available<10%`).
 */
export const NODE_BUFFER_SHARE = 0.05;
/** Chunks kept in memory (and on disk) while inputs fill them; the default, 128, would be 256 MB. */
export const MAX_CHUNKS_UP = 32;
/**
 * Retries: Fluent Bit waits a random time between `scheduler.base` and min(`scheduler.cap`, base × 2^n)
 * seconds before the n-th retry (src/flb_scheduler.c, backoff_full_jitter, v3.1.0). With these, a chunk
 * Elasticsearch keeps refusing is dropped after about 2.4 hours (expectedRetryWindowSeconds), its
 * records counted and the drop logged ("cannot be retried"), which an alert rule reads. Documents
 * Elasticsearch cannot index never get here: the failure store keeps them and the write succeeds.
 */
export const RETRY = { limit: 60, base: 5, cap: 300 } as const;

/**
 * The events input, without a DB: with one, Fluent Bit ships each Event once by its uid and drops its
 * updates, the counts the alert rules read (constructs/rules/fluent-bit-setting-rules.ts). Without one it
 * ships every update newer than the list it last made (plugins/in_kubernetes_events/kubernetes_events.c,
 * check_event_is_filtered and check_and_init_stream, v3.1.0). The price: it lists again on a restart and
 * whenever the API server ends its watch (after --min-request-timeout, 30 minutes by default, to twice
 * that: k8s.io/apiserver endpoints/handlers/get.go), and ships once more each Event changed since the
 * previous list (on a restart, since kube_retention_time, 1 h). See docs/logs.md for what that does to the alerts.
 */
const EVENTS_INPUT = { Name: 'kubernetes_events', Tag: 'events', 'storage.type': 'filesystem' };

/**
 * The container-logs pod's heartbeat: a `dummy` input makes one record every LOG_HEARTBEAT_SECONDS
 * (plugins/in_dummy/in_dummy.c, v3.1.0: `interval_sec`, when set, replaces `rate`), which a `stdout` output
 * prints as one JSON line (plugins/out_stdout/stdout.c: `format json_lines`, and `json_date_key false`
 * leaves the date out) on the pod's own stdout. The kubelet writes that line to the pod's log file on the
 * node, where the tail input reads it like any container's line: it goes the whole way (tail, the
 * kubernetes filter with the node's name in `kubernetes.host`, the routing script, the es output) and
 * reaches Elasticsearch only if that way works on that node. The record itself matches only the stdout
 * output, so nothing loops. The platform's node-logs-stopped rule counts these lines per node.
 */
export const HEARTBEAT = {
  tag: 'heartbeat',
  line: JSON.stringify({ [REPORT_KEY]: { event: LOG_HEARTBEAT_EVENT } }),
  input: (): Record<string, string> => ({
    Name: 'dummy',
    Tag: HEARTBEAT.tag,
    Dummy: HEARTBEAT.line,
    Interval_Sec: String(LOG_HEARTBEAT_SECONDS),
  }),
  // Its queue is in memory (the input's default storage.type); the limit only keeps the buffer rule's sum bounded.
  output: (): Record<string, string> => ({
    Name: 'stdout',
    Match: HEARTBEAT.tag,
    Format: 'json_lines',
    Json_Date_Key: 'false',
    'storage.total_limit_size': '1M',
  }),
} as const;

/**
 * The container-logs DaemonSet's rollout: a tenth of the nodes at a time (a DaemonSet rounds a percentage
 * up, so at least one), not the chart's default of one node after the other (values.yaml `updateStrategy: {}`,
 * fluent/helm-charts@fluent-bit-0.47.0). Never maxSurge: two Fluent Bit pods on one node would share the tail
 * DB and the buffer under STATE_DIR.
 */
export const ROLLOUT = { maxUnavailable: '10%', rounds: 10 } as const;
/**
 * Helm waits until every pod of the DaemonSet is updated (helm/helm pkg/kube/ready.go, daemonSetReady:
 * UpdatedNumberScheduled must equal DesiredNumberScheduled), within the release's timeout, and Flux rolls an
 * upgrade back when it runs out (constructs/platform/helm-release.ts). So the timeout covers a whole rollout
 * on the largest the node pool may grow: each round a pod's stop (the default 30 s grace), an image pull on a
 * node that lacks it, the start and the readiness probe, ROUND_MINUTES in all, and Flux's own 5 minutes.
 */
export const ROUND_MINUTES = 2;
export function rolloutTimeoutMinutes(maxNodes: number): number {
  const perRound = Math.ceil(maxNodes / ROLLOUT.rounds);
  return 5 + Math.ceil(maxNodes / perRound) * ROUND_MINUTES;
}

/**
 * Both releases' egress: Elasticsearch, and the API server for the kubernetes filter's pod metadata and the
 * events input. Declared per workload too, so neither release reaches the other: nothing in either calls a
 * Fluent Bit (charts/fluent-bit/templates/_pod.tpl, fluent-bit-0.47.0, has no sidecar or peer).
 */
const EGRESS = {
  egressApiServer: true,
  egressToNamespaces: [{ namespace: ELASTICSEARCH.namespace, ports: [{ port: ELASTICSEARCH_PORT, name: 'Elasticsearch' }] }],
} as const satisfies WorkloadEgress;

/** The mean time Fluent Bit keeps retrying a chunk before it drops it, in seconds (one second added per wait, as the scheduler does). */
export function expectedRetryWindowSeconds(retry: { limit: number; base: number; cap: number } = RETRY): number {
  let total = 0;
  for (let n = 1; n <= retry.limit; n++) total += (retry.base + Math.min(retry.cap, retry.base * 2 ** n)) / 2 + 1;
  return total;
}

/**
 * Fluent Bit, shipping to Elasticsearch over verified TLS as its own user. The `container-logs`
 * release is a DaemonSet that tails every container of every namespace (platform, Gateway and Flux
 * included) and adds Kubernetes metadata; records go to one data stream per namespace. The `events`
 * release is one pod that collects Kubernetes events, so crash loops and failed scheduling are
 * searchable. Both buffer on disk, so an Elasticsearch outage loses nothing within `bufferLimit`, and
 * retry a refused chunk for hours, not forever (RETRY).
 */
export class FluentBitAddOn extends HelmAddOn<typeof fluentBitDefaults> {
  readonly dependsOn: readonly AddOnKind[] = [EckAddOn];
  readonly network: AddOnNetwork = EGRESS;
  readonly usesSecretStore = true;
  /** From the chart at its pinned version (templates/clusterrole.yaml, with rbac.eventsAccess for the events release). */
  get clusterRights(): string {
    return this.props.role === 'container-logs'
      ? 'reads Pods and Namespaces in every namespace (the metadata the kubernetes filter adds)'
      : 'reads Pods, Namespaces and Events in every namespace';
  }
  readonly layer = 'services' as const;

  constructor(props: FluentBitProps = {}) {
    super(fluentBitDefaults, props);
  }

  releaseTimeout(ctx: AddOnContext): string {
    return this.props.role === 'container-logs' ? `${rolloutTimeoutMinutes(ctx.cluster.nodePool.max)}m` : '5m';
  }

  storeKeys(ctx: AddOnContext): Record<string, string[]> {
    return { [this.namespace]: [platformSecretKeyOf(ctx.cluster.env, FLUENT_BIT_ES_USER.storeSecret)] };
  }

  values(ctx: AddOnContext): Record<string, unknown> {
    const logs = this.props.role === 'container-logs';
    const es = new URL(ELASTICSEARCH_URL);
    const state = logs
      ? { name: 'state', hostPath: { path: STATE_DIR, type: 'DirectoryOrCreate' } }
      : { name: 'state', emptyDir: { sizeLimit: EVENTS_STATE_SIZE } };
    return {
      fullnameOverride: this.name,
      kind: logs ? 'DaemonSet' : 'Deployment',
      ...(logs ? { tolerations: [{ operator: 'Exists' }] } : {}),
      ...(logs ? { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: ROLLOUT.maxUnavailable } } } : {}),
      // The chart's defaults (values.yaml, fluent-bit-0.47.0) mount /var/log writable, and
      // /var/lib/docker/containers, which containerd nodes lack, without a type, so the kubelet would create
      // it; and /etc/machine-id, which only the calyptia plugins read (src/flb_utils.c, v3.1.0). A type of
      // Directory makes the kubelet refuse to start the pod rather than create the folder.
      ...(logs
        ? {
            daemonSetVolumes: [{ name: 'varlog', hostPath: { path: NODE_LOG_DIR, type: 'Directory' } }],
            daemonSetVolumeMounts: [{ name: 'varlog', mountPath: NODE_LOG_DIR, readOnly: true }],
          }
        : {}),
      rbac: { create: true, eventsAccess: !logs },
      // The chart's connection-test pods run only on `helm test`, which Flux does not: leave them out.
      testFramework: { enabled: false },
      env: [
        { name: 'ES_USER', value: FLUENT_BIT_ES_USER.username },
        { name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: CREDENTIALS_SECRET, key: 'password' } } },
      ],
      extraVolumes: [state, { name: 'es-ca', secret: { secretName: ELASTICSEARCH_CA.name, defaultMode: 0o444 } }],
      extraVolumeMounts: [
        { name: 'state', mountPath: STATE_DIR },
        { name: 'es-ca', mountPath: CA_DIR, readOnly: true },
      ],
      ...(logs ? { luaScripts: { [SCRIPT]: routingScript(logBudgetsOf(ctx, this.props.unmeteredNamespaces?.() ?? platformNamespacesOf([this]))) } } : {}),
      config: {
        service: section('SERVICE', {
          Daemon: 'Off',
          Flush: '5',
          Log_Level: 'info',
          Parsers_File: ['/fluent-bit/etc/parsers.conf', '/fluent-bit/etc/conf/custom_parsers.conf'],
          HTTP_Server: 'On',
          HTTP_Listen: '0.0.0.0',
          HTTP_Port: '2020',
          Health_Check: 'On',
          'storage.path': `${STATE_DIR}/buffer`,
          'storage.sync': 'normal',
          'storage.backlog.mem_limit': '16M',
          'storage.max_chunks_up': String(MAX_CHUNKS_UP),
          'scheduler.base': String(RETRY.base),
          'scheduler.cap': String(RETRY.cap),
        }),
        inputs: logs
          ? [
              section('INPUT', {
                Name: 'tail',
                Path: `${NODE_LOG_DIR}/containers/*.log`,
                'multiline.parser': 'cri, docker',
                Tag: 'kube.*',
                DB: `${STATE_DIR}/tail.db`,
                // With filesystem storage, past this the input's chunks only leave memory; the input is not paused (test/log-budget.test.ts).
                Mem_Buf_Limit: '32MB',
                'storage.type': 'filesystem',
                Skip_Long_Lines: 'On',
                Refresh_Interval: '10',
              }),
              section('INPUT', HEARTBEAT.input()),
            ].join('\n')
          : section('INPUT', EVENTS_INPUT),
        filters: logs
          ? [
              section('FILTER', {
                Name: 'kubernetes',
                Match: 'kube.*',
                Merge_Log: 'On',
                Merge_Log_Key: 'json',
                Keep_Log: 'On',
                // Pods pick their parser with the `fluentbit.io/parser` annotation (the app spec's logParser).
                'K8S-Logging.Parser': 'On',
                'K8S-Logging.Exclude': 'Off',
                Labels: 'Off',
                Annotations: 'Off',
                // Read the whole pod from the API: one over the default 32K would get no metadata (constructs/rules/fluent-bit-setting-rules.ts).
                Buffer_Size: '0',
              }),
              section('FILTER', { Name: 'lua', Match: 'kube.*', script: `/fluent-bit/scripts/${SCRIPT}`, call: LUA_FUNCTION }),
            ].join('\n')
          : '',
        outputs: [
          section('OUTPUT', {
            Name: 'es',
            Match: logs ? 'kube.*' : 'events',
            Host: es.hostname,
            Port: es.port,
            HTTP_User: '${ES_USER}',
            HTTP_Passwd: '${ES_PASSWORD}',
            tls: 'On',
            'tls.verify': 'On',
            'tls.ca_file': `${CA_DIR}/${ELASTICSEARCH_CA.key}`,
            // Data streams need create; `<prefix>-<date format>` with a format of plain text names the stream.
            Logstash_Format: 'On',
            ...(logs ? { Logstash_Prefix_Key: `$${STREAM_KEY}`, Logstash_Prefix: 'logs-k8s.unknown' } : { Logstash_Prefix: streamPrefixOf(EVENTS_STREAM) }),
            Logstash_DateFormat: STREAM_SUFFIX,
            Time_Key: '@timestamp',
            Write_Operation: 'create',
            Suppress_Type_Name: 'On',
            Replace_Dots: 'On',
            // Read Elasticsearch's whole answer: one cut at the default 512k fails the chunk it indexed (constructs/rules/fluent-bit-setting-rules.ts).
            Buffer_Size: 'False',
            Retry_Limit: String(RETRY.limit),
            'storage.total_limit_size': this.props.bufferLimit ?? BUFFER_LIMITS[this.props.role],
          }),
          ...(logs ? [section('OUTPUT', HEARTBEAT.output())] : []),
        ].join('\n'),
      },
    };
  }

  /** Source: fluent/helm-charts@fluent-bit-0.47.0 charts/fluent-bit (values.yaml, templates/_pod.tpl, daemonset.yaml, deployment.yaml, pdb.yaml). */
  workloads(): ChartWorkload[] {
    const logs = this.props.role === 'container-logs';
    const common = {
      priorityClassName: PLATFORM_PRIORITY,
      podLabels: { 'app.kubernetes.io/name': 'fluent-bit', 'app.kubernetes.io/instance': this.name },
      podSecurity: logs ? ('privileged' as const) : ('restricted' as const),
      egress: EGRESS,
    };
    const keys = {
      podSecurityContext: 'podSecurityContext',
      containers: { 'fluent-bit': { securityContext: 'securityContext', resources: 'resources' } },
      priorityClassName: 'priorityClassName',
    };
    if (logs) {
      return [
        {
          ...common,
          kind: 'DaemonSet',
          name: this.name,
          role: 'daemon',
          podSecurityReason: 'tails every container log under /var/log on its node (hostPath, read-only), as root, the files being root-owned 0640',
          settings: {
            replicas: 'perNode',
            podSecurityContext: { seccompProfile: RUNTIME_DEFAULT_SECCOMP },
            containers: {
              'fluent-bit': { securityContext: { ...hardenedContainer(), runAsNonRoot: false, runAsUser: 0 }, resources: sized('50m', '64Mi', '256Mi') },
            },
            priorityClassName: PLATFORM_PRIORITY,
          },
          traits: { hostPathVolumes: [NODE_LOG_DIR, STATE_DIR] },
          keys,
          ports: [{ port: 2020, purpose: 'health' }],
        },
      ];
    }
    return [
      {
        ...common,
        kind: 'Deployment',
        name: this.name,
        role: 'controller',
        settings: {
          // The events input reads the API's event stream once; a second replica would ship every event twice.
          replicas: 1,
          // The image's user is root; nothing here needs it (its buffer is an emptyDir).
          podSecurityContext: restrictedPod(EVENTS_UID),
          containers: { 'fluent-bit': { securityContext: hardenedContainer(), resources: sized('20m', '48Mi', '128Mi') } },
          priorityClassName: PLATFORM_PRIORITY,
        },
        keys: { ...keys, replicas: 'replicaCount', disruptionBudget: { path: 'podDisruptionBudget', enabledFlag: true } },
        ports: [{ port: 2020, purpose: 'health' }],
      },
    ];
  }

  configure(scope: Construct, ctx: AddOnContext): void {
    // Both releases share the namespace, its credentials and its CA copy; the container-logs one creates them.
    if (this.props.role !== 'container-logs') return;
    const c = new Construct(scope, this.name);
    new StoreSecret(c, 'Credentials', {
      name: CREDENTIALS_SECRET,
      namespace: this.namespace,
      data: [{ secretKey: 'password', key: platformSecretKeyOf(ctx.cluster.env, FLUENT_BIT_ES_USER.storeSecret), property: 'password' }],
    });
    new ElasticsearchCaCopy(c, 'Ca', { namespace: this.namespace });
  }
}

/**
 * The script's budgets: the platform's namespaces, which it does not meter, and the app namespaces whose
 * budgets differ from the defaults, in namespace order. Neither changes when an app with the defaults comes or goes.
 */
function logBudgetsOf(ctx: AddOnContext, unmetered: readonly string[]): RoutingBudgets {
  const apps = [...ctx.apps].sort((a, b) => namespaceOf(a.name).localeCompare(namespaceOf(b.name)));
  const differing = (budgetOf: (app: ResolvedApp) => LogBudget, fallback: LogBudget) =>
    apps
      .map((app) => ({ namespace: namespaceOf(app.name), app: app.name, ...budgetOf(app) }))
      .filter((b) => b.linesPerSecond !== fallback.linesPerSecond || b.burstLines !== fallback.burstLines || b.namespace !== b.app);
  return {
    exempt: [...unmetered],
    lines: differing(logBudgetOf, DEFAULT_LOG_BUDGET),
    access: differing(accessBudgetOf, DEFAULT_ACCESS_BUDGET),
  };
}

/** One classic-format config section, keys aligned; a list value repeats its key. */
function section(name: string, entries: Record<string, string | readonly string[]>): string {
  const width = Math.max(...Object.keys(entries).map((k) => k.length));
  const lines = Object.entries(entries).flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `    ${key.padEnd(width)} ${v}`));
  return `[${name}]\n${lines.join('\n')}\n`;
}
