import { BACKUP_COMPONENT_LABEL } from '../app/backup-jobs';
import { APP_PART_OF_LABEL, backupServiceAccountOf, selectorLabelsOf, serviceAccountOf } from '../model/naming';
import type { AdmissionRule } from '../platform/admission-policy';

/** The label of an app namespace that names its app (the namespace carries the app's labels). */
const APP_NAME_LABEL = Object.keys(selectorLabelsOf('app'))[0];
/**
 * The accounts a job may run as beside the app's own, by the value of BACKUP_COMPONENT_LABEL on its
 * pods: only a CronJob, a Job or a Job's Pod, never a Deployment or a bare Pod.
 */
export const JOB_ACCOUNTS: Readonly<Record<string, (app: string) => string>> = { backup: backupServiceAccountOf };

/** Every account the guard lets a pod of this app's namespace use. */
export const allowedAccountsOf = (app: string): string[] => [serviceAccountOf(app), ...Object.values(JOB_ACCOUNTS).map((nameOf) => nameOf(app))];

const quote = (s: string) => JSON.stringify(s);
const MARK = '\u0000';
/** A naming function as CEL over `app`: `serviceAccountOf` gives `app`, `backupServiceAccountOf` gives `app + "-backup"`. */
export function celNameOf(nameOf: (app: string) => string, app: string): string {
  const parts = nameOf(MARK).split(MARK);
  return parts.flatMap((part, i) => [...(part ? [quote(part)] : []), ...(i < parts.length - 1 ? [app] : [])]).join(' + ');
}

export const SERVICE_ACCOUNT_GUARD = 'pods-on-their-own-app-accounts';

/**
 * Every pod in an app namespace runs as that app's own ServiceAccount; the backup account only in the
 * backup jobs. So a developer who may patch the Deployment (to restart it) cannot run it as the backup
 * account and reach the app's backups, nor as any account created in the namespace. The app comes from
 * its namespace's labels, which only the platform layer writes.
 */
export function serviceAccountGuardRule(): AdmissionRule {
  const app = 'variables.app';
  const jobAccount = Object.entries(JOB_ACCOUNTS)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([job, nameOf]) => `(variables.job == ${quote(job)} && a == ${celNameOf(nameOf, app)})`)
    .join(' || ');
  return {
    name: SERVICE_ACCOUNT_GUARD,
    resources: [
      { group: '', version: 'v1', resources: ['pods'] },
      { group: 'apps', version: 'v1', resources: ['deployments'] },
      { group: 'batch', version: 'v1', resources: ['cronjobs', 'jobs'] },
    ],
    operations: ['CREATE', 'UPDATE'],
    namespaceLabels: APP_PART_OF_LABEL,
    variables: [
      { name: 'app', expression: `namespaceObject.metadata.labels[${quote(APP_NAME_LABEL)}]` },
      {
        name: 'pod',
        expression: "object.kind == 'Pod' ? object : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template : object.spec.template)",
      },
      {
        // serviceAccount is the deprecated alias; either one names the account.
        name: 'accounts',
        expression:
          "(has(variables.pod.spec.serviceAccountName) ? [variables.pod.spec.serviceAccountName] : ['default'])" +
          ' + (has(variables.pod.spec.serviceAccount) ? [variables.pod.spec.serviceAccount] : [])',
      },
      {
        name: 'job',
        expression: `has(variables.pod.metadata) && has(variables.pod.metadata.labels) && ${quote(BACKUP_COMPONENT_LABEL)} in variables.pod.metadata.labels ? variables.pod.metadata.labels[${quote(BACKUP_COMPONENT_LABEL)}] : ''`,
      },
      {
        // A Pod may use a job's account only as a Job's pod; a Deployment never.
        name: 'mayRunJobs',
        expression:
          "object.kind in ['CronJob', 'Job'] || (object.kind == 'Pod' && has(object.metadata.ownerReferences) && " +
          "object.metadata.ownerReferences.exists(r, r.kind == 'Job' && has(r.controller) && r.controller))",
      },
    ],
    validations: [
      {
        expression: `variables.accounts.all(a, a == ${celNameOf(serviceAccountOf, app)} || (variables.mayRunJobs && (${jobAccount})))`,
        message:
          `A pod in an app namespace runs as its app's own ServiceAccount; only the app's backup jobs (pods labelled ${BACKUP_COMPONENT_LABEL}) ` +
          'may use its backup account.',
      },
    ],
  };
}
