import { ApiObject, ApiObjectMetadataDefinition, App, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';

/**
 * A faster ApiObject.toJson, for the span of a chart's synth (synthChart), with cdk8s 2.70.106's result.
 *
 * cdk8s (lib/api-object.js toJson, lib/metadata.js toJson) resolves an object's props with lib/resolve.js,
 * which makes a ResolutionContext, a copy of the key path and an App.of() walk up the tree for every
 * value, then copies it all again with lib/_util.js sanitizeValue (keys sorted, nulls dropped). That was
 * most of each app chart's synth. For an App with only cdk8s's own resolvers (Lazy, an implicit
 * `.resolve()`, number/string unions), `jsonOf` below does both in one walk, calling the producers in
 * cdk8s's order. An App with resolvers of its own, a value the walk does not handle (an object that is
 * neither a plain object nor an array), or any error: cdk8s's own toJson then runs from the start, so
 * its errors stay word for word. test/object-json.test.ts holds the result to cdk8s's own toJson, key
 * order included, for every object of the real clusters and of a generated one.
 *
 * The L1 classes (cdk8s-plus-28 imports/k8s.js) reach ApiObject's toJson through `super.toJson()`,
 * so the faster one is swapped onto ApiObject.prototype for the span, and the one before put back.
 */
export function withFastObjectJson<T>(run: () => T): T {
  return withObjectJson(fastObjectJson, run);
}

/** Runs `run` with `toJson` as ApiObject.prototype.toJson, and puts back the one before, also when it throws. */
export function withObjectJson<T>(toJson: (this: ApiObject) => unknown, run: () => T): T {
  const before = Object.getOwnPropertyDescriptor(ApiObject.prototype, 'toJson')!;
  Object.defineProperty(ApiObject.prototype, 'toJson', { ...before, value: toJson });
  try {
    return run();
  } finally {
    Object.defineProperty(ApiObject.prototype, 'toJson', before);
  }
}

/** cdk8s's own ApiObject.prototype.toJson, as the package defines it. */
export const CDK8S_OBJECT_JSON: (this: ApiObject) => unknown = ApiObject.prototype.toJson;
const CDK8S_METADATA_JSON = ApiObjectMetadataDefinition.prototype.toJson;

/** What cdk8s's toJson reads of an ApiObject and its metadata: private fields at the pinned version. */
interface ObjectInternals {
  readonly props: Record<string, unknown>;
  readonly patches: JsonPatch[];
  readonly metadata: MetadataInternals;
}
interface MetadataInternals {
  readonly toJson: unknown;
  readonly _additionalAttributes: Record<string, unknown>;
  readonly name?: string;
  readonly namespace?: string;
  readonly annotations: Record<string, string>;
  readonly finalizers: string[];
  readonly ownerReferences: unknown[];
  readonly labels: Record<string, string>;
}

/** ApiObject.toJson of cdk8s 2.70.106 (lib/api-object.js), with the one walk below in place of resolve and sanitizeValue. */
export function fastObjectJson(this: ApiObject): unknown {
  const internals = this as unknown as ObjectInternals;
  if (!hasOnlyDefaultResolvers(App.of(this)) || internals.metadata.toJson !== CDK8S_METADATA_JSON || !primitivesAreInert()) {
    return CDK8S_OBJECT_JSON.call(this);
  }
  try {
    const m = internals.metadata;
    // lib/metadata.js toJson: the fields in this order, then sorted, empty arrays and objects dropped.
    const metadata = jsonOf(
      {
        ...m._additionalAttributes,
        name: m.name,
        namespace: m.namespace,
        annotations: m.annotations,
        finalizers: m.finalizers,
        ownerReferences: m.ownerReferences,
        labels: m.labels,
      },
      { sortKeys: true, dropEmpty: true },
    );
    // cdk8s walks the metadata a second time, within the whole object; walked JSON comes out of a walk
    // as it went in (nothing left to resolve, keys in order), so it joins after, where the walk would
    // have put it: its place among the keys is set at the end, with apiVersion and kind.
    const json = jsonOf({ ...internals.props, metadata: undefined }, { sortKeys: !process.env.CDK8S_DISABLE_SORT, dropEmpty: false }) as Record<
      string,
      unknown
    >;
    if (metadata !== undefined) json.metadata = metadata;
    // JsonPatch.apply without patches gives back the same object.
    const patched = internals.patches.length === 0 ? json : (JsonPatch.apply(json, ...internals.patches) as Record<string, unknown>);
    // apiVersion, kind and metadata first, then the rest.
    const result: Record<string, unknown> = {};
    for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) {
      if (k in patched) result[k] = patched[k];
    }
    return result;
  } catch {
    return CDK8S_OBJECT_JSON.call(this);
  }
}

/** cdk8s's App default: `resolvers` holds its three own resolvers and nothing else (lib/app.js). */
function hasOnlyDefaultResolvers(app: App): boolean {
  const r = app.resolvers;
  return r.length === 3 && r[0].constructor === LazyResolver && r[1].constructor === ImplicitTokenResolver && r[2].constructor === NumberStringUnionResolver;
}

/**
 * cdk8s's resolvers look for `resolve` and `value` on every value, a string or number too, where they
 * come from its prototype; unless some code has put them there, jsonOf passes primitives straight through.
 */
function primitivesAreInert(): boolean {
  return [String.prototype, Number.prototype, Boolean.prototype].every((p) => !('resolve' in p) && !('value' in p));
}

interface WalkOptions {
  /** sanitizeValue's sortKeys. */
  readonly sortKeys: boolean;
  /** sanitizeValue's filterEmptyArrays and filterEmptyObjects. */
  readonly dropEmpty: boolean;
}

/** cdk8s's Lazy, read once: the package's index exports each class through a getter, which jsonOf would call for every value. */
const LAZY = Lazy;

/** Thrown where the walk meets what only cdk8s's own path handles; fastObjectJson then runs that path. */
class NotHandled extends Error {}

/**
 * sanitizeValue(resolve(value)) of cdk8s with its default resolvers: each value goes through the
 * resolvers in their order (Lazy, then an implicit `.resolve()`, then a number/string union), again
 * after each replacement; arrays and plain objects are walked, the producers called in the order
 * resolve() calls them (an object's entries in their own order); then keys sorted and nulls dropped.
 */
function jsonOf(value: unknown, options: WalkOptions): unknown {
  // A string, number or boolean: no resolver takes it (primitivesAreInert), and sanitizeValue keeps it.
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return value;
  let v = value as { resolve?: unknown; value?: unknown; constructor?: unknown } | null | undefined;
  for (;;) {
    if (v === null || v === undefined) return undefined;
    if (v instanceof LAZY) v = v.produce();
    else if (typeof v.resolve === 'function') v = (v.resolve as () => typeof v)();
    else if (v.constructor !== Object && (typeof v.value === 'number' || typeof v.value === 'string')) v = { value: v.value };
    else break;
  }
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    if (options.dropEmpty && v.length === 0) return undefined;
    return v.map((x) => jsonOf(x, options));
  }
  if (v.constructor !== Object) throw new NotHandled();
  const keys = Object.keys(v);
  const n = keys.length;
  // As resolve() does with Object.entries: every value read first, then each resolved, in the object's own order.
  const values: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (keys[i] === '__proto__') throw new NotHandled();
    values[i] = (v as Record<string, unknown>)[keys[i]];
  }
  for (let i = 0; i < n; i++) values[i] = jsonOf(values[i], options);
  if (options.sortKeys) sortByKey(keys, values);
  const result: Record<string, unknown> = {};
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (x === null || x === undefined) continue;
    result[keys[i]] = x;
    kept++;
  }
  return options.dropEmpty && kept === 0 ? undefined : result;
}

/** Sorts `keys` as sanitizeValue does, and `values` with them (by insertion: most objects have a few keys, often in order). */
function sortByKey(keys: string[], values: unknown[]): void {
  if (keys.length > 32) {
    const pairs = keys.map((k, i) => [k, values[i]] as const).sort((a, b) => byKey(a[0], b[0]));
    pairs.forEach(([k, x], i) => ((keys[i] = k), (values[i] = x)));
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i];
    const x = values[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > k; j--) {
      keys[j + 1] = keys[j];
      values[j + 1] = values[j];
    }
    keys[j + 1] = k;
    values[j + 1] = x;
  }
}

/** Array.prototype.sort's default order for strings (UTF-16 code units), as sanitizeValue sorts keys. */
const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
