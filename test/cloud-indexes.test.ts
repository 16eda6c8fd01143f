import { CLUSTERS } from '../clusters';
import { cloudProblems } from '../constructs/rules/cloud/cloud-rules';
import { resourcesBy, settingsOf, withIndexes } from '../constructs/cloud/terraform-json';
import { cloudAppsOf, realCloudOf } from './support';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/*
 * The cloud rules group a stack's resources by an attribute once per pass (withIndexes) instead of
 * scanning them for every app. An index lives only as long as one pass: a stack edited between two
 * passes is read afresh.
 */
const prod = CLUSTERS.find((c) => c.env === 'prod')!;

test('the same stack, edited between two passes, is read afresh', () => {
  const json: Json = realCloudOf(prod);
  expect(cloudProblems(json, prod, cloudAppsOf(prod))).toEqual([]);
  const [address] = Object.keys(json.resource.aws_s3_bucket_versioning);
  json.resource.aws_s3_bucket_versioning[address].versioning_configuration = [{ status: 'Suspended' }];
  expect(cloudProblems(json, prod, cloudAppsOf(prod)).filter((p) => p.includes('[S3.14] versioning is not enabled'))).toHaveLength(1);
});

test('within a pass an index is built once and shared; outside one, each call builds its own', () => {
  const json: Json = realCloudOf(prod);
  const bucket = Object.keys(json.resource.aws_s3_bucket)[0];
  withIndexes(() => {
    expect(resourcesBy(json, 'aws_s3_bucket_versioning', 'bucket')).toBe(resourcesBy(json, 'aws_s3_bucket_versioning', 'bucket'));
    expect(settingsOf(json, 'aws_s3_bucket_versioning', bucket)).toHaveLength(1);
  });
  expect(resourcesBy(json, 'aws_s3_bucket_versioning', 'bucket')).not.toBe(resourcesBy(json, 'aws_s3_bucket_versioning', 'bucket'));
});

test('settingsOf finds a bucket setting by its reference, and none for a bucket without it', () => {
  const json: Json = realCloudOf(prod);
  const bucket = Object.keys(json.resource.aws_s3_bucket)[0];
  expect(settingsOf(json, 'aws_s3_bucket_versioning', bucket)).toHaveLength(1);
  delete json.resource.aws_s3_bucket_versioning[
    Object.keys(json.resource.aws_s3_bucket_versioning).find((a) => json.resource.aws_s3_bucket_versioning[a].bucket === `\${aws_s3_bucket.${bucket}.id}`)!
  ];
  expect(settingsOf(json, 'aws_s3_bucket_versioning', bucket)).toEqual([]);
});
