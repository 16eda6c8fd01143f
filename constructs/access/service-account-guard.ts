import { BACKUP_COMPONENT_LABEL, backupJobNameOf, type BackupJob } from '../model/backup-job';
import { APP_PART_OF_LABEL, backupJobServiceAccountOf, selectorLabelsOf, serviceAccountOf } from '../model/naming';
import type { AdmissionRule } from '../blocks/admission-policy';

/** The label of an app namespace that names its app (the namespace carries the app's labels). */
const APP_NAME_LABEL = Object.keys(selectorLabelsOf('app'))[0];
/** The value of BACKUP_COMPONENT_LABEL on the pods of the app's restic jobs. */
const BACKUP_COMPONENT = 'backup';
/**
 * The account each of the app's restic jobs runs as (backupJobServiceAccountOf: each job its own): a
 * CronJob named backupJobNameOf(app, job), or a Job made from it, may use this account and no other job's.
 */
export const JOB_ACCOUNTS: Readonly<Record<BackupJob, (app: string) => string>> = {
  backup: (app) => backupJobServiceAccountOf(app, 'backup'),
  check: (app) => backupJobServiceAccountOf(app, 'check'),
  retention: (app) => backupJobServiceAccountOf(app, 'retention'),
  restore: (app) => backupJobServiceAccountOf(app, 'restore'),
};

/** Every account the guard lets a pod of this app's namespace use. */
export const allowedAccountsOf = (app: string): string[] => [...new Set([serviceAccountOf(app), ...Object.values(JOB_ACCOUNTS).map((nameOf) => nameOf(app))])];

const quote = (s: string) => JSON.stringify(s);
const MARK = '\u0000';
/** A naming function as CEL over `app`: `serviceAccountOf` gives `app`, `restoreServiceAccountOf` gives `app + "-restore"`. */
export function celNameOf(nameOf: (app: string) => string, app: string): string {
  const parts = nameOf(MARK).split(MARK);
  return parts.flatMap((part, i) => [...(part ? [quote(part)] : []), ...(i < parts.length - 1 ? [app] : [])]).join(' + ');
}

export const SERVICE_ACCOUNT_GUARD = 'pods-on-their-own-app-accounts';

/**
 * Every pod in an app namespace runs as that app's own ServiceAccount; a restic job's account only in
 * that job's CronJob (by its name and the backup label), the Jobs made from it and their pods. So a
 * developer who may patch the Deployment (to restart it) cannot run it as the backup account and reach
 * the app's backups, nor as any account created in the namespace. The app comes from its namespace's
 * labels, which only the platform layer writes.
 */
export function serviceAccountGuardRule(jobAccounts: Readonly<Record<BackupJob, (app: string) => string>> = JOB_ACCOUNTS): AdmissionRule {
  const app = 'variables.app';
  const jobs = (Object.entries(jobAccounts) as [BackupJob, (app: string) => string][]).sort(([a], [b]) => a.localeCompare(b));
  const ownJob = jobs
    .map(([job, nameOf]) => `(variables.cronJobs.exists(n, n == ${celNameOf((a) => backupJobNameOf(a, job), app)}) && a == ${celNameOf(nameOf, app)})`)
    .join(' || ');
  const anyJobAccount = `[${[...new Set(jobs.map(([, nameOf]) => celNameOf(nameOf, app)))].join(', ')}]`;
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
        name: 'backupPod',
        expression: `has(variables.pod.metadata) && has(variables.pod.metadata.labels) && ${quote(BACKUP_COMPONENT_LABEL)} in variables.pod.metadata.labels && variables.pod.metadata.labels[${quote(BACKUP_COMPONENT_LABEL)}] == ${quote(BACKUP_COMPONENT)}`,
      },
      {
        // Which CronJob this is, or which one a Job was made from (the CronJob controller and
        // `kubectl create job --from=cronjob/…` both name it in an owner reference).
        name: 'cronJobs',
        expression:
          "object.kind == 'CronJob' ? [object.metadata.name] : (object.kind == 'Job' && has(object.metadata.ownerReferences) ? " +
          "object.metadata.ownerReferences.filter(r, r.kind == 'CronJob').map(r, r.name) : [])",
      },
      {
        // A Job's pod: the Job was admitted with its account, so any job account will do here.
        name: 'jobPod',
        expression:
          "object.kind == 'Pod' && has(object.metadata.ownerReferences) && object.metadata.ownerReferences.exists(r, r.kind == 'Job' && has(r.controller) && r.controller)",
      },
    ],
    validations: [
      {
        expression: `variables.accounts.all(a, a == ${celNameOf(serviceAccountOf, app)} || (variables.backupPod && ((variables.jobPod && a in ${anyJobAccount}) || ${ownJob})))`,
        message:
          `A pod in an app namespace runs as its app's own ServiceAccount; only the app's restic CronJobs (pods labelled ${BACKUP_COMPONENT_LABEL}: ${BACKUP_COMPONENT}), ` +
          "the Jobs made from them and those Jobs' pods may use the jobs' accounts, each job its own.",
      },
    ],
  };
}
