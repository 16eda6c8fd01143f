import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLUSTERS } from './fixtures/specs/clusters';
import { fixtureCloudOf as cloudOf, fixtureObjectsOf, scopedTempDirs, synthProblemsOf } from './support';
import { FIXTURE_APPS, FIXTURE_RELEASES } from './fixtures/specs';
import { buildAll } from '../constructs/synth/pipeline';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import {
  BACKUP_LOCK,
  BACKUP_LOCK_ROLE_ADDRESS,
  backupLockRoleOf,
  MIN_OBJECT_LOCK_DAYS,
  renewalIntervalDaysOf,
  renewalScheduleOf,
  RUNS_PER_LOCK,
} from '../constructs/model/backup-lock';
import { backupLockProblems } from '../constructs/rules/cloud/backup-lock-rules';
import { renewalScript } from '../constructs/platform/backup-lock-renewal';
import { podSecurityProblems } from '../constructs/rules/pod-security';
import { BACKUP_LOCK_EVENT } from '../constructs/model/log-contract';
import { reportIn } from './report-line';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const prod = CLUSTERS.find((c) => c.env === 'prod')!;
const staging = CLUSTERS.find((c) => c.env === 'staging')!;
const tempDir = scopedTempDirs();

describe('how often the offsite locks are renewed', () => {
  test('every lock from the shortest allowed to ten years holds three runs, weekly where it can', () => {
    for (let days = MIN_OBJECT_LOCK_DAYS; days <= 3650; days++) {
      const interval = renewalIntervalDaysOf(days);
      expect([days, interval >= 1 && interval <= 7 && interval * RUNS_PER_LOCK <= days]).toEqual([days, true]);
    }
    expect([30, 21, 7, 3].map(renewalScheduleOf)).toEqual(['20 3 * * 1', '20 3 * * 1', '20 3 */2 * *', '20 3 * * *']);
  });

  test('a lock too short for the renewal is refused, naming the cluster file, the field and the value', () => {
    const patched = (days: number): ClusterSpec => ({ ...prod, backupVault: { ...prod.backupVault, objectLockDays: days } });
    const problems = synthProblemsOf(() =>
      buildAll({ clusters: CLUSTERS.map((c) => (c.env === 'prod' ? patched(2) : c)), apps: FIXTURE_APPS, releases: FIXTURE_RELEASES }),
    );
    expect(problems).toEqual([
      'file "clusters/prod/cluster.ts", cluster "acme-prod": field "backupVault.objectLockDays" = 2: is too short for the job that renews the offsite locks: ' +
        'it runs 3 times inside each lock, at most daily, so that a failed run is alerted and the next one still renews every lock in time; ' +
        'set 3 or more (21 or more renews weekly)',
    ]);
  });
});

describe('the renewal role', () => {
  const statementsOf = (json: Json): Json[] => JSON.parse(json.resource.aws_iam_role_policy[`${BACKUP_LOCK_ROLE_ADDRESS}_policy`].policy).Statement;

  test.each([
    ['prod', prod, 'COMPLIANCE', '31'],
    ['staging', staging, 'GOVERNANCE', '8'],
  ])(
    "in %s it may list the offsite bucket and extend its objects' retention, in the bucket's mode, for at most the lock plus a day",
    (_env, cluster, mode, cap) => {
      const json = cloudOf(cluster);
      const bucket = `arn:aws:s3:::${cluster.name}-backup-offsite`;
      expect(json.resource.aws_iam_role[BACKUP_LOCK_ROLE_ADDRESS].name).toBe(backupLockRoleOf(cluster.name));
      expect(statementsOf(json)).toEqual([
        { Sid: 'ListOffsiteBackups', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket },
        {
          Sid: 'RenewOffsiteLocks',
          Effect: 'Allow',
          Action: 's3:PutObjectRetention',
          Resource: `${bucket}/*`,
          Condition: { NumericLessThanEquals: { 's3:object-lock-remaining-retention-days': cap }, StringEquals: { 's3:object-lock-mode': mode } },
        },
      ]);
      expect(backupLockProblems(json, cluster)).toEqual([]);
    },
  );

  /** The fixture prod JSON with the renewal role's statements (or the whole resource tree) changed. */
  const broken = (edit: (statements: Json[], resource: Json) => void): Json => {
    const json = JSON.parse(JSON.stringify(cloudOf(prod)));
    const policy = json.resource.aws_iam_role_policy[`${BACKUP_LOCK_ROLE_ADDRESS}_policy`];
    const statements = JSON.parse(policy.policy).Statement;
    edit(statements, json.resource);
    policy.policy = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    return json;
  };
  const PREFIX = 'offsite lock renewal: ';
  test.each([
    [
      'reading the backups',
      (s: Json[]) => s.push({ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-prod-backup-offsite/*' }),
      'its role may s3:GetObject; it may only s3:ListBucket and s3:PutObjectRetention',
    ],
    [
      'bypassing a GOVERNANCE lock',
      (s: Json[]) => s.push({ Sid: 'Bypass', Effect: 'Allow', Action: 's3:BypassGovernanceRetention', Resource: 'arn:aws:s3:::acme-prod-backup-offsite/*' }),
      'its role may s3:BypassGovernanceRetention; it may only s3:ListBucket and s3:PutObjectRetention',
    ],
    [
      'locking for a year',
      (s: Json[]) => (s[1].Condition.NumericLessThanEquals['s3:object-lock-remaining-retention-days'] = '365'),
      "its role's statement RenewOffsiteLocks may lock objects for more than 31 days (objectLockDays 30 + 1): it needs NumericLessThanEquals s3:object-lock-remaining-retention-days <= 31",
    ],
    [
      'no cap at all',
      (s: Json[]) => delete s[1].Condition.NumericLessThanEquals,
      "its role's statement RenewOffsiteLocks may lock objects for more than 31 days (objectLockDays 30 + 1): it needs NumericLessThanEquals s3:object-lock-remaining-retention-days <= 31",
    ],
    [
      "another mode than the bucket's",
      (s: Json[]) => delete s[1].Condition.StringEquals,
      "its role's statement RenewOffsiteLocks may set another retention mode than the bucket's COMPLIANCE (StringEquals s3:object-lock-mode)",
    ],
    [
      'the near bucket too',
      (s: Json[]) => (s[1].Resource = ['arn:aws:s3:::acme-prod-backup-offsite/*', 'arn:aws:s3:::acme-prod-backup/*']),
      'its role may set the retention of arn:aws:s3:::acme-prod-backup/*; only of the objects of acme-prod-backup-offsite',
    ],
    ['no listing', (s: Json[]) => s.shift(), 'its role may not s3:ListBucket, which the job needs'],
    [
      'another role that sets a retention offsite',
      (_s: Json[], r: Json) => {
        const policy: Json = Object.values(r.aws_iam_role_policy).find((p: Json) => p.name === 'replicate-backups-offsite');
        const doc = JSON.parse(policy.policy);
        doc.Statement.push({ Sid: 'Lock', Effect: 'Allow', Action: 's3:PutObjectRetention', Resource: '${aws_s3_bucket.backup_offsite.arn}/*' });
        policy.policy = JSON.stringify(doc);
      },
      "role acme-prod-backup-replication may s3:PutObjectRetention in acme-prod-backup-offsite; only the renewal's role may set a retention there",
    ],
  ])('%s is refused', (_name, edit, problem) => {
    expect(backupLockProblems(broken(edit), prod)).toEqual([`${PREFIX}${problem}`]);
  });
});

describe('the renewal CronJob', () => {
  test.each([
    ['prod', 'COMPLIANCE', '20 3 * * 1'],
    ['staging', 'GOVERNANCE', '20 3 */2 * *'],
  ])('in %s it runs as its own account in a restricted namespace, against the offsite bucket', (env, mode, schedule) => {
    const objects = fixtureObjectsOf(env);
    const cluster = CLUSTERS.find((c) => c.env === env)!;
    const cronJob = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === BACKUP_LOCK.name && o.metadata.namespace === BACKUP_LOCK.namespace) as Json;
    expect(cronJob).toBeDefined();
    expect(cronJob.spec.schedule).toBe(schedule);
    const namespace = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === BACKUP_LOCK.namespace)!;
    expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const pod = cronJob.spec.jobTemplate.spec.template;
    expect(podSecurityProblems(pod, 'restricted')).toEqual([]);
    const [container] = pod.spec.containers;
    expect(pod.spec.serviceAccountName).toBe(BACKUP_LOCK.serviceAccount);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.spec.securityContext.runAsUser).toBeGreaterThanOrEqual(10000);
    const env_ = Object.fromEntries(container.env.map((e: Json) => [e.name, e.value]));
    expect(env_).toMatchObject({ BUCKET: `${cluster.name}-backup-offsite`, MODE: mode, AWS_REGION: cluster.offsiteRegion, HOME: '/tmp' });
    expect(pod.spec.volumes).toContainEqual({ name: 'scratch', emptyDir: { sizeLimit: '256Mi' } });
    // Its own NetworkPolicy: DNS, HTTPS to public addresses, the Pod Identity agent; nothing else, nothing in from outside its namespace.
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === BACKUP_LOCK.name) as Json;
    expect(policy.spec.podSelector.matchLabels).toEqual(pod.metadata.labels);
    expect(policy.spec.egress.map((r: Json) => r.ports.map((p: Json) => `${p.port}/${p.protocol}`).join(','))).toEqual(['53/UDP,53/TCP', '443/TCP', '80/TCP']);
    expect(policy.spec.egress[2].to).toEqual([{ ipBlock: { cidr: '169.254.170.23/32' } }]);
  });
});

/*
 * The renewal script, run with bash against a stand-in `aws` on PATH. This checks our script's own logic
 * (paging on, which keys it renews, the date it computes, its counts, its exit code and report line)
 * against the output shape the AWS CLI documents, not S3's behaviour:
 * - `aws s3api list-objects-v2 --max-items N [--starting-token T] --output json` prints the response, its
 *   `Contents[]` with `Key` and `LastModified` (ISO 8601 in CLI v2), and a `NextToken` to pass to
 *   `--starting-token` while more remain (https://docs.aws.amazon.com/cli/latest/reference/s3api/list-objects-v2.html,
 *   https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-pagination.html);
 * - a refused call exits non-zero and prints `An error occurred (<Code>) when calling the <Operation>
 *   operation: <message>` on stderr (https://docs.aws.amazon.com/cli/latest/userguide/cli-chap-troubleshooting.html
 *   shows the form; 254 is the CLI v2 return code of a service error, cli-usage-returncodes.html).
 */
describe('the renewal script', () => {
  const FAKE_AWS = `#!/usr/bin/env bash
set -u
op="$2"; shift 2
declare -A opt
while [ $# -gt 0 ]; do opt[\${1#--}]="\${2-}"; shift $(( $# > 1 ? 2 : 1 )); done
case "$op" in
  list-objects-v2)
    page="\${opt[starting-token]:-first}"
    printf '%s %s %s\\n' "\${opt[bucket]}" "\${opt[max-items]}" "$page" >> "$FAKE/lists"
    if [ -e "$FAKE/refuse-list-$page" ]; then
      printf '\\nAn error occurred (AccessDenied) when calling the ListObjectsV2 operation: Access Denied\\n' >&2; exit 254
    fi
    cat "$FAKE/pages/$page.json" ;;
  put-object-retention)
    printf '%s\\t%s\\t%s\\n' "\${opt[bucket]}" "\${opt[key]}" "\${opt[retention]}" >> "$FAKE/puts"
    if grep -qxF "\${opt[key]}" "$FAKE/refused"; then
      printf '\\nAn error occurred (AccessDenied) when calling the PutObjectRetention operation: Access Denied\\n' >&2; exit 254
    elif grep -qxF "\${opt[key]}" "$FAKE/pruned"; then
      printf '\\nAn error occurred (NoSuchKey) when calling the PutObjectRetention operation: The specified key does not exist.\\n' >&2; exit 254
    fi ;;
  *) echo "unexpected: $op" >&2; exit 2 ;;
esac
`;
  const object = (Key: string, LastModified: string) => ({ Key, LastModified, ETag: '"0"', Size: 16777216, StorageClass: 'STANDARD' });
  /** Three pages of a repository: the last has no NextToken. */
  const PAGES: Record<string, Json> = {
    first: { Contents: [object('shop/config', '2026-01-05T02:31:00+00:00'), object('shop/data/00/aa', '2026-03-01T02:40:00+00:00')], NextToken: 'tok-2' },
    'tok-2': {
      Contents: [object('shop/data/01/bb', '2027-12-29T23:59:59+00:00'), object('shop/index/cc', '2027-12-30T02:35:00+00:00')],
      NextToken: 'tok-3',
    },
    'tok-3': { Contents: [object('shop/snapshots/dd', '2027-11-30T02:45:00+00:00'), object('shop/data/02/ee', '2027-10-01T02:45:00+00:00')] },
  };

  function run(options: { refused?: string[]; pruned?: string[]; refuseList?: string } = {}) {
    const dir = tempDir('backup-lock');
    const fake = path.join(dir, 'fake');
    fs.mkdirSync(path.join(fake, 'pages'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'bin', 'aws'), FAKE_AWS, { mode: 0o755 });
    for (const [name, page] of Object.entries(PAGES)) fs.writeFileSync(path.join(fake, 'pages', `${name}.json`), JSON.stringify(page, null, 2));
    fs.writeFileSync(path.join(fake, 'refused'), (options.refused ?? []).map((k) => `${k}\n`).join(''));
    fs.writeFileSync(path.join(fake, 'pruned'), (options.pruned ?? []).map((k) => `${k}\n`).join(''));
    if (options.refuseList) fs.writeFileSync(path.join(fake, `refuse-list-${options.refuseList}`), '');
    fs.writeFileSync(path.join(dir, 'renew.sh'), renewalScript());
    const result = spawnSync('bash', [path.join(dir, 'renew.sh')], {
      encoding: 'utf8',
      env: {
        PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
        FAKE: fake,
        TMPDIR: dir,
        RUN_DATE: '2027-12-30',
        BUCKET: 'acme-prod-backup-offsite',
        MODE: 'COMPLIANCE',
        LOCK_DAYS: '30',
        PARALLEL: '3',
      },
    });
    const lines = (file: string) => (fs.existsSync(path.join(fake, file)) ? fs.readFileSync(path.join(fake, file), 'utf8').trim().split('\n') : []);
    const stdout = result.stdout.trim().split('\n');
    return { status: result.status, stderr: result.stderr, report: reportIn(stdout[stdout.length - 1]), lists: lines('lists'), puts: lines('puts').sort() };
  }

  test('pages through the listing and sets every older key to the midnight after the lock, a year boundary crossed', () => {
    const { status, stderr, report, lists, puts } = run({ pruned: ['shop/data/00/aa'] });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(lists).toEqual(['acme-prod-backup-offsite 1000 first', 'acme-prod-backup-offsite 1000 tok-2', 'acme-prod-backup-offsite 1000 tok-3']);
    // 2027-12-30 + 31 days, at midnight; shop/index/cc, written on the run's day, keeps its own (later) lock.
    const retention = 'Mode=COMPLIANCE,RetainUntilDate=2028-01-30T00:00:00Z';
    expect(puts).toEqual(
      ['shop/config', 'shop/data/00/aa', 'shop/data/01/bb', 'shop/data/02/ee', 'shop/snapshots/dd'].map(
        (key) => `acme-prod-backup-offsite\t${key}\t${retention}`,
      ),
    );
    expect(report).toMatchObject({
      event: BACKUP_LOCK_EVENT,
      status: 'success',
      step: 'done',
      bucket: 'acme-prod-backup-offsite',
      mode: 'COMPLIANCE',
      retain_until: '2028-01-30T00:00:00Z',
      extended: 4,
      gone: 1,
      recent: 1,
      failed: 0,
      exit_code: 0,
    });
  });

  test('a refused key fails the run, after every other key was tried, and its error is printed', () => {
    const { status, stderr, report, puts } = run({ refused: ['shop/data/01/bb'] });
    expect(status).toBe(1);
    expect(puts).toHaveLength(5);
    expect(stderr).toContain(
      '1 objects kept their old lock; the first of them:\nshop/data/01/bb\t An error occurred (AccessDenied) when calling the PutObjectRetention operation',
    );
    expect(report).toMatchObject({ status: 'failure', step: 'renew', extended: 4, failed: 1, exit_code: 1 });
  });

  test('a refused listing fails the run with the listing step and the CLI exit code', () => {
    const { status, report, lists } = run({ refuseList: 'tok-2' });
    expect(lists).toHaveLength(2);
    expect(status).toBe(254);
    expect(report).toMatchObject({ status: 'failure', step: 'list', failed: 0, exit_code: 254 });
  });
});
