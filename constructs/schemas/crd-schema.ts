/**
 * A small JSON-schema subset for the CRDs that no kubernetes-models package covers. Each schema encodes
 * the upstream CRD's shape for the fields we use: required fields, types, enums, and no unknown fields,
 * so a typo fails synth.
 */
export type Schema =
  | { type: 'string'; enum?: readonly string[]; pattern?: RegExp }
  | { type: 'integer'; minimum?: number }
  | { type: 'boolean' }
  | { type: 'array'; items: Schema; minItems?: number }
  | { type: 'object'; properties?: Record<string, Schema>; required?: readonly string[]; additional?: Schema };

export const str = (extra: Partial<{ enum: readonly string[]; pattern: RegExp }> = {}): Schema => ({ type: 'string', ...extra });
export const int = (minimum?: number): Schema => ({ type: 'integer', minimum });
export const bool: Schema = { type: 'boolean' };
export const obj = (properties: Record<string, Schema>, required: readonly string[] = []): Schema => ({ type: 'object', properties, required });
export const arr = (items: Schema, minItems = 0): Schema => ({ type: 'array', items, minItems });
export const map = (values: Schema): Schema => ({ type: 'object', additional: values });
/** Any object: a pod template or a config block that Kubernetes or the operator validates itself. */
export const anyObject: Schema = { type: 'object' };
export const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/;

const metadata = obj({ name: str(), namespace: str(), labels: map(str()), annotations: map(str()) }, ['name']);
export const resource = (spec: Schema): Schema => obj({ apiVersion: str(), kind: str(), metadata, spec }, ['apiVersion', 'kind', 'metadata', 'spec']);

/** Problems of one value against a schema, each with its JSON path. */
export function checkSchema(value: unknown, schema: Schema, path = ''): string[] {
  const at = path || '/';
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [`${at} must be string`];
      if (schema.enum && !schema.enum.includes(value)) return [`${at} must be one of ${schema.enum.join(', ')}`];
      if (schema.pattern && !schema.pattern.test(value)) return [`${at} must match ${schema.pattern}`];
      return [];
    case 'integer':
      if (!Number.isInteger(value)) return [`${at} must be integer`];
      return schema.minimum !== undefined && (value as number) < schema.minimum ? [`${at} must be >= ${schema.minimum}`] : [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at} must be boolean`];
    case 'array':
      if (!Array.isArray(value)) return [`${at} must be array`];
      if (value.length < (schema.minItems ?? 0)) return [`${at} must have at least ${schema.minItems} items`];
      return value.flatMap((item, i) => checkSchema(item, schema.items, `${path}/${i}`));
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at} must be object`];
      const record = value as Record<string, unknown>;
      const problems = (schema.required ?? []).filter((k) => record[k] === undefined).map((k) => `${at} must have required property '${k}'`);
      for (const [key, child] of Object.entries(record)) {
        const sub = schema.properties?.[key] ?? schema.additional;
        if (sub) problems.push(...checkSchema(child, sub, `${path}/${key}`));
        else if (schema.properties) problems.push(`${path}/${key} is not a known field`);
      }
      return problems;
    }
  }
}
