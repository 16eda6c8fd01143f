import { scaledInput } from '../scripts/bench-synth';
import type { AppSpec } from '../constructs/model/app-spec';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { appRoleOf, backupJobRoleOf, geesefsUserOf } from '../constructs/model/naming';
import { BACKUP_JOB_ROLES } from '../constructs/cloud/backup-job-identities';
import { recordedObjectsOf, selectorValueCountOf, TRAIL_SELECTOR_VALUES_MAX } from '../constructs/cloud/trail-selectors';
import { covers } from '../constructs/cloud/terraform-json';
import { KEY_POLICY_MAX_BYTES, keyPolicySizeProblems, keyPolicySizesOf } from '../constructs/rules/cloud/key-policy-size-rules';
import { synthCloud } from '../constructs/synth/synth-cloud';
import { cloudAppsOf, FIXTURE_APPS, FIXTURE_CLUSTERS } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/*
 * The cloud side of a cluster stays within what AWS takes however many apps it runs: KMS refuses a key policy
 * over 32 KiB, CloudTrail a trail with more than 500 selector values (key-policy-size-rules.ts,
 * trail-selectors.ts, with their sources). Both grew by one ARN per app before, and failed at about 122 and
 * 496 apps; the bench's cluster has 1,000.
 */

/** The bench's generated cluster of `count` apps (scripts/bench-synth.ts), named as long as a real one, every 7th app on GeeseFS. */
function generatedCluster(count: number): { cluster: ClusterSpec; json: Json } {
  const input = scaledInput(count);
  const apps: AppSpec[] = input.apps.map((a, i) => (i % 7 === 0 ? { ...a, storage: { mountPath: '/data', ...a.storage, driver: 'geesefs' as const } } : a));
  const cluster: ClusterSpec = { ...input.clusters[0], name: 'acme-production-eu' };
  return { cluster, json: synthCloud(cluster, cloudAppsOf(cluster, apps)).json };
}

const small = generatedCluster(3);
const large = generatedCluster(400);
const policyOf = (json: Json, key: string): Json => JSON.parse(json.resource.aws_kms_key[key].policy);

describe('a cluster of hundreds of apps stays within what KMS and CloudTrail take', () => {
  test('the generated cluster is the size it says, with GeeseFS users, and as many roles as with 3 apps (IAM quota of roles per account)', () => {
    expect(Object.keys(large.cluster.apps)).toHaveLength(400);
    expect(Object.keys(large.json.resource.aws_iam_user ?? {}).length).toBeGreaterThan(50);
    expect(Object.keys(large.json.resource.aws_eks_pod_identity_association).length).toBeGreaterThan(5 * 400);
    expect(Object.keys(large.json.resource.aws_iam_role).length).toBe(Object.keys(small.json.resource.aws_iam_role).length);
  });

  test('every key policy, its references resolved to the lengths AWS gives them, is within 32 KiB, and no larger than with 3 apps', () => {
    const sizes = new Map(keyPolicySizesOf(large.json, large.cluster.region));
    expect([...sizes.keys()].sort()).toEqual(['app_data_key', 'audit_logs_key', 'backup_near_key', 'backup_offsite_key', 'eks_secrets_key']);
    for (const [address, bytes] of sizes) {
      expect([address, bytes <= KEY_POLICY_MAX_BYTES]).toEqual([address, true]);
      expect([address, bytes]).toEqual([address, new Map(keyPolicySizesOf(small.json, small.cluster.region)).get(address)]);
    }
    expect(keyPolicySizeProblems(large.json, large.cluster)).toEqual([]);
  });

  test('one ARN per app and job, as the key policies named per-app roles before, passes the limit at this size, and the rule says so naming the cluster', () => {
    const json = JSON.parse(JSON.stringify(large.json));
    const policy = policyOf(json, 'backup_near_key');
    const jobs = policy.Statement.find((s: Json) => s.Sid === 'BackupJobsUseBackupsThroughS3');
    const perAppRoles = Object.keys(large.cluster.apps).flatMap((app) =>
      ['backup', 'backup-check', 'retention', 'restore'].map((kind) => `arn:aws:iam::123456789012:role/${large.cluster.name}-${app}-${kind}`),
    );
    expect(perAppRoles).toHaveLength(4 * 400);
    jobs.Principal = { AWS: perAppRoles };
    delete jobs.Condition.ArnLike;
    json.resource.aws_kms_key.backup_near_key.policy = JSON.stringify(policy);
    expect(keyPolicySizeProblems(json, large.cluster)).toEqual([
      expect.stringMatching(
        /^KMS key backup_near_key of cluster acme-production-eu: its key policy is [\d,]+ bytes with its references resolved, over KMS's limit of 32,768/,
      ),
    ]);
  });

  test('the trail holds as many selector values as with 3 apps, within 500, and records every app bucket and both backup buckets', () => {
    const trail = large.json.resource.aws_cloudtrail.audit_trail;
    expect(selectorValueCountOf(trail)).toBe(selectorValueCountOf(small.json.resource.aws_cloudtrail.audit_trail));
    expect(selectorValueCountOf(trail)).toBeLessThanOrEqual(TRAIL_SELECTOR_VALUES_MAX);
    const recorded = recordedObjectsOf(large.json, trail);
    const buckets = Object.values(large.json.resource.aws_s3_bucket).map((b: Json) => String(b.bucket));
    const appBuckets = buckets.filter((b) => b.endsWith('-data'));
    expect(appBuckets).toHaveLength(400);
    for (const bucket of [...appBuckets, 'acme-production-eu-backup', 'acme-production-eu-backup-offsite'])
      expect([bucket, recorded(bucket)]).toEqual([bucket, 'all']);
    for (const bucket of buckets.filter((b) => !appBuckets.includes(b) && !b.includes('-backup'))) expect([bucket, recorded(bucket)]).toEqual([bucket, 'none']);
  });
});

describe("a key policy's names reach the roles and users of their use only, whatever the apps are called", () => {
  // App names made of the other uses' suffixes and the platform's own role names.
  const TRICKY = [
    'x',
    'x-app',
    'x-backup',
    'x-backup-check',
    'x-check',
    'x-restore',
    'x-retention',
    'x-geesefs',
    'app',
    'backup',
    'check',
    'replication',
    'apps',
    'apps-deleting',
  ];

  test('no role or user of one use matches the name or pattern of another', () => {
    const cluster = 'acme-prod';
    const exactly = (name: string) => ({ pattern: name, arnsOf: () => [name] });
    const uses: Record<string, { pattern: string; arnsOf: (app: string) => string[] }> = {
      app: exactly(`role/${appRoleOf(cluster, false)}`),
      'app-deleting': exactly(`role/${appRoleOf(cluster, true)}`),
      geesefs: { pattern: `user/${geesefsUserOf(cluster, '*')}`, arnsOf: (app) => [`user/${geesefsUserOf(cluster, app)}`] },
      ...Object.fromEntries(BACKUP_JOB_ROLES.map((kind) => [kind, exactly(`role/${backupJobRoleOf(cluster, kind)}`)])),
    };
    expect(Object.keys(uses)).toHaveLength(7);
    for (const [use, { pattern }] of Object.entries(uses)) {
      for (const [other, { arnsOf }] of Object.entries(uses)) {
        for (const arn of TRICKY.flatMap(arnsOf)) expect([pattern, arn, covers(pattern, arn)]).toEqual([pattern, arn, use === other]);
      }
    }
  });

  test('a stack with such apps passes the key policy rules, which refuse a pattern that matches a role not of its use', () => {
    const prod = FIXTURE_CLUSTERS.find((c) => c.env === 'prod')!;
    const template = FIXTURE_APPS.find((a) => a.storage)!;
    const apps = TRICKY.map((name, i) => ({ ...template, name, ...(i % 2 ? { storage: { ...template.storage!, driver: 'geesefs' as const } } : {}) }));
    const cluster: ClusterSpec = {
      ...prod,
      apps: Object.fromEntries(TRICKY.map((name) => [name, {}])),
      appData: Object.fromEntries(TRICKY.map((name) => [name, 'live' as const])),
    };
    // synthCloud throws on any rule's problem.
    const { json } = synthCloud(cluster, cloudAppsOf(cluster, apps));
    expect(Object.keys(json.resource!.aws_iam_user ?? {})).toHaveLength(TRICKY.length / 2);
    // Both app roles: the GeeseFS apps' storage deletes, the others' does not.
    expect(
      Object.values(json.resource!.aws_iam_role as Record<string, Json>).filter((r) => [false, true].some((d) => r.name === appRoleOf(cluster.name, d))),
    ).toHaveLength(2);
  });
});
