import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { hardenedContainer, restrictedPod } from '../blocks/hardened-container';
import { CURL_JOB_RESOURCES, SETUP_IMAGE } from '../logging/elasticsearch-setup';
import { PLATFORM_PRIORITY } from '../model/priority-names';
import { exemptionAnnotations, PER_FLOW_NETWORK_POLICIES, PINNED_IMAGE_PULL } from '../model/scanner-exemptions';

export interface CurlCronJobProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly schedule: string;
  /** How often it runs: a run missed by more is skipped, and the next one is the retry. */
  readonly periodMinutes: number;
  /** How long one run may take. */
  readonly deadlineSeconds: number;
  readonly user: number;
  readonly container: string;
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
  readonly volumeMounts: readonly Record<string, unknown>[];
  readonly volumes: readonly Record<string, unknown>[];
}

/**
 * A platform check of the alerting namespace that runs a shell script on the pinned curl image, as a restricted,
 * hardened pod without a ServiceAccount token, never twice at once: the alerting watchdog and the certificate check.
 */
export function curlCronJob(scope: Construct, id: string, props: CurlCronJobProps): ApiObject {
  const { name, namespace, labels } = props;
  return new ApiObject(scope, id, {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace, labels, annotations: exemptionAnnotations([...PINNED_IMAGE_PULL, PER_FLOW_NETWORK_POLICIES]) },
    spec: {
      schedule: props.schedule,
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: props.periodMinutes * 60,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          // The next run is the retry.
          backoffLimit: 0,
          activeDeadlineSeconds: props.deadlineSeconds,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              priorityClassName: PLATFORM_PRIORITY,
              securityContext: restrictedPod(props.user),
              containers: [
                {
                  name: props.container,
                  image: SETUP_IMAGE,
                  imagePullPolicy: 'IfNotPresent',
                  command: ['/bin/sh', '-c', props.script],
                  env: Object.entries(props.env).map(([key, value]) => ({ name: key, value })),
                  resources: CURL_JOB_RESOURCES,
                  securityContext: hardenedContainer({ user: props.user }),
                  volumeMounts: [...props.volumeMounts],
                },
              ],
              volumes: [...props.volumes],
            },
          },
        },
      },
    },
  });
}
