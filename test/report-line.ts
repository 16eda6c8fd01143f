import { REPORT_FIELD_TYPES, REPORT_KEY } from '../constructs/model/log-contract';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The fields of a platform job's report line, as its script printed it: the line holds one key, REPORT_KEY,
 * and below it only fields of REPORT_FIELD_TYPES, each of the JSON type its mapping takes (a string for a
 * keyword, an integer for a long, an ISO 8601 UTC time for a date). Anything at the top of the line would be typed in every app's stream.
 */
export function reportIn(line: string): Json {
  let parsed: Json;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`the last stdout line is not a JSON report: ${line}`);
  }
  expect(Object.keys(parsed)).toEqual([REPORT_KEY]);
  const fields = parsed[REPORT_KEY];
  for (const [field, value] of Object.entries(fields)) {
    const type = (REPORT_FIELD_TYPES as Record<string, string>)[field];
    const fits =
      type === 'long'
        ? Number.isInteger(value)
        : type === 'keyword'
          ? typeof value === 'string'
          : type === 'date'
            ? typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value) && !Number.isNaN(Date.parse(value))
            : false;
    expect([field, type, value, fits]).toEqual([field, type, value, true]);
  }
  return fields;
}
