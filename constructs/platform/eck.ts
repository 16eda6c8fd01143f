import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { EnvName } from '../model/app-spec';
import {
  ALL_LOG_STREAMS,
  ELASTICSEARCH,
  ELASTICSEARCH_PORT,
  KIBANA,
  KIBANA_CA_SECRET,
  KIBANA_HOSTNAME,
  KIBANA_SERVICE,
  kibanaHostOf,
} from '../model/log-contract';
import { platformSecretKeyOf } from '../model/naming';
import { parseQuantity } from '../model/quantity';
import { retiredAppsOf } from '../model/cluster-spec';
import { ElasticsearchSetup, SETUP_JOB_NAME, SETUP_NAME } from '../logging/elasticsearch-setup';
import { ElasticsearchUsers, PeopleElasticsearchUsers } from '../logging/elasticsearch-users-objects';
import { ES_ROLES_SECRET, esUsersOf, esUserSecretOf } from '../logging/elasticsearch-users';
import { DEFAULT_LOG_RETENTION_DAYS } from '../logging/log-retention';
import { hardenedContainer, RUNTIME_DEFAULT_SECCOMP, sized } from '../blocks/hardened-container';
import { UNHEALTHY_POD_EVICTION } from '../model/scanner-exemptions';
import { topologySpreadOf } from '../model/topology-spread';
import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource, type PlatformEndpoint, type AddOnKind } from './add-on';
import type { ChartWorkload, ContainerSettings } from './chart-workload';
import type { WorkloadEgress, WorkloadPorts } from './network-needs';
import { PLATFORM_PRIORITY } from '../model/priority-names';
import { ELASTICSEARCH_SIZING, logLayoutOf, logLayoutProblems, type ElasticsearchSizing } from './eck-sizing';
import { SynthError } from '../model/spec-error';

export const eckDefaults = {
  name: 'eck-operator',
  namespace: ELASTICSEARCH.namespace,
  chart: { repository: 'https://helm.elastic.co', chart: 'eck-operator', version: '3.2.0' } as ChartSource,
  stackVersion: '9.1.0',
  /** The least each env gets; the node count and heap grow with the apps (eck-sizing.ts, logLayoutOf). */
  sizing: ELASTICSEARCH_SIZING as Record<EnvName, ElasticsearchSizing>,
};
export type EckProps = Partial<typeof eckDefaults>;

/** The StorageClass of Elasticsearch's volumes: encrypted gp3, kept when a claim goes away. */
export const LOG_STORAGE_CLASS = 'gp3-retain';
const ES_CLUSTER_LABEL = 'elasticsearch.k8s.elastic.co/cluster-name';
const KIBANA_NAME_LABEL = 'kibana.k8s.elastic.co/name';
/** ECK gives fsGroup 1000 only where the template sets no pod context, so ours repeats it (the images' user is 1000). */
const eckPodSecurity = () => ({ runAsNonRoot: true, fsGroup: 1000, seccompProfile: RUNTIME_DEFAULT_SECCOMP });
/*
 * A container context in the pod template replaces the one ECK would give it, so ours names the images'
 * users as ECK's defaults do: runAsNonRoot needs a numeric user to verify. Elasticsearch runs as 1000 with
 * group 0 (its files are 1000:0, group-writable); Kibana as 1000:1000 (pkg/controller/kibana/securitycontext.go).
 */
const esUser = <T extends object>(context: T) => ({ ...context, runAsUser: 1000 });
const kibanaUser = <T extends object>(context: T) => ({ ...context, runAsUser: 1000, runAsGroup: 1000 });

const ES_WORKLOAD = `${ELASTICSEARCH.name}-es-default`;
/**
 * How long a failure store keeps the rejected documents when its stream sets nothing (default 30 days).
 * Elasticsearch 9.1: DataStreamGlobalRetentionSettings.FAILURE_STORE_DEFAULT_RETENTION_SETTING, NodeScope and
 * Dynamic (elastic/elasticsearch#127573, in 9.1 and 8.19); elastic/docs-content
 * manage-data/data-store/data-streams/failure-store.md, "Failure store lifecycle": "New and existing data
 * streams that have no retention configured on their failure stores will use this value". A template's
 * `data_stream_options` are applied once, when a stream is created ("Set up for existing data streams").
 */
export const FAILURE_STORE_RETENTION_SETTING = 'data_streams.lifecycle.retention.failures_default';
const KIBANA_WORKLOAD = `${KIBANA.name}-kb`;
const TRANSPORT_PORT = 9300;
const toElasticsearch: WorkloadPorts = { workload: ES_WORKLOAD, ports: [{ port: ELASTICSEARCH_PORT, name: 'Elasticsearch' }] };
/*
 * What each pod of the namespace calls, read in elastic/cloud-on-k8s@v3.2.0; none but the operator calls
 * the API server, and none the internet (the namespace opens neither, so Kibana's telemetry, newsfeed and
 * package registry calls, which our config does not turn off, stay closed as before). DNS for all.
 * - The operator: the API server (its controllers) and Elasticsearch's 9200 (its ES client, through the
 *   internal Service: pkg/controller/elasticsearch/services/services.go); no Kibana client outside Fleet.
 * - Elasticsearch: its nodes on 9300 (transport), and 9200 for its pre-stop hook, which asks the internal
 *   Service for node shutdown (pkg/controller/elasticsearch/nodespec/lifecycle_hook.go, configmap/configmap.go).
 *   Its readiness probe is `nc 127.0.0.1 8080` (nodespec/readiness_probe.go); its init containers
 *   (initcontainer/prepare_fs_script.go, suspend.go) touch only files; no token is used.
 * - Kibana: Elasticsearch's 9200, its `elasticsearch.hosts` (pkg/controller/kibana/config_settings.go); its
 *   readiness probe is the kubelet's HTTP GET (pod.go); its init container copies files (initcontainer/fs_scripts.go).
 * - The setup Job and CronJob (constructs/logging/elasticsearch-setup.ts): Elasticsearch's 9200 and Kibana's
 *   5601 (its curl script's two URLs), with no service account token.
 */
const EGRESS: Readonly<Record<'operator' | 'elasticsearch' | 'kibana' | 'setup', WorkloadEgress>> = {
  operator: { egressApiServer: true, egressToOwnNamespace: [toElasticsearch] },
  elasticsearch: {
    egressToOwnNamespace: [
      {
        workload: ES_WORKLOAD,
        ports: [
          { port: ELASTICSEARCH_PORT, name: 'pre-stop hook' },
          { port: TRANSPORT_PORT, name: 'transport' },
        ],
      },
    ],
  },
  kibana: { egressToOwnNamespace: [toElasticsearch] },
  setup: { egressToOwnNamespace: [toElasticsearch, { workload: KIBANA_WORKLOAD, ports: [{ port: KIBANA_SERVICE.port, name: 'Kibana' }] }] },
};

/**
 * Elastic Cloud on Kubernetes: the operator, and the Elasticsearch cluster and Kibana it runs for the
 * logs. (Elastic's Helm charts for Elasticsearch itself are no longer maintained; ECK is.) Both serve
 * HTTPS with ECK's self-signed certificates: the Gateway verifies Kibana's against ECK's CA (a
 * BackendTLSPolicy), and every client of Elasticsearch verifies its own copy of Elasticsearch's CA.
 */
/**
 * How long the CAs ECK makes stay valid. Fluent Bit and ElastAlert read Elasticsearch's HTTP CA once, at
 * start; the chart's default, a year (elastic/cloud-on-k8s@v3.2.0 deploy/eck-operator/values.yaml
 * `config.caValidity`, the operator's `ca-cert-validity`; pkg/controller/common/certificates/expiration.go),
 * replaced the CA a day before it ended, and both stopped until restarted. The leaf certificates still renew
 * yearly under the same CA (docs/logs.md says what to do when the CA is replaced).
 */
export const ECK_CA_VALIDITY = '87600h';

export class EckAddOn extends HelmAddOn<typeof eckDefaults> {
  readonly dependsOn: readonly AddOnKind[] = [];
  // The API server calls the operator's webhook (chart 3.2.0, values.yaml webhook.port: 9443).
  // Elasticsearch's 9200 admits only its clients' pods (each by its namespace and labels); Kibana's 5601 only the Gateway's proxies, as
  // its endpoint below. Inside the namespace each pod calls only what EGRESS says.
  readonly network: AddOnNetwork = {
    ingressFromApiServer: [{ port: 9443, name: 'webhook' }],
    ingressFromClients: [{ port: ELASTICSEARCH_PORT, name: 'Elasticsearch' }],
    egressApiServer: true,
  };
  ownPodEgress(): Readonly<Record<string, WorkloadEgress>> {
    return { [SETUP_JOB_NAME]: EGRESS.setup, [SETUP_NAME]: EGRESS.setup };
  }
  /** From the chart at its pinned version. */
  readonly clusterRights =
    'creates, changes and deletes Pods, Services, Secrets, ConfigMaps, StatefulSets, claims and disruption budgets in every namespace (createClusterScopedResources: true), though it acts only in its managedNamespaces; manages its validating webhook configuration (templates/cluster-roles.yaml)';

  constructor(props: EckProps = {}) {
    super(eckDefaults, props);
  }

  readonly usesSecretStore = true;

  storeKeys(ctx: AddOnContext): Record<string, string[]> {
    return { [ELASTICSEARCH.namespace]: esUsersOf(ctx.cluster.access).map((u) => platformSecretKeyOf(ctx.cluster.env, u.storeSecret)) };
  }

  endpoints(ctx: AddOnContext): PlatformEndpoint[] {
    return [
      {
        name: 'kibana',
        namespace: KIBANA.namespace,
        host: kibanaHostOf(ctx.cluster.domain),
        service: KIBANA_SERVICE.name,
        port: KIBANA_SERVICE.port,
        // Kibana's pods, by the label ECK gives them (the workload above and Kibana's own policy select on it).
        podLabels: { [KIBANA_NAME_LABEL]: KIBANA.name },
        backendTls: { caSecret: KIBANA_CA_SECRET, hostname: KIBANA_HOSTNAME },
      },
    ];
  }

  values(): Record<string, unknown> {
    return { installCRDs: true, managedNamespaces: [this.namespace], config: { caValidity: ECK_CA_VALIDITY } };
  }

  /**
   * Sources (elastic/cloud-on-k8s@v3.2.0): deploy/eck-operator (values.yaml, templates/statefulset.yaml, pdb.yaml);
   * pkg/controller/elasticsearch/{nodespec/podspec.go, securitycontext/securitycontext.go, pdb/reconcile_default.go}
   * and pkg/controller/kibana/{pod.go, securitycontext.go, initcontainer/prepare_fs.go}. ECK sets no seccomp profile
   * and gives Kibana's init container no context: the pod templates below add both, which makes every pod restricted.
   */
  workloads(ctx: AddOnContext): ChartWorkload[] {
    const sizing = this.props.sizing[ctx.cluster.env];
    const layout = logLayoutOf(ctx.cluster, ctx.apps, sizing);
    const pod = eckPodSecurity();
    return [
      {
        kind: 'StatefulSet',
        name: 'elastic-operator',
        // Its webhook fails open (failurePolicy Ignore): one replica, leader-elected.
        role: 'controller',
        podLabels: { 'app.kubernetes.io/name': 'elastic-operator', 'app.kubernetes.io/instance': this.name },
        podSecurity: 'restricted',
        settings: {
          replicas: 1,
          podSecurityContext: pod,
          containers: { manager: { securityContext: hardenedContainer(), resources: sized('100m', '150Mi', '1Gi') } },
          priorityClassName: PLATFORM_PRIORITY,
        },
        keys: {
          replicas: 'replicaCount',
          podSecurityContext: 'podSecurityContext',
          containers: { manager: { securityContext: 'securityContext', resources: 'resources' } },
          disruptionBudget: { path: 'podDisruptionBudget', enabledFlag: true, defaultBound: 'minAvailable' },
          priorityClassName: 'priorityClassName',
        },
        ports: [{ port: 9443, purpose: 'webhook' }],
        egress: EGRESS.operator,
      },
      {
        kind: 'StatefulSet',
        name: ES_WORKLOAD,
        role: 'datastore',
        managedBy: `Elasticsearch ${ELASTICSEARCH.namespace}/${ELASTICSEARCH.name}`,
        podLabels: { [ES_CLUSTER_LABEL]: ELASTICSEARCH.name },
        podSecurity: 'restricted',
        settings: {
          replicas: layout.dataNodes,
          podSecurityContext: pod,
          containers: {
            elasticsearch: { securityContext: esUser(hardenedContainer()), resources: sized(sizing.cpu, layout.memory, layout.memory) },
            'elastic-internal-init-filesystem': { securityContext: esUser(hardenedContainer()), resources: sized('100m', '50Mi', '50Mi'), init: true },
            'elastic-internal-suspend': { securityContext: esUser(hardenedContainer()), resources: sized('10m', '16Mi', '64Mi'), init: true },
          },
          // ECK's own budget: one node may go while the cluster is green, none while it is not.
          disruptionBudget: { maxUnavailable: 1 },
          priorityClassName: PLATFORM_PRIORITY,
          spread: true,
        },
        ports: [
          { port: ELASTICSEARCH_PORT, purpose: 'serving' },
          { port: TRANSPORT_PORT, purpose: 'serving' },
        ],
        egress: EGRESS.elasticsearch,
      },
      {
        kind: 'Deployment',
        name: KIBANA_WORKLOAD,
        role: 'ui',
        managedBy: `Kibana ${KIBANA.namespace}/${KIBANA.name}`,
        podLabels: { [KIBANA_NAME_LABEL]: KIBANA.name },
        podSecurity: 'restricted',
        settings: {
          replicas: sizing.kibanaReplicas,
          podSecurityContext: pod,
          containers: {
            kibana: { securityContext: kibanaUser(hardenedContainer()), resources: sized('100m', '1Gi', '1Gi') },
            // It prepares the config folders Kibana's read-only root needs, so its own root stays writable.
            'elastic-internal-init': {
              securityContext: kibanaUser(hardenedContainer({ writableRoot: true })),
              resources: sized('100m', '50Mi', '50Mi'),
              init: true,
            },
          },
          // ECK makes no budget for Kibana; ours is in the configs layer.
          ...(sizing.kibanaReplicas > 1 ? { disruptionBudget: { maxUnavailable: 1 }, spread: true } : {}),
          priorityClassName: PLATFORM_PRIORITY,
        },
        ports: [{ port: KIBANA_SERVICE.port, purpose: 'serving' }],
        egress: EGRESS.kibana,
      },
    ];
  }

  /** Elasticsearch's templates, policies and Kibana's data views, before Fluent Bit ships a line. */
  setup(scope: Construct, ctx: AddOnContext): void {
    new ElasticsearchSetup(new Construct(scope, this.name), 'Setup', { env: ctx.cluster.env, apps: ctx.apps, retiredApps: retiredAppsOf(ctx.cluster) });
  }

  configure(scope: Construct, ctx: AddOnContext): void {
    const c = new Construct(scope, this.name);
    const sizing = this.props.sizing[ctx.cluster.env];
    // Every app keeps its own log streams; synth stops when their shards would not fit (docs/logs.md, "Shards").
    const layout = logLayoutOf(ctx.cluster, ctx.apps, sizing);
    const unfit = logLayoutProblems(ctx.cluster, layout);
    if (unfit.length > 0) throw new SynthError(unfit, `the logs of ${ctx.cluster.name} do not fit their Elasticsearch`);
    const [, es, kibana] = this.workloads(ctx);
    const containersOf = (settings: Readonly<Record<string, ContainerSettings>>, names: readonly string[]) =>
      names.map((name) => ({ name, securityContext: settings[name].securityContext, resources: settings[name].resources }));
    const version = this.props.stackVersion;
    const heapMi = Math.floor(parseQuantity(layout.memory)! / 2 ** 21);

    new ApiObject(c, 'StorageClass', {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: LOG_STORAGE_CLASS },
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true' },
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    });

    new ApiObject(c, 'Elasticsearch', {
      apiVersion: 'elasticsearch.k8s.elastic.co/v1',
      kind: 'Elasticsearch',
      metadata: { name: ELASTICSEARCH.name, namespace: ELASTICSEARCH.namespace },
      spec: {
        version,
        auth: {
          roles: [{ secretName: ES_ROLES_SECRET.name }],
          fileRealm: esUsersOf(ctx.cluster.access).map((u) => ({ secretName: esUserSecretOf(u.username) })),
        },
        volumeClaimDeletePolicy: 'DeleteOnScaledownOnly',
        nodeSets: [
          {
            name: 'default',
            count: layout.dataNodes,
            // mmap stays on, Elasticsearch's default: the nodes' AMI already sets the vm.max_map_count its
            // bootstrap check asks for (NODE_MAX_MAP_COUNT in test/logging.test.ts), so no privileged init container.
            config: {
              // Every log stream keeps the documents it cannot index in its failure store, the streams
              // created before the index templates said so included (a dynamic cluster setting, read at
              // start from elasticsearch.yml; Elasticsearch 9.1 DataStreamFailureStoreSettings).
              'data_streams.failure_store.enabled': [...ALL_LOG_STREAMS],
              // A failure store index takes the stream's ILM policy from our template, and ILM wins over the failure
              // store's own lifecycle (index.lifecycle.prefer_ilm, true by default; log-retention.ts says more). This
              // default, the env's retention instead of the built-in 30 days, governs only one without a policy.
              [FAILURE_STORE_RETENTION_SETTING]: `${DEFAULT_LOG_RETENTION_DAYS[ctx.cluster.env]}d`,
            },
            podTemplate: {
              spec: {
                priorityClassName: es.settings.priorityClassName,
                securityContext: es.settings.podSecurityContext,
                // ECK merges these with its own containers by name.
                initContainers: containersOf(es.settings.containers, ['elastic-internal-init-filesystem', 'elastic-internal-suspend']),
                containers: [
                  {
                    ...containersOf(es.settings.containers, ['elasticsearch'])[0],
                    env: [{ name: 'ES_JAVA_OPTS', value: `-Xms${heapMi}m -Xmx${heapMi}m` }],
                  },
                ],
                affinity: {
                  podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: [
                      {
                        topologyKey: 'kubernetes.io/hostname',
                        labelSelector: { matchLabels: { [ES_CLUSTER_LABEL]: ELASTICSEARCH.name } },
                      },
                    ],
                  },
                },
                ...(es.settings.spread ? { topologySpreadConstraints: topologySpreadOf(es.podLabels) } : {}),
              },
            },
            volumeClaimTemplates: [
              {
                metadata: { name: 'elasticsearch-data' },
                spec: { accessModes: ['ReadWriteOnce'], storageClassName: LOG_STORAGE_CLASS, resources: { requests: { storage: sizing.storage } } },
              },
            ],
          },
        ],
      },
    });

    new ElasticsearchUsers(c, 'Users', { cluster: ctx.cluster });

    new ApiObject(c, 'Kibana', {
      apiVersion: 'kibana.k8s.elastic.co/v1',
      kind: 'Kibana',
      metadata: { name: KIBANA.name, namespace: KIBANA.namespace },
      spec: {
        version,
        count: sizing.kibanaReplicas,
        elasticsearchRef: { name: ELASTICSEARCH.name },
        // Links in Kibana (and in alert messages) must use the Gateway's address, not the pod's.
        config: { 'server.publicBaseUrl': `https://${kibanaHostOf(ctx.cluster.domain)}` },
        podTemplate: {
          spec: {
            priorityClassName: kibana.settings.priorityClassName,
            securityContext: kibana.settings.podSecurityContext,
            initContainers: containersOf(kibana.settings.containers, ['elastic-internal-init']),
            containers: containersOf(kibana.settings.containers, ['kibana']),
            ...(kibana.settings.spread ? { topologySpreadConstraints: topologySpreadOf(kibana.podLabels) } : {}),
          },
        },
      },
    });
    if (kibana.settings.disruptionBudget) {
      new ApiObject(c, 'KibanaDisruptionBudget', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: kibana.name, namespace: KIBANA.namespace },
        spec: { ...kibana.settings.disruptionBudget, selector: { matchLabels: kibana.podLabels }, unhealthyPodEvictionPolicy: UNHEALTHY_POD_EVICTION },
      });
    }
  }

  /** The people's Kibana logins: each waits until someone puts that person's password in the store. */
  credentials(scope: Construct, ctx: AddOnContext): void {
    new PeopleElasticsearchUsers(new Construct(scope, this.name), 'Users', { cluster: ctx.cluster });
  }
}
