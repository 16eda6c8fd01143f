import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { EnvName } from '../model/app-spec';
import { ELASTICSEARCH, ELASTICSEARCH_PORT, KIBANA, KIBANA_SERVICE, kibanaHostOf } from '../model/log-contract';
import { platformSecretKeyOf } from '../model/naming';
import { parseQuantity } from '../model/quantity';
import { ElasticsearchSetup } from '../logging/elasticsearch-setup';
import { ElasticsearchUsers } from '../logging/elasticsearch-users-objects';
import { ES_ROLES_SECRET, esUsersOf, esUserSecretOf } from '../logging/elasticsearch-users';
import { elastAlertDefaults } from './elastalert';
import { fluentBitDefaults } from './fluent-bit';
import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource, type PlatformEndpoint } from './add-on';
import { PLATFORM_PRIORITY } from './priority-classes';

export interface ElasticsearchSizing {
  readonly nodes: number;
  /** Container memory; the JVM heap gets half, as Elastic advises. */
  readonly memory: string;
  readonly cpu: string;
  /** gp3 volume per node. */
  readonly storage: string;
  readonly kibanaReplicas: number;
}

export const eckDefaults = {
  name: 'eck-operator',
  namespace: ELASTICSEARCH.namespace,
  chart: { repository: 'https://helm.elastic.co', chart: 'eck-operator', version: '3.2.0' } as ChartSource,
  stackVersion: '9.1.0',
  /** Prod: three nodes, one per k8s node and zone, so one lost zone keeps the logs searchable. */
  sizing: {
    staging: { nodes: 1, memory: '2Gi', cpu: '500m', storage: '30Gi', kibanaReplicas: 1 },
    prod: { nodes: 3, memory: '4Gi', cpu: '1', storage: '100Gi', kibanaReplicas: 2 },
  } as Record<EnvName, ElasticsearchSizing>,
};
export type EckProps = Partial<typeof eckDefaults>;

/** The StorageClass of Elasticsearch's volumes: encrypted gp3, kept when a claim goes away. */
export const LOG_STORAGE_CLASS = 'gp3-retain';
const ES_CLUSTER_LABEL = 'elasticsearch.k8s.elastic.co/cluster-name';

/**
 * Elastic Cloud on Kubernetes: the operator, and the Elasticsearch cluster and Kibana it runs for the
 * logs. (Elastic's Helm charts for Elasticsearch itself are no longer maintained; ECK is.) Kibana
 * serves plain HTTP inside the cluster: only the Gateway, which terminates TLS, may reach it.
 */
export class EckAddOn extends HelmAddOn<typeof eckDefaults> {
  readonly dependsOn: readonly string[] = [];
  // ECK's Elasticsearch pods set no seccomp profile, which `restricted` requires.
  readonly podSecurity = 'baseline' as const;
  // The API server calls the operator's webhook (chart 3.2.0, values.yaml webhook.port: 9443).
  // Elasticsearch's 9200 admits only its clients' namespaces; Kibana's 5601 only the Gateway's proxies, as
  // its endpoint below. The operator, Elasticsearch, Kibana and the setup job talk inside the namespace.
  readonly network: AddOnNetwork = {
    ingressFromApiServer: [{ port: 9443, name: 'webhook' }],
    ingressFromNamespaces: [{ port: ELASTICSEARCH_PORT, namespaces: [fluentBitDefaults.namespace, elastAlertDefaults.namespace] }],
    egressApiServer: true,
  };

  constructor(props: EckProps = {}) {
    super(eckDefaults, props);
  }

  readonly usesSecretStore = true;

  storeKeys(ctx: AddOnContext): Record<string, string[]> {
    return { [ELASTICSEARCH.namespace]: esUsersOf(ctx.cluster.access).map((u) => platformSecretKeyOf(ctx.cluster.env, u.storeSecret)) };
  }

  endpoints(ctx: AddOnContext): PlatformEndpoint[] {
    return [{ name: 'kibana', namespace: KIBANA.namespace, host: kibanaHostOf(ctx.cluster.domain), service: KIBANA_SERVICE.name, port: KIBANA_SERVICE.port }];
  }

  values(): Record<string, unknown> {
    return { installCRDs: true, managedNamespaces: [this.namespace], podDisruptionBudget: { enabled: false }, priorityClassName: PLATFORM_PRIORITY };
  }

  configure(scope: Construct, ctx: AddOnContext): void {
    const c = new Construct(scope, this.name);
    const sizing = this.props.sizing[ctx.cluster.env];
    const version = this.props.stackVersion;
    const heapMi = Math.floor(parseQuantity(sizing.memory)! / 2 ** 21);

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
            count: sizing.nodes,
            // No mmap: no privileged init container to raise vm.max_map_count on the node.
            config: { 'node.store.allow_mmap': false },
            podTemplate: {
              spec: {
                priorityClassName: PLATFORM_PRIORITY,
                containers: [
                  {
                    name: 'elasticsearch',
                    env: [{ name: 'ES_JAVA_OPTS', value: `-Xms${heapMi}m -Xmx${heapMi}m` }],
                    resources: { requests: { cpu: sizing.cpu, memory: sizing.memory }, limits: { memory: sizing.memory } },
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
                topologySpreadConstraints: [
                  {
                    maxSkew: 1,
                    topologyKey: 'topology.kubernetes.io/zone',
                    whenUnsatisfiable: 'DoNotSchedule',
                    labelSelector: { matchLabels: { [ES_CLUSTER_LABEL]: ELASTICSEARCH.name } },
                  },
                ],
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
    new ElasticsearchSetup(c, 'Setup', { env: ctx.cluster.env, apps: ctx.apps });

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
        http: { tls: { selfSignedCertificate: { disabled: true } } },
        podTemplate: { spec: { priorityClassName: PLATFORM_PRIORITY } },
      },
    });
  }
}
