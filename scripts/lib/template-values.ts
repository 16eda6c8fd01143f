/**
 * Which values paths a chart's templates read, and which maps they pass through whole (free-form maps:
 * any child key is accepted). A small abstract reading of Go templates: it follows the dot through
 * `with`, `range` and `define`, `$variables`, `index`/`dig`/`get`/`hasKey`, and `default`/`required`, and
 * records as free-form every map given to `toYaml`/`toJson` (directly, piped, or as the `value` of a
 * `*.tplvalues.render` include), every map ranged over with a key (`range $key, $value := …`) and
 * every map whose `keys` are taken. It renders nothing.
 */
import { formatPath } from './values-path';

/** What one chart's templates read. Paths are formatted (values-path.ts); each set holds template files. */
export interface TemplateReads {
  readonly reads: Map<string, Set<string>>;
  readonly freeForm: Map<string, { readonly files: Set<string>; readonly how: Set<string> }>;
}

export const emptyReads = (): TemplateReads => ({ reads: new Map(), freeForm: new Map() });

/** The files Helm renders: everything under templates/ (partials, NOTES.txt and tests included). */
export const isTemplateFile = (relPath: string): boolean => /(^|\/)templates\/.+\.(ya?ml|tpl|txt|json)$/.test(relPath);

/** Abstract value: the root context, a path below `.Values`, a literal, a `dict`, or something unknown. */
type Value =
  | { readonly kind: 'root' }
  | { readonly kind: 'values'; readonly keys: readonly string[] }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'dict'; readonly entries: ReadonlyMap<string, Value[]> }
  | { readonly kind: 'unknown' };
type Values = Value[];

const ROOT: Value = { kind: 'root' };
const NONE: Values = [];

type Token =
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'field'; readonly keys: string[] }
  | { readonly t: 'chain'; readonly keys: string[] }
  | { readonly t: 'var'; readonly name: string; readonly keys: string[] }
  | { readonly t: 'ident'; readonly v: string }
  | { readonly t: 'num' }
  | { readonly t: '(' | ')' | '|' | ',' | ':=' | '=' };

type Operand =
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'field'; readonly keys: string[] }
  | { readonly t: 'var'; readonly name: string; readonly keys: string[] }
  | { readonly t: 'ident'; readonly v: string }
  | { readonly t: 'num' }
  | { readonly t: 'paren'; readonly pipeline: Operand[][]; readonly keys: string[] };

const SERIALIZERS = new Set(['toYaml', 'toJson', 'toPrettyJson', 'toRawJson', 'toToml', 'mustToJson', 'mustToPrettyJson', 'mustToRawJson']);
const PASS_FIRST = new Set(['required', 'deepCopy', 'mustDeepCopy', 'omit', 'pick']);
const ALL_ARGS = new Set(['coalesce', 'default', 'ternary', 'merge', 'mergeOverwrite', 'mustMerge', 'mustMergeOverwrite']);

interface Frame {
  readonly outerDot: Values;
  dot: Values;
  readonly vars: Map<string, Values>;
}

/**
 * Reads one template file into `into`. `prefix` is the subchart's key in its parent's values (its
 * `.Values.global` stays global); `file` is recorded as the reader.
 */
export function scanTemplate(file: string, text: string, into: TemplateReads, prefix: readonly string[] = []): void {
  const scanner = new Scanner(file, into, prefix);
  for (const action of actionsOf(text)) scanner.action(tokenize(action));
}

class Scanner {
  private readonly frames: Frame[] = [{ outerDot: [ROOT], dot: [ROOT], vars: new Map([['$', [ROOT]]]) }];

  constructor(
    private readonly file: string,
    private readonly into: TemplateReads,
    private readonly prefix: readonly string[],
  ) {}

  private get top(): Frame {
    return this.frames[this.frames.length - 1];
  }

  action(tokens: Token[]): void {
    const head = tokens[0];
    const keyword = head?.t === 'ident' ? head.v : undefined;
    const rest = tokens.slice(1);
    switch (keyword) {
      case undefined:
        break;
      case 'end':
        if (this.frames.length > 1) this.frames.pop();
        return;
      case 'else': {
        const frame = this.top;
        frame.dot = frame.outerDot;
        const next = rest[0];
        if (next?.t === 'ident' && next.v === 'with') frame.dot = this.declaration(rest.slice(1));
        else if (next?.t === 'ident' && next.v === 'if') this.declaration(rest.slice(1));
        return;
      }
      case 'if':
        this.push(this.top.dot, () => this.declaration(rest));
        return;
      case 'with': {
        const dot = this.top.dot;
        this.push(dot, () => this.declaration(rest));
        this.top.dot = this.evalDeclared(rest);
        return;
      }
      case 'range':
        this.push(this.top.dot, () => this.range(rest));
        this.top.dot = NONE;
        return;
      case 'define':
        this.frames.push({ outerDot: [ROOT], dot: [ROOT], vars: new Map([['$', [ROOT]]]) });
        return;
      case 'block': {
        const dot = this.pipeline(parsePipeline(rest.slice(1)));
        this.frames.push({ outerDot: dot, dot, vars: new Map([['$', [ROOT]]]) });
        return;
      }
      case 'template':
        this.pipeline(parsePipeline(rest.slice(1)));
        return;
      case 'break':
      case 'continue':
        return;
    }
    this.declaration(tokens);
  }

  private push(dot: Values, evaluate: () => unknown): void {
    evaluate();
    this.frames.push({ outerDot: dot, dot, vars: new Map(this.top.vars) });
  }

  /** `$x := pipeline`, `$x = pipeline` or a bare pipeline; returns the pipeline's value. */
  private declaration(tokens: Token[]): Values {
    const assign = tokens.findIndex((t) => t.t === ':=' || t.t === '=');
    if (assign > 0 && tokens.slice(0, assign).every((t) => t.t === 'var' || t.t === ',')) {
      const value = this.pipeline(parsePipeline(tokens.slice(assign + 1)));
      const names = tokens.slice(0, assign).filter((t): t is Extract<Token, { t: 'var' }> => t.t === 'var');
      if (names.length === 1) this.setVar(names[0].name, value, tokens[assign].t === '=');
      return value;
    }
    return this.pipeline(parsePipeline(tokens));
  }

  /** The value a `with` sets the dot to (the pipeline, evaluated again without recording twice is fine). */
  private evalDeclared(tokens: Token[]): Values {
    const assign = tokens.findIndex((t) => t.t === ':=');
    return this.pipeline(parsePipeline(assign > 0 ? tokens.slice(assign + 1) : tokens));
  }

  private range(tokens: Token[]): void {
    const assign = tokens.findIndex((t) => t.t === ':=' || t.t === '=');
    const names = assign > 0 ? tokens.slice(0, assign).filter((t): t is Extract<Token, { t: 'var' }> => t.t === 'var') : [];
    const ranged = this.pipeline(parsePipeline(assign > 0 ? tokens.slice(assign + 1) : tokens));
    if (names.length === 2) this.markFreeForm(ranged, 'range $key, $value');
    for (const { name } of names) this.top.vars.set(name, NONE);
  }

  private setVar(name: string, value: Values, assignExisting: boolean): void {
    if (!assignExisting) {
      this.top.vars.set(name, value);
      return;
    }
    for (const frame of this.frames) if (frame.vars.has(name)) frame.vars.set(name, value);
  }

  private pipeline(commands: Operand[][]): Values {
    let piped: Values | undefined;
    for (const command of commands) piped = this.command(command, piped);
    return piped ?? NONE;
  }

  private command(operands: Operand[], piped: Values | undefined): Values {
    const [head, ...rest] = operands;
    if (head === undefined) return piped ?? NONE;
    if (head.t !== 'ident') {
      const value = this.operand(head);
      rest.forEach((o) => this.operand(o));
      return value;
    }
    const args = rest.map((o) => this.operand(o));
    const literals = rest.map((o) => (o.t === 'str' ? o.v : undefined));
    if (piped !== undefined) {
      args.push(piped);
      literals.push(undefined);
    }
    const fn = head.v;
    if (SERIALIZERS.has(fn)) {
      args.forEach((a) => this.markFreeForm(a, fn));
      return NONE;
    }
    switch (fn) {
      case 'index':
        return this.below(args[0] ?? NONE, literals.slice(1));
      case 'dig':
        return this.below(args[args.length - 1] ?? NONE, literals.slice(0, -2));
      case 'get':
      case 'hasKey':
      case 'set':
      case 'unset':
        return fn === 'get' ? this.below(args[0] ?? NONE, literals.slice(1, 2)) : (this.below(args[0] ?? NONE, literals.slice(1, 2)), NONE);
      case 'keys':
        args.forEach((a) => this.markFreeForm(a, 'keys'));
        return NONE;
      case 'dict': {
        const entries = new Map<string, Value[]>();
        for (let i = 0; i + 1 < args.length; i += 2) if (literals[i] !== undefined) entries.set(literals[i]!, args[i + 1]);
        return [{ kind: 'dict', entries }];
      }
      case 'include':
      case 'template': {
        const name = literals[0] ?? '';
        if (/tplvalues\.render$/.test(name)) {
          for (const value of args.slice(1).flat()) if (value.kind === 'dict') this.markFreeForm(value.entries.get('value') ?? NONE, name);
        }
        return NONE;
      }
    }
    if (PASS_FIRST.has(fn)) return fn === 'required' ? (args[1] ?? NONE) : (args[0] ?? NONE);
    if (ALL_ARGS.has(fn)) return (fn === 'ternary' ? args.slice(0, 2) : args).flat();
    return NONE;
  }

  private operand(o: Operand): Values {
    switch (o.t) {
      case 'str':
        return [{ kind: 'literal', text: o.v }];
      case 'field':
        return this.apply(this.top.dot, o.keys);
      case 'var':
        return this.apply(this.top.vars.get(o.name) ?? this.findVar(o.name), o.keys);
      case 'paren':
        return this.apply(this.pipeline(o.pipeline), o.keys);
      default:
        return NONE;
    }
  }

  private findVar(name: string): Values {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const value = this.frames[i].vars.get(name);
      if (value !== undefined) return value;
    }
    return NONE;
  }

  /** Field access `.a.b` on each possible value; records every `.Values` path read. */
  private apply(values: Values, keys: readonly string[]): Values {
    if (keys.length === 0) return values;
    const out: Value[] = [];
    for (const value of values) {
      if (value.kind === 'root') {
        if (keys[0] === 'Values') out.push(this.read(keys.slice(1)));
        // A helper called with `(dict "context" $ …)` reads `.context.Values.…`: the root, passed by name.
        else if (keys[1] === 'Values' && /^[a-z]/.test(keys[0])) out.push(this.read(keys.slice(2)));
      } else if (value.kind === 'values') {
        out.push(this.read([...value.keys, ...keys]));
      }
    }
    return out;
  }

  private below(values: Values, literals: readonly (string | undefined)[]): Values {
    if (literals.some((l) => l === undefined)) return NONE;
    return this.apply(
      values.filter((v) => v.kind === 'values'),
      literals as string[],
    );
  }

  private read(keys: readonly string[]): Value {
    if (keys.length > 0) add(this.into.reads, formatPath(this.prefixed(keys)), this.file);
    return { kind: 'values', keys };
  }

  private markFreeForm(values: Values, how: string): void {
    for (const value of values) {
      if (value.kind !== 'values' || value.keys.length === 0) continue;
      const path = formatPath(this.prefixed(value.keys));
      const entry = this.into.freeForm.get(path) ?? { files: new Set<string>(), how: new Set<string>() };
      entry.files.add(this.file);
      entry.how.add(how);
      this.into.freeForm.set(path, entry);
    }
  }

  private prefixed(keys: readonly string[]): string[] {
    return keys[0] === 'global' ? [...keys] : [...this.prefix, ...keys];
  }
}

const add = (map: Map<string, Set<string>>, key: string, file: string): void => {
  map.set(key, (map.get(key) ?? new Set()).add(file));
};

/** The text inside each `{{ … }}`, trim markers and comments removed. */
export function actionsOf(text: string): string[] {
  const actions: string[] = [];
  let at = 0;
  for (;;) {
    const start = text.indexOf('{{', at);
    if (start < 0) return actions;
    let i = start + 2;
    let quote: string | undefined;
    for (; i < text.length; i++) {
      const c = text[i];
      if (quote !== undefined) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === '`') quote = c;
      else if (text.startsWith('/*', i)) {
        const close = text.indexOf('*/', i + 2);
        i = close < 0 ? text.length : close + 1;
      } else if (text.startsWith('}}', i)) break;
    }
    const inner = text
      .slice(start + 2, i)
      .replace(/^-\s/, '')
      .replace(/\s-$/, '')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .trim();
    if (inner !== '') actions.push(inner);
    at = i + 2;
  }
}

export function tokenize(action: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const keysAt = (): string[] => {
    const keys: string[] = [];
    while (action[i] === '.' && /[A-Za-z_]/.test(action[i + 1] ?? '')) {
      const m = /^\.([A-Za-z_][A-Za-z0-9_]*)/.exec(action.slice(i))!;
      keys.push(m[1]);
      i += m[0].length;
    }
    return keys;
  };
  while (i < action.length) {
    const c = action[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(action.slice(i));
      const raw = m?.[0] ?? action.slice(i);
      tokens.push({ t: 'str', v: m ? (JSON.parse(raw) as string) : raw });
      i += raw.length;
    } else if (c === '`') {
      const close = action.indexOf('`', i + 1);
      const end = close < 0 ? action.length : close + 1;
      tokens.push({ t: 'str', v: action.slice(i + 1, end - 1) });
      i = end;
    } else if (c === "'") {
      const m = /^'(?:[^'\\]|\\.)*'/.exec(action.slice(i));
      i += m?.[0].length ?? 1;
      tokens.push({ t: 'num' });
    } else if (c === '(' || c === ')' || c === '|' || c === ',') {
      tokens.push({ t: c });
      i++;
      if (c === ')' && action[i] === '.') tokens.push({ t: 'chain', keys: keysAt() });
    } else if (action.startsWith(':=', i)) {
      tokens.push({ t: ':=' });
      i += 2;
    } else if (c === '=') {
      tokens.push({ t: '=' });
      i++;
    } else if (c === '.') {
      const keys = keysAt();
      if (keys.length === 0) i++;
      tokens.push({ t: 'field', keys });
    } else if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*/.exec(action.slice(i))!;
      i += m[0].length;
      tokens.push({ t: 'var', name: m[0], keys: keysAt() });
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(action.slice(i))!;
      i += m[0].length;
      tokens.push({ t: 'ident', v: m[0] });
      if (action[i] === '.') keysAt(); // a method on a function result, e.g. `.Capabilities…`; not a values read
    } else if (/[-+0-9]/.test(c)) {
      const m = /^[-+]?[0-9][0-9a-fA-FxX._eE+-]*/.exec(action.slice(i));
      i += m?.[0].length ?? 1;
      tokens.push({ t: 'num' });
    } else {
      i++;
    }
  }
  return tokens;
}

/** Commands split on `|`, each a list of operands; parentheses nest. */
function parsePipeline(tokens: Token[]): Operand[][] {
  let at = 0;
  const pipeline = (): Operand[][] => {
    const commands: Operand[][] = [[]];
    while (at < tokens.length) {
      const token = tokens[at++];
      if (token.t === ')') break;
      if (token.t === '|') commands.push([]);
      else if (token.t === '(') {
        const inner = pipeline();
        const chain = tokens[at]?.t === 'chain' ? (tokens[at++] as { keys: string[] }).keys : [];
        commands[commands.length - 1].push({ t: 'paren', pipeline: inner, keys: chain });
      } else if (token.t === 'str' || token.t === 'field' || token.t === 'var' || token.t === 'ident' || token.t === 'num') {
        commands[commands.length - 1].push(token);
      }
    }
    return commands.filter((c) => c.length > 0);
  };
  return pipeline();
}
