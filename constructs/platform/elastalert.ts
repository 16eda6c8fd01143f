import { Construct } from 'constructs';
import { ELASTALERT_ES_USER, ELASTALERT_WRITEBACK_INDEX } from '../logging/elastalert-access';
import { alertingStoreKeysOf, CREDENTIALS_SECRET, ElastAlertSecrets } from '../alerts/elastalert-secrets';
import { ELASTICSEARCH_CA } from '../logging/elasticsearch-ca';
import { CHAT_WEBHOOK_ENV, SMTP_AUTH_DIR, SMTP_PORTS, smtpPortOf } from '../alerts/receivers';
import { renderedRulesOf } from '../alerts/render';
import { ALERTING_WATCHDOG, AlertingWatchdog } from '../alerts/alerting-watchdog';
import { CERTIFICATE_CHECK, CertificateCheck } from '../alerts/certificate-check';
import { AlertRuleConfigMaps, ruleConfigMapsOf, type RuleConfigMap } from '../alerts/rule-config-maps';
import type { AlertingSpec, ClusterSpec } from '../model/cluster-spec';
import { ALERTING_NAMESPACE, ELASTICSEARCH, ELASTICSEARCH_PORT, ELASTICSEARCH_URL } from '../model/log-contract';
import { hardenedContainer, restrictedPod } from '../blocks/hardened-container';
import { EckAddOn } from './eck';
import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource, type AddOnKind } from './add-on';
import type { ChartWorkload } from './chart-workload';
import type { WorkloadEgress } from './network-needs';
import { PLATFORM_PRIORITY } from '../model/priority-names';
import { GATEWAY } from '../model/naming';
import { clusterGatewaysOf } from './cluster-gateways';
import { PROXY_PORTS } from './envoy-gateway';

export const elastAlertDefaults = {
  name: 'elastalert',
  namespace: ALERTING_NAMESPACE,
  chart: { repository: 'https://jertel.github.io/elastalert2/', chart: 'elastalert2', version: '2.26.0' } as ChartSource,
  resources: { requests: { cpu: '50m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
};
export type ElastAlertProps = Partial<typeof elastAlertDefaults>;

const CA_DIR = '/opt/elastalert/es-ca';
const UID = 1000;
/** The projected volume of the rule ConfigMaps; the chart mounts the volume its rulesVolumeName names at its rulesFolder. */
const RULES_VOLUME = 'alert-rules';

/** The cluster's receivers; input validation reports a cluster without them first. */
function alertingOf(cluster: ClusterSpec): AlertingSpec {
  if (!cluster.alerting) throw new Error(`cluster "${cluster.name}": field "alerting" is not set: the elastalert add-on needs receivers`);
  return cluster.alerting;
}

/** The cluster's rule ConfigMaps, made once for the values and the configs layer alike. */
const ruleConfigMaps = new WeakMap<AddOnContext['apps'], WeakMap<AlertingSpec, RuleConfigMap[]>>();
function ruleConfigMapsFor(name: string, ctx: AddOnContext, alerting: AlertingSpec): RuleConfigMap[] {
  const ofApps = ruleConfigMaps.get(ctx.apps) ?? ruleConfigMaps.set(ctx.apps, new WeakMap()).get(ctx.apps)!;
  return ofApps.get(alerting) ?? ofApps.set(alerting, ruleConfigMapsOf(`${name}-rules`, renderedRulesOf(ctx.apps, alerting))).get(alerting)!;
}

/**
 * ElastAlert2: the alert rules generated from the specs (constructs/alerts/), sent by email and to a
 * chat webhook. Kibana's free tier cannot send either. It reads Elasticsearch over verified TLS as its
 * own least-privilege user; every credential comes from External Secrets. The rules are ConfigMaps of the
 * configs layer (alerts/rule-config-maps.ts), not the chart's values: at a thousand apps they pass the
 * API server's size limits.
 */
const TO_ELASTICSEARCH = [{ namespace: ELASTICSEARCH.namespace, ports: [{ port: ELASTICSEARCH_PORT, name: 'Elasticsearch' }] }];
/**
 * The certificate check's one call: the Gateway's proxies on their HTTPS port (the in-cluster Service's
 * target), which the proxies admit from anywhere. Nothing else: no Elasticsearch, no internet, no app.
 */
const CERTIFICATE_CHECK_EGRESS: WorkloadEgress = {
  egressToNamespaces: [{ namespace: GATEWAY.namespace, ports: [{ port: PROXY_PORTS[1], name: 'Gateway proxies HTTPS' }] }],
};
/** The namespace's bound: Elasticsearch, the proxies for the certificate check, and every port some cluster's receivers may need. Its workloads declare their own within it. */
const NAMESPACE_EGRESS = {
  egressToNamespaces: [...TO_ELASTICSEARCH, ...CERTIFICATE_CHECK_EGRESS.egressToNamespaces!],
  egressInternet: [{ port: 443, name: 'chat webhook' }, ...SMTP_PORTS.map((port) => ({ port, name: 'SMTP' }))],
} as const satisfies WorkloadEgress;
/**
 * What ElastAlert2 and the watchdog call: Elasticsearch, the cluster's mail relay on its one SMTP port, and HTTPS
 * only where a chat webhook is set. Declared for each, so neither reaches a pod of its own namespace.
 */
export function alertingEgressOf(alerting: AlertingSpec): WorkloadEgress {
  return {
    egressToNamespaces: TO_ELASTICSEARCH,
    egressInternet: [...(alerting.chat ? [{ port: 443, name: 'chat webhook' }] : []), { port: smtpPortOf(alerting), name: 'SMTP' }],
  };
}

export class ElastAlertAddOn extends HelmAddOn<typeof elastAlertDefaults> {
  readonly dependsOn: readonly AddOnKind[] = [EckAddOn];
  readonly network: AddOnNetwork = NAMESPACE_EGRESS;
  /** From the chart at its pinned version. */
  readonly clusterRights = 'none: its chart has no ClusterRole';
  readonly usesSecretStore = true;
  // Its pod needs Elasticsearch and the synced Secrets of the configs layer.
  readonly layer = 'services' as const;

  constructor(props: ElastAlertProps = {}) {
    super(elastAlertDefaults, props);
  }

  values(ctx: AddOnContext): Record<string, unknown> {
    const alerting = alertingOf(ctx.cluster);
    const es = new URL(ELASTICSEARCH_URL);
    const secretVolume = (name: string, secretName: string, key: string) => ({ name, secret: { secretName, items: [{ key, path: key }], defaultMode: 0o440 } });
    return {
      fullnameOverride: this.name,
      // One instance only: two would send every alert twice.
      replicaCount: 1,
      writebackIndex: ELASTALERT_WRITEBACK_INDEX,
      elasticsearch: {
        host: es.hostname,
        port: Number(es.port),
        useSsl: 'True',
        verifyCerts: 'True',
        caCerts: `${CA_DIR}/${ELASTICSEARCH_CA.key}`,
        username: ELASTALERT_ES_USER.username,
        credentialsSecret: CREDENTIALS_SECRET.name,
        credentialsSecretPasswordKey: CREDENTIALS_SECRET.esPassword,
        certsVolumes: [secretVolume('es-ca', ELASTICSEARCH_CA.name, ELASTICSEARCH_CA.key)],
        certsVolumeMounts: [{ name: 'es-ca', mountPath: CA_DIR, readOnly: true }],
      },
      // ElastAlert2 mails none of its own failures (no notify_alert): with notify_all_errors a lost Elasticsearch would
      // send two per rule per minute. A rule that raises keeps running (disable_rules_on_error, true by default, would
      // pause it until a restart after one notice), so each run's failure is in elastalert_error, where the alerting
      // watchdog finds it every check (elastalert/elastalert.py@2.26.0 handle_uncaught_exception; alerts/alerting-watchdog.ts).
      extraConfigOptions: { notify_all_errors: false, disable_rules_on_error: false },
      optEnv: alerting.chat
        ? [{ name: CHAT_WEBHOOK_ENV, valueFrom: { secretKeyRef: { name: CREDENTIALS_SECRET.name, key: CREDENTIALS_SECRET.chatWebhook } } }]
        : [],
      rulesVolumeName: RULES_VOLUME,
      extraVolumes: [
        {
          name: RULES_VOLUME,
          projected: { defaultMode: 0o444, sources: ruleConfigMapsFor(this.name, ctx, alerting).map((c) => ({ configMap: { name: c.name } })) },
        },
        { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
        ...(alerting.email.credentialsSecret ? [secretVolume('smtp-auth', CREDENTIALS_SECRET.name, CREDENTIALS_SECRET.smtpAuth)] : []),
      ],
      extraVolumeMounts: [
        { name: 'tmp', mountPath: '/tmp' },
        ...(alerting.email.credentialsSecret ? [{ name: 'smtp-auth', mountPath: SMTP_AUTH_DIR, readOnly: true }] : []),
      ],
    };
  }

  /** The watchdog reaches what ElastAlert2 reaches; the certificate check only the proxies. */
  ownPodEgress(ctx: AddOnContext): Readonly<Record<string, WorkloadEgress>> {
    return { [ALERTING_WATCHDOG.name]: alertingEgressOf(alertingOf(ctx.cluster)), [CERTIFICATE_CHECK.name]: CERTIFICATE_CHECK_EGRESS };
  }

  /** Source: jertel/elastalert2@2.26.0 chart/elastalert2 (values.yaml, templates/deployment.yaml, templates/_labels.tpl). */
  workloads(ctx: AddOnContext): ChartWorkload[] {
    return [
      {
        kind: 'Deployment',
        name: this.name,
        role: 'controller',
        podLabels: { 'app.kubernetes.io/name': 'elastalert2', 'app.kubernetes.io/instance': this.name },
        podSecurity: 'restricted',
        egress: alertingEgressOf(alertingOf(ctx.cluster)),
        settings: {
          // One instance only: two would send every alert twice (it has no leader election).
          replicas: 1,
          podSecurityContext: restrictedPod(UID),
          containers: { elastalert: { securityContext: hardenedContainer({ user: UID }), resources: this.props.resources } },
          // The chart has no key for these: a post-renderer sets them.
          priorityClassName: PLATFORM_PRIORITY,
          // It calls Elasticsearch and the receivers only: no Kubernetes client in elastalert2 2.26.0 (requirements.txt).
          automountServiceAccountToken: false,
        },
        keys: {
          replicas: 'replicaCount',
          podSecurityContext: 'podSecurityContext',
          containers: { elastalert: { securityContext: 'securityContext', resources: 'resources' } },
        },
      },
    ];
  }

  storeKeys(ctx: AddOnContext): Record<string, string[]> {
    return { [this.namespace]: alertingStoreKeysOf(ctx.cluster) };
  }

  configure(scope: Construct, ctx: AddOnContext): void {
    const alerting = alertingOf(ctx.cluster);
    const own = new Construct(scope, this.name);
    new ElastAlertSecrets(own, 'Secrets', { namespace: this.namespace, cluster: ctx.cluster, alerting });
    new AlertingWatchdog(own, 'Watchdog', { namespace: this.namespace, cluster: ctx.cluster.name, alerting });
    const hosts = [...clusterGatewaysOf(ctx).placements.values()].map((p) => ({ host: p.host, certificate: p.certificateSecret }));
    new CertificateCheck(own, 'CertificateCheck', { namespace: this.namespace, hosts });
    new AlertRuleConfigMaps(own, 'Rules', {
      namespace: this.namespace,
      configMaps: ruleConfigMapsFor(this.name, ctx, alerting),
      labels: { 'app.kubernetes.io/name': 'elastalert2', 'app.kubernetes.io/part-of': 'platform' },
    });
  }
}
