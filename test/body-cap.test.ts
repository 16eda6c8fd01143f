import { contentLengthAbove } from '../constructs/blocks/content-length-pattern';
import { parseQuantity } from '../constructs/model/quantity';
import { namespaceOf } from '../constructs/model/naming';
import { byKind, FIXTURE_CLUSTERS, fixtureCloudAppsOf, fixtureObjectsOf } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Envoy matches a header value against the whole pattern (RE2 FullMatch); JavaScript needs the anchors. */
const fullMatch = (pattern: string) => new RegExp(`^(?:${pattern})$`);

describe('the Content-Length pattern matches exactly the numbers above the cap', () => {
  const limits = [0, 1, 9, 10, 99, 100, 101, 1999, 1000000, 10485760, 67108864, 2 ** 31, 4999999999];
  test.each(limits)('above %d', (limit) => {
    const above = fullMatch(contentLengthAbove(limit));
    const around = [0, 1, 2, 9, 10, 11, 99, 100].flatMap((d) => [limit - d, limit + d]).filter((n) => n >= 0);
    // Digits changed one at a time, so every branch of the alternation is tried on both sides of the limit.
    const digits = String(limit);
    const varied = [...digits].flatMap((_, i) => [0, 5, 9].map((v) => Number(digits.slice(0, i) + v + digits.slice(i + 1))));
    let seed = limit + 7;
    const random = Array.from({ length: 300 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % (limit * 3 + 1000));
    for (const n of [...around, ...varied, ...random, 10 ** 15, Number.MAX_SAFE_INTEGER]) {
      expect([n, above.test(String(n))]).toEqual([n, n > limit]);
      // A length with leading zeros is the same number.
      expect([n, above.test(`000${n}`)]).toEqual([n, n > limit]);
    }
    for (const text of ['', ' ', '-1', '1e9', '0x10', `${limit + 1} `, `+${limit + 1}`]) expect([text, above.test(text)]).toEqual([text, false]);
  });
});

describe.each(FIXTURE_CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: each app route answers 413 above its own cap, and not at it', (env, cluster) => {
  const objects = fixtureObjectsOf(env);
  test.each(fixtureCloudAppsOf(cluster).map((a) => [a.name, a] as const))('app %s', (name, app) => {
    const route = byKind(objects, 'HTTPRoute').find((r) => r.metadata.namespace === namespaceOf(name) && r.metadata.name === name) as Json;
    const capRule = route.spec.rules.find((r: Json) => r.matches.some((m: Json) => m.headers));
    const pattern = fullMatch(capRule.matches[0].headers.find((h: Json) => h.name === 'content-length').value);
    const cap = Math.floor(parseQuantity(app.edge.maxBodySize)!);
    expect([pattern.test(String(cap)), pattern.test(String(cap + 1))]).toEqual([false, true]);
    const filter = byKind(objects, 'HTTPRouteFilter').find(
      (f) => f.metadata.namespace === route.metadata.namespace && f.metadata.name === capRule.filters.find((x: Json) => x.extensionRef).extensionRef.name,
    ) as Json;
    expect(filter.spec.directResponse).toMatchObject({
      statusCode: 413,
      body: { type: 'Inline', inline: `Request body larger than ${app.edge.maxBodySize}.\n` },
    });
    // The rule that reaches the app has no header match: the cap's rule outranks it for the same path.
    expect(route.spec.rules.filter((r: Json) => r.backendRefs).every((r: Json) => r.matches.every((m: Json) => !m.headers && m.path.value === '/'))).toBe(true);
  });
});
