import { cronScheduleProblem } from '../constructs/validation/cron-schedule';
import { envNameProblem } from '../constructs/validation/env-names';
import { mountPathProblem } from '../constructs/validation/mount-paths';

/*
 * The CronJob schedule grammar: robfig/cron/v3 v3.0.1 ParseStandard (parser.go, spec.go), as Kubernetes'
 * pkg/apis/batch/validation validateScheduleFormat applies it, plus its refusal of "TZ" on create.
 */
describe('a schedule Kubernetes accepts is accepted', () => {
  test.each([
    '30 2 * * *',
    '*/15 * * * *',
    '5/10 * * * *', // robfig: "n/step" is n to the field's maximum
    '0 2-4 * * *',
    '0 2-10/2 1,15 * *',
    '0 0 ? * sun', // "?" is "*" to robfig
    '0 0 * JAN-MAR MON-FRI', // names, in any case
    '0 0 1 dec *',
    '0 3 * * 0',
    '  0 3 * * 6  ', // fields split on whitespace
    '@yearly',
    '@annually',
    '@monthly',
    '@weekly',
    '@daily',
    '@midnight',
    '@hourly',
    '@every 1h30m',
    '@every 90m',
  ])('%s', (schedule) => expect(cronScheduleProblem(schedule)).toBeUndefined());
});

describe('a schedule Kubernetes refuses is refused, with the reason', () => {
  test.each([
    ['', 'is empty'],
    ['* * * *', 'must be a 5-field cron expression'],
    ['0 0 0 * * *', 'must be a 5-field cron expression'], // no seconds field
    ['0 0 1 1 * 2030', 'must be a 5-field cron expression'], // no year field
    ['0 24 * * *', 'hour field "24"'],
    ['0 0 0 * *', 'day of month field "0"'],
    ['0 0 * 13 *', 'month field "13"'],
    ['0 0 * * 7', 'Sunday is 0'],
    ['0 0 L * *', 'L, W and #'],
    ['0 0 15W * *', 'L, W and #'],
    ['0 0 * * 5L', 'L, W and #'],
    ['0 0 * * 1#3', 'L, W and #'],
    ['0 0 * * mon-fry', 'day of week field "mon-fry"'],
    ['0 0 * jan-dex *', 'month field "jan-dex"'],
    ['0 0 * * */0', 'the step'],
    ['1-2-3 * * * *', 'more than one "-"'],
    ['1/2/3 * * * *', 'more than one "/"'],
    ['TZ=UTC 0 2 * * *', 'must not name a time zone'],
    ['CRON_TZ=Europe/Berlin 0 2 * * *', 'must not name a time zone'],
    ['@reboot', 'is not a schedule macro'],
    ['@daily ', 'is not a schedule macro'], // robfig matches descriptors exactly
    ['@every', 'is not a schedule macro'],
    ['@every 1 hour', 'has no Go duration'],
    ['@every 30s', 'more often than once a minute'],
  ])('%j', (schedule, reason) => expect(cronScheduleProblem(schedule)).toContain(reason));
});

describe('the names a cautious rule still allows', () => {
  test.each(['DB_PORT', 'SMTP_PORT', 'PORT', 'HOME', 'AWS_S3_BUCKET', 'LOG_FORMAT', '_private'])('env %s', (name) =>
    expect(envNameProblem(name, 'shop')).toBeUndefined(),
  );
  test.each(['/tmp', '/var/run/apache2', '/run/nginx', '/var/lib/app', '/app/media', '/home/app/.cache'])('mount path %s', (path) =>
    expect(mountPathProblem(path)).toBeUndefined(),
  );
  test.each(['/', '/var', '/run', '/var/run/secrets/eks', '/usr/local/share', '/lib64', '/proc/self', 'tmp', '/a/./b', '/a b'])('no mount at %s', (path) =>
    expect(mountPathProblem(path)).toBeDefined(),
  );
});
