/** The fields of an object's metadata that a guarded update must leave as they are: what the pods get, and when the garbage collector deletes it. */
export const FIXED_METADATA: readonly [field: string, empty: string][] = [
  ['labels', '{}'],
  ['annotations', '{}'],
  ['ownerReferences', '[]'],
  ['finalizers', '[]'],
];

export const quote = (s: string) => JSON.stringify(s);

/**
 * A CEL expression: `object.<path>.<field>` is as in oldObject. Without `empty`, present in both and equal,
 * or absent from both; with it, an absent field counts as that value.
 */
export const sameOptional = (path: string, field: string, empty?: string) => {
  const [now, before] = [`object.${path}`, `oldObject.${path}`];
  return empty === undefined
    ? `has(${now}.${field}) == has(${before}.${field}) && (!has(${now}.${field}) || ${now}.${field} == ${before}.${field})`
    : `(has(${now}.${field}) ? ${now}.${field} : ${empty}) == (has(${before}.${field}) ? ${before}.${field} : ${empty})`;
};
