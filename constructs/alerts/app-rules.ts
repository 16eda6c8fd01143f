import { BACKUP_CONTAINER, backupPodPatternOf, type BackupJob } from '../model/backup-job';
import type { ErrorBurstSpec } from '../model/app-spec';
import {
  ACCESS_LOG_FIELDS,
  BACKUP_EVENT,
  containerLogStreamOf,
  EVENT_FIELDS,
  EVENTS_STREAM,
  gatewayAccessStreamOf,
  LOG_BUDGET_EVENT,
  LOG_FIELDS,
  LOG_SHIPPER_CONTAINER,
  REPORT_FIELDS,
  REPORT_PATH,
} from '../model/log-contract';
import { longestIntervalMinutes } from '../model/cron-interval';
import { ACCESS_HEADROOM_PERCENT, accessBudgetOf, LOG_BUDGET_INTERVAL_SECONDS, logBudgetOf, REFUSED_BUDGET } from '../model/log-budget';
import { namespaceOf } from '../model/naming';
import type { ResolvedApp } from '../model/resolve';
import { appRuleId, not, range, term, terms, wildcard, type AlertRule, type AppRulePurpose } from './rule';

export const DEFAULT_ERROR_BURST: Required<ErrorBurstSpec> = { count: 10, minutes: 5 };
/** 5xx answers from the Gateway that make a burst. */
export const SERVER_ERROR_BURST = { count: 20, minutes: 5 } as const;
/** Requests in the last window at least this many times the window before; small windows are ignored. */
export const REQUEST_SPIKE = { height: 3, minutes: 15, minRequests: 600 } as const;
/** Pod restarts backing off, per pod. */
export const CRASH_LOOP = { count: 3, minutes: 15, reasons: ['BackOff', 'CrashLoopBackOff'] } as const;
/** A run may end this many hours after the next would have started before it counts as missed: a slow run. */
export const BACKUP_SLACK_HOURS = 2;
/** The longest wait between two runs of a schedule, in whole hours (at least 1). */
const longestWaitHoursOf = (schedule: string): number => Math.max(1, Math.ceil(longestIntervalMinutes(schedule) / 60));
/**
 * No saved snapshot for the schedule's longest wait between backups and the slack: a run missed or failed.
 * 26 h for a daily backup; a weekly one (`0 3 * * 0`) waits 170 h, one on weekdays (`0 3 * * 1-5`) 74 h, so
 * neither alerts on the days it does not run.
 */
export const backupStaleHoursOf = (schedule: string): number => longestWaitHoursOf(schedule) + BACKUP_SLACK_HOURS;
/** The scheduled backup jobs; a manual restore reports to the person who started it. */
export const SCHEDULED_BACKUP_JOBS: readonly BackupJob[] = ['backup', 'retention', 'check'];
/**
 * The report statuses of a backup that saved a snapshot (app/restic-scripts.ts): `partial` is one without some
 * files restic could not read. Either is a backup, so neither leaves the app without one; only `failure` fails.
 */
export const SAVED_BACKUP_STATUSES = ['success', 'partial'] as const;
/**
 * Partial backups that make a warning: two within two of the schedule's longest waits and the slack, i.e. two
 * runs in a row (50 h for a nightly backup). One alone is routine on GeeseFS (a file renamed, i.e. copied and
 * deleted, while the backup read the folder); a file that stays unreadable is missing from every snapshot, and
 * shows up run after run.
 */
export const BACKUP_PARTIAL_COUNT = 2;
export const backupPartialHoursOf = (schedule: string): number => BACKUP_PARTIAL_COUNT * longestWaitHoursOf(schedule) + BACKUP_SLACK_HOURS;

export const errorBurstOf = (app: ResolvedApp): Required<ErrorBurstSpec> => ({ ...DEFAULT_ERROR_BURST, ...app.alerts?.errorBurst });

/** The rules every app gets, its backup rules among them: every app is backed up. */
/**
 * Fluent Bit's summaries of an app's lines dropped over a log budget. Only Fluent Bit's container writes them: an
 * app's own line shaped like one has the app's container, a proxy's the proxy's.
 */
const budgetSummaryFilter = (app: ResolvedApp) => [
  term(REPORT_FIELDS.event, LOG_BUDGET_EVENT),
  term(REPORT_FIELDS.app, app.name),
  term(LOG_FIELDS.container, LOG_SHIPPER_CONTAINER),
  range(REPORT_FIELDS.dropped, { gte: 1 }),
];

export function appRulesOf(app: ResolvedApp): AlertRule[] {
  const namespace = namespaceOf(app.name);
  const base = (purpose: AppRulePurpose, title: string) => ({
    id: appRuleId(app.name, purpose),
    name: `${app.name}: ${title}`,
    owner: { app: app.name, purpose },
  });
  const errorBurst = errorBurstOf(app);
  const staleHours = backupStaleHoursOf(app.backup.schedule);
  const partialHours = backupPartialHoursOf(app.backup.schedule);
  const rules: AlertRule[] = [
    {
      ...base('5xx-burst', 'burst of 5xx answers'),
      type: 'frequency',
      description: `At least ${SERVER_ERROR_BURST.count} requests to ${app.name} ended in a 5xx at the Gateway within ${SERVER_ERROR_BURST.minutes} minutes.`,
      index: gatewayAccessStreamOf(namespace),
      filter: [term(ACCESS_LOG_FIELDS.namespace, namespace), range(ACCESS_LOG_FIELDS.status, { gte: 500, lt: 600 })],
      numEvents: SERVER_ERROR_BURST.count,
      timeframe: { minutes: SERVER_ERROR_BURST.minutes },
      realert: { minutes: 30 },
    },
    {
      ...base('request-spike', 'request rate spike'),
      type: 'spike',
      description: `Requests to ${app.name} rose to ${REQUEST_SPIKE.height} times the previous ${REQUEST_SPIKE.minutes} minutes (at least ${REQUEST_SPIKE.minRequests}).`,
      index: gatewayAccessStreamOf(namespace),
      filter: [term(ACCESS_LOG_FIELDS.namespace, namespace)],
      spikeHeight: REQUEST_SPIKE.height,
      spikeType: 'up',
      timeframe: { minutes: REQUEST_SPIKE.minutes },
      thresholdCur: REQUEST_SPIKE.minRequests,
      // Counts, not documents: a busy app's access log would be downloaded line by line otherwise.
      useCountQuery: true,
      realert: { minutes: 60 },
    },
    {
      ...base('error-burst', 'burst of error messages'),
      type: 'frequency',
      description: `At least ${errorBurst.count} error-level log lines from ${app.name} within ${errorBurst.minutes} minutes.`,
      index: containerLogStreamOf(namespace),
      // The backup jobs' restic lines are the backup rules' (an unreadable file is an error line of its own).
      filter: [term(LOG_FIELDS.level, 'error'), not(term(LOG_FIELDS.container, BACKUP_CONTAINER))],
      numEvents: errorBurst.count,
      timeframe: { minutes: errorBurst.minutes },
      realert: { minutes: 30 },
    },
    {
      ...base('crash-loop', 'pod in a crash loop'),
      type: 'frequency',
      description: `A pod of ${app.name} keeps failing: Kubernetes backed off restarting it ${CRASH_LOOP.count} times within ${CRASH_LOOP.minutes} minutes.`,
      index: EVENTS_STREAM,
      filter: [term(EVENT_FIELDS.namespace, namespace), terms(EVENT_FIELDS.reason, CRASH_LOOP.reasons)],
      numEvents: CRASH_LOOP.count,
      timeframe: { minutes: CRASH_LOOP.minutes },
      queryKey: EVENT_FIELDS.name,
      realert: { minutes: 60 },
    },
    {
      ...base('log-lines-dropped', 'log lines dropped over its budget'),
      type: 'any',
      description:
        `Fluent Bit dropped log lines of ${app.name} on a node: it logged more than its budget of ${logBudgetOf(app).linesPerSecond} lines a second ` +
        `(logLinesPerSecond). Its summary line, one a node every ${LOG_BUDGET_INTERVAL_SECONDS} seconds while it lasts, gives the node and the count.`,
      index: containerLogStreamOf(namespace),
      filter: budgetSummaryFilter(app),
      queryKey: REPORT_FIELDS.node,
      realert: { hours: 1 },
    },
    {
      ...base('access-lines-dropped', 'access log lines dropped over their budget'),
      type: 'any',
      description:
        `Fluent Bit dropped the Gateway's access log lines of ${app.name} on a node: one proxy wrote more than ${REFUSED_BUDGET.linesPerSecond} lines a second ` +
        `of requests its rate limit refused (429), a flood of requests, or more than ${accessBudgetOf(app).linesPerSecond} of requests it passed ` +
        `(edge.requestsPerSecond per host, and ${ACCESS_HEADROOM_PERCENT}%). ` +
        `Its summary line, one per proxy every ${LOG_BUDGET_INTERVAL_SECONDS} seconds while it lasts, gives the node, the proxy pod and the count.`,
      index: gatewayAccessStreamOf(namespace),
      filter: budgetSummaryFilter(app),
      queryKey: REPORT_FIELDS.node,
      realert: { hours: 1 },
    },
  ];
  /*
   * A report counts only from the restic container of the backup jobs: the app's own pods write to the same
   * stream, and so does the backup pod's pre-backup hook (the app's command, in an init container), and a line
   * of theirs shaped like a report must neither raise nor silence an alert. The rules on a backup's snapshot
   * take it only from the backup CronJob's pods (a job's `job` field is what the job says it is).
   */
  const backupReport = [term(REPORT_FIELDS.event, BACKUP_EVENT), term(REPORT_FIELDS.app, app.name), term(LOG_FIELDS.container, BACKUP_CONTAINER)];
  const fromBackupPod = wildcard(LOG_FIELDS.pod, backupPodPatternOf(app.name, 'backup'));
  return [
    ...rules,
    {
      ...base('backup-failed', 'backup job failed'),
      type: 'any',
      description: `A scheduled backup job (${SCHEDULED_BACKUP_JOBS.join(', ')}) of ${app.name} reported failure; its exit code is in the report line.`,
      index: containerLogStreamOf(namespace),
      filter: [...backupReport, term(REPORT_FIELDS.status, 'failure'), terms(REPORT_FIELDS.job, SCHEDULED_BACKUP_JOBS)],
      queryKey: REPORT_FIELDS.job,
      realert: { hours: 6 },
    },
    {
      ...base('backup-partial', 'backups without some files'),
      type: 'frequency',
      description:
        `${BACKUP_PARTIAL_COUNT} backups of ${app.name} within ${partialHours} hours saved their snapshot without some files restic could not read ` +
        `(${REPORT_FIELDS.status} partial, their count in ${REPORT_PATH}.unreadable); the error lines before each report name them. A warning: the rest is backed up.`,
      index: containerLogStreamOf(namespace),
      filter: [...backupReport, fromBackupPod, term(REPORT_FIELDS.status, 'partial'), term(REPORT_FIELDS.job, 'backup')],
      numEvents: BACKUP_PARTIAL_COUNT,
      timeframe: { hours: partialHours },
      scanEntireTimeframe: true,
      realert: { hours: 24 },
    },
    {
      ...base('backup-stale', 'no successful backup'),
      type: 'flatline',
      description: `No backup of ${app.name} saved a snapshot in ${staleHours} hours (schedule ${app.backup.schedule} UTC).`,
      index: containerLogStreamOf(namespace),
      filter: [...backupReport, fromBackupPod, terms(REPORT_FIELDS.status, SAVED_BACKUP_STATUSES), term(REPORT_FIELDS.job, 'backup')],
      threshold: 1,
      timeframe: { hours: staleHours },
      realert: { hours: 6 },
    },
  ];
}
