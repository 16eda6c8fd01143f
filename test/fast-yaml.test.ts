import { stringify } from 'yaml';
import { fastYaml } from '../constructs/blocks/fast-yaml';
import { realObjects } from './support';

const viaYaml = (obj: unknown): string => stringify(obj, { lineWidth: 0 });

describe('the fast YAML path writes exactly what the yaml package writes', () => {
  test('for every object synth writes, and it covers most of them', () => {
    const objects = realObjects();
    const fast = objects.map((obj) => ({ obj, text: fastYaml(obj) })).filter((r) => r.text !== undefined);
    for (const { obj, text } of fast) expect(text).toBe(viaYaml(obj));
    expect(fast.length / objects.length).toBeGreaterThan(0.7);
  });

  const TRICKY = [
    '',
    ' ',
    'a ',
    ' a',
    'a: b',
    'a:b',
    'a:',
    'a #b',
    'a#b',
    '#a',
    '- a',
    '-',
    '-a',
    '?',
    '? a',
    '?a',
    ':a',
    '*a',
    '&a',
    '!a',
    '|',
    '>',
    "'a'",
    '"a"',
    "it's",
    'say "hi"',
    '%a',
    '@a',
    '`a',
    '[a]',
    '{a}',
    'a,b',
    ',a',
    '---',
    '--- a',
    '...',
    'a\nb',
    'a\tb',
    '\ta',
    'null',
    'Null',
    'NULL',
    '~',
    'true',
    'False',
    'yes',
    'no',
    'on',
    'off',
    'y',
    '0',
    '-1',
    '+1',
    '007',
    '0o17',
    '0x1F',
    '0xZZ',
    '1.5',
    '.5',
    '1.',
    '1e3',
    '1E-3',
    '-.inf',
    '.NaN',
    '.nan',
    '1_000',
    '12:30',
    '2024-01-01',
    '0 2 * * *',
    '*/5 * * * *',
    'ünïcödé',
    'a\u2028b',
    'a\nb\n',
    'a\n\nb',
    'a\n  b\n',
    '  a\nb',
    'a\n',
    'a\n\n',
    'a \nb',
    'a\nb ',
    '\na',
    '---\na',
    'a\n---\nb',
    'a\n...',
    'a\tb\nc',
    '#a\nb',
    'k: v\nx',
    '- a\n- b',
    'set -eu\nrestic backup /data \\\n  --tag x\n',
    'a\r\nb',
    'http://a.b/c?d=e&f=g',
    'ghcr.io/acme/shop:1.0@sha256:abc',
    '100m',
    '1Gi',
    '{{ .Values }}',
    '${VAR}',
    'a: ',
    '{"a":"b: c"}',
    '[{"op": "add"}]',
    'say "it\'s"',
    'a: "b\\c"',
    '%REQ(:AUTHORITY)%',
    '%a: "b"',
    '--- "a"',
    '... #a',
    'x'.repeat(1200),
  ];
  test('for strings that need quotes, escapes or care, as a value, a key and a list item', () => {
    for (const s of TRICKY) {
      for (const obj of [{ k: s }, { [s]: 1 }, { k: [s] }, { k: [{ [s]: s, b: [] }] }]) {
        const text = fastYaml(obj);
        if (text !== undefined) expect({ s, text }).toEqual({ s, text: viaYaml(obj) });
      }
    }
  });

  test('a JSON patch and an access-log format string take the fast path, quoted as yaml quotes them', () => {
    for (const s of ['{"op":"add","path":"/spec"}', '%REQ(:AUTHORITY)%']) {
      for (const obj of [{ k: s }, { [s]: 1 }, { k: [s] }]) expect({ s, text: fastYaml(obj) }).toEqual({ s, text: viaYaml(obj) });
    }
  });

  test('numbers, booleans, null, empty and nested collections', () => {
    const obj = { a: 1, b: -2.5, c: 1e21, d: true, e: null, f: {}, g: [], h: [{}, [], { x: { y: [1, { z: 'w' }] } }], i: { j: { k: 'l' } } };
    const text = fastYaml({ ...obj, h: obj.h.filter((x) => !Array.isArray(x)) });
    expect(text).toBe(viaYaml({ ...obj, h: obj.h.filter((x) => !Array.isArray(x)) }));
  });

  test('what it cannot promise is left to the yaml package', () => {
    const shared = { a: 1 };
    expect(fastYaml({ x: shared, y: shared })).toBeUndefined(); // anchors and aliases
    expect(fastYaml({ a: undefined })).toBeUndefined();
    expect(fastYaml({ a: [[1]] })).toBeUndefined();
    expect(fastYaml({ a: ' indented\nlines' })).toBeUndefined();
    expect(fastYaml({ a: -0 })).toBeUndefined();
    expect(fastYaml({ a: new Date(0) })).toBeUndefined();
  });
});
