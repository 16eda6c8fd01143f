/*
 * The longest wait between two runs of a CronJob schedule, for the rules that alert when a scheduled job's
 * success line does not come. The schedule is one synth has already checked (validation/cron-schedule.ts);
 * its meaning is robfig/cron v3.0.1's, which the CronJob controller uses (parser.go, spec.go):
 *  - a field is a comma list of `*` or `?`, `n`, `a-b`, each with an optional `/step`; `n/step` runs from n
 *    to the field's maximum; months and weekdays may be names;
 *  - a day runs when its month matches and, if the day-of-month or the day-of-week field is a `*` or `?`
 *    without a step (the "star bit"), both day fields match, else either does (spec.go, dayMatches);
 *  - @hourly, @daily (@midnight), @weekly, @monthly, @yearly (@annually) and `@every <duration>`.
 */

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
const NAMES: Readonly<Record<number, readonly string[]>> = {
  3: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  4: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
};
const BOUNDS: readonly (readonly [number, number])[] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];
const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};
const GO_UNITS_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 36e5 };
/** Four years from a leap year's start: every weekday falls on every date, and February has its 29th once. */
const SPAN_START = Date.UTC(2028, 0, 1);
const SPAN_DAYS = 4 * 365 + 1;

/** One field's values, and whether it is a star without a step. */
function fieldOf(text: string, index: number): { values: Set<number>; star: boolean } {
  const [min, max] = BOUNDS[index];
  const values = new Set<number>();
  let star = false;
  const number = (s: string) => {
    const named = NAMES[index]?.indexOf(s.toLowerCase()) ?? -1;
    return named >= 0 ? named + (index === 3 ? 1 : 0) : Number(s);
  };
  for (const item of text.split(',')) {
    const [range, stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let [from, to] = [min, max];
    if (range === '*' || range === '?') star ||= stepText === undefined;
    else if (range.includes('-')) [from, to] = range.split('-').map(number);
    else [from, to] = [number(range), stepText === undefined ? number(range) : max];
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return { values, star };
}

/** Each day of the span as [month 1-12, day of month, day of week 0-6], made once. */
let calendar: readonly (readonly [number, number, number])[] | undefined;
const calendarOf = () =>
  (calendar ??= Array.from({ length: SPAN_DAYS }, (_, day) => {
    const date = new Date(SPAN_START + day * DAY_MINUTES * MINUTE_MS);
    return [date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCDay()] as const;
  }));
const known = new Map<string, number>();

/** The longest time between two runs of the schedule, in minutes; a schedule that runs once or never in four years counts as four years. */
export function longestIntervalMinutes(schedule: string): number {
  const text = schedule.trim();
  if (!known.has(text)) known.set(text, measured(text));
  return known.get(text)!;
}

function measured(text: string): number {
  if (text.startsWith('@every ')) {
    let ms = 0;
    for (const [, amount, unit] of text.slice(7).matchAll(/([0-9.]+)([a-zµμ]+)/g)) ms += Number(amount) * GO_UNITS_MS[unit];
    return ms / MINUTE_MS;
  }
  const [minute, hour, dom, month, dow] = (DESCRIPTORS[text] ?? text).split(/\s+/).map(fieldOf);
  const minutesOfDay = [...hour.values].flatMap((h) => [...minute.values].map((m) => h * 60 + m)).sort((a, b) => a - b);
  let longest = 0;
  let last: number | undefined;
  for (const [day, [monthOfYear, dayOfMonth, dayOfWeek]] of calendarOf().entries()) {
    const domMatch = dom.values.has(dayOfMonth);
    const dowMatch = dow.values.has(dayOfWeek);
    const runs = month.values.has(monthOfYear) && (dom.star || dow.star ? domMatch && dowMatch : domMatch || dowMatch);
    if (!runs) continue;
    for (const m of minutesOfDay) {
      const at = day * DAY_MINUTES + m;
      if (last !== undefined) longest = Math.max(longest, at - last);
      last = at;
    }
  }
  return longest > 0 ? longest : SPAN_DAYS * DAY_MINUTES;
}
