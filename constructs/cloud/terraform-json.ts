/* Reading Terraform JSON as CDKTF writes it: the helpers the cloud rules and the cross-checks share. */

import { passScope } from '../model/pass-scope';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** Terraform JSON as CDKTF writes it: `resource.<type>.<name>`, `data.<type>.<name>`, `provider.<name>[]`. */
export interface TerraformJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Json>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, Json>>>>;
  readonly provider?: Readonly<Record<string, readonly Json[]>>;
  readonly terraform?: Json;
  readonly [key: string]: unknown;
}

/** `${type.name.attr}`: how one resource refers to another in Terraform JSON. */
export const ref = (type: string, name: string, attr: string): string => `\${${type}.${name}.${attr}}`;

export const resourcesOf = (json: TerraformJson, type: string): [string, Json][] => Object.entries(json.resource?.[type] ?? {});

/** The settings resources (versioning, policy, ...) of one bucket, found by their `bucket` reference. */
export const settingsOf = (json: TerraformJson, type: string, bucket: string): Json[] =>
  resourcesBy(json, type, 'bucket').get(ref('aws_s3_bucket', bucket, 'id')) ?? [];

/*
 * The rules read one stack per app, thousands of times at a thousand apps: within a pass (withIndexes),
 * what is derived from a stack (its resources grouped by an attribute, its principals with their parsed
 * policies) is derived once. Outside a pass nothing is kept, since tests edit a stack between two passes
 * over it.
 */
const stackIndexes = passScope<TerraformJson, Map<string, unknown>>();

/** Runs fn (a pass of rules over stacks that do not change meanwhile) with the stacks' indexes kept. */
export const withIndexes = <T>(fn: () => T): T => stackIndexes.within(fn);

/** What build derives from one stack, kept under key for the rest of the pass (made afresh outside one). The caller must not change it. */
export function derived<T>(json: TerraformJson, key: string, build: () => T): T {
  const kept = stackIndexes.kept(json, () => new Map());
  if (!kept.has(key)) kept.set(key, build());
  return kept.get(key) as T;
}

/** The resources of one type by the value of one attribute, each list in the order of the stack. */
export const resourcesBy = (json: TerraformJson, type: string, attribute: string): ReadonlyMap<unknown, Json[]> =>
  derived(json, `resourcesBy ${type} ${attribute}`, () => {
    const byValue = [...entriesBy(json, type, attribute)].map(([value, entries]): [unknown, Json[]] => [value, entries.map(([, r]) => r)]);
    return new Map(byValue);
  });

/** The resources of one type, with their addresses, by the value of one attribute, each list in the order of the stack. */
export function entriesBy(json: TerraformJson, type: string, attribute: string): ReadonlyMap<unknown, [string, Json][]> {
  return derived(json, `entriesBy ${type} ${attribute}`, () => {
    const index = new Map<unknown, [string, Json][]>();
    for (const entry of resourcesOf(json, type)) {
      const group = index.get(entry[1][attribute]);
      if (group) group.push(entry);
      else index.set(entry[1][attribute], [entry]);
    }
    return index;
  });
}

/** The address of the first resource of a type whose attribute has this value. */
export const addressBy = (json: TerraformJson, type: string, attribute: string, value: unknown): string | undefined =>
  entriesBy(json, type, attribute).get(value)?.[0][0];

export const parsePolicy = (text: unknown): Json => {
  try {
    return typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};
export const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
export const first = (value: unknown): Json => (Array.isArray(value) ? value[0] : value);

/** The region of the provider a resource names (`aws.<alias>`, or the default one when it names none). */
export function regionOf(json: TerraformJson, provider: string | undefined): string | undefined {
  const providers = json.provider?.aws ?? [];
  return providers.find((p: Json) => (provider === undefined ? p.alias === undefined : `aws.${p.alias}` === provider))?.region;
}

/**
 * Whether an IAM pattern (an action or a resource; `*` and `?` wildcards, any case) covers a value. It says
 * what the regular expression `^<pattern>$` with the `i` flag says (coversByRegExp), `*` read as `.*` and
 * `?` as `.`, but matches by hand: the rules test thousands of distinct resource patterns once or twice
 * each, and V8 compiles each new regular expression when it first runs, which costs more than the test.
 */
export function covers(pattern: string, value: string): boolean {
  // `.` stops at a line end; no ARN or action holds one, so such strings (and what is no string) go to the
  // regular expression.
  if (typeof pattern !== 'string' || typeof value !== 'string' || LINE_END.test(pattern) || LINE_END.test(value)) return coversByRegExp(pattern, value);
  // Left to right; on a mismatch, the last `*` takes one more character and matching resumes after it.
  let p = 0;
  let v = 0;
  let star = -1;
  let starTook = 0;
  while (v < value.length) {
    const c = pattern[p];
    if (c === '*') {
      star = p++;
      starTook = v;
    } else if (c !== undefined && (c === '?' || sameLetter(c, value[v]))) {
      p++;
      v++;
    } else if (star >= 0) {
      p = star + 1;
      v = ++starTook;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

const LINE_END = /[\n\r\u2028\u2029]/;

/** The same two UTF-16 code units for the `i` flag (without `u`): equal once each is canonicalized (ECMA-262, Canonicalize). */
const sameLetter = (a: string, b: string): boolean => a === b || canonical(a) === canonical(b);
function canonical(ch: string): string {
  const upper = ch.toUpperCase();
  return upper.length !== 1 || (ch.charCodeAt(0) >= 128 && upper.charCodeAt(0) < 128) ? ch : upper;
}

/** covers(), as the regular expression it stands for. */
export function coversByRegExp(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(value);
}

/*
 * What covers() said of each action pattern and action, kept: the statements of a stack name their actions
 * from a few dozen, and the rules ask about a few dozen, for each of thousands of statements.
 */
const actionsCovered = new Map<string, Map<string, boolean>>();

/** covers() for an action: whether an IAM action pattern covers one action. */
export function coversAction(pattern: string, action: string): boolean {
  const byAction = actionsCovered.get(pattern) ?? actionsCovered.set(pattern, new Map()).get(pattern)!;
  let covered = byAction.get(action);
  if (covered === undefined) byAction.set(action, (covered = covers(pattern, action)));
  return covered;
}

/** Whether a statement allows any of these actions. */
export const grants = (s: Json, actions: readonly string[]): boolean =>
  s.Effect === 'Allow' && (asList(s.Action) as string[]).some((pattern) => actions.some((action) => coversAction(pattern, action)));
