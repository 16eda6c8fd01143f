import { backupPartialHoursOf, backupStaleHoursOf } from '../alerts/app-rules';
import { DEFAULT_LOG_RETENTION_DAYS } from '../logging/log-retention';
import type { AppSpec, EnvName } from '../model/app-spec';
import { DEFAULT_BACKUP } from '../model/resolve';
import { SpecProblem } from '../model/spec-error';
import { cronScheduleProblem } from './cron-schedule';

/**
 * The backup alerts read the backup jobs' report lines in the app's log stream, looking back over a window that
 * grows with the schedule: `backup-partial` counts the reports of two runs in a row (scan_entire_timeframe),
 * `backup-stale` wants one saved snapshot within the longest wait and the slack (constructs/alerts/app-rules.ts).
 * Elasticsearch deletes lines older than the app's log retention (its ILM policy deletes an index that many
 * days after its rollover, so every younger line is still there), and a window that reaches past it forgets:
 * the stale rule would fire while the backups run, and the partial one never see two runs in a row.
 * So, in each env the clusters run, the retention must cover the longer window.
 */
export function checkBackupAlertWindows(app: AppSpec, envs: readonly EnvName[]): SpecProblem[] {
  const schedule = app.backup?.schedule ?? DEFAULT_BACKUP.schedule;
  const days = app.logRetentionDays;
  if (cronScheduleProblem(schedule) !== undefined || (days !== undefined && !Number.isInteger(days))) return [];
  const windowHours = Math.max(backupPartialHoursOf(schedule), backupStaleHoursOf(schedule));
  const neededDays = Math.ceil(windowHours / 24);
  const why = `look back ${windowHours} hours (two of the longest waits between runs of backup.schedule "${schedule}", and the slack), and Elasticsearch deletes the backup reports before that`;
  if (days !== undefined) {
    if (days * 24 >= windowHours) return [];
    const kept = `${days} day${days === 1 ? '' : 's'}`;
    return [
      new SpecProblem(
        { file: `apps/${app.name}.ts`, app: app.name },
        'logRetentionDays',
        days,
        `keeps the logs ${kept}: its backup alerts ${why}; set at least ${neededDays}`,
      ),
    ];
  }
  const problems: SpecProblem[] = [];
  for (const env of [...new Set(envs)]) {
    const kept = DEFAULT_LOG_RETENTION_DAYS[env];
    if (kept * 24 >= windowHours) continue;
    const at = { file: `apps/${app.name}.ts`, env, app: app.name };
    const problem = `the backup alerts ${why}, after the ${kept} days ${env} keeps logs by default: set logRetentionDays to at least ${neededDays}, or back up more often`;
    problems.push(new SpecProblem(at, 'backup.schedule', schedule, problem));
  }
  return problems;
}
