import { isDeepStrictEqual } from 'node:util';
import { ApiObject, App, Chart, JsonPatch, Lazy, type IResolver, type ResolutionContext } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IntOrString, KubeConfigMap, Quantity } from 'cdk8s-plus-28/lib/imports/k8s';
import { buildCluster } from '../constructs/synth/build-cluster';
import { CDK8S_OBJECT_JSON, fastObjectJson, withFastObjectJson, withObjectJson } from '../constructs/synth/object-json';
import type { SynthInput } from '../constructs/synth/pipeline';
import { scaledInput } from '../scripts/bench-synth';
import { REAL_INPUT } from './support';

// fastObjectJson stands in for cdk8s 2.70.106's ApiObject.toJson (node_modules/cdk8s/lib/api-object.js,
// resolve.js, _util.js sanitizeValue) while synthChart runs. These hold it to cdk8s's own toJson, values
// and key order (the YAML writer keeps key order), for every object the clusters' charts hold.

/** Every chart synthChart builds, kept to compare their objects after the build. */
const mockCharts: Chart[] = [];
jest.mock('../constructs/synth/chart-synth', () => {
  const actual = jest.requireActual('../constructs/synth/chart-synth');
  return {
    ...actual,
    synthChart: (build: (app: App) => Chart) =>
      actual.synthChart((app: App) => {
        const chart = build(app);
        mockCharts.push(chart);
        return chart;
      }),
  };
});

const objectsOf = (charts: readonly Chart[]): ApiObject[] => charts.flatMap((c) => c.node.findAll().filter((o): o is ApiObject => o instanceof ApiObject));

/** The charts of each cluster of the input, as buildCluster synthesizes them. */
function chartsOf(input: SynthInput): Chart[] {
  mockCharts.length = 0;
  for (const cluster of input.clusters) buildCluster(cluster, input.apps, input.releases, input.gatewayLedgers?.[cluster.env]);
  return [...mockCharts];
}

/** The JSON with its key order and its undefined values spelled out, to compare two results as text. */
const spelledOut = (json: unknown): string => JSON.stringify(json, (_key, value: unknown) => (value === undefined ? '<undefined>' : value));

/**
 * The objects whose toJson() differs with `toJson` in place of cdk8s's ApiObject.toJson, in value or in
 * key order; the L1 classes' own toJson (cdk8s-plus-28 imports) runs on top of either, as in a synth.
 */
function differences(objects: readonly ApiObject[], toJson: (this: ApiObject) => unknown): string[] {
  return objects.flatMap((o) => {
    const viaCdk8s = o.toJson();
    const viaOther = withObjectJson(toJson, () => o.toJson());
    return isDeepStrictEqual(viaOther, viaCdk8s) && spelledOut(viaOther) === spelledOut(viaCdk8s) ? [] : [o.node.path];
  });
}

describe('for every object of the real clusters and of a generated one', () => {
  const real = chartsOf(REAL_INPUT);
  const generated = chartsOf(scaledInput(6));

  test.each([
    ['the real clusters (staging, prod)', real],
    ['a generated cluster of 6 apps', generated],
  ])("%s: the JSON is cdk8s's own, key order included", (_name, charts) => {
    const objects = objectsOf(charts);
    expect(objects.length).toBeGreaterThan(100);
    expect(differences(objects, fastObjectJson)).toEqual([]);
  });

  test('the comparison fails a walk that orders keys otherwise, or drops a value', () => {
    const objects = objectsOf(real);
    // An L1 class (cdk8s-plus-28 imports) puts its fields back in its schema's order on top of
    // ApiObject's toJson; the others give ApiObject's JSON as it is, so a reordering shows in each of them.
    const plain = objects.filter((o) => o.toJson === CDK8S_OBJECT_JSON).map((o) => o.node.path);
    expect(plain.length).toBeGreaterThan(0);
    const reversedKeys = (x: unknown): unknown =>
      Array.isArray(x)
        ? x.map(reversedKeys)
        : x && typeof x === 'object'
          ? Object.fromEntries(
              Object.entries(x)
                .reverse()
                .map(([k, v]) => [k, reversedKeys(v)]),
            )
          : x;
    const reordering = function (this: ApiObject): unknown {
      return reversedKeys(fastObjectJson.call(this));
    };
    const withoutLabels = function (this: ApiObject): unknown {
      const json = fastObjectJson.call(this) as { metadata: Record<string, unknown> };
      return { ...json, metadata: { ...json.metadata, labels: undefined } };
    };
    expect(differences(objects, reordering)).toEqual(expect.arrayContaining(plain));
    expect(differences(objects, withoutLabels).length).toBeGreaterThan(objects.length / 2);
  });
});

describe('the values cdk8s resolves, and the ones it refuses', () => {
  /** An object with values of every kind cdk8s's default resolvers and sanitizeValue treat apart. */
  function oddObject(scope: Chart, spec: Record<string, unknown>): ApiObject {
    const object = new ApiObject(scope, 'odd', {
      apiVersion: 'example.com/v1',
      kind: 'Odd',
      metadata: { name: 'odd', annotations: {}, finalizers: [], labels: { b: '2', a: '1' } },
      spec,
    });
    object.addJsonPatch(JsonPatch.add('/spec/patched', true));
    return object;
  }
  const lazy = (value: unknown) => Lazy.any({ produce: () => value });
  const odd: Record<string, unknown> = {
    zeta: 1,
    alpha: { nested: lazy(lazy({ z: 'last', a: 'first', dropped: null })) },
    '10': 'ten',
    '9': 'nine',
    implicit: { resolve: () => ({ made: 'by resolve()' }) },
    implicitOwn: {
      word: 'its own',
      resolve(this: { word: string }) {
        return { made: this.word };
      },
    },
    unions: [IntOrString.fromNumber(8080), IntOrString.fromString('http'), Quantity.fromString('1Gi')],
    holes: [null, undefined, 'x', []],
    empty: { list: [], map: {} },
    gone: undefined,
    flag: false,
    many: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key-${String(39 - i).padStart(2, '0')}`, i])),
  };

  test.each([
    ['sorted', undefined],
    ['in their own order (CDK8S_DISABLE_SORT)', '1'],
  ])('keys %s, nulls dropped, lazy values and unions resolved: as cdk8s does', (_name, disableSort) => {
    const before = process.env.CDK8S_DISABLE_SORT;
    if (disableSort) process.env.CDK8S_DISABLE_SORT = disableSort;
    try {
      const object = oddObject(new Chart(new App(), 'odd', { namespace: 'demo' }), odd);
      expect(differences([object], fastObjectJson)).toEqual([]);
      expect(withFastObjectJson(() => object.toJson())).toMatchObject({
        spec: { alpha: { nested: { a: 'first', z: 'last' } }, implicitOwn: { made: 'its own' }, patched: true },
      });
    } finally {
      if (disableSort) process.env.CDK8S_DISABLE_SORT = before;
    }
  });

  test("an own key __proto__, which cdk8s assigns as a prototype: cdk8s's own result", () => {
    const object = oddObject(new Chart(new App(), 'odd'), { odd: JSON.parse('{"__proto__": {"x": 1}, "kept": 1}') });
    expect(differences([object], fastObjectJson)).toEqual([]);
  });

  test.each([
    ['an object of a class', { when: new Date(0) }],
    [
      'a producer that throws',
      {
        broken: Lazy.any({
          produce: () => {
            throw new Error('no value here');
          },
        }),
      },
    ],
  ])("%s: cdk8s's own error, word for word", (_name, spec) => {
    const object = oddObject(new Chart(new App(), 'odd'), spec);
    const errorOf = (run: () => unknown): string => {
      try {
        run();
      } catch (error) {
        return String(error);
      }
      throw new Error('expected an error');
    };
    const cdk8sError = errorOf(() => CDK8S_OBJECT_JSON.call(object));
    expect(cdk8sError).toMatch(/Failed serializing construct at path 'odd\/odd'/);
    expect(errorOf(() => withFastObjectJson(() => object.toJson()))).toBe(cdk8sError);
  });
});

test("an App with a resolver of its own gets cdk8s's own resolve, with that resolver", () => {
  const seen: string[] = [];
  const renaming: IResolver = {
    resolve(context: ResolutionContext) {
      seen.push(context.key.join('.'));
      if (context.value === 'before') context.replaceValue('after');
    },
  };
  const chart = new Chart(new App({ resolvers: [renaming] }), 'custom', { namespace: 'demo' });
  const map = new KubeConfigMap(chart, 'map', { metadata: { name: 'map' }, data: { a: 'before' } });
  new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx:1.27', portNumber: 8080, securityContext: { user: 1000, group: 1000 } }] });

  expect(withFastObjectJson(() => map.toJson())).toMatchObject({ data: { a: 'after' } });
  expect(seen).toContain('data.a');
  expect(differences(objectsOf([chart]), fastObjectJson)).toEqual([]);
});

test("ApiObject.prototype.toJson is cdk8s's again after the span, also when the span throws", () => {
  expect(() =>
    withFastObjectJson(() => {
      expect(ApiObject.prototype.toJson).toBe(fastObjectJson);
      throw new Error('stop');
    }),
  ).toThrow('stop');
  expect(ApiObject.prototype.toJson).toBe(CDK8S_OBJECT_JSON);
});
