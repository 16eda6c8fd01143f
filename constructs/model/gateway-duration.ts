/** Milliseconds in each unit of a Gateway API Duration. */
const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/**
 * A Gateway API Duration (GEP-2257: `1h30m`, `120s`, `500ms`) in milliseconds, or undefined for text that
 * is not one: the pattern of HTTPRoute `timeouts.request` in @kubernetes-models/gateway-api 0.5.1, which
 * Envoy Gateway's ClientTrafficPolicy timeouts share (they are `gwapiv1.Duration`).
 */
export function gatewayDurationMs(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^([0-9]{1,5}(h|m|s|ms)){1,4}$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/([0-9]+)(ms|h|m|s)/g)) total += Number(amount) * UNIT_MS[unit];
  return total;
}
