import * as os from 'node:os';
import { App } from 'cdktf';
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
