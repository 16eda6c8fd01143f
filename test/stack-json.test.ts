import * as os from 'node:os';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { App, TerraformStack } from 'cdktf';
import { CLUSTERS } from '../clusters';
import { CloudStack } from '../constructs/cloud/cloud-stack';
import { stackJsonOf } from '../constructs/cloud/stack-json';
import { covers, coversByRegExp } from '../constructs/cloud/terraform-json';
import { cloudAppsOf } from './support';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/*
 * The cloud synth builds a stack's Terraform JSON itself (stackJsonOf) rather than with CDKTF's
 * toTerraform(), which resolves every value twice. It must be the same document, keys in order.
 */
const keyOrderProblems = (value: Json, path = '$'): string[] => {
  if (Array.isArray(value)) return value.flatMap((item, i) => keyOrderProblems(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const keys = Object.keys(value);
  const own = keys.some((key, i) => i > 0 && keys[i - 1] >= key) ? [`${path}: ${keys.join(', ')}`] : [];
  return [...own, ...keys.flatMap((key) => keyOrderProblems(value[key], `${path}.${key}`))];
};

describe('a stack built to JSON by stackJsonOf', () => {
  expect(CLUSTERS.length).toBeGreaterThan(0);
  for (const cluster of CLUSTERS) {
    test(`is what CDKTF's toTerraform() makes of ${cluster.env}, with every object's keys in order`, () => {
      const stack = new CloudStack(new App({ outdir: os.tmpdir(), stackTraces: false }), cluster.env, { cluster, apps: cloudAppsOf(cluster) });
      const json = stackJsonOf(stack);
      expect(json).toEqual(stack.toTerraform());
      expect(keyOrderProblems(json)).toEqual([]);
    });
  }
});

describe('a resource built to JSON by stackJsonOf', () => {
  // stackJsonOf builds a plain resource's JSON itself, and leaves the others to CDKTF: both must give what toTerraform() gives.
  test('is what toTerraform() makes of it: plain, with meta-arguments, overridden, provisioned, imported or moved', () => {
    const stack = new TerraformStack(new App({ outdir: os.tmpdir(), stackTraces: false }), 'edge');
    new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
    const plain = new S3Bucket(stack, 'Plain', { bucket: 'plain', tags: { CamelCase: 'kept' }, lifecycle: { preventDestroy: true, ignoreChanges: ['tags'] } });
    new S3Bucket(stack, 'Waiting', { bucket: 'waiting', dependsOn: [plain], count: 2 }).dependsOn = ['aws_s3_bucket.written_out'];
    new S3Bucket(stack, 'Overridden', { bucket: 'overridden' }).addOverride('force_destroy', true);
    new S3Bucket(stack, 'Provisioned', { bucket: 'provisioned', provisioners: [{ type: 'local-exec', command: 'true' }] });
    new S3Bucket(stack, 'Imported', { bucket: 'imported' }).importFrom('imported');
    new S3Bucket(stack, 'Moved', { bucket: 'moved' }).moveToId('aws_s3_bucket.elsewhere');
    expect(stackJsonOf(stack)).toEqual(stack.toTerraform());
  });
});

describe('covers, matched by hand', () => {
  const cases: [pattern: string, value: string][] = [
    ['s3:GetObject', 's3:GetObject'],
    ['s3:getobject', 'S3:GETOBJECT'],
    ['s3:Get*', 's3:GetObjectVersion'],
    ['s3:*Object', 's3:GetObjectVersion'],
    ['s3:*Object*', 's3:GetObjectVersion'],
    ['s3:?etObject', 's3:GetObject'],
    ['s3:?etObject', 's3:etObject'],
    ['*', ''],
    ['', ''],
    ['', 'x'],
    ['a*b*c', 'aXbYbZc'],
    ['a*b*c', 'aXbYbZ'],
    ['**', 'anything'],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/key/more'],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket'],
    ['arn:aws:s3:::bucket', 'arn:aws:s3:::bucket/key'],
    ['${aws_s3_bucket.x.arn}/*', '${aws_s3_bucket.x.arn}/locks/1'],
    ['a.b+c(d)|[e]\\f^g$', 'a.b+c(d)|[e]\\f^g$'],
    ['a.b', 'aXb'],
    ['straße', 'STRASSE'],
    ['ſ', 's'],
    ['\u212a', 'k'],
    ['é*', 'É-x'],
    ['a*', 'a\nb'],
    ['a?c', 'a\nc'],
    ['a\nc', 'A\nC'],
  ];
  test.each(cases)('%j covers %j exactly when the regular expression says so', (pattern, value) => {
    expect(covers(pattern, value)).toBe(coversByRegExp(pattern, value));
  });
  test('the table holds matches and misses', () => {
    expect(cases.some(([p, v]) => covers(p, v))).toBe(true);
    expect(cases.some(([p, v]) => !covers(p, v))).toBe(true);
  });
});
