/**
 * A fast path for `stringify(obj, { lineWidth: 0 })` of the `yaml` package, for the plain shapes nearly
 * all our Kubernetes objects have: nested maps and lists of strings (one line, or a literal block),
 * numbers, booleans and null. It returns exactly the bytes `yaml` would, or undefined whenever the object
 * holds anything else (a string that needs escapes or starts or ends with blanks, a repeated object,
 * undefined, a list in a list), and the caller then asks `yaml`. Rendering with `yaml` was a quarter of
 * an 800-app synth; this path is 5 to 10 times faster. test/fast-yaml.test.ts compares the two on every
 * object synth writes and on strings chosen to trip it.
 */

/** Not plain in `yaml` (its plainString): an indicator first, `: ` or ` #` inside, a space or colon last. */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** Characters that make `yaml` choose double quotes with escapes, or a block scalar. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const UNSAFE_CHARS = /[\x00-\x1f\x7f-\x9f\u{D800}-\u{DFFF}\u2028\u2029\ufeff]/u;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/** Strings the YAML 1.2 core schema would read as null, a boolean or a number: `yaml` double-quotes them. */
const CORE_NON_STRINGS = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
const SIMPLE_QUOTED = /^[-+.~_0-9A-Za-z]*$/;
/** Control characters that make `yaml` double-quote even a multi-line string (tab and newline are fine). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const BLOCK_UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}\u2028\u2029\ufeff]/u;
/** A multi-line string `yaml` writes as a plain literal block: no leading blank, no trailing blanks but one newline. */
const SIMPLE_BLOCK = /^[^\s][\s\S]*[^\s]\n?$/;
const MAX_KEY = 1000;

class Unsupported extends Error {}

/** The YAML document `yaml` would write for obj (a map), or undefined when only `yaml` can tell. */
export function fastYaml(obj: unknown): string | undefined {
  if (!isPlainObject(obj) || isEmpty(obj)) return undefined;
  try {
    const out: string[] = [];
    writeMap(obj, '', '', new Set(), out);
    return out.join('');
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/**
 * Pushes the map's lines onto out, each ending in a newline; the first starts with `first` (a list item's `- `),
 * the others with indent. The pieces are joined once per document: nested strings built by `+=` cost twice
 * as much, in building and again in flattening them for the write.
 */
function writeMap(map: Record<string, unknown>, indent: string, first: string, seen: Set<object>, out: string[]): void {
  enter(map, seen);
  const inner = `${indent}  `;
  let lead = first;
  for (const key of Object.keys(map)) {
    const head = headOf(key);
    out.push(lead, head);
    lead = indent;
    const value = map[key];
    if (typeof value === 'object' && value !== null) {
      if (Array.isArray(value)) {
        if (value.length === 0) out.push(' []\n');
        else {
          out.push('\n');
          writeSeq(value, inner, seen, out);
        }
        continue;
      }
      if (isPlainObject(value)) {
        if (isEmpty(value)) {
          enter(value, seen);
          out.push(' {}\n');
        } else {
          out.push('\n');
          writeMap(value, inner, inner, seen, out);
        }
        continue;
      }
    }
    out.push(' ', scalar(value, inner), '\n');
  }
}

/** Pushes the list's lines onto out, each item's first line starting with `- ` at indent. */
function writeSeq(seq: readonly unknown[], indent: string, seen: Set<object>, out: string[]): void {
  enter(seq, seen);
  const dash = `${indent}- `;
  const inner = `${indent}  `;
  for (const item of seq) {
    if (Array.isArray(item)) throw new Unsupported();
    if (isPlainObject(item)) {
      if (isEmpty(item)) {
        enter(item, seen);
        out.push(dash, '{}\n');
      } else {
        writeMap(item, inner, dash, seen, out);
      }
    } else {
      out.push(dash, scalar(item, inner), '\n');
    }
  }
}

/** A key as it starts its line, `name:`, kept like scalarStrings: the same few hundred keys recur in every object. */
const heads = new Map<string, string>();
function headOf(key: string): string {
  let head = heads.get(key);
  if (head === undefined) {
    if (key.length > MAX_KEY) throw new Unsupported();
    if (heads.size >= MAX_REMEMBERED) heads.clear();
    head = `${scalarString(key)}:`;
    heads.set(key, head);
  }
  return head;
}

/** `yaml` writes an object met twice as an anchor and an alias: leave that to it. */
function enter(node: object, seen: Set<object>): void {
  if (seen.has(node)) throw new Unsupported();
  seen.add(node);
}

/** A value; a multi-line string becomes a literal block whose lines sit at blockIndent. */
function scalar(value: unknown, blockIndent: string): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0)) throw new Unsupported();
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return value.includes('\n') ? literalBlock(value, blockIndent) : scalarString(value);
  throw new Unsupported();
}

/** `yaml`'s blockString with lineWidth 0, for the simple case: `|-` (no final newline) or `|` (one). */
function literalBlock(value: string, indent: string): string {
  if (!SIMPLE_BLOCK.test(value) || BLOCK_UNSAFE.test(value)) throw new Unsupported();
  const clip = value.endsWith('\n');
  const body = clip ? value.slice(0, -1) : value;
  return `|${clip ? '' : '-'}\n${indent}${body.replace(/\n+/g, `$&${indent}`)}`;
}

/**
 * The same keys and values recur in every object (`metadata`, `app.kubernetes.io/name`, `true`…): what
 * scalarString made of each, or UNSUPPORTED. Cleared when full, so it stays small in a long-lived process.
 */
const scalarStrings = new Map<string, string | typeof UNSUPPORTED>();
const UNSUPPORTED = Symbol('unsupported');
const MAX_REMEMBERED = 50_000;

function scalarString(value: string): string {
  let text = scalarStrings.get(value);
  if (text === undefined) {
    if (scalarStrings.size >= MAX_REMEMBERED) scalarStrings.clear();
    text = plainOrQuoted(value) ?? UNSUPPORTED;
    scalarStrings.set(value, text);
  }
  if (text === UNSUPPORTED) throw new Unsupported();
  return text;
}

/** A one-line string as `yaml` writes it, or undefined when only `yaml` can tell. */
function plainOrQuoted(value: string): string | undefined {
  if (CORE_NON_STRINGS.some((re) => re.test(value))) return SIMPLE_QUOTED.test(value) ? JSON.stringify(value) : undefined;
  if (value.includes('\n') || UNSAFE_CHARS.test(value)) return undefined;
  if (!NOT_PLAIN.test(value)) return DOCUMENT_MARKER.test(value) ? undefined : value;
  // Not plain (`: ` inside, say): quoted, where on one line a document marker does no harm. `yaml` takes
  // single quotes for a string with double quotes and no single ones (a JSON patch), else double quotes,
  // and with nothing to escape those are its JSON.
  if (value.includes('"')) return value.includes("'") ? undefined : `'${value}'`;
  if (value.includes('\\')) return undefined;
  return JSON.stringify(value);
}

function isEmpty(map: object): boolean {
  for (const _ in map) return false;
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
