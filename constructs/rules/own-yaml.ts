import { parse } from 'yaml';
import { fastYaml } from '../blocks/fast-yaml';

/**
 * `parse(text)` of the `yaml` package, fast for the YAML our own writer (blocks/fast-yaml.ts) wrote.
 * The rules read back text that synth rendered (the ElastAlert2 rule files of a ConfigMap, thousands
 * at 1,000 apps), and `yaml` took most of their time. The reader below knows only the layout fastYaml
 * writes, and what it reads is kept only when fastYaml writes it back to the very same text: fastYaml
 * writes exactly what `yaml` would (test/fast-yaml.test.ts), and `yaml` reads its own output back as
 * the object it wrote, so the object is what `parse` returns. Any other text goes to `yaml`.
 */
export function parseYaml(text: string): unknown {
  const read = readOwnLayout(text);
  return read !== undefined && fastYaml(read) === text ? read : parse(text);
}

class NotOurLayout extends Error {}

/** The map fastYaml would have written as `text`, judged by its layout alone; undefined when it is not that layout. */
export function readOwnLayout(text: string): Record<string, unknown> | undefined {
  if (!text.endsWith('\n')) return undefined;
  const reader = new LayoutReader(text.slice(0, -1).split('\n'));
  try {
    const map = reader.map(0);
    return reader.done() ? map : undefined;
  } catch (error) {
    if (error instanceof NotOurLayout) return undefined;
    throw error;
  }
}

/** A plain scalar fastYaml writes unquoted for a number: JSON's form. */
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;

const indentOf = (line: string): number => {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  return i;
};

/** Reads lines top down: a map's entries and a list's items sit at one indent, their contents two deeper. */
class LayoutReader {
  private at = 0;
  constructor(private readonly lines: string[]) {}

  done(): boolean {
    return this.at === this.lines.length;
  }

  map(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let entries = 0;
    while (this.at < this.lines.length) {
      const line = this.lines[this.at];
      const depth = indentOf(line);
      if (depth < indent) break;
      if (depth > indent || line.startsWith('- ', indent)) throw new NotOurLayout();
      const { key, rest } = splitEntry(line.slice(indent));
      if (key === undefined) throw new NotOurLayout();
      this.at++;
      out[key] = rest === '' ? this.nested(indent) : this.value(rest, indent + 2);
      entries++;
    }
    if (entries === 0) throw new NotOurLayout();
    return out;
  }

  private seq(indent: number): unknown[] {
    const out: unknown[] = [];
    while (this.at < this.lines.length) {
      const line = this.lines[this.at];
      const depth = indentOf(line);
      if (depth < indent) break;
      if (depth > indent || !line.startsWith('- ', indent)) throw new NotOurLayout();
      const item = line.slice(indent + 2);
      if (splitEntry(item).key !== undefined) {
        // `- key: value` opens a map whose entries sit where its first key does.
        this.lines[this.at] = `${' '.repeat(indent + 2)}${item}`;
        out.push(this.map(indent + 2));
      } else {
        this.at++;
        out.push(this.value(item, indent + 2));
      }
    }
    return out;
  }

  /** The map or list below a `key:` line. */
  private nested(indent: number): unknown {
    const next = this.lines[this.at];
    if (next === undefined || indentOf(next) !== indent + 2) throw new NotOurLayout();
    return next.startsWith('- ', indent + 2) ? this.seq(indent + 2) : this.map(indent + 2);
  }

  /** A value on its key's or dash's line; a literal block's lines follow at blockIndent. */
  private value(text: string, blockIndent: number): unknown {
    if (text === '[]') return [];
    if (text === '{}') return {};
    if (text === '|' || text === '|-') return this.literalBlock(blockIndent, text === '|');
    return scalarOf(text);
  }

  private literalBlock(indent: number, finalNewline: boolean): string {
    const prefix = ' '.repeat(indent);
    const body: string[] = [];
    let end = this.at;
    for (let i = this.at; i < this.lines.length; i++) {
      const line = this.lines[i];
      if (line === '') continue;
      if (!line.startsWith(prefix)) break;
      end = i + 1;
    }
    for (let i = this.at; i < end; i++) body.push(this.lines[i].slice(indent));
    if (body.length === 0) throw new NotOurLayout();
    this.at = end;
    return `${body.join('\n')}${finalNewline ? '\n' : ''}`;
  }
}

/** A map entry's key and the text after `: ` (empty for `key:`); no key when the line is not an entry. */
function splitEntry(text: string): { key?: string; rest: string } {
  if (text.startsWith('"')) {
    const close = text.indexOf('"', 1);
    if (close < 0 || text[close + 1] !== ':') return { rest: text };
    const after = text.slice(close + 2);
    if (after !== '' && !after.startsWith(' ')) return { rest: text };
    return { key: text.slice(1, close), rest: after.slice(1) };
  }
  const colon = text.indexOf(': ');
  if (colon > 0) return { key: text.slice(0, colon), rest: text.slice(colon + 2) };
  if (text.length > 1 && text.endsWith(':')) return { key: text.slice(0, -1), rest: '' };
  return { rest: text };
}

function scalarOf(text: string): unknown {
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      throw new NotOurLayout();
    }
  }
  if (text === 'null') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (JSON_NUMBER.test(text)) return Number(text);
  return text;
}
