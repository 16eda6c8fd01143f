import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { belongsTo } from './synth-envs';

/** Generated files by path (relative to the repo root): their bytes. */
export type OutputTree = ReadonlyMap<string, string>;

/** One object, resource or document that exists on both sides but differs. */
export interface ChangedEntry {
  readonly id: string;
  /** Compact field-level lines, e.g. `spec.replicas: 2 -> 3`; indented lines belong to the line above. */
  readonly fields: readonly string[];
}

/** What changes in one cluster (env) between two renderings. */
export interface ClusterDiff {
  readonly env: string;
  /** Counts of the new side. */
  readonly apps: number;
  readonly objects: number;
  readonly resources: number;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly ChangedEntry[];
}

type EntryKind = 'object' | 'resource' | 'document';
interface Entry {
  readonly id: string;
  readonly kind: EntryKind;
  readonly value: unknown;
}

/** Most field lines shown per changed entry; the rest are counted. */
const MAX_FIELD_LINES = 30;
/** Most lines shown of a changed multi-line string. */
const MAX_TEXT_LINES = 12;
/** Longest value shown in full. */
const MAX_VALUE = 200;

/**
 * Compares two renderings of the generated files, per cluster: Kubernetes objects by kind, namespace and
 * name; Terraform resources by type.address; any other file as a text document. Deterministic: the same
 * trees give the same result, in the same order.
 * `sources`, where the caller has them: the objects each file of `after` was rendered from (render.ts). A
 * file whose bytes are the same on both sides then takes its entries' ids from its objects, and its bytes
 * are parsed back only if an entry's value is asked for (an id met in two files): parsing the unchanged
 * files was most of a diff's time. The result is the same with or without them.
 */
export function diffOutputs(before: OutputTree, after: OutputTree, sources?: ReadonlyMap<string, readonly object[]>): ClusterDiff[] {
  const paths = [...after.keys(), ...before.keys()];
  const envOf = envFinder(paths);
  const envs = [...new Set(paths.map(envOf))];
  const parsedAfter = parseTree(after, envOf, undefined, sources && { tree: before, sources });
  const afterEntries = parsedAfter.byEnv;
  const beforeEntries = parseTree(before, envOf, { tree: after, parsed: parsedAfter }).byEnv;
  return envs.map((env) => {
    const a = afterEntries.get(env) ?? new Map<string, Entry>();
    const b = beforeEntries.get(env) ?? new Map<string, Entry>();
    const changed: ChangedEntry[] = [];
    for (const [id, entry] of a) {
      const old = b.get(id);
      // The same entry on both sides comes from a file whose bytes did not change.
      if (old !== undefined && old !== entry && old.value !== entry.value && !isDeepStrictEqual(old.value, entry.value)) {
        changed.push({ id, fields: capped(fieldChanges(old.value, entry.value, '')) });
      }
    }
    const values = [...a.values()];
    return {
      env,
      apps: [...after.keys()].filter((p) => isAppFile(p, env)).length,
      objects: values.filter((e) => e.kind === 'object').length,
      resources: values.filter((e) => e.kind === 'resource').length,
      added: [...a.keys()].filter((id) => !b.has(id)),
      removed: [...b.keys()].filter((id) => !a.has(id)),
      changed,
    };
  });
}

/** `staging: 3 apps, 212 objects, 87 cloud resources, 1 added, 0 removed, 3 changed` */
export const summaryLineOf = (d: ClusterDiff): string =>
  `${d.env}: ${d.apps} apps, ${d.objects} objects, ${d.resources} cloud resources, ` +
  `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`;

export const hasChanges = (diffs: readonly ClusterDiff[]): boolean => diffs.some((d) => d.added.length + d.removed.length + d.changed.length > 0);

/** Plain text for a terminal: per cluster its summary line, then `+` added, `-` removed, `~` changed with its fields. */
export function formatDiffText(diffs: readonly ClusterDiff[]): string {
  const lines: string[] = [];
  for (const d of diffs) {
    lines.push(summaryLineOf(d));
    for (const id of d.added) lines.push(`  + ${id}`);
    for (const id of d.removed) lines.push(`  - ${id}`);
    for (const change of d.changed) {
      lines.push(`  ~ ${change.id}`);
      for (const field of change.fields) lines.push(`      ${field}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Longest Markdown the formatter emits: a GitHub comment holds 65,536 characters. */
const MAX_MARKDOWN = 60_000;

/** The same as Markdown, for a pull-request comment: summary lines, a table of entries, the field changes folded. */
export function formatDiffMarkdown(diffs: readonly ClusterDiff[]): string {
  const parts: string[] = ['### Rendered changes', ''];
  for (const d of diffs) parts.push(`- **${d.env}**: ${summaryLineOf(d).slice(d.env.length + 2)}`);
  for (const d of diffs.filter((x) => x.added.length + x.removed.length + x.changed.length > 0)) {
    parts.push('', `#### ${d.env}`, '', '| change | object |', '|---|---|');
    for (const id of d.added) parts.push(`| added | ${code(id)} |`);
    for (const id of d.removed) parts.push(`| removed | ${code(id)} |`);
    for (const c of d.changed) parts.push(`| changed | ${code(c.id)} |`);
    if (d.changed.length > 0) {
      const body = d.changed.flatMap((c) => [c.id, ...c.fields.map((f) => `  ${f}`)]).join('\n');
      const fence = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
      parts.push('', `<details><summary>Field changes in ${d.env}</summary>`, '', `${fence}text`, body, fence, '', '</details>');
    }
  }
  if (!hasChanges(diffs)) parts.push('', 'No change to the rendered output.');
  let text = `${parts.join('\n')}\n`;
  if (text.length > MAX_MARKDOWN) text = `${text.slice(0, MAX_MARKDOWN)}\n\n… cut: run \`npm run diff\` for the whole change.\n`;
  return text;
}

// ---------------------------------------------------------------------------------------------------

/**
 * The env a generated file belongs to: the envs are the folders of dist/; a file outside dist/ is an env's
 * when a folder or its file name is named after it (`clusters/<env>/…`, `docs/overview/<env>.md`).
 */
function envFinder(paths: readonly string[]): (path: string) => string {
  const envs = [...new Set(paths.filter((p) => p.startsWith('dist/')).map((p) => p.split('/')[1]))];
  return (path) => envs.find((env) => belongsTo(path, env)) ?? '(other)';
}

const isAppFile = (path: string, env: string): boolean =>
  path.startsWith(`dist/${env}/apps/`) && path.endsWith('.yaml') && !path.endsWith('/kustomization.yaml');

interface ParsedTree {
  readonly byEnv: Map<string, Map<string, Entry>>;
  readonly byPath: Map<string, Entry[]>;
}

/**
 * Entries by env and id. A file whose bytes equal those in `reuse` takes its entries from there, parsed
 * once: unchanged files cost no comparison. A file whose bytes equal those in `unchanged.tree` and whose
 * objects are known takes its entries from them (entriesFromSources).
 */
function parseTree(
  tree: OutputTree,
  envOf: (path: string) => string,
  reuse?: { readonly tree: OutputTree; readonly parsed: ParsedTree },
  unchanged?: { readonly tree: OutputTree; readonly sources: ReadonlyMap<string, readonly object[]> },
): ParsedTree {
  const byPath = new Map<string, Entry[]>();
  const byEnv = new Map<string, Map<string, Entry>>();
  for (const path of [...tree.keys()].sort()) {
    const text = tree.get(path)!;
    const objects = unchanged?.tree.get(path) === text ? unchanged.sources.get(path) : undefined;
    const entries =
      reuse && reuse.tree.get(path) === text
        ? reuse.parsed.byPath.get(path)!
        : objects && isYamlPath(path)
          ? entriesFromSources(path, text, objects)
          : entriesOf(path, text);
    byPath.set(path, entries);
    const env = envOf(path);
    const map = byEnv.get(env) ?? new Map<string, Entry>();
    byEnv.set(env, map);
    for (const entry of entries) map.set(map.has(entry.id) ? `${entry.id} (${path})` : entry.id, entry);
  }
  return { byEnv, byPath };
}

const isYamlPath = (path: string): boolean => path.endsWith('.yaml') || path.endsWith('.yml');

function entriesOf(path: string, text: string): Entry[] {
  try {
    if (path.endsWith('.tf.json')) return terraformEntries(JSON.parse(text));
    if (isYamlPath(path)) return yamlEntries(path, text);
  } catch {
    // Not parseable: compared as text below.
  }
  return [{ id: path, kind: 'document', value: text }];
}

function yamlEntries(path: string, text: string): Entry[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) throw new Error(`${path}: not YAML`);
  return docs
    .map((d) => d.toJS() as unknown)
    .filter((v) => v !== null && v !== undefined)
    .map((value) => ({ ...yamlEntryIdOf(path, value), value }));
}

/** A YAML document's id: `<kind> <namespace>/<name>` for a Kubernetes object, else its kind and the file. */
function yamlEntryIdOf(path: string, value: unknown): Pick<Entry, 'id' | 'kind'> {
  const obj = value as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  if (typeof obj.kind === 'string' && typeof obj.metadata?.name === 'string') {
    const ns = typeof obj.metadata.namespace === 'string' ? `${obj.metadata.namespace}/` : '';
    return { id: `${obj.kind} ${ns}${obj.metadata.name}`, kind: 'object' };
  }
  return { id: `${typeof obj.kind === 'string' ? obj.kind : 'document'} ${path}`, kind: 'document' };
}

/**
 * The entries of a YAML file rendered from `objects` (one document each, render.ts), named from the
 * objects: parsing the bytes back gives the same ids. The values are parsed from the bytes on first use.
 */
function entriesFromSources(path: string, text: string, objects: readonly object[]): Entry[] {
  let parsed: Entry[] | undefined;
  const parsedAt = (i: number, id: string): Entry => {
    parsed ??= entriesOf(path, text);
    if (parsed.length !== objects.length || parsed[i].id !== id) throw new Error(`${path}: its bytes do not hold the objects it was rendered from`);
    return parsed[i];
  };
  return objects.map((obj, i) => {
    const { id, kind } = yamlEntryIdOf(path, obj);
    return {
      id,
      kind,
      get value() {
        return parsedAt(i, id).value;
      },
    };
  });
}

/** `resource.<type>.<name>` as `<type>.<name>`, `data.<type>.<name>` as `data.<type>.<name>`, other blocks by their key. */
function terraformEntries(json: Record<string, unknown>): Entry[] {
  const entries: Entry[] = [];
  for (const [block, body] of Object.entries(json)) {
    if ((block === 'resource' || block === 'data') && isRecord(body)) {
      for (const [type, byName] of Object.entries(body)) {
        for (const [name, value] of Object.entries(isRecord(byName) ? byName : {})) {
          entries.push({ id: `${block === 'data' ? 'data.' : ''}${type}.${name}`, kind: block === 'resource' ? 'resource' : 'document', value });
        }
      }
    } else if (['output', 'variable', 'module', 'provider', 'locals'].includes(block) && isRecord(body)) {
      for (const [name, value] of Object.entries(body)) entries.push({ id: `${block}.${name}`, kind: 'document', value });
    } else {
      entries.push({ id: `terraform ${block}`, kind: 'document', value: body });
    }
  }
  return entries;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function capped(lines: string[]): string[] {
  if (lines.length <= MAX_FIELD_LINES) return lines;
  return [...lines.slice(0, MAX_FIELD_LINES), `… and ${lines.length - MAX_FIELD_LINES} more lines`];
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;
const join = (path: string, key: string): string => {
  const step = IDENTIFIER.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!path) return step;
  return step.startsWith('[') ? `${path}${step}` : `${path}.${step}`;
};

/** Field-level lines that turn `a` into `b`, each `path: old -> new`; `(none)` marks a side without the field. */
function fieldChanges(a: unknown, b: unknown, path: string): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (isRecord(a) && isRecord(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    return keys.flatMap((k) => {
      const p = join(path, k);
      if (!(k in b)) return [`${p}: ${show(a[k])} -> (none)`];
      if (!(k in a)) return [`${p}: (none) -> ${show(b[k])}`];
      return fieldChanges(a[k], b[k], p);
    });
  }
  if (Array.isArray(a) && Array.isArray(b)) return arrayChanges(a, b, path);
  if (typeof a === 'string' && typeof b === 'string' && (a.includes('\n') || b.includes('\n'))) return textChanges(a, b, path);
  return [`${path || '(value)'}: ${show(a)} -> ${show(b)}`];
}

/** Lists of named items (containers, env, ports) are matched by name, so one insertion is one line; others by index. */
function arrayChanges(a: readonly unknown[], b: readonly unknown[], path: string): string[] {
  const nameOf = (v: unknown) => (isRecord(v) && typeof v.name === 'string' ? v.name : undefined);
  const named = (xs: readonly unknown[]) => xs.every((x) => nameOf(x) !== undefined) && new Set(xs.map(nameOf)).size === xs.length;
  const lines: string[] = [];
  if (a.length > 0 && b.length > 0 && named(a) && named(b)) {
    const oldByName = new Map(a.map((x, i) => [nameOf(x)!, { x, i }]));
    b.forEach((x, i) => {
      const old = oldByName.get(nameOf(x)!);
      if (!old) lines.push(`${path}[${i}]: (none) -> ${show(x)}`);
      else lines.push(...fieldChanges(old.x, x, `${path}[${i}]`));
    });
    const kept = new Set(b.map(nameOf));
    a.forEach((x, i) => {
      if (!kept.has(nameOf(x))) lines.push(`${path}[${i}]: ${show(x)} -> (none)`);
    });
    if (lines.length === 0) lines.push(`${path}: order changed`);
    return lines;
  }
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i >= a.length) lines.push(`${path}[${i}]: (none) -> ${show(b[i])}`);
    else if (i >= b.length) lines.push(`${path}[${i}]: ${show(a[i])} -> (none)`);
    else lines.push(...fieldChanges(a[i], b[i], `${path}[${i}]`));
  }
  return lines;
}

/** A multi-line string: how many lines changed, then the changed lines themselves. */
function textChanges(a: string, b: string, path: string): string[] {
  const ops = lineDiff(a.split('\n'), b.split('\n'));
  const removed = ops.filter((o) => o.startsWith('-')).length;
  const added = ops.length - removed;
  const head = `${path ? `${path}: ` : ''}${removed} lines removed, ${added} added`;
  const shown = ops.slice(0, MAX_TEXT_LINES).map((o) => `  ${o[0]} ${o.slice(1)}`);
  return [head, ...shown, ...(ops.length > MAX_TEXT_LINES ? [`  … ${ops.length - MAX_TEXT_LINES} more`] : [])];
}

/** The removed (`-`) and added (`+`) lines of a longest-common-subsequence diff, in order. */
function lineDiff(a: readonly string[], b: readonly string[]): string[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  if (x.length * y.length > 4_000_000) return [...x.map((l) => `-${l}`), ...y.map((l) => `+${l}`)];
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      i++;
      j++;
    } else if (j < y.length && (i >= x.length || lcs[i][j + 1] >= lcs[i + 1][j])) out.push(`+${y[j++]}`);
    else out.push(`-${x[i++]}`);
  }
  return out;
}

/** A value on one line: strings bare (quoted when empty or padded), the rest as JSON, long ones cut. */
function show(value: unknown): string {
  let text: string;
  if (typeof value === 'string') {
    const lines = value.split('\n');
    text = lines.length > 1 ? `${JSON.stringify(lines[0])}… (${lines.length} lines)` : value === '' || value.trim() !== value ? JSON.stringify(value) : value;
  } else {
    text = JSON.stringify(value) ?? String(value);
  }
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

const code = (text: string): string => `\`${text.replace(/\|/g, '\\|').replace(/`/g, "'")}\``;
const longestBacktickRun = (text: string): number => Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
