import { parse } from 'yaml';
import { ALERTING_WATCHDOG, PERIOD_MINUTES } from '../constructs/alerts/alerting-watchdog';
import { platformRuleId } from '../constructs/alerts/rule';
import { alertRuleFilesIn } from '../constructs/alerts/rule-config-maps';
import { LOG_FIELD_TYPES } from '../constructs/logging/field-types';
import { ALERTING_WATCHDOG_EVENT, containerLogStreamOf, EVENT_FIELDS, REPORT_FIELDS } from '../constructs/model/log-contract';
import { ruleQueryProblems } from '../constructs/rules/alert-query-rules';
import { FIXTURE_CLUSTERS, fixtureObjectsOf } from './support';

/*
 * When Fluent Bit stops shipping, every other rule finds nothing, as when all is well. Two flatline rules
 * count what always arrives: the alerting watchdog's report line (container logs) and its CronJob's
 * Events (the events stream). Checked on the synthesized fixture clusters, against what the shipper and the
 * watchdog there really are.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const withElastAlert = FIXTURE_CLUSTERS.filter((c) => fixtureObjectsOf(c.env).some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'elastalert'));

test('some fixture cluster runs ElastAlert2', () => {
  expect(withElastAlert.length).toBeGreaterThan(0);
});

describe.each(withElastAlert.map((c) => [c.env] as const))('cluster %s: shipping that stops is an alert', (env) => {
  const objects = fixtureObjectsOf(env);
  const rules = Object.fromEntries(alertRuleFilesIn(objects).map(([file, text]) => [file.replace(/\.yaml$/, ''), parse(text) as Json]));
  const cronJob = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === ALERTING_WATCHDOG.name) as Json;
  const containerLogs = rules[platformRuleId('container-logs-stopped')];
  const events = rules[platformRuleId('events-stopped')];
  const eventsOutput = (objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'fluent-bit-events') as Json).spec.values.config.outputs;

  test('both rules are in the mounted rules folder, as flatline rules, and query their fields as the mapping types them', () => {
    for (const rule of [containerLogs, events]) {
      expect(rule).toMatchObject({ type: 'flatline', threshold: 1 });
      expect(ruleQueryProblems(rule.name, rule)).toEqual([]);
      for (const clause of rule.filter) for (const field of Object.keys(clause.term)) expect([field, LOG_FIELD_TYPES[field]?.type]).toEqual([field, 'keyword']);
    }
  });

  test("the container-logs rule reads the stream of the watchdog's namespace, for the report line the watchdog prints", () => {
    expect(cronJob).toBeDefined();
    expect(containerLogs.index).toBe(containerLogStreamOf(cronJob.metadata.namespace));
    expect(containerLogs.filter).toEqual([{ term: { [REPORT_FIELDS.event]: ALERTING_WATCHDOG_EVENT } }]);
  });

  test("the events rule reads the stream the events release writes, for the watchdog CronJob's own Events", () => {
    const prefix = /Logstash_Prefix\s+(\S+)/.exec(eventsOutput)![1];
    const dateFormat = /Logstash_DateFormat\s+(\S+)/.exec(eventsOutput)![1];
    // A date format without `%` is written as it is: `<prefix>-<format>` is the stream's whole name.
    expect(dateFormat).not.toContain('%');
    expect(events.index).toBe(`${prefix}-${dateFormat}`);
    expect(events.filter).toEqual([
      { term: { [EVENT_FIELDS.namespace]: cronJob.metadata.namespace } },
      { term: { [EVENT_FIELDS.kind]: cronJob.kind } },
      { term: { [EVENT_FIELDS.name]: cronJob.metadata.name } },
    ]);
  });

  test('one watchdog run that reports late or not at all does not fire the container-logs rule; two in a row do', () => {
    const minutes = containerLogs.timeframe.minutes;
    expect(cronJob.spec.schedule).toBe(`*/${PERIOD_MINUTES} * * * *`);
    // A run prints its report at its end, at most its deadline after its start.
    const latestReport = cronJob.spec.jobTemplate.spec.activeDeadlineSeconds / 60;
    const longestGapOneRunLost = 2 * PERIOD_MINUTES + latestReport;
    const shortestGapTwoRunsLost = 3 * PERIOD_MINUTES;
    expect(longestGapOneRunLost).toBeLessThan(minutes);
    expect(shortestGapTwoRunsLost).toBeGreaterThanOrEqual(minutes);
  });

  test('the events rule waits for several scheduled runs, each an Event on the CronJob', () => {
    expect(events.timeframe.minutes).toBeGreaterThanOrEqual(3 * PERIOD_MINUTES);
    expect(cronJob.spec.suspend ?? false).toBe(false);
  });
});
