/**
 * A Helm values path as text: keys joined by dots, e.g. `podDisruptionBudget.minAvailable`; a key that
 * holds a dot, a bracket or a quote (an annotation name, a flag) is written as a JSON string in brackets,
 * e.g. `podAnnotations["fluentbit.io/exclude"]`.
 */
const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

export function formatPath(keys: readonly string[]): string {
  return keys.map((key, i) => (PLAIN_KEY.test(key) ? `${i === 0 ? '' : '.'}${key}` : `[${JSON.stringify(key)}]`)).join('');
}

export function parsePath(text: string): string[] {
  const keys: string[] = [];
  const token = /([A-Za-z0-9_-]+)|\[("(?:[^"\\]|\\.)*")\]|\./gy;
  let match: RegExpExecArray | null;
  while (token.lastIndex < text.length && (match = token.exec(text)) !== null) {
    if (match[1] !== undefined) keys.push(match[1]);
    else if (match[2] !== undefined) keys.push(JSON.parse(match[2]) as string);
  }
  if (token.lastIndex !== text.length) throw new Error(`not a values path: ${JSON.stringify(text)}`);
  return keys;
}

/** Every path of a parsed values tree: each key's path (maps are walked, lists and scalars are leaves). */
export function keyPaths(tree: unknown, prefix: readonly string[] = []): string[][] {
  if (!isMap(tree)) return [];
  return Object.entries(tree).flatMap(([key, value]) => [[...prefix, key], ...keyPaths(value, [...prefix, key])]);
}

/** The leaves we set: scalars, lists and empty maps, each by its path. */
export function leafPaths(tree: unknown, prefix: readonly string[] = []): string[][] {
  if (!isMap(tree) || (Object.keys(tree).length === 0 && prefix.length > 0)) return prefix.length > 0 ? [[...prefix]] : [];
  return Object.entries(tree).flatMap(([key, value]) => leafPaths(value, [...prefix, key]));
}

export const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
