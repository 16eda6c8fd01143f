import { isDeepStrictEqual } from 'node:util';
import { modelInstanceOf, modelOf, schemaProblems } from '../constructs/schemas/schema-validation';
import type { KubeObject } from '../constructs/model/kube-object';
import { realObjects } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('schema validation without the models’ deep copy', () => {
  const objects = realObjects();

  test('validates every synthesized object as the model built from it: same prototype, same own data, same order', () => {
    const checked = objects.filter((o) => modelOf(o.apiVersion, o.kind));
    expect(checked.length).toBeGreaterThan(0);
    for (const obj of checked) {
      const { Model, schemaVersion } = modelOf(obj.apiVersion, obj.kind)!;
      const data = schemaVersion === obj.apiVersion ? obj : { ...obj, apiVersion: schemaVersion };
      const fast = modelInstanceOf(Model, data);
      const built = new Model(data);
      expect(Object.getPrototypeOf(fast)).toBe(Object.getPrototypeOf(built));
      expect([obj.kind, Object.keys(fast)]).toEqual([obj.kind, Object.keys(built)]);
      expect([obj.kind, isDeepStrictEqual({ ...fast }, { ...built })]).toEqual([obj.kind, true]);
    }
  });

  test('an object holding an undefined value is built by the model, which drops it', () => {
    const deployment = objects.find((o) => o.kind === 'Deployment') as Json;
    const withUndefined: KubeObject = { ...deployment, spec: { ...deployment.spec, paused: undefined, extra: undefined } };
    const { Model } = modelOf(deployment.apiVersion, deployment.kind)!;
    expect(Object.keys(modelInstanceOf(Model, withUndefined) as Json).length).toBeGreaterThan(0);
    expect((modelInstanceOf(Model, withUndefined) as Json).spec).not.toHaveProperty('extra');
    expect(schemaProblems([withUndefined])).toEqual([]);
  });

  test('a broken object still fails with the model’s message, with and without undefined values beside it', () => {
    const deployment = objects.find((o) => o.kind === 'Deployment') as Json;
    const broken = { ...deployment, spec: { ...deployment.spec, replicas: 'many' } };
    const [problem] = schemaProblems([broken]);
    expect(problem).toMatch(/\/spec\/replicas must be integer/);
    expect(schemaProblems([{ ...broken, spec: { ...broken.spec, paused: undefined } }])).toEqual([problem]);
  });
});
