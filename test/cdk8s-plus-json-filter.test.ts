import * as fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as vm from 'node:vm';

import { fixtureObjects } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { withLinearJsonFilter, QUADRATIC_FILTER } = require('../scripts/lib/cdk8s-plus-json-filter.cjs') as {
  withLinearJsonFilter(filename: string, content: string): string;
  QUADRATIC_FILTER: string;
};

// Jest loads packages itself, without scripts/lib/load-ts.cjs: here cdk8s-plus's file is the one it ships.
const GENERATED = require.resolve('cdk8s-plus-28/lib/imports/k8s.js');
const shipped = fs.readFileSync(GENERATED, 'utf8');
const filtered = withLinearJsonFilter(GENERATED, shipped);

type ToJson = (props: unknown) => unknown;
type Generated = Record<string, unknown>;

/** The generated module as the synth's loader gives it. */
function loadFiltered(): Generated {
  const module = { exports: {} as Generated };
  const wrapper = new vm.Script(Module.wrap(filtered), { filename: GENERATED }).runInThisContext();
  wrapper.call(module.exports, module.exports, createRequire(GENERATED), module, GENERATED, GENERATED.replace(/[\\/][^\\/]+$/, ''));
  return module.exports;
}

test('every toJson_* function of the pinned cdk8s-plus ends with the filter the loader replaces, and none is left', () => {
  const functions = shipped.match(/^function toJson_\w+\(/gm) ?? [];
  expect(functions.length).toBeGreaterThan(400);
  expect(shipped.split(QUADRATIC_FILTER).length - 1).toBe(functions.length);
  expect(filtered).not.toContain(QUADRATIC_FILTER);
  // Each replacement keeps its line: stack traces into the file point where they did.
  expect(filtered.split('\n').slice(0, shipped.split('\n').length - 1)).toEqual(
    shipped
      .split('\n')
      .slice(0, -1)
      .map((line) => line.replace(QUADRATIC_FILTER, 'return definedFieldsOf(result);')),
  );
  expect(shipped).not.toMatch(/'__proto__'\s*:/);
});

test('other files load as they are', () => {
  expect(withLinearJsonFilter('/x/node_modules/cdk8s/lib/api-object.js', shipped)).toBe(shipped);
});

test('the filtered toJson_* give what the shipped ones give, field order included, for every object of the fixture clusters', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const original = require('cdk8s-plus-28/lib/imports/k8s.js') as Generated;
  const linear = loadFiltered();
  let compared = 0;
  for (const object of fixtureObjects()) {
    const name = `toJson_Kube${object.kind}Props`;
    if (typeof original[name] !== 'function') continue;
    expect([object.kind, JSON.stringify((linear[name] as ToJson)(object))]).toEqual([object.kind, JSON.stringify((original[name] as ToJson)(object))]);
    compared++;
  }
  expect(compared).toBeGreaterThan(100);
});

/** definedFieldsOf as the filtered file defines it. */
const definedFieldsOf = new vm.Script(`(${/^function definedFieldsOf.+$/m.exec(filtered)![0]})`).runInThisContext() as ToJson;

test('the linear filter keeps exactly the fields the quadratic one keeps, in the same order', () => {
  const quadratic = new Function('result', QUADRATIC_FILTER) as ToJson;
  const values = [undefined, null, 0, false, '', 'x', [], {}];
  for (let seed = 0; seed < 200; seed++) {
    const result: Record<string, unknown> = {};
    for (const key of ['name', '10', 'b', 'a', '2', 'x-kubernetes']) if ((seed + key.length) % 3) result[key] = values[(seed * 7 + key.length) % values.length];
    expect(JSON.stringify(definedFieldsOf(result))).toBe(JSON.stringify(quadratic(result)));
  }
  expect((loadFiltered().toJson_ObjectMeta as ToJson)({ name: 'n', namespace: undefined, labels: { a: 'b' } })).toEqual({ name: 'n', labels: { a: 'b' } });
});
