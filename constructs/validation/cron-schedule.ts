/*
 * The schedule grammar of a Kubernetes CronJob, so that a schedule the API server would refuse stops synth
 * instead of leaving Flux stuck on a rejected object.
 *
 * What Kubernetes accepts (read at the source):
 * - kubernetes/kubernetes pkg/apis/batch/validation/validation.go, validateScheduleFormat: the schedule must
 *   parse with cron.ParseStandard, and on create any "TZ" in it is refused ("cannot use TZ or CRON_TZ in
 *   schedule, use timeZone field instead"). The CronJob controller parses with the same function. (Read
 *   in a code index, not at the v1.35 tag: the repository is too large to fetch here; the TZ refusal has
 *   stood since spec.timeZone went GA in 1.27.)
 * - github.com/robfig/cron/v3 v3.0.1 (its last tag, the one Kubernetes' go.mod requires), parser.go and spec.go: ParseStandard
 *   takes exactly five whitespace-separated fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12
 *   or jan-dec, day of week 0-6 or sun-sat; names in any case), each a comma list of `*`, `?` (the same as
 *   `*`), `n`, `a-b`, each optionally `/step`, where `n/step` means n to the field's maximum; or one of the
 *   descriptors @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, `@every <Go duration>`.
 *   There is no seconds or year field, no `L`, `W` or `#`, and no 7 for Sunday.
 *
 * A schedule with another number of fields gets the short message 'must be a 5-field cron expression'
 * (minute hour day-of-month month day-of-week: no seconds or year field).
 *
 * npm parsers checked and not used, because each accepts what Kubernetes refuses: cron-parser (L, W, #, a
 * seconds field), croner (L, W, #, seconds), cron-validator and cron-validate (optional seconds, 7 as Sunday;
 * neither knows the @ descriptors). So this is a small hand grammar, a strict subset of robfig's: it also
 * refuses a few oddities robfig lets through (empty list items, `*-5`, `+5`), which no one means.
 */

interface FieldBounds {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldBounds[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const EVERY = '@every ';
/** Go's time.ParseDuration units, in seconds. */
const GO_DURATION_UNITS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
/** A CronJob runs a Job each time: more often than once a minute is never what a backup means. */
const MIN_EVERY_SECONDS = 60;

/** Why Kubernetes would refuse the schedule (or why it would never be meant), or undefined when it is fine. */
export function cronScheduleProblem(schedule: string): string | undefined {
  if (typeof schedule !== 'string' || schedule.trim() === '') return 'is empty: a CronJob needs a schedule, e.g. "30 2 * * *"';
  if (schedule.includes('TZ')) {
    return 'must not name a time zone: Kubernetes refuses TZ= and CRON_TZ= in a CronJob schedule; the jobs run in UTC, so write the time in UTC';
  }
  if (schedule.startsWith('@')) return descriptorProblem(schedule);
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== FIELDS.length) {
    return 'must be a 5-field cron expression, e.g. "30 2 * * *"';
  }
  for (const [i, field] of fields.entries()) {
    const problem = fieldProblem(field, FIELDS[i]);
    if (problem) return `${FIELDS[i].name} field "${field}": ${problem}`;
  }
  return undefined;
}

function descriptorProblem(schedule: string): string | undefined {
  if (DESCRIPTORS.includes(schedule)) return undefined;
  if (schedule.startsWith(EVERY)) {
    const seconds = goDurationSeconds(schedule.slice(EVERY.length));
    if (seconds === undefined) return 'has no Go duration after @every, e.g. "@every 6h"';
    if (seconds < MIN_EVERY_SECONDS) return 'runs more often than once a minute: use @every 1m or more';
    return undefined;
  }
  return `is not a schedule macro Kubernetes knows (${DESCRIPTORS.join(', ')}, @every <duration>)`;
}

/** Seconds of a Go duration such as `1h30m` or `90s`; undefined when Go would not parse it. */
function goDurationSeconds(text: string): number | undefined {
  const match = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+|0)$/.exec(text);
  if (!match) return undefined;
  let seconds = 0;
  for (const [, value, unit] of match[2].matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) seconds += Number(value) * GO_DURATION_UNITS[unit];
  return match[1] === '-' ? -seconds : seconds;
}

function fieldProblem(field: string, bounds: FieldBounds): string | undefined {
  if (/[LW#]/i.test(field.replace(/[a-z]{3}/gi, (name) => (bounds.names?.includes(name.toLowerCase()) ? '' : name)))) {
    return 'L, W and # (last day, nearest weekday, nth weekday) are extensions of other cron parsers; Kubernetes refuses them';
  }
  for (const item of field.split(',')) {
    const problem = itemProblem(item, bounds);
    if (problem) return problem;
  }
  return undefined;
}

function itemProblem(item: string, bounds: FieldBounds): string | undefined {
  const [range, step, ...more] = item.split('/');
  if (more.length > 0) return `"${item}" has more than one "/"`;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return `the step in "${item}" must be a whole number of at least 1`;
  if (range === '*' || range === '?') return undefined;
  const ends = range.split('-');
  if (ends.length > 2) return `"${item}" has more than one "-"`;
  const values = ends.map((end) => valueOf(end, bounds));
  const bad = ends.find((_, i) => values[i] === undefined);
  if (bad !== undefined) {
    const names = bounds.names ? ` or ${bounds.names[0]}-${bounds.names[bounds.names.length - 1]}` : '';
    const sunday = bounds.name === 'day of week' && bad === '7' ? ' (Sunday is 0: Kubernetes has no 7)' : '';
    return `"${bad}" is not a ${bounds.name} (${bounds.min}-${bounds.max}${names})${sunday}`;
  }
  if (values.length === 2 && values[0]! > values[1]!) return `the range "${range}" runs backwards`;
  return undefined;
}

function valueOf(text: string, bounds: FieldBounds): number | undefined {
  const named = bounds.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return bounds.min + named;
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= bounds.min && value <= bounds.max ? value : undefined;
}
