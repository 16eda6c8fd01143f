import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { HelmRelease } from '@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2beta2/HelmRelease';
import { describe as describeObject, type KubeObject } from '../constructs/model/kube-object';
import { schemaProblems } from '../constructs/schemas/schema-validation';
import { byKind, realObjects } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = <T>(value: T): Json => JSON.parse(JSON.stringify(value));
type Edit = (o: Json) => unknown;
type ModelClass = new (data: Json) => { validate(): void };

// schemaProblems validates each object with its kubernetes-models class's own validate(), without the deep
// copy its constructor makes. These hold it to what `new Model(obj).validate()` reports, for a class of
// each kind of package: kubernetes-models 4.5.1 (compiled validators, @kubernetes-models/base 5),
// @kubernetes-models/gateway-api 0.5.1 (ajv compiling at run time, base 4), and a GA version checked by
// its beta's class (flux-cd).
const objects = realObjects();

function constructorProblems(Model: ModelClass, obj: KubeObject, asVersion = obj.apiVersion): string[] {
  try {
    new Model({ ...obj, apiVersion: asVersion }).validate();
    return [];
  } catch (error) {
    return [`${describeObject(obj)}: ${(error as Error).message}`];
  }
}

/** Broken copies of obj: each changes one field, to a wrong value or to undefined. */
function brokenCopiesOf(obj: KubeObject, edits: readonly Edit[]): Json[] {
  return edits.map((edit) => {
    const copy = clone(obj);
    edit(copy);
    return copy;
  });
}

const commonEdits: Edit[] = [
  (o: Json) => (o.metadata.labels = { ...o.metadata.labels, broken: 5 }),
  (o: Json) => (o.metadata.labels = { ...o.metadata.labels, unset: undefined }),
  (o: Json) => (o.metadata.labels = { unset: undefined, broken: false }),
  (o: Json) => (o.metadata.name = undefined),
  (o: Json) => (o.spec = undefined),
  (o: Json) => (o.spec = 'a string'),
];

test.each([
  [
    'Deployment',
    Deployment,
    [
      (o: Json) => (o.spec.template.spec.containers[0].resources.limits.cpu = 'lots'),
      (o: Json) => (o.spec.template.spec.containers[0].resources.limits = { cpu: undefined, memory: '1Gi' }),
      (o: Json) => (o.spec.template.spec.containers[0].env = [{ name: 'A', value: undefined }, { name: undefined }]),
      (o: Json) => (o.spec.replicas = 'two'),
    ],
  ],
  ['HTTPRoute', HTTPRoute, [(o: Json) => (o.spec.hostnames = ['Not A Host']), (o: Json) => (o.spec.parentRefs[0].name = undefined)]],
] as [string, ModelClass, Edit[]][])('a %s is judged as its class judges it, broken or not, undefined fields and all', (kind, Model, edits) => {
  const real = byKind(objects, kind);
  expect(real.length).toBeGreaterThan(0);
  for (const obj of real) expect(schemaProblems([obj])).toEqual(constructorProblems(Model, obj));
  const broken = brokenCopiesOf(real[0], [...commonEdits, ...edits]);
  const problems = broken.map((b) => schemaProblems([b]));
  expect(problems).toEqual(broken.map((b) => constructorProblems(Model, b)));
  expect(problems.filter((p) => p.length > 0).length).toBeGreaterThan(broken.length / 2);
  expect(schemaProblems(broken)).toEqual(problems.flat());
});

test('a GA HelmRelease is judged as the beta class judges it, under the beta apiVersion', () => {
  const [release] = byKind(objects, 'HelmRelease');
  expect(release.apiVersion).toBe('helm.toolkit.fluxcd.io/v2');
  const broken = brokenCopiesOf(release, [...commonEdits, (o: Json) => (o.spec.interval = 5)]);
  expect(broken.map((b) => schemaProblems([b]))).toEqual(broken.map((b) => constructorProblems(HelmRelease, b, 'helm.toolkit.fluxcd.io/v2beta2')));
});

test('an undefined field counts as absent, as the model classes drop it: only the defined wrong value is reported', () => {
  const [deployment] = byKind(objects, 'Deployment');
  const copy = clone(deployment);
  copy.metadata.labels = { ...copy.metadata.labels, unset: undefined, broken: 5 };
  copy.spec.replicas = undefined;
  expect(schemaProblems([copy])).toEqual([`${describeObject(copy)}: data/metadata/labels/broken must be string`]);
  expect(copy.spec).toHaveProperty('replicas', undefined);
  expect(copy.metadata.labels).toHaveProperty('unset', undefined);
});
