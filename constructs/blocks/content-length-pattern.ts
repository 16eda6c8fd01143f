/**
 * A regular expression that matches, in full, the decimal numbers above `limit` (leading zeros allowed),
 * for a Content-Length header match. Envoy matches header values with RE2, in full (StringMatcher
 * safe_regex); the pattern uses only digits, classes, counted repetition and alternation, which RE2 and
 * JavaScript read alike. Envoy Gateway v1.5.1 lifts RE2's program size limit (bootstrap.yaml.tpl,
 * re2.max_program_size.error_level), so the alternation's length is no concern.
 */
export function contentLengthAbove(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new Error(`contentLengthAbove: ${limit} is not a whole number of bytes`);
  const digits = String(limit);
  // More digits than the limit: above it, whatever they are.
  const longer = `[1-9][0-9]{${digits.length},}`;
  // As many digits: the limit's first i digits, then a greater one, then any.
  const sameLength = [...digits].flatMap((d, i) => {
    const greater = Number(d) + 1;
    if (greater > 9) return [];
    const rest = digits.length - i - 1;
    const any = rest === 0 ? '' : rest === 1 ? '[0-9]' : `[0-9]{${rest}}`;
    return [`${digits.slice(0, i)}${greater === 9 ? '9' : `[${greater}-9]`}${any}`];
  });
  return `0*(?:${[longer, ...sameLength].join('|')})`;
}
