/* Reading Terraform JSON as CDKTF writes it: the helpers the cloud rules and the cross-checks share. */

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
let pass: WeakMap<TerraformJson, Map<string, unknown>> | undefined;

/** Runs fn (a pass of rules over stacks that do not change meanwhile) with the stacks' indexes kept. */
export function withIndexes<T>(fn: () => T): T {
  if (pass) return fn();
  pass = new WeakMap();
  try {
    return fn();
  } finally {
    pass = undefined;
  }
}

/** What build derives from one stack, kept under key for the rest of the pass (made afresh outside one). The caller must not change it. */
export function derived<T>(json: TerraformJson, key: string, build: () => T): T {
  if (!pass) return build();
  const kept = pass.get(json) ?? pass.set(json, new Map()).get(json)!;
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

const patterns = new Map<string, RegExp>();
/** Whether an IAM action pattern (`*` and `?` wildcards, any case) covers one action. */
export function covers(pattern: string, action: string): boolean {
  let regex = patterns.get(pattern);
  if (!regex) {
    regex = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'i',
    );
    patterns.set(pattern, regex);
  }
  return regex.test(action);
}
/** Whether a statement allows any of these actions. */
export const grants = (s: Json, actions: readonly string[]): boolean =>
  s.Effect === 'Allow' && (asList(s.Action) as string[]).some((pattern) => actions.some((action) => covers(pattern, action)));
