import * as fs from 'node:fs';
import * as path from 'node:path';

/*
 * Elasticsearch's dynamic mapping, as far as our field table needs it: the first dynamic template whose
 * conditions hold maps a new field (match/unmatch on the field's name, path_match/path_unmatch on its
 * dotted path, match_mapping_type/unmatch_mapping_type on the JSON type Elasticsearch detects; patterns
 * with `*` only). Documented in "Dynamic templates" (docs/reference/elasticsearch/mapping-reference/
 * dynamic-templates.md); date detection is off in logs@mappings, so a string is a `string`.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export const TEMPLATES = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/elasticsearch/templates.json'), 'utf8'));

const glob = (pattern: string, value: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);
const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [String(v)]);

/** The JSON type Elasticsearch detects for a value (date detection off). */
export function detectedType(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double';
  return 'object';
}

/** The type ecs@mappings' dynamic templates give a new field at `dotted` holding `value`; undefined when none applies. */
export function dynamicTypeOf(dotted: string, value: unknown): string | undefined {
  const name = dotted.split('.').pop()!;
  const type = detectedType(value);
  for (const entry of TEMPLATES['ecs@mappings'].dynamic_templates as Json[]) {
    const t = Object.values(entry)[0] as Json;
    if (list(t.match).length && !list(t.match).some((p) => glob(p, name))) continue;
    if (list(t.unmatch).some((p) => glob(p, name))) continue;
    if (list(t.path_match).length && !list(t.path_match).some((p) => glob(p, dotted))) continue;
    if (list(t.path_unmatch).some((p) => glob(p, dotted))) continue;
    if (list(t.match_mapping_type).length && !list(t.match_mapping_type).includes(type) && !list(t.match_mapping_type).includes('*')) continue;
    if (list(t.unmatch_mapping_type).includes(type)) continue;
    return t.mapping.type;
  }
  return undefined;
}

/** A field's type in mapping properties (nested `properties`), or undefined. */
export function explicitTypeOf(properties: Json, dotted: string): string | undefined {
  let level = properties;
  const parts = dotted.split('.');
  for (const part of parts.slice(0, -1)) level = level?.[part]?.properties;
  return level?.[parts[parts.length - 1]]?.type;
}

/**
 * Where a document as Elasticsearch receives it clashes with explicit mapping properties, i.e. what would
 * send it to the failure store: an object where a field is mapped ("Can't get text on a START_OBJECT"), a
 * value where an object is mapped ("tried to parse field [..] as object, but found a concrete value"), or
 * something no number can be read from where a long is mapped. Fields nobody mapped are dynamic: no clash.
 */
export function mappingConflicts(properties: Json, doc: Json, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(doc ?? {})) {
    const mapped = properties?.[key];
    if (mapped === undefined || value === null) continue;
    const at = `${prefix}${key}`;
    for (const item of Array.isArray(value) ? value : [value]) {
      const isObject = item !== null && typeof item === 'object';
      if (mapped.properties !== undefined) {
        if (isObject) out.push(...mappingConflicts(mapped.properties, item, `${at}.`));
        else out.push(`${at}: ${JSON.stringify(item)} where an object is mapped`);
      } else if (isObject) out.push(`${at}: an object where a ${mapped.type} is mapped`);
      else if (mapped.type === 'long' && !Number.isInteger(Number(item))) out.push(`${at}: ${JSON.stringify(item)} where a long is mapped`);
    }
  }
  return out;
}
