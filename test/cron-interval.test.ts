import { longestIntervalMinutes } from '../constructs/model/cron-interval';

/*
 * The longest wait between two runs of a CronJob schedule, as robfig/cron v3.0.1 (the CronJob controller's parser)
 * reads it: the alert rules on scheduled jobs wait that long, and a little more, before a missing run alerts.
 */
const hours = (schedule: string) => longestIntervalMinutes(schedule) / 60;

describe('the longest wait between runs follows the schedule', () => {
  test.each([
    ['30 2 * * *', 24],
    ['@daily', 24],
    ['@midnight', 24],
    ['@hourly', 1],
    ['*/15 * * * *', 0.25],
    ['5/10 * * * *', 10 / 60], // 5, 15, … 55, and 5 past the next hour: ten minutes apart
    ['0 2-10/2 * * *', 16], // 10:00 to 02:00 the next day
    ['0 */6 * * *', 6],
    ['@weekly', 168],
    ['0 3 * * 0', 168],
    ['0 0 ? * sun', 168], // "?" is "*"
    ['30 1 * * SUN', 168], // names, in any case
    ['0 3 * * 1-5', 72], // Friday to Monday
    ['0 0 * * MON-FRI', 72],
    ['0 0 */2 * *', 48], // the 29th to the 31st; the 31st to the 1st is one day
    ['0 3 1,15 * *', 17 * 24], // the 15th to the 1st of a 31-day month
    ['0 3 1 * mon', 7 * 24], // both day fields restricted: either matches (spec.go, dayMatches)
    ['0 0 1 * *', 31 * 24],
    ['@monthly', 31 * 24],
    ['@yearly', 366 * 24],
    ['@every 1h30m', 1.5],
    ['@every 36h', 36],
  ])('%s: %d hours', (schedule, expected) => expect(hours(schedule)).toBeCloseTo(expected, 6));

  test('a schedule that runs once in four years, or never, waits four years', () => {
    expect(hours('0 0 29 2 *')).toBe((4 * 365 + 1) * 24);
    expect(hours('0 0 30 2 *')).toBe((4 * 365 + 1) * 24);
  });
});
