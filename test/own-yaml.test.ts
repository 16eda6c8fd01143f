import { isDeepStrictEqual } from 'node:util';
import { alertRuleFilesIn } from '../constructs/alerts/rule-config-maps';
import { parse, stringify } from 'yaml';
import { fastYaml } from '../constructs/blocks/fast-yaml';
import { parseYaml, readOwnLayout } from '../constructs/rules/own-yaml';
import { CLUSTERS } from '../clusters';
import { realObjects, realObjectsOf } from './support';

/** parseYaml's answer and parse's, each a value or the message it threw. */
const both = (text: string) => {
  const run = (f: (t: string) => unknown) => {
    try {
      return { value: f(text) };
    } catch (error) {
      return { threw: (error as Error).message };
    }
  };
  return { ours: run(parseYaml), theirs: run(parse) };
};

describe('parseYaml reads what the yaml package reads', () => {
  test('for the ElastAlert2 rule files of every env, almost all through the reader of our own layout', () => {
    for (const { env } of CLUSTERS) {
      const texts = alertRuleFilesIn(realObjectsOf(env)).map(([, text]) => text);
      expect(texts.length).toBeGreaterThan(0);
      for (const text of texts) expect(isDeepStrictEqual(parseYaml(text), parse(text))).toBe(true);
      const read = texts.filter((text) => {
        const obj = readOwnLayout(text);
        return obj !== undefined && fastYaml(obj) === text;
      });
      expect(read.length / texts.length).toBeGreaterThan(0.9);
    }
  });

  test('for the text our writer makes of every object synth writes (literal blocks, quoted keys, nested lists)', () => {
    const texts = realObjects()
      .map((obj) => fastYaml(obj))
      .filter((t): t is string => t !== undefined);
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expect(isDeepStrictEqual(parseYaml(text), parse(text))).toBe(true);
  });

  const ELSEWHERE = [
    'index: logs-k8s.shop-default\nfilter:\n  - wildcard: {json.message: {value: "a *"}}\n',
    'a: 1 # comment\n',
    'a: &x {b: 1}\nc: *x\n',
    'a:\n',
    'a: True\n',
    'a: 1.0\nb: 0x10\nc: 1e3\nd: ~\ne: .inf\n',
    'a: |+\n  x\n\n',
    'a: >\n  x\n  y\n',
    'a:\n- b\n- c\n',
    'a: 1\na: 2\n',
    "a: 'it''s'\n",
    'a: "x\\ty"\n',
    'a:   b\n',
    'a: b  \n',
    'a: b\n  c\n',
    'a:\n  - b: 1\n    c: |-\n      x\n\n      y\n  - {}\n  - []\n',
    '"a: b": c\n',
    '- a\n',
    'a: 1',
    '',
    '__proto__:\n  a: 1\n',
    'a: [1, 2]\n',
    'a:\n  b: 1\n c: 2\n',
    '? a\n: b\n',
    '%YAML 1.2\n---\na: b\n',
  ];
  test.each(ELSEWHERE)('for text written elsewhere: %j', (text) => {
    const { ours, theirs } = both(text);
    expect(isDeepStrictEqual(ours, theirs)).toBe(true);
  });

  test('the reader can tell a wrong reading: a text it reads one way and the writer writes another goes to yaml', () => {
    // Plain `True` is a string to the reader but a boolean to yaml; the writer quotes the string, so it goes to yaml.
    expect(readOwnLayout('a: True\n')).toEqual({ a: 'True' });
    expect(parseYaml('a: True\n')).toEqual({ a: true });
  });

  test('for objects of many shapes written by the yaml package', () => {
    const objects = [
      { a: 'x: y', b: ['- z', '#c', ' lead', 'trail '], c: { 'k: v': [{ d: 'multi\nline\n' }] } },
      { n: [0, -1, 2.5, 1e21, 123456789012345680000], t: [true, false, null], e: [{}, []] },
      { s: ['1', 'true', 'null', '0o7', '.5', '1e3', '', '~'] },
    ];
    for (const obj of objects) {
      const text = stringify(obj, { lineWidth: 0 });
      expect(isDeepStrictEqual(parseYaml(text), parse(text))).toBe(true);
    }
  });
});
