/*
 * Elasticsearch's index patterns, as index templates and data views read them: `*` matches any run of
 * characters (none included), every other character only itself (org.elasticsearch.common.regex.Regex,
 * simpleMatch and simpleMatchToAutomaton). Two templates overlap when one name matches a pattern of each:
 * MetadataIndexTemplateService.findConflictingV2Templates intersects their automatons, and at the same
 * priority Elasticsearch refuses the second (v2TemplateOverlaps).
 */

/** Regex.simpleMatch: does the name match the pattern? */
export const esSimpleMatch = (pattern: string, name: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(name);

/** Whether some name matches both patterns (the automatons' intersection is not empty). */
export function esPatternsOverlap(a: string, b: string): boolean {
  const seen = new Map<string, boolean>();
  const from = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const known = seen.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    // A `*` matches nothing more, or takes the other pattern's next character (a literal one, or a `*` that then matches nothing).
    if (a[i] === '*') result = from(i + 1, j) || (j < b.length && from(i, j + 1));
    else if (b[j] === '*') result = from(i, j + 1) || (i < a.length && from(i + 1, j));
    else if (i < a.length && j < b.length) result = a[i] === b[j] && from(i + 1, j + 1);
    else result = i === a.length && j === b.length;
    seen.set(key, result);
    return result;
  };
  return from(0, 0);
}
