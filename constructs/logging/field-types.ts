import { ACCESS_LOG_FIELDS, EVENT_FIELDS, FAILURES_SELECTOR, LOG_FIELDS, REPORT_FIELD_TYPES, REPORT_PATH } from '../model/log-contract';

/*
 * The type Elasticsearch gives each field that an alert rule or a Kibana data view reads, as a table,
 * so that a query can be checked against it (constructs/rules/alert-query-rules.ts) and the log-path
 * drill can check what Fluent Bit ships (test/log-path-drill.test.ts).
 *
 * Where a type comes from, in the order Elasticsearch applies them to our data streams:
 *  - logs@mappings (built into Elasticsearch 9.1, composed by our index templates): `@timestamp`;
 *  - ecs@mappings, its dynamic templates (the same): a string under `message` or `*.message` becomes
 *    `match_only_text`, `*_ip` an `ip`, `*.name` a `keyword` with a text sub-field, any other string a
 *    `keyword` (ignore_above 1024);
 *  - webapps-logs@mappings, our own component template, composed last so it wins: the fields of the
 *    log contract, typed explicitly, so the first document of a stream cannot pick another type for them
 *    (an app logging `"webapps_report": {"status": 200}` would otherwise make that field a number, and every
 *    later backup report a mapping conflict). Below LOG_FIELDS.json it types the platform's report lines
 *    (REPORT_PATH) and nothing else: every other `json.*` field is the app's, typed by its own first line,
 *    since a name we typed there (`json.event` as a keyword, say) rejects every line of an app that logs it
 *    as an object (ECS's `"event": {"dataset": …}`).
 * test/fixtures/elasticsearch/templates.json keeps the upstream parts we rely on, with their source, and
 * test/field-types.test.ts resolves each row below against them.
 */

export type FieldType = 'keyword' | 'match_only_text' | 'text' | 'long' | 'date' | 'date_nanos' | 'ip';

export interface FieldTyping {
  readonly type: FieldType;
  /** Which template gives the field its type. */
  readonly from: FieldSource;
}

export type FieldSource = 'webapps-logs@mappings' | 'logs@mappings' | 'ecs@mappings' | 'failure store';

/** Our component template's explicit fields, by dotted path. */
export const LOG_FIELD_MAPPINGS: Readonly<Record<string, FieldType>> = {
  [LOG_FIELDS.namespace]: 'keyword',
  [LOG_FIELDS.pod]: 'keyword',
  [LOG_FIELDS.container]: 'keyword',
  [LOG_FIELDS.host]: 'keyword',
  [LOG_FIELDS.level]: 'keyword',
  ...Object.fromEntries(Object.entries(REPORT_FIELD_TYPES).map(([f, type]) => [`${REPORT_PATH}.${f}`, type])),
  [ACCESS_LOG_FIELDS.host]: 'keyword',
  [ACCESS_LOG_FIELDS.namespace]: 'keyword',
  [ACCESS_LOG_FIELDS.route]: 'keyword',
  [ACCESS_LOG_FIELDS.method]: 'keyword',
  [ACCESS_LOG_FIELDS.status]: 'long',
  [ACCESS_LOG_FIELDS.durationMs]: 'long',
  [ACCESS_LOG_FIELDS.bytesSent]: 'long',
  [ACCESS_LOG_FIELDS.clientIp]: 'ip',
  [EVENT_FIELDS.namespace]: 'keyword',
  [EVENT_FIELDS.kind]: 'keyword',
  [EVENT_FIELDS.name]: 'keyword',
  [EVENT_FIELDS.reason]: 'keyword',
  [EVENT_FIELDS.type]: 'keyword',
};

/** Every field of the log data streams that a rule or a data view reads, with its type and where that comes from. */
export const LOG_FIELD_TYPES: Readonly<Record<string, FieldTyping>> = {
  ...Object.fromEntries(Object.entries(LOG_FIELD_MAPPINGS).map(([field, type]) => [field, { type, from: 'webapps-logs@mappings' as const }])),
  [LOG_FIELDS.timestamp]: { type: 'date_nanos', from: 'logs@mappings' },
  // The raw line: a string nobody mapped, so a keyword (lines over 1024 characters are kept, not indexed).
  [LOG_FIELDS.message]: { type: 'keyword', from: 'ecs@mappings' },
  [`${LOG_FIELDS.json}.message`]: { type: 'match_only_text', from: 'ecs@mappings' },
  [ACCESS_LOG_FIELDS.path]: { type: 'keyword', from: 'ecs@mappings' },
  [EVENT_FIELDS.message]: { type: 'match_only_text', from: 'ecs@mappings' },
};

/**
 * A failure store document (`<stream>::failures`), which Elasticsearch maps itself: "Failure document
 * structure" in manage-data/data-store/data-streams/failure-store.md (elastic/docs-content, stack 9.1).
 */
export const FAILURE_STORE_FIELD_TYPES: Readonly<Record<string, FieldTyping>> = {
  '@timestamp': { type: 'date', from: 'failure store' },
  'document.id': { type: 'keyword', from: 'failure store' },
  'document.index': { type: 'keyword', from: 'failure store' },
  'error.type': { type: 'keyword', from: 'failure store' },
  'error.message': { type: 'match_only_text', from: 'failure store' },
};

/** The table for a rule's index: the failure store's when every pattern of it selects failures. */
export function fieldTypesOf(index: string): Readonly<Record<string, FieldTyping>> {
  const patterns = index.split(',');
  return patterns.every((p) => p.endsWith(FAILURES_SELECTOR)) ? FAILURE_STORE_FIELD_TYPES : LOG_FIELD_TYPES;
}

/** The queries each type answers as intended: exact terms on keywords, phrases on analysed text, ranges on numbers and dates. */
export const QUERIES_BY_TYPE: Readonly<Record<FieldType, readonly string[]>> = {
  keyword: ['term', 'terms', 'wildcard', 'prefix', 'exists'],
  match_only_text: ['match', 'match_phrase', 'exists'],
  text: ['match', 'match_phrase', 'exists'],
  long: ['range', 'exists'],
  date: ['range', 'exists'],
  date_nanos: ['range', 'exists'],
  ip: ['exists'],
};

/** The mapping properties of LOG_FIELD_MAPPINGS, dotted paths expanded into objects. */
export function mappingPropertiesOf(fields: Readonly<Record<string, FieldType>>): Record<string, unknown> {
  const root: Record<string, { type?: FieldType; properties?: Record<string, unknown> }> = {};
  for (const [path, type] of Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))) {
    const parts = path.split('.');
    let level = root;
    for (const part of parts.slice(0, -1)) {
      level[part] ??= { properties: {} };
      level = level[part].properties as typeof root;
    }
    level[parts[parts.length - 1]] = { type };
  }
  return root;
}
