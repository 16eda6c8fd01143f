import type { KubeObject } from '../constructs/model/kube-object';
import { outputProblems } from '../constructs/rules/output-rules';
import { dataBytesOf, MAX_DATA_BYTES, MAX_OBJECT_BYTES, objectSizeProblems } from '../constructs/rules/object-size-rules';
import { REAL_INPUT, realObjectsOf } from './support';

// Every object fits what the API server stores (constructs/rules/object-size-rules.ts): a ConfigMap's or
// Secret's data at most 1 MiB, as kubernetes' ValidateConfigMap and ValidateSecret count it, and any object
// within the share of etcd's 1.5 MiB request limit that synth may take.

const configMap = (data: Record<string, string>, binaryData: Record<string, string> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'here' }, data, binaryData }) as KubeObject;
const secret = (data: Record<string, string>, stringData: Record<string, string> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'big', namespace: 'here' }, data, stringData }) as KubeObject;

test('the data counts as the API server counts it: text in UTF-8 bytes, base64 decoded', () => {
  expect(dataBytesOf(configMap({ a: 'é'.repeat(10) }, { b: Buffer.alloc(30).toString('base64') }))).toBe(50);
  expect(dataBytesOf(secret({ a: Buffer.alloc(30).toString('base64') }, { b: 'abc' }))).toBe(33);
  expect(dataBytesOf({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } })).toBeUndefined();
});

test('a ConfigMap of 1 MiB of data passes, one byte more does not', () => {
  expect(objectSizeProblems([configMap({ a: 'x'.repeat(MAX_DATA_BYTES - 1), b: 'y' })]).filter((p) => p.includes('its data'))).toEqual([]);
  expect(objectSizeProblems([configMap({ a: 'x'.repeat(MAX_DATA_BYTES), b: 'y' })])).toEqual([
    expect.stringMatching(/^ConfigMap here\/big: its data is 1\.00 MiB, more than the 1\.00 MiB the API server takes; split it$/),
    expect.stringContaining('ConfigMap here/big: it is 1.00 MiB'),
  ]);
  expect(objectSizeProblems([secret({ a: Buffer.alloc(MAX_DATA_BYTES + 1).toString('base64') })])).toContainEqual(
    expect.stringContaining('Secret here/big: its data is'),
  );
});

test('any object larger than its share of etcd’s request limit fails', () => {
  const policy = (peers: number): KubeObject =>
    ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'wide', namespace: 'here' },
      spec: { podSelector: {}, ingress: [{ from: Array.from({ length: peers }, (_, i) => ({ namespaceSelector: { matchLabels: { name: `ns-${i}` } } })) }] },
    }) as KubeObject;
  const bytes = (o: KubeObject) => Buffer.byteLength(JSON.stringify(o));
  const fits = policy(1000);
  expect(bytes(fits)).toBeLessThan(MAX_OBJECT_BYTES);
  expect(objectSizeProblems([fits])).toEqual([]);
  const tooLarge = policy(Math.ceil((1000 * MAX_OBJECT_BYTES) / bytes(fits)));
  expect(objectSizeProblems([tooLarge])).toEqual([
    expect.stringMatching(
      /^NetworkPolicy here\/wide: it is 1\.\d\d MiB, more than the 1\.00 MiB an object may take of etcd's 1\.5 MiB request limit; split it$/,
    ),
  ]);
});

test('the output checks run it on every object of a cluster, and the shipped clusters pass', () => {
  const [cluster] = REAL_INPUT.clusters;
  const objects = realObjectsOf(cluster.env);
  expect(objects.flatMap((o) => objectSizeProblems([o]))).toEqual([]);
  expect(outputProblems([...objects, configMap({ a: 'x'.repeat(MAX_DATA_BYTES + 1) })], cluster)).toContainEqual(
    expect.stringContaining('ConfigMap here/big: its data is'),
  );
});
