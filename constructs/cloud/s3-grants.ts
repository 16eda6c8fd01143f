/* Which objects of a bucket a statement reaches, and with which actions: what the data rules ask of every
   role, IAM user and bucket policy. Resources are read the way IAM reads them, `*` and `?` as wildcards,
   with the Terraform references to this stack's buckets (`${aws_s3_bucket.<address>.arn}`) replaced by
   the buckets' ARNs, so that a literal ARN and a reference are judged alike. */

import { asList, covers, coversAction, resourcesOf, type Json, type TerraformJson } from './terraform-json';

/** Rights that erase history: a version, or the versioning and lifecycle that keep versions. */
export const VERSION_ERASING_ACTIONS = ['s3:DeleteObjectVersion', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration'];

/** Whether an Allow statement allows one action, NotAction included (it allows everything it does not name). */
export function allows(s: Json, action: string): boolean {
  if (s.Effect !== 'Allow') return false;
  if (s.NotAction !== undefined) return !(asList(s.NotAction) as string[]).some((pattern) => coversAction(pattern, action));
  return (asList(s.Action) as string[]).some((pattern) => coversAction(pattern, action));
}

/** The ARN each `${aws_s3_bucket.<address>.arn}` of the stack stands for. */
export function bucketArnResolver(json: TerraformJson): (resource: string) => string {
  const arns = new Map(resourcesOf(json, 'aws_s3_bucket').map(([address, b]) => [`\${aws_s3_bucket.${address}.arn}`, `arn:aws:s3:::${b.bucket}`]));
  return (resource) => resource.replace(/\$\{aws_s3_bucket\.[A-Za-z0-9_-]+\.arn\}/g, (r) => arns.get(r) ?? r);
}

/** The part of a resource pattern before its first wildcard. */
const literalPrefixOf = (pattern: string): string => pattern.split(/[*?]/)[0];

/** Whether a (resolved) resource pattern reaches any object below `key` in a bucket (key '' for the whole bucket). */
export function reachesObjects(pattern: string, bucketName: string, key = ''): boolean {
  const target = `arn:aws:s3:::${bucketName}/${key}`;
  const literal = literalPrefixOf(pattern);
  return literal.startsWith(target) || (literal.length < pattern.length && target.startsWith(literal));
}

/** Whether a (resolved) resource pattern reaches only objects below `key` in a bucket. */
export const onlyBelow = (pattern: string, bucketName: string, key: string): boolean =>
  literalPrefixOf(pattern).startsWith(`arn:aws:s3:::${bucketName}/${key}`);

/** The resources an Allow statement names, resolved; NotResource reaches everything. */
export const resolvedResourcesOf = (s: Json, resolve: (r: string) => string): string[] =>
  s.NotResource !== undefined ? ['*'] : (asList(s.Resource) as string[]).map(resolve);

/*
 * A StringLike pattern: `*` any run of characters, `?` one, case-sensitive as IAM's string operators are
 * (an S3 key is case-sensitive too).
 */
const likeAsRegExp = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[\\s\\S]*')
      .replace(/\?/g, '[\\s\\S]')}$`,
  );

/**
 * The test of one StringLike pattern, made once per pattern: each app's session has patterns of its own, each
 * tried on every listing of its jobs. A pattern whose only wildcard is a trailing `*` is a prefix.
 */
const likeMatchers = new Map<string, (value: string) => boolean>();
function likeMatcherOf(pattern: string): (value: string) => boolean {
  let matcher = likeMatchers.get(pattern);
  if (!matcher) {
    const head = pattern.slice(0, -1);
    const regExp = /[*?]/.test(head) ? likeAsRegExp(pattern) : undefined;
    if (regExp) matcher = (value) => regExp.test(value);
    else if (pattern.endsWith('*')) matcher = (value) => value.startsWith(head);
    else if (pattern.endsWith('?')) matcher = (value) => value.length === pattern.length && value.startsWith(head);
    else matcher = (value) => value === pattern;
    likeMatchers.set(pattern, matcher);
  }
  return matcher;
}

/**
 * Whether a statement's Condition holds for a request with these condition keys. Read: StringEquals and StringLike
 * (and their IfExists forms, which hold where the key is absent); a key the request lacks fails the others, as in
 * IAM. Any other operator counts as not holding, so a need judged by it is reported rather than assumed.
 */
export function conditionHolds(condition: Json, context: Readonly<Record<string, string>>): boolean {
  return Object.entries((condition ?? {}) as Record<string, Record<string, unknown>>).every(([operator, keys]) => {
    const base = operator.replace(/IfExists$/, '');
    if (base !== 'StringEquals' && base !== 'StringLike') return false;
    return Object.entries(keys).every(([key, values]) => {
      const value = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
      if (value === undefined) return base !== operator;
      const patterns = asList(values).filter((v): v is string => typeof v === 'string');
      return patterns.some((p) => (base === 'StringEquals' ? p === value : likeMatcherOf(p)(value)));
    });
  });
}

/** Whether an Allow statement lets its principal list a bucket (resolved ARN) with this s3:prefix. */
export const allowsListing = (s: Json, bucketArn: string, prefix: string, resolve: (r: string) => string = (r) => r): boolean =>
  allows(s, 's3:ListBucket') && resolvedResourcesOf(s, resolve).some((r) => covers(r, bucketArn)) && conditionHolds(s.Condition, { 's3:prefix': prefix });
