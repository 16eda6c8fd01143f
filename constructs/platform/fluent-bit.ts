import { Construct } from 'constructs';
import { ELASTICSEARCH_CA, ElasticsearchCaCopy } from '../logging/elasticsearch-ca';
import { FLUENT_BIT_ES_USER } from '../logging/elasticsearch-users';
import { LUA_FUNCTION, routingScript, STREAM_KEY } from '../logging/fluent-bit-lua';
import { ELASTICSEARCH, ELASTICSEARCH_PORT, ELASTICSEARCH_URL, EVENTS_STREAM, STREAM_SUFFIX, streamPrefixOf } from '../model/log-contract';
import { platformSecretKeyOf } from '../model/naming';
import { hardenedContainer, restrictedPod, RUNTIME_DEFAULT_SECCOMP, sized } from '../model/hardened-container';
import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource } from './add-on';
import type { ChartWorkload } from './chart-workload';
import { PLATFORM_PRIORITY } from './priority-classes';
import { StoreSecret } from '../secrets/store-secret';

/** What this Fluent Bit release collects: every container's log on every node, or the cluster's events once. */
export type FluentBitRole = 'container-logs' | 'events';

export const fluentBitDefaults = {
  name: 'fluent-bit',
  namespace: 'fluent-bit',
  chart: { repository: 'https://fluent.github.io/helm-charts', chart: 'fluent-bit', version: '0.47.0' } as ChartSource,
  role: 'container-logs' as FluentBitRole,
  /** Per node: what the filesystem buffer may hold while Elasticsearch is down; older chunks are dropped beyond it. */
  bufferLimit: '2G',
};
export type FluentBitProps = Partial<typeof fluentBitDefaults>;

const CREDENTIALS_SECRET = 'fluent-bit-es';
const CA_DIR = '/fluent-bit/es-ca';
const STATE_DIR = '/var/fluent-bit/state';
const SCRIPT = 'routing.lua';
const EVENTS_UID = 10001;

/**
 * Fluent Bit, shipping to Elasticsearch over verified TLS as its own user. The `container-logs`
 * release is a DaemonSet that tails every container of every namespace (platform, Gateway and Flux
 * included) and adds Kubernetes metadata; records go to one data stream per namespace. The `events`
 * release is one pod that collects Kubernetes events, so crash loops and failed scheduling are
 * searchable. Both buffer on disk, so an Elasticsearch outage loses nothing within `bufferLimit`.
 */
export class FluentBitAddOn extends HelmAddOn<typeof fluentBitDefaults> {
  readonly dependsOn: readonly string[] = ['eck-operator'];
  // Elasticsearch; the API server for the kubernetes filter's pod metadata and the events input.
  readonly network: AddOnNetwork = {
    egressApiServer: true,
    egressToNamespaces: [{ namespace: ELASTICSEARCH.namespace, ports: [{ port: ELASTICSEARCH_PORT, name: 'Elasticsearch' }] }],
  };
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

  storeKeys(ctx: AddOnContext): Record<string, string[]> {
    return { [this.namespace]: [platformSecretKeyOf(ctx.cluster.env, FLUENT_BIT_ES_USER.storeSecret)] };
  }

  values(): Record<string, unknown> {
    const logs = this.props.role === 'container-logs';
    const es = new URL(ELASTICSEARCH_URL);
    const state = logs ? { name: 'state', hostPath: { path: STATE_DIR, type: 'DirectoryOrCreate' } } : { name: 'state', emptyDir: { sizeLimit: '1Gi' } };
    return {
      fullnameOverride: this.name,
      kind: logs ? 'DaemonSet' : 'Deployment',
      ...(logs ? { tolerations: [{ operator: 'Exists' }] } : {}),
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
      ...(logs ? { luaScripts: { [SCRIPT]: routingScript() } } : {}),
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
        }),
        inputs: logs
          ? section('INPUT', {
              Name: 'tail',
              Path: '/var/log/containers/*.log',
              'multiline.parser': 'cri, docker',
              Tag: 'kube.*',
              DB: `${STATE_DIR}/tail.db`,
              Mem_Buf_Limit: '32MB',
              'storage.type': 'filesystem',
              Skip_Long_Lines: 'On',
              Refresh_Interval: '10',
            })
          : section('INPUT', { Name: 'kubernetes_events', Tag: 'events', DB: `${STATE_DIR}/events.db`, 'storage.type': 'filesystem' }),
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
              }),
              section('FILTER', { Name: 'lua', Match: 'kube.*', script: `/fluent-bit/scripts/${SCRIPT}`, call: LUA_FUNCTION }),
            ].join('\n')
          : '',
        outputs: section('OUTPUT', {
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
          Retry_Limit: 'no_limits',
          'storage.total_limit_size': this.props.bufferLimit,
        }),
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
          podSecurityReason: 'tails every container log under /var/log on its node (hostPath), as root, the files being root-owned 0640',
          settings: {
            replicas: 'perNode',
            podSecurityContext: { seccompProfile: RUNTIME_DEFAULT_SECCOMP },
            containers: {
              'fluent-bit': { securityContext: { ...hardenedContainer(), runAsNonRoot: false, runAsUser: 0 }, resources: sized('50m', '64Mi', '256Mi') },
            },
            priorityClassName: PLATFORM_PRIORITY,
          },
          traits: { hostPathVolumes: ['/var/log', '/var/lib/docker/containers', '/etc/machine-id', STATE_DIR] },
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

/** One classic-format config section, keys aligned; a list value repeats its key. */
function section(name: string, entries: Record<string, string | readonly string[]>): string {
  const width = Math.max(...Object.keys(entries).map((k) => k.length));
  const lines = Object.entries(entries).flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `    ${key.padEnd(width)} ${v}`));
  return `[${name}]\n${lines.join('\n')}\n`;
}
