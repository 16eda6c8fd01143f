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
 * each stack's resources are grouped by an attribute once. Outside a pass nothing is kept, since tests
 * edit a stack between two passes over it.
 */
let pass: WeakMap<TerraformJson, Map<string, Map<unknown, Json[]>>> | undefined;

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

/** The resources of one type by the value of one attribute, each list in the order of the stack. */
export function resourcesBy(json: TerraformJson, type: string, attribute: string): ReadonlyMap<unknown, Json[]> {
  const key = `${type} ${attribute}`;
  const kept = pass?.get(json)?.get(key);
  if (kept) return kept;
  const index = new Map<unknown, Json[]>();
  for (const [, r] of resourcesOf(json, type)) {
    const group = index.get(r[attribute]);
    if (group) group.push(r);
    else index.set(r[attribute], [r]);
  }
  if (pass) (pass.get(json) ?? pass.set(json, new Map()).get(json)!).set(key, index);
  return index;
}

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
