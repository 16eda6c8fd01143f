import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { EnvName } from '../model/app-spec';
import { ELASTICSEARCH_ADMIN_SECRET, ELASTICSEARCH_CA_SECRET, ELASTICSEARCH_URL, KIBANA, KIBANA_SERVICE } from '../model/log-contract';
import type { ResolvedApp } from '../model/resolve';
import { exemptionAnnotations, PER_FLOW_NETWORK_POLICIES, PINNED_IMAGE_PULL } from '../model/scanner-exemptions';
import { PLATFORM_PRIORITY } from '../platform/priority-classes';
import { dataViewRequestsOf } from './data-views';
import { retentionRequestsOf, type EsRequest } from './log-retention';

export const SETUP_IMAGE = 'docker.io/curlimages/curl:8.16.0';
export const SETUP_NAME = 'elasticsearch-setup';
/**
 * curl runs as any uid; the image's own curl_user (100) is below the 10000 the scanners want. The
 * fsGroup makes the admin password (mode 0440) readable to it: without one, the file is root's.
 */
const SETUP_USER = 10100;
/** The recommended labels; the instance is the job itself, as the platform runs one. */
const SETUP_LABELS = { 'app.kubernetes.io/name': SETUP_NAME, 'app.kubernetes.io/instance': SETUP_NAME, 'app.kubernetes.io/part-of': 'platform' };

export interface ElasticsearchSetupProps {
  readonly env: EnvName;
  readonly apps: readonly ResolvedApp[];
}

/** The setup script: one idempotent request per file of the ConfigMap; it stops at the first refusal. */
export function setupScript(es: readonly string[], kibana: readonly string[]): string {
  return `set -eu
auth="elastic:$(cat /run/es-admin/elastic)"
send() { # method, base URL, path, body file
  curl -sS --fail-with-body --retry 5 --retry-all-errors --cacert /run/es-ca/ca.crt -u "$auth" \\
    -X "$1" "$2/$3" -H 'Content-Type: application/json' -H 'kbn-xsrf: webapp-platform' --data-binary "@/config/$4"
  echo
}
${es.map((line) => `send PUT "${ELASTICSEARCH_URL}" ${line}`).join('\n')}
${kibana.map((line) => `send POST "http://${KIBANA_SERVICE.name}.${KIBANA.namespace}.svc:${KIBANA_SERVICE.port}" ${line}`).join('\n')}
echo '{"event":"webapps.elasticsearch-setup","status":"success"}'
`;
}

/**
 * What Elasticsearch and Kibana hold that ECK does not manage: the ILM retention policies and index
 * templates, and Kibana's data views. An hourly CronJob PUTs them (each request is idempotent), so a
 * change in git reaches Elasticsearch within the hour, and a hand edit is undone.
 */
export class ElasticsearchSetup extends Construct {
  constructor(scope: Construct, id: string, props: ElasticsearchSetupProps) {
    super(scope, id);
    const namespace = KIBANA.namespace;
    const files = (prefix: string, requests: readonly EsRequest[]) => requests.map((r, i) => ({ file: `${prefix}-${String(i).padStart(2, '0')}.json`, ...r }));
    const es = files('es', retentionRequestsOf(props.env, props.apps));
    const kibana = files('kibana', dataViewRequestsOf(props.apps));
    new ApiObject(this, 'Requests', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: SETUP_NAME, namespace },
      data: Object.fromEntries([...es, ...kibana].map((r) => [r.file, `${JSON.stringify(r.body, null, 2)}\n`])),
    });
    const hardened = {
      runAsNonRoot: true,
      runAsUser: SETUP_USER,
      runAsGroup: SETUP_USER,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
    new ApiObject(this, 'Job', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: SETUP_NAME, namespace, labels: SETUP_LABELS, annotations: exemptionAnnotations([...PINNED_IMAGE_PULL, PER_FLOW_NETWORK_POLICIES]) },
      spec: {
        schedule: '17 * * * *',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 600,
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: SETUP_LABELS },
          spec: {
            backoffLimit: 3,
            activeDeadlineSeconds: 600,
            template: {
              metadata: { labels: SETUP_LABELS },
              spec: {
                restartPolicy: 'Never',
                automountServiceAccountToken: false,
                priorityClassName: PLATFORM_PRIORITY,
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: SETUP_USER,
                  runAsGroup: SETUP_USER,
                  fsGroup: SETUP_USER,
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                containers: [
                  {
                    name: 'setup',
                    image: SETUP_IMAGE,
                    imagePullPolicy: 'IfNotPresent',
                    command: [
                      '/bin/sh',
                      '-c',
                      setupScript(
                        es.map((r) => `"${r.path}" ${r.file}`),
                        kibana.map((r) => `"${r.path}" ${r.file}`),
                      ),
                    ],
                    // It writes nothing but its log.
                    resources: {
                      requests: { cpu: '10m', memory: '16Mi', 'ephemeral-storage': '16Mi' },
                      limits: { cpu: '200m', memory: '64Mi', 'ephemeral-storage': '64Mi' },
                    },
                    securityContext: hardened,
                    volumeMounts: [
                      { name: 'requests', mountPath: '/config', readOnly: true },
                      { name: 'es-admin', mountPath: '/run/es-admin', readOnly: true },
                      { name: 'es-ca', mountPath: '/run/es-ca', readOnly: true },
                    ],
                  },
                ],
                volumes: [
                  { name: 'requests', configMap: { name: SETUP_NAME } },
                  { name: 'es-admin', secret: { secretName: ELASTICSEARCH_ADMIN_SECRET, defaultMode: 0o440 } },
                  { name: 'es-ca', secret: { secretName: ELASTICSEARCH_CA_SECRET, defaultMode: 0o444 } },
                ],
              },
            },
          },
        },
      },
    });
  }
}
