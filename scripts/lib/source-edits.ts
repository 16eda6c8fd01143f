/**
 * Edits of the TypeScript spec files, found with the TypeScript parser rather than by pattern, so that an
 * entry is removed whole whatever its layout, and nothing else moves. Each function returns the new text.
 */
import * as ts from 'typescript';
import type { RetiredAppData } from '../../constructs/model/cluster-spec';

/** An edit that cannot be made: the file does not have the shape the command expects. */
export class SourceEditError extends Error {}

const parse = (file: string, text: string): ts.SourceFile => ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);

const nameOf = (property: ts.ObjectLiteralElementLike): string | undefined =>
  property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : undefined;

/** The object literal that a top-level `export const x: Type = { … }` declares, where Type is `typeName`. */
function exportedObject(source: ts.SourceFile, typeName: string): ts.ObjectLiteralExpression {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const type = declaration.type?.getText(source);
      const init = declaration.initializer;
      if (type === typeName && init && ts.isObjectLiteralExpression(init)) return init;
    }
  }
  throw new SourceEditError(`${source.fileName}: found no "export const …: ${typeName} = { … }"`);
}

/** The property at `path` below `object` (each step an object literal), or undefined when a step is missing. */
function propertyAt(object: ts.ObjectLiteralExpression, path: readonly string[]): ts.PropertyAssignment | undefined {
  let current: ts.ObjectLiteralExpression = object;
  for (const [i, key] of path.entries()) {
    const found = current.properties.find((p) => nameOf(p) === key);
    if (!found || !ts.isPropertyAssignment(found)) return undefined;
    if (i === path.length - 1) return found;
    if (!ts.isObjectLiteralExpression(found.initializer)) return undefined;
    current = found.initializer;
  }
  return undefined;
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const applySpans = (text: string, spans: readonly Span[]): string =>
  [...spans].sort((a, b) => b.start - a.start).reduce((t, s) => t.slice(0, s.start) + s.text + t.slice(s.end), text);

/**
 * The span that removes a list item (a property or an array element) with its separating comma: the
 * whole line when it stands on lines of its own, else the item and the comma and space after it (or, for
 * the last item, the comma and space before it).
 */
function removalOf(text: string, item: ts.Node, siblings: readonly ts.Node[], source: ts.SourceFile): Span {
  const start = item.getStart(source);
  let end = item.getEnd();
  if (text[end] === ',') end++;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = text.indexOf('\n', end);
  if (/^[ \t]*$/.test(text.slice(lineStart, start)) && /^[ \t]*$/.test(text.slice(end, lineEnd === -1 ? text.length : lineEnd))) {
    return { start: lineStart, end: lineEnd === -1 ? text.length : lineEnd + 1, text: '' };
  }
  const index = siblings.indexOf(item);
  if (index < siblings.length - 1) return { start, end: siblings[index + 1].getStart(source), text: '' };
  if (index > 0) return { start: siblings[index - 1].getEnd(), end: item.getEnd(), text: '' };
  return { start, end, text: '' };
}

/** What a cluster file edit did, by field. */
export interface ClusterEdit {
  readonly text: string;
  /** The fields changed, e.g. `apps.shop`, `access.apps.shop`, `appData.shop`. */
  readonly fields: readonly string[];
}

/**
 * The cluster spec (`export const <env>: ClusterSpec = { … }`) with the app out of `apps` and
 * `access.apps`, and its `appData` entry turned into a retirement note (set whether it was `'live'` or
 * missing; a note already there is kept).
 */
export function retireInCluster(file: string, text: string, app: string, note: RetiredAppData): ClusterEdit {
  const source = parse(file, text);
  const spec = exportedObject(source, 'ClusterSpec');
  const spans: Span[] = [];
  const fields: string[] = [];
  for (const path of [['apps'], ['access', 'apps']]) {
    const block = propertyAt(spec, path);
    if (!block) continue;
    if (!ts.isObjectLiteralExpression(block.initializer)) throw new SourceEditError(`${file}: "${path.join('.')}" is not an object literal`);
    const entry = block.initializer.properties.find((p) => nameOf(p) === app);
    if (!entry) continue;
    spans.push(removalOf(text, entry, block.initializer.properties, source));
    fields.push([...path, app].join('.'));
  }
  const ledger = propertyAt(spec, ['appData']);
  if (!ledger || !ts.isObjectLiteralExpression(ledger.initializer)) throw new SourceEditError(`${file}: found no "appData: { … }" object`);
  const entry = ledger.initializer.properties.find((p) => nameOf(p) === app);
  if (entry && ts.isPropertyAssignment(entry)) {
    if (ts.isStringLiteral(entry.initializer) && entry.initializer.text === 'live') {
      const start = entry.getStart(source);
      const column = start - (text.lastIndexOf('\n', start - 1) + 1);
      const retired = noteText(note, column, entry.initializer.getStart(source) - start);
      spans.push({ start: entry.initializer.getStart(source), end: entry.initializer.getEnd(), text: retired });
      fields.push(`appData.${app}`);
    }
  } else if (fields.length > 0) {
    const key = /^[A-Za-z_$][\w$]*$/.test(app) ? app : quote(app);
    const close = ledger.initializer.getEnd() - 1; // the closing brace
    const multiline = text.slice(ledger.initializer.getStart(source), close).includes('\n');
    const last = ledger.initializer.properties.at(-1);
    const comma = last && text[last.getEnd()] !== ',' ? ',' : '';
    const at = last ? last.getEnd() + (comma ? 0 : 1) : ledger.initializer.getStart(source) + 1;
    // A one-line ledger keeps its one line.
    const retired = multiline ? noteText(note, 4, `${key}: `.length) : noteText(note, 0, 0, Infinity);
    spans.push({ start: at, end: at, text: multiline ? `${comma}\n    ${key}: ${retired},` : `${comma} ${key}: ${retired}` });
    fields.push(`appData.${app}`);
  }
  return { text: applySpans(text, spans), fields };
}

/** apps/index.ts without the import of `./<app>` and without that name in the exported list. */
export function unregisterApp(file: string, text: string, app: string): string {
  const source = parse(file, text);
  const imported = source.statements.find(
    (s): s is ts.ImportDeclaration => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === `./${app}`,
  );
  const names = imported?.importClause?.namedBindings;
  if (!imported || !names || !ts.isNamedImports(names) || names.elements.length !== 1) {
    throw new SourceEditError(`${file}: found no "import { <name> } from './${app}';" to remove`);
  }
  const ident = names.elements[0].name.text;
  const list = exportedArray(source);
  const element = list?.elements.find((e) => ts.isIdentifier(e) && e.text === ident);
  if (!list || !element) throw new SourceEditError(`${file}: found no "${ident}" in the exported list of apps`);
  return applySpans(text, [removalOf(text, imported, source.statements, source), removalOf(text, element, list.elements, source)]);
}

/** The array literal of the file's exported `const … = [ … ]`. */
function exportedArray(source: ts.SourceFile): ts.ArrayLiteralExpression | undefined {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement) || !statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    const init = statement.declarationList.declarations[0]?.initializer;
    if (init && ts.isArrayLiteralExpression(init)) return init;
  }
  return undefined;
}

/** Every module specifier a file imports (static and dynamic imports, re-exports). */
export function importsOf(file: string, text: string): string[] {
  const source = parse(file, text);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require')) {
        found.push(node.arguments[0].text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Prettier's line width in this repo (.prettierrc): a longer note is written one field a line, as Prettier would. */
const PRINT_WIDTH = 160;

/**
 * A retirement note as an object literal, for an entry whose key starts at `column` and takes `keyWidth`
 * characters up to the note: on the entry's line when it fits, else one field a line, the way Prettier
 * writes it, so that `npm run lint` passes after a retirement with a long reason.
 */
function noteText(note: RetiredAppData, column: number, keyWidth: number, width = PRINT_WIDTH): string {
  const fields = [`retiredOn: ${quote(note.retiredOn)}`, `reason: ${quote(note.reason)}`];
  if (note.storageDriver !== undefined) fields.push(`storageDriver: ${quote(note.storageDriver)}`);
  const oneLine = `{ ${fields.join(', ')} }`;
  if (column + keyWidth + oneLine.length + 1 <= width) return oneLine;
  const indent = ' '.repeat(column);
  // A field longer than the line, too: its value goes on a line of its own.
  const fieldLine = (field: string) =>
    column + 2 + field.length + 1 <= width ? `${indent}  ${field},\n` : `${indent}  ${field.replace(': ', `:\n${indent}    `)},\n`;
  return `{\n${fields.map(fieldLine).join('')}${indent}}`;
}

/** A single-quoted TypeScript string, as the spec files write them. */
const quote = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
