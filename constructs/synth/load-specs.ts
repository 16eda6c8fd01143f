import * as path from 'node:path';
import type { AppSpec } from '../model/app-spec';
import type { ClusterSpec } from '../model/cluster-spec';

/** An app or cluster file that does not load: one line, `file:line:column: what`, for the person who edits it. */
export class SpecLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpecLoadError';
  }
}

export interface LoadedSpecs {
  readonly apps: readonly AppSpec[];
  readonly clusters: readonly ClusterSpec[];
}

/**
 * Loads `apps/index.ts` and `clusters/index.ts` below root. A file that does not compile or throws while
 * loading becomes a SpecLoadError naming the file, line and column (type errors are tsc's, in `npm test`).
 */
export function loadSpecs(root: string): LoadedSpecs {
  return {
    apps: loadList<AppSpec>(root, 'apps/index.ts', 'APPS'),
    clusters: loadList<ClusterSpec>(root, 'clusters/index.ts', 'CLUSTERS'),
  };
}

function loadList<T>(root: string, file: string, name: string): readonly T[] {
  let exported: Record<string, unknown>;
  const stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100; // a failed require of a spec file's import sits below a dozen loader frames
  try {
    // Loaded here, not imported, so that a broken spec file is reported, not thrown before main runs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(path.join(root, file)) as Record<string, unknown>;
  } catch (error) {
    throw new SpecLoadError(describeLoadFailure(root, file, error));
  } finally {
    Error.stackTraceLimit = stackLimit;
  }
  const list = exported[name];
  if (!Array.isArray(list)) throw new SpecLoadError(`${file}: exports no list ${name}`);
  for (const [i, entry] of list.entries()) {
    if (typeof entry !== 'object' || entry === null) {
      throw new SpecLoadError(`${file}: ${name}[${i}] is ${String(entry)}: check that its import names what the file exports`);
    }
  }
  return list as T[];
}

/** esbuild's report of a file that does not parse: `/abs/apps/shop.ts:8:7: ERROR: Unexpected ":"`, its column counted from 0. */
const SYNTAX_ERROR = /^(.+?):(\d+):(\d+): ERROR: (.*)$/;
/** A stack frame: `at fn (/abs/file.ts:8:7)` or `at /abs/file.ts:8:7`. */
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

/** One line: where the file broke and why, paths relative to root. */
export function describeLoadFailure(root: string, file: string, error: unknown): string {
  const relative = (p: string) => path.relative(root, p).split(path.sep).join('/');
  const message = error instanceof Error ? error.message : String(error);
  const syntax = message
    .split('\n')
    .map((line) => SYNTAX_ERROR.exec(line))
    .filter((m) => m !== null);
  if (syntax.length > 0) {
    const [, at, line, column, text] = syntax[0];
    const more = syntax.length > 1 ? ` (and ${syntax.length - 1} more)` : '';
    // Columns from 1, as tsc, editors and stack traces count them.
    return `${relative(at)}:${line}:${Number(column) + 1}: syntax error: ${text}${more}`;
  }
  const inRepo = (p: string) => path.isAbsolute(p) && !relative(p).startsWith('..') && !p.split(path.sep).includes('node_modules') && p !== __filename;
  const frame = ((error instanceof Error && error.stack) || '')
    .split('\n')
    .map((line) => FRAME.exec(line))
    .find((m) => m !== null && inRepo(m[1].replace(/^file:\/\//, '')));
  const where = frame ? `${relative(frame[1].replace(/^file:\/\//, ''))}:${frame[2]}:${frame[3]}` : file;
  const kind = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  return `${where}: ${kind}${message.split('\n')[0]}`;
}
