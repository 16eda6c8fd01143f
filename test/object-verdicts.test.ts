import type { KubeObject } from '../constructs/model/kube-object';
import { problemsOfEachInNamespace, rememberVerdicts, verdictsOf, verdictsReusing, type NamespaceCheck } from '../constructs/rules/object-verdicts';

// A namespace check's verdicts found elsewhere stand only for a namespace judged there whole, as it is here.
// The verdicts below are made up, so that each problem tells where it was found.

const objectIn = (namespace: string | undefined, name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } });
/** Here, each object's problem names its namespace's objects, in order, as a rule that reads them would see them. */
const namesInNamespace: NamespaceCheck = (objects) => (obj) => [
  `${obj.metadata.name} here sees ${objects
    .filter((o) => o.metadata.namespace === obj.metadata.namespace)
    .map((o) => o.metadata.name)
    .join(',')}`,
];

function judgedElsewhere(objects: KubeObject[]): KubeObject[] {
  rememberVerdicts(objects, () => ({ names: Object.fromEntries(objects.map((o, i) => [i, [`${o.metadata.name} elsewhere`]])) }));
  return objects;
}

test('a namespace judged elsewhere whole, and in the same order, reads the verdicts found there', () => {
  const [a1, a2, b1] = judgedElsewhere([objectIn('a', 'a1'), objectIn('a', 'a2'), objectIn('b', 'b1')]);
  const here = objectIn('c', 'c1');
  expect(problemsOfEachInNamespace('names', namesInNamespace, [a1, here, a2, b1])).toEqual(['a1 elsewhere', 'c1 here sees c1', 'a2 elsewhere', 'b1 elsewhere']);
  // A check the batch did not run is run here.
  expect(problemsOfEachInNamespace('other', namesInNamespace, [a1, a2])).toEqual(['a1 here sees a1,a2', 'a2 here sees a1,a2']);
});

test('a namespace with an object built here, an object missing, objects of two batches or in another order is judged here', () => {
  const [a1, a2, b1] = judgedElsewhere([objectIn('a', 'a1'), objectIn('a', 'a2'), objectIn('b', 'b1')]);
  const [a3] = judgedElsewhere([objectIn('a', 'a3')]);
  expect(problemsOfEachInNamespace('names', namesInNamespace, [a1, objectIn('a', 'x'), a2, b1])).toEqual([
    'a1 here sees a1,x,a2',
    'x here sees a1,x,a2',
    'a2 here sees a1,x,a2',
    'b1 elsewhere',
  ]);
  expect(problemsOfEachInNamespace('names', namesInNamespace, [a1, b1])).toEqual(['a1 here sees a1', 'b1 elsewhere']);
  expect(problemsOfEachInNamespace('names', namesInNamespace, [a1, a2, a3])).toEqual([
    'a1 here sees a1,a2,a3',
    'a2 here sees a1,a2,a3',
    'a3 here sees a1,a2,a3',
  ]);
  expect(problemsOfEachInNamespace('names', namesInNamespace, [a2, a1])).toEqual(['a2 here sees a2,a1', 'a1 here sees a2,a1']);
  expect(problemsOfEachInNamespace('names', namesInNamespace, [a1, a1, a2])).toEqual([
    'a1 here sees a1,a1,a2',
    'a1 here sees a1,a1,a2',
    'a2 here sees a1,a1,a2',
  ]);
});

test('cluster-scoped objects are one namespace too: judged elsewhere only when all of them were', () => {
  const [ns1, a1] = judgedElsewhere([objectIn(undefined, 'ns1'), objectIn('a', 'a1')]);
  expect(problemsOfEachInNamespace('names', namesInNamespace, [ns1, a1])).toEqual(['ns1 elsewhere', 'a1 elsewhere']);
  expect(problemsOfEachInNamespace('names', namesInNamespace, [ns1, objectIn(undefined, 'here'), a1])).toEqual([
    'ns1 here sees ns1,here',
    'here here sees ns1,here',
    'a1 elsewhere',
  ]);
});

test('a verdict that the check threw elsewhere throws here', () => {
  const objects = [objectIn('a', 'a1')];
  rememberVerdicts(objects, () => ({ names: { 0: { threw: 'x is not iterable' } } }));
  expect(() => problemsOfEachInNamespace('names', namesInNamespace, objects)).toThrow('x is not iterable');
});

test("verdictsReusing reads an earlier batch's one-object verdicts by key, judges the other objects, and runs the namespace checks on all", () => {
  const [kept, changed, added] = [objectIn('a', 'kept'), objectIn('a', 'changed'), objectIn('a', 'added')];
  const judged: string[] = [];
  const checks = {
    names: (o: KubeObject) => {
      judged.push(o.metadata.name);
      return [`${o.metadata.name} judged now`];
    },
  };
  const earlier = { keys: ['key-of-changed-before', 'key-of-kept'], verdicts: { names: { 0: ['changed before'], 1: ['kept, judged earlier'] } } };
  const verdicts = verdictsReusing([kept, changed, added], ['key-of-kept', 'key-of-changed', 'key-of-added'], earlier, checks, {
    inNamespace: namesInNamespace,
  });
  expect(verdicts.names).toEqual({ 0: ['kept, judged earlier'], 1: ['changed judged now'], 2: ['added judged now'] });
  expect(judged).toEqual(['changed', 'added']);
  expect(verdicts.inNamespace).toEqual({
    0: ['kept here sees kept,changed,added'],
    1: ['changed here sees kept,changed,added'],
    2: ['added here sees kept,changed,added'],
  });
  // With nothing earlier, as verdictsOf.
  expect(verdictsReusing([kept], ['key-of-kept'], undefined, checks, { inNamespace: namesInNamespace })).toEqual(
    verdictsOf([kept], checks, { inNamespace: namesInNamespace }),
  );
});
