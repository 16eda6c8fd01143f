import { CLUSTERS } from '../clusters';
import { ALERT_RULES_LABEL, alertRuleFilesIn } from '../constructs/alerts/rule-config-maps';
import { FAILURE_STORE_FIELD_TYPES, LOG_FIELD_MAPPINGS, LOG_FIELD_TYPES, QUERIES_BY_TYPE } from '../constructs/logging/field-types';
import { LOG_MAPPINGS_COMPONENT, retentionRequestsOf } from '../constructs/logging/log-retention';
import { alertQueryProblems, ruleQueryProblems } from '../constructs/rules/alert-query-rules';
import type { KubeObject } from '../constructs/model/kube-object';
import { LOG_FIELDS, REPORT_FIELD_TYPES, REPORT_FIELDS, REPORT_KEY, REPORT_PATH } from '../constructs/model/log-contract';
import { dynamicTypeOf, explicitTypeOf, TEMPLATES } from './es-mapping';
import { realObjectsOf } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A value of the JSON type that Fluent Bit ships for a field of this type. */
const sampleOf = (type: string): unknown => (['long'].includes(type) ? 503 : 'x');

describe('the field table agrees with the templates that type each field', () => {
  const component = retentionRequestsOf('staging', []).find((r) => r.path === `_component_template/${LOG_MAPPINGS_COMPONENT}`)!.body as Json;
  const ours = component.template.mappings.properties;

  test('our component template types exactly the fields the table says it does', () => {
    const rows = Object.entries(LOG_FIELD_TYPES).filter(([, t]) => t.from === 'webapps-logs@mappings');
    expect(rows.length).toBeGreaterThan(0);
    for (const [field, typing] of rows) expect([field, explicitTypeOf(ours, field)]).toEqual([field, typing.type]);
    expect(rows.map(([f]) => f).sort()).toEqual(Object.keys(LOG_FIELD_MAPPINGS).sort());
  });

  test("the rows from Elasticsearch's own templates resolve as the table says (test/fixtures/elasticsearch/templates.json)", () => {
    const rows = Object.entries(LOG_FIELD_TYPES).filter(([, t]) => t.from !== 'webapps-logs@mappings');
    expect(rows.length).toBeGreaterThan(0);
    for (const [field, typing] of rows) {
      // Not mapped by us, so Elasticsearch's templates decide.
      expect([field, explicitTypeOf(ours, field)]).toEqual([field, undefined]);
      const resolved =
        typing.from === 'logs@mappings' ? explicitTypeOf(TEMPLATES['logs@mappings'].properties, field) : dynamicTypeOf(field, sampleOf(typing.type));
      expect([field, resolved]).toEqual([field, typing.type]);
    }
  });

  test('without our component template, dynamic mapping would type some contract fields otherwise: the reason it exists', () => {
    // A line with {"webapps_report": {"status": 200}} first would make the field a number; every report's "failure" would then conflict.
    expect(dynamicTypeOf(REPORT_FIELDS.status, 200)).toBeUndefined(); // no template: Elasticsearch's default for a JSON integer, long
    expect(dynamicTypeOf('client_ip', 'x')).toBe('ip');
    expect(LOG_FIELD_TYPES[REPORT_FIELDS.status].type).toBe('keyword');
    // A count stays a count, whatever an earlier line held.
    expect(LOG_FIELD_TYPES[`${REPORT_PATH}.exit_code`].type).toBe('long');
  });

  test("below json, the apps' space, our template types the report key's fields and nothing else", () => {
    expect(Object.keys(ours[LOG_FIELDS.json].properties)).toEqual([REPORT_KEY]);
    const belowJson = Object.keys(LOG_FIELD_MAPPINGS).filter((f) => f.startsWith(`${LOG_FIELDS.json}.`));
    expect(belowJson.length).toBeGreaterThan(0);
    for (const field of belowJson) expect([field, field.startsWith(`${REPORT_PATH}.`)]).toEqual([field, true]);
    // Every field the rules read is among them, with the report's type for it (words as keywords, counts as numbers, dates as dates).
    for (const field of Object.values(REPORT_FIELDS)) {
      const key = field.slice(REPORT_PATH.length + 1) as keyof typeof REPORT_FIELD_TYPES;
      expect([field, LOG_FIELD_MAPPINGS[field]]).toEqual([field, REPORT_FIELD_TYPES[key]]);
    }
  });

  test('the resolver can fail: a message is text, not a keyword', () => {
    expect(dynamicTypeOf('json.message', 'Cluster health status changed')).toBe('match_only_text');
    expect(dynamicTypeOf('json.message', { nested: true })).not.toBe('match_only_text');
    expect(dynamicTypeOf('involvedObject.name', 'shop-1')).toBe('keyword');
  });
});

describe('every alert rule queries each field as its type allows', () => {
  test.each(CLUSTERS.map((c) => [c.env] as const))('the rules of %s', (env) => {
    const objects = realObjectsOf(env);
    expect(alertRuleFilesIn(objects).length).toBeGreaterThan(0);
    expect(alertQueryProblems(objects)).toEqual([]);
  });

  const rule = (filter: Json[], extra: Json = {}) => ({ index: 'logs-k8s.logging-default', filter, ...extra });
  test.each([
    [
      // The health rule as it was: a pattern of characters on a tokenised message never matches.
      'the old health rule',
      rule([
        { wildcard: { 'json.message': { value: 'Cluster health status changed from *' } } },
        { bool: { must_not: [{ wildcard: { 'json.message': { value: '* to [GREEN]*' } } }] } },
      ]),
      [
        'alert rule "r": wildcard on json.message, a match_only_text field (ecs@mappings); a match_only_text answers only match, match_phrase, exists',
        'alert rule "r": wildcard on json.message, a match_only_text field (ecs@mappings); a match_only_text answers only match, match_phrase, exists',
      ],
    ],
    [
      'a term on text',
      rule([{ term: { 'json.message': 'x' } }]),
      ['alert rule "r": term on json.message, a match_only_text field (ecs@mappings); a match_only_text answers only match, match_phrase, exists'],
    ],
    [
      'a phrase on a keyword',
      rule([{ match_phrase: { level: 'error' } }]),
      ['alert rule "r": match_phrase on level, a keyword field (webapps-logs@mappings); a keyword answers only term, terms, wildcard, prefix, exists'],
    ],
    [
      'a range on a keyword',
      rule([{ range: { level: { gte: 1 } } }]),
      ['alert rule "r": range on level, a keyword field (webapps-logs@mappings); a keyword answers only term, terms, wildcard, prefix, exists'],
    ],
    [
      'a term on a number',
      rule([{ term: { response_code: '503' } }]),
      ['alert rule "r": term on response_code, a long field (webapps-logs@mappings); a long answers only range, exists'],
    ],
    [
      'a field nobody typed',
      rule([{ term: { 'json.user': 'x' } }]),
      ['alert rule "r": term on json.user, which the field table (constructs/logging/field-types.ts) does not type for index logs-k8s.logging-default'],
    ],
    [
      'a query key on text',
      rule([{ exists: { field: 'json.message' } }], { query_key: 'json.message' }),
      ['alert rule "r": query_key on json.message, a match_only_text field (ecs@mappings); a match_only_text answers only match, match_phrase, exists'],
    ],
    [
      'a clause the table cannot judge',
      rule([{ script: { source: 'true' } }]),
      ['alert rule "r": filter clause "script" is not one the field table can judge'],
    ],
    [
      'a failure store field queried as its stream',
      { index: 'logs-k8s.*::failures', filter: [{ term: { 'error.message': 'x' } }] },
      ['alert rule "r": term on error.message, a match_only_text field (failure store); a match_only_text answers only match, match_phrase, exists'],
    ],
  ])('%s fails', (_name, broken, expected) => {
    expect(ruleQueryProblems('r', broken)).toEqual(expected);
  });

  test('a broken rule in a shipped rule ConfigMap fails the synth rule', () => {
    const [rules] = realObjectsOf('staging').filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.[ALERT_RULES_LABEL] === 'true') as Json[];
    const broken: KubeObject = {
      ...rules,
      data: { ...rules.data, 'bad.yaml': 'index: logs-k8s.shop-default\nfilter:\n  - wildcard: {json.message: {value: "a *"}}\n' },
    };
    expect(alertQueryProblems([broken])).toEqual([expect.stringContaining('alert rule "bad": wildcard on json.message, a match_only_text field')]);
  });

  test('every type the table uses says which queries it answers', () => {
    for (const typing of [...Object.values(LOG_FIELD_TYPES), ...Object.values(FAILURE_STORE_FIELD_TYPES)])
      expect(QUERIES_BY_TYPE[typing.type].length).toBeGreaterThan(0);
  });
});
