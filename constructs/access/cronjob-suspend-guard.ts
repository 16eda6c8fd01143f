import { BREAK_GLASS_GROUP, PLATFORM_ADMINS_GROUP } from '../model/access-spec';
import { APP_PART_OF_LABEL } from '../model/naming';
import type { AdmissionRule } from '../blocks/admission-policy';
import { FIXED_METADATA, quote, sameOptional } from './unchanged-fields';

export const CRONJOB_SUSPEND_GUARD = 'cronjobs-suspend-only';
/** The fields of batch/v1 CronJobSpec besides `suspend` (kubernetes-models 4.5.1, batch/v1 CronJobSpec), each of which must stay as it is. */
export const FIXED_CRONJOB_FIELDS = [
  'schedule',
  'timeZone',
  'startingDeadlineSeconds',
  'concurrencyPolicy',
  'jobTemplate',
  'successfulJobsHistoryLimit',
  'failedJobsHistoryLimit',
] as const;

/**
 * Operators suspend and resume an app's CronJobs, and nothing more: their `patch` on CronJobs
 * (OPERATOR_ROLE) exists to stop an app's backup, retention and check runs in an incident (a deleted
 * repository that the next backup would initialise afresh: docs/restore.md) without waiting for a pull
 * request. An update by an operator may change `spec.suspend`; the rest of spec (the job template with its
 * pods, accounts and volumes above all) and the CronJob's labels, annotations, owner references and
 * finalizers must equal oldObject's; they may create none. Flux leaves a suspend it did not write alone:
 * the apps' CronJobs set `suspend` only where it is part of their design (the restore job), and a server-side
 * apply changes only the fields it names. Flux, the controllers, developers and break-glass are in none of
 * these groups.
 */
export function cronJobSuspendGuardRule(): AdmissionRule {
  return {
    name: CRONJOB_SUSPEND_GUARD,
    resources: [{ group: 'batch', version: 'v1', resources: ['cronjobs'] }],
    operations: ['CREATE', 'UPDATE'],
    namespaceLabels: APP_PART_OF_LABEL,
    matchConditions: [
      {
        name: 'operators',
        expression:
          `has(request.userInfo.groups) && ${quote(PLATFORM_ADMINS_GROUP)} in request.userInfo.groups` +
          ` && !(${quote(BREAK_GLASS_GROUP)} in request.userInfo.groups)`,
      },
    ],
    validations: [
      {
        expression: [
          'oldObject != null',
          ...FIXED_METADATA.map(([field, empty]) => sameOptional('metadata', field, empty)),
          ...FIXED_CRONJOB_FIELDS.map((field) => sameOptional('spec', field)),
        ].join(' && '),
        message: 'Operators may only suspend or resume a CronJob (spec.suspend); any other change goes through git, or break-glass.',
      },
    ],
  };
}
