import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformOutput, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import { deepMerge, processDynamicAttributes, snakeCase } from 'cdktf/lib/util';
import type { IConstruct } from 'constructs';

/**
 * A stack's Terraform JSON: what TerraformStack.toTerraform() of cdktf 0.21.0 returns
 * (cdktf/lib/terraform-stack.ts), built the same way, element by element, but resolved once and only where
 * a token is. CDKTF resolves every value of every element with its generic resolver, then the merged
 * document a second time, at several microseconds a value; a thousand apps make some 400,000 values, most
 * of them plain strings or attributes left undefined. Here the plain parts are copied, and each value that
 * holds a token goes to CDKTF's own resolver, whole. Every object's keys come in code-point order, so the
 * same stack gives the same bytes however it was built. test/stack-json.test.ts holds it to toTerraform().
 * `keptParts`: shares of an earlier run's JSON (app-cloud-part.ts), merged in as they are.
 */
export function stackJsonOf(stack: TerraformStack, keptParts: readonly Record<string, unknown>[] = []): Record<string, unknown> {
  const elements = elementsOf(stack);
  // The objects that merges added keys to; every other object is resolved's, its keys already in order.
  const merged = new Set<Record<string, unknown>>();
  const { rawOverrides } = stack as unknown as { readonly rawOverrides: Record<string, unknown> };
  const metadata: Record<string, unknown> = {
    version: stack.node.tryGetContext('cdktfVersion'),
    stackName: stack.node.id,
    backend: 'local',
    cloud: undefined,
    ...(Object.keys(rawOverrides).length > 0 ? { overrides: { stack: Object.keys(rawOverrides) } } : {}),
  };
  for (const element of elements) mergeInto(metadata, resolved(stack, element.toMetadata()), merged);
  const outputs: Record<string, unknown> = {};
  for (const output of elements.filter((e) => TerraformOutput.isTerraformOutput(e))) mergeInto(outputs, outputMetadataOf(output), merged);
  const tf: Record<string, unknown> = { '//': resolved(stack, { metadata, outputs }) };
  for (const element of elements) mergeInto(tf, resolved(stack, terraformOfElement(element)), merged);
  // The parts of the JSON kept from an earlier run (app-cloud-part.ts), as that run's JSON held them.
  for (const part of keptParts) mergeInto(tf, part, merged);
  mergeInto(tf, resolved(stack, rawOverrides), merged);
  for (const object of merged) putKeysInOrder(object);
  return tf;
}

/** An output's entry in the JSON's `//` outputs: its address, nested under the parts of its construct path. */
export const outputMetadataOf = (output: TerraformOutput): Record<string, unknown> =>
  output.node.path
    .split('/')
    .reduceRight<Record<string, unknown>>((inner, part) => (Object.keys(inner).length === 0 ? { [part]: output.friendlyUniqueId } : { [part]: inner }), {});

/** The stack's elements in construct order, as toTerraform() visits them: nested stacks are left out. */
function elementsOf(scope: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(scope)) into.push(scope);
  for (const child of scope.node.children) if (!TerraformStack.isStack(child)) elementsOf(child, into);
  return into;
}

/** What CDKTF's resource class keeps to itself, read here as its toTerraform() reads it. */
interface ResourceInternals {
  synthesizeAttributes(): Record<string, unknown>;
  readonly constructNodeMetadata: Record<string, unknown>;
  readonly rawOverrides: Record<string, unknown>;
  readonly _hasMoved?: boolean;
  readonly _imported?: unknown;
}

/**
 * An element's toTerraform(). A plain resource's is built here the way TerraformResource.toTerraform() of
 * cdktf 0.21.0 builds it (cdktf/lib/terraform-resource.ts), but with the snake-case name of each
 * meta-argument looked up once: keysToSnakeCase runs three regular expressions per key of every resource,
 * some 40% of toTerraform() at a thousand apps. A resource that moved, was imported or has provisioners,
 * and every other element, goes to CDKTF.
 */
function terraformOfElement(element: TerraformElement): Record<string, unknown> {
  if (!TerraformResource.isTerraformResource(element) || element.toTerraform !== TerraformResource.prototype.toTerraform) return element.toTerraform();
  const internals = element as unknown as ResourceInternals;
  if (element.hasResourceMove() || internals._hasMoved || internals._imported !== undefined || element.provisioners !== undefined) return element.toTerraform();
  const attributes = deepMerge(
    processDynamicAttributes(internals.synthesizeAttributes()),
    snakeCaseKeys(element.terraformMetaArguments),
    { provisioner: undefined },
    internals.rawOverrides,
  );
  attributes['//'] = { ...(attributes['//'] ?? {}), ...internals.constructNodeMetadata };
  return { resource: { [element.terraformResourceType]: { [element.friendlyUniqueId]: attributes } } };
}

const snakeCaseNames = new Map<string, string>();
const snakeCaseName = (key: string): string => snakeCaseNames.get(key) ?? snakeCaseNames.set(key, snakeCase(key)).get(key)!;

/** keysToSnakeCase of cdktf 0.21.0 (cdktf/lib/util.ts), step for step, with each key's snake-case name kept. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function snakeCaseKeys(object: any): any {
  if (Tokenization.isResolvable(object)) return object;
  if (Array.isArray(object)) return object.map((e) => (typeof e === 'object' ? snakeCaseKeys(e) : e));
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    if (key === 'tags' || key === 'environment') {
      result[key] = object[key];
      continue;
    }
    let value = object[key];
    if (typeof value === 'object') value = snakeCaseKeys(value);
    if (Array.isArray(value)) value = value.map((e) => (typeof e === 'object' ? snakeCaseKeys(e) : e));
    result[snakeCaseName(key)] = value;
  }
  return result;
}

const resolver = new DefaultTokenResolver(new StringConcat());
/** What CDKTF resolves value to, with every object's keys in order. */
const cdktfResolve = (stack: TerraformStack, value: unknown): unknown => inKeyOrder(Tokenization.resolve(value, { scope: stack, resolver, preparing: false }));

/**
 * Whether CDKTF must read a string: it holds an encoded token (`${TfToken[`, `#{TfToken[` for a list,
 * `&{TfToken[` for a map), or what CDKTF's resolver takes for an encoded number (a digit, sign or dot,
 * then `e`, then another). Anything else it returns unchanged.
 */
const MAY_HOLD_TOKEN = /\{TfToken\[|[-|\d.+]e[-|\d.eE+]/;

/**
 * A value as CDKTF's resolver returns it, but with every object's keys in order: tokens resolved, undefined attributes
 * and array items dropped. Plain strings, booleans and null stay; objects and arrays are walked. Whatever else (a token or a
 * string that may hold one, a number, which may be an encoded token, an array with a list token in it, an
 * object that is not plain data) CDKTF resolves, errors included.
 */
function resolved(stack: TerraformStack, value: unknown): unknown {
  if (value === undefined || value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return MAY_HOLD_TOKEN.test(value) ? cdktfResolve(stack, value) : value;
  if (typeof value !== 'object') return cdktfResolve(stack, value);
  if (Array.isArray(value)) {
    if (value.some((item) => typeof item === 'number' || (typeof item === 'string' && item.includes('#{TfToken[')))) return cdktfResolve(stack, value);
    return value.map((item) => resolved(stack, item)).filter((item) => item !== undefined);
  }
  const prototype = Object.getPrototypeOf(value);
  if (Tokenization.isResolvable(value) || (prototype !== Object.prototype && prototype !== null)) return cdktfResolve(stack, value);
  const keys = Object.keys(value);
  if (keys.some((key) => MAY_HOLD_TOKEN.test(key))) return cdktfResolve(stack, value);
  const result: Record<string, unknown> = {};
  for (const key of keys.sort()) {
    const item = resolved(stack, (value as Record<string, unknown>)[key]);
    if (item !== undefined) result[key] = item;
  }
  return result;
}

/**
 * Merges source into target as CDKTF's deepMerge does (cdktf/lib/util.ts): objects merge key by key, arrays
 * concatenate, anything else replaces, undefined deletes. What target lacks it takes as it is, where
 * deepMerge would copy it: source is a resolved copy that nothing else holds.
 */
function mergeInto(target: Record<string, unknown>, source: unknown, merged: Set<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    const present = target[key];
    if (value === undefined) delete target[key];
    else if (present === undefined) {
      target[key] = value;
      merged.add(target);
    } else if (Array.isArray(value)) target[key] = Array.isArray(present) ? [...present, ...value] : value;
    else if (typeof value === 'object' && value !== null) {
      if (typeof present !== 'object') target[key] = {};
      mergeInto(target[key] as Record<string, unknown>, value, merged);
    } else target[key] = value;
  }
}

/**
 * The value with every object's keys in code-point order. It is this stack's own copy (what CDKTF resolved):
 * objects already in order are kept, the others are replaced by ordered copies.
 */
function inKeyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inKeyOrder);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.every((key, i) => i === 0 || keys[i - 1] < key)) {
    for (const key of keys) object[key] = inKeyOrder(object[key]);
    return object;
  }
  return Object.fromEntries(keys.sort().map((key) => [key, inKeyOrder(object[key])]));
}

/** Puts an object's own keys in code-point order, in place: a merged object is held by its parent. */
function putKeysInOrder(object: Record<string, unknown>): void {
  const keys = Object.keys(object);
  if (keys.every((key, i) => i === 0 || keys[i - 1] < key)) return;
  const entries = keys.sort().map((key) => [key, object[key]] as const);
  for (const key of keys) delete object[key];
  for (const [key, value] of entries) object[key] = value;
}
