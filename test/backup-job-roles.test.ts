import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import { fixtureCloudAppsOf, fixtureObjectsOf, fixtureOutput } from './support';
import { BACKUP_JOB_NAMES } from '../constructs/model/naming';
import { BACKUP_JOB_ROLES, backupJobRoleAddressOf, REPOSITORY_NEEDS, type BackupJobRole } from '../constructs/cloud/backup-job-identities';
import { backupBucketDeleteProblems, backupJobRoleProblems, dataDeletionProblems, liveBucketDeleteProblems } from '../constructs/rules/cloud/backup-job-rules';
import { rolesOf } from '../constructs/cloud/iam-principals';
import { allows, bucketArnResolver, reachesObjects, resolvedResourcesOf } from '../constructs/cloud/s3-grants';
import { synthCloud } from '../constructs/synth/synth-cloud';
import { covers, type TerraformJson } from '../constructs/cloud/terraform-json';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { backupBucketOf, backupJobRoleOf, bucketOf, namespaceOf, type BackupJobKind } from '../constructs/model/naming';
import { backupJobNameOf } from '../constructs/model/backup-job';
import { podSpecOf } from '../constructs/rules/pod-template';
import { terraformFileOf } from '../constructs/synth/terraform-file';
import { validateInput } from '../constructs/validation/input-validation';
import { SynthError } from '../constructs/model/spec-error';

/*
 * How restic keeps a repository in S3, read at the version the jobs run (docker.io/restic/restic:0.18.1;
 * github.com/restic/restic, tag v0.18.1, commit 7d0aa7f2e30546fba7c8f1c0bae4d6704e3d8423):
 *
 * - internal/backend/layout/layout_default.go: below the repository's prefix, `config`, `keys/<id>`,
 *   `snapshots/<id>`, `index/<id>`, `data/<first 2 hex of id>/<id>` and `locks/<id>` (defaultLayoutPaths);
 *   the S3 backend uses this layout with path.Join (internal/backend/s3/s3.go, open()).
 * - internal/backend/s3/s3.go: Save is one plain PutObject (multipart only past a 200 MiB part, which
 *   restic's packs never reach), with no condition; Load and Stat are GetObject (a ranged read); List is
 *   ListObjects below `<prefix>/<folder>/`; Remove is RemoveObject (DeleteObject). HasAtomicReplace is true,
 *   so a failed Save is retried without a Remove (internal/backend/retry/backend_retry.go).
 * - internal/restic/lock.go: a lock is a new `locks/<id>` (createLock, SaveJSONUnpacked); Unlock removes it,
 *   Refresh writes a new one and removes the old; `restic unlock` removes stale ones
 *   (internal/repository/lock.go, RemoveStaleLocks). backup takes an append lock, check, forget and prune an
 *   exclusive one, restore, dump and snapshots a read lock (cmd/restic/cmd_*.go): every job writes and
 *   removes lock files, and every job script starts with `restic unlock`.
 * - The only other removals are forget/prune/rewrite/tag (snapshots, index, data) and key changes (keys):
 *   of our jobs, only retention (`forget --prune`) runs them.
 *
 * So the backup job needs PutObject below its prefix and DeleteObject on `locks/` only, check and restore
 * need to read and to hold locks (PutObject and DeleteObject on `locks/` only), and retention needs
 * DeleteObject below its prefix (REPOSITORY_NEEDS in constructs/cloud/backup-job-identities.ts says the same, per job).
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const prod = CLUSTERS.find((c) => c.env === 'prod')!;
const appsOf = fixtureCloudAppsOf;
const apps = appsOf(prod);
const realJson = synthCloud(prod, apps).json;
/** The fixture prod JSON, changed by one edit. */
function broken(edit: (r: Json) => void): TerraformJson {
  const json = JSON.parse(JSON.stringify(realJson));
  edit(json.resource);
  return json;
}
/** Changes the statements of one job role's inline policy in place. */
const editRole = (r: Json, app: string, kind: BackupJobRole, edit: (statements: Json[]) => void) => {
  const p = r.aws_iam_role_policy[`${backupJobRoleAddressOf(app, kind)}_policy`];
  const policy = JSON.parse(p.policy);
  edit(policy.Statement);
  p.policy = JSON.stringify(policy);
};
const sid = (statements: Json[], name: string): Json => statements.find((s) => s.Sid === name);
/** Adds an action to a statement whose Action may be one string. */
const addAction = (statement: Json, action: string) => {
  statement.Action = [statement.Action, action].flat();
};

/** Every app is backed up, with storage or without. */
const backedUp = apps.map((a) => a.name);
const JOBS: BackupJobKind[] = ['backup', 'check', 'retention', 'restore'];
const near = backupBucketOf(prod.name);

/** Whether a role of the real JSON may do an action on an object ARN, as its Allow statements say. */
function mayDo(json: TerraformJson, roleName: string, action: string, arn: string): boolean {
  const resolve = bucketArnResolver(json);
  const role = rolesOf(json).find((r) => r.name === roleName)!;
  return role.statements.some((s) => allows(s, action) && resolvedResourcesOf(s, resolve).some((r) => covers(r, arn)));
}

describe('each backup job role does what restic 0.18.1 does for its job, and deletes nothing else', () => {
  test('the input has apps with storage and without, whose jobs the roles serve', () => {
    expect(apps.filter((a) => a.storage).length).toBeGreaterThan(0);
    expect(apps.filter((a) => !a.storage).length).toBeGreaterThan(0);
  });

  test.each(backedUp.flatMap((app) => JOBS.map((job) => [app, job] as const)))('app %s, job %s', (app, job) => {
    const role = backupJobRoleOf(prod.name, app, job);
    const repo = (key: string) => `arn:aws:s3:::${near}/${app}/${key}`;
    for (const [action, key] of REPOSITORY_NEEDS[job]) expect([action, key, mayDo(realJson, role, action, repo(key))]).toEqual([action, key, true]);
    const deletesBackups = ['config', 'keys/<id>', 'snapshots/<id>', 'index/<id>', 'data/00/<id>'].some((key) =>
      mayDo(realJson, role, 's3:DeleteObject', repo(key)),
    );
    expect(deletesBackups).toBe(job === 'retention');
    const live = (key: string) => `arn:aws:s3:::${bucketOf(prod.name, app)}/${key}`;
    expect(mayDo(realJson, role, 's3:GetObject', live('a/file'))).toBe(job === 'backup' || job === 'restore');
    expect(mayDo(realJson, role, 's3:PutObject', live('a/file'))).toBe(job === 'restore');
    expect(mayDo(realJson, role, 's3:DeleteObject', live('a/file'))).toBe(job === 'restore');
    for (const erase of ['s3:DeleteObjectVersion', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration']) {
      expect(mayDo(realJson, role, erase, live('a/file')) || mayDo(realJson, role, erase, repo('data/00/<id>'))).toBe(false);
    }
    // Another app's backups are out of reach.
    const other = backedUp.find((a) => a !== app);
    if (other) expect(mayDo(realJson, role, 's3:GetObject', `arn:aws:s3:::${near}/${other}/config`)).toBe(false);
  });
});

describe('the rules about who may delete pass on the real stacks', () => {
  test.each(CLUSTERS.map((c) => [c.env, c] as const))('%s', (_env, cluster) => {
    expect(dataDeletionProblems(synthCloud(cluster, appsOf(cluster)).json, cluster, appsOf(cluster))).toEqual([]);
  });
});

describe("the check job's pods get credentials that only read its repository and hold its locks", () => {
  const objects = fixtureObjectsOf(prod.env);
  const json: TerraformJson = JSON.parse(fixtureOutput().find((f) => f.path === terraformFileOf(prod.env))!.text!);
  const resolve = bucketArnResolver(json);
  /** The role Pod Identity hands an app's check CronJob: the one bound to the ServiceAccount its pods run as. */
  function checkJobRoleOf(app: string): string {
    const cronJob = objects.find(
      (o) => o.kind === 'CronJob' && o.metadata.namespace === namespaceOf(app) && o.metadata.name === backupJobNameOf(app, 'check'),
    )!;
    const account = podSpecOf(cronJob).serviceAccountName;
    const bound = Object.values(json.resource!.aws_eks_pod_identity_association as Record<string, Json>).filter(
      (a) => a.namespace === namespaceOf(app) && a.service_account === account,
    );
    expect(bound).toHaveLength(1);
    const roleAddress = /^\$\{aws_iam_role\.(.+)\.arn\}$/.exec(bound[0].role_arn)![1];
    return json.resource!.aws_iam_role[roleAddress].name;
  }

  test.each(backedUp)('app %s', (app) => {
    const role = checkJobRoleOf(app);
    const repo = (key: string) => `arn:aws:s3:::${near}/${app}/${key}`;
    const backups = ['config', 'keys/<id>', 'snapshots/<id>', 'index/<id>', 'data/00/<id>'];
    const can = (action: string, key: string) => [action, key, mayDo(json, role, action, repo(key))];
    // It reads the whole repository, and writes and removes lock files only.
    for (const key of [...backups, 'locks/<id>']) expect(can('s3:GetObject', key)).toEqual(['s3:GetObject', key, true]);
    for (const action of ['s3:PutObject', 's3:DeleteObject']) {
      expect(can(action, 'locks/<id>')).toEqual([action, 'locks/<id>', true]);
      for (const key of backups) expect(can(action, key)).toEqual([action, key, false]);
    }
    // The live bucket, and the key that encrypts it, are out of its reach altogether.
    const bucket = bucketOf(prod.name, app);
    const statements = rolesOf(json).find((r) => r.name === role)!.statements;
    const live = statements.filter((s) => resolvedResourcesOf(s, resolve).some((r) => covers(r, `arn:aws:s3:::${bucket}`) || reachesObjects(r, bucket)));
    expect(live).toEqual([]);
    expect(JSON.stringify(statements)).not.toContain('aws_kms_key.app_data_key');
  });
});

const LIVE = 'may delete objects in the live bucket acme-prod-shop-data; only the app';

describe('no backup, check or retention role can delete in a live app bucket', () => {
  test.each([
    [
      'the backup role with DeleteObject on its bucket',
      broken((r) => editRole(r, 'shop', 'backup', (st) => addAction(sid(st, 'ReadAppObjects'), 's3:DeleteObject'))),
      `role acme-prod-shop-backup: ${LIVE}`,
    ],
    [
      'the backup role with s3:Delete* on the literal ARN',
      broken((r) =>
        editRole(r, 'shop', 'backup', (st) => st.push({ Sid: 'Extra', Effect: 'Allow', Action: 's3:Delete*', Resource: 'arn:aws:s3:::acme-prod-shop-data/*' })),
      ),
      `role acme-prod-shop-backup: ${LIVE}`,
    ],
    [
      'the retention role with s3:* on every bucket',
      broken((r) => editRole(r, 'shop', 'retention', (st) => st.push({ Sid: 'Extra', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::acme-prod-*' }))),
      `role acme-prod-shop-retention: ${LIVE}`,
    ],
    [
      'the retention role with everything but reads (NotAction)',
      broken((r) => editRole(r, 'legacy-site', 'retention', (st) => st.push({ Sid: 'Extra', Effect: 'Allow', NotAction: 's3:GetObject', Resource: '*' }))),
      `role acme-prod-legacy-site-retention: ${LIVE}`,
    ],
    [
      "another app's restore role",
      broken((r) => editRole(r, 'legacy-site', 'restore', (st) => (sid(st, 'RestoreAppObjects').Resource = '${aws_s3_bucket.app_data_shop.arn}/*'))),
      `role acme-prod-legacy-site-restore: ${LIVE}`,
    ],
    [
      'a bucket policy that lets a backup role delete',
      broken((r) => {
        const p = r.aws_s3_bucket_policy['app_data_shop_policy'];
        const policy = JSON.parse(p.policy);
        policy.Statement.push({
          Sid: 'Extra',
          Effect: 'Allow',
          Principal: { AWS: '${aws_iam_role.backup_role_shop.arn}' },
          Action: 's3:DeleteObject',
          Resource: '${aws_s3_bucket.app_data_shop.arn}/*',
        });
        p.policy = JSON.stringify(policy);
      }),
      `bucket policy app_data_shop_policy (statement Extra, principal {"AWS":"\${aws_iam_role.backup_role_shop.arn}"}): ${LIVE}`,
    ],
    [
      "the app's own role, whose Mountpoint storage does not delete",
      broken((r) => {
        const p = r.aws_iam_role_policy['app_role_shop_policy'];
        const policy = JSON.parse(p.policy);
        addAction(sid(policy.Statement, 'UseAppObjects'), 's3:DeleteObject');
        p.policy = JSON.stringify(policy);
      }),
      "role acme-prod-shop-app: may delete objects in its live bucket acme-prod-shop-data, but the app's storage does not delete (Mountpoint without storage.allowDelete)",
    ],
  ])('%s', (_case, json, expected) => {
    expect(liveBucketDeleteProblems(json, prod, apps)).toContainEqual(expect.stringContaining(expected));
  });

  test("the app's own role may delete where its storage deletes (allowDelete), and the rule follows the spec", () => {
    const deleting = apps.map((a) => (a.name === 'shop' ? { ...a, storage: { ...a.storage!, allowDelete: true } } : a));
    const json = synthCloud(prod, deleting).json;
    expect(liveBucketDeleteProblems(json, prod, deleting)).toEqual([]);
    expect(liveBucketDeleteProblems(json, prod, apps)).toEqual([
      "role acme-prod-shop-app: may delete objects in its live bucket acme-prod-shop-data, but the app's storage does not delete (Mountpoint without storage.allowDelete)",
    ]);
  });

  test('the backup job only reads the live bucket: a write is refused too', () => {
    const json = broken((r) => editRole(r, 'shop', 'backup', (st) => addAction(sid(st, 'ReadAppObjects'), 's3:PutObject')));
    expect(backupJobRoleProblems(json, prod, apps)).toEqual([
      'app shop: its backup role may s3:PutObject in the live bucket acme-prod-shop-data: the backup job only reads it; only the restore role writes it',
    ]);
  });

  test.each(['check', 'retention'] as const)('the %s role does not reach the live bucket at all', (kind) => {
    const json = broken((r) =>
      editRole(r, 'shop', kind, (st) => st.push({ Sid: 'Extra', Effect: 'Allow', Action: 's3:GetObject', Resource: '${aws_s3_bucket.app_data_shop.arn}/*' })),
    );
    expect(backupJobRoleProblems(json, prod, apps)).toEqual([
      `app shop: its ${kind} role reaches arn:aws:s3:::acme-prod-shop-data/*, beyond its own backup prefix`,
    ]);
  });
});

describe('only retention may delete outside locks/ in the backup prefix', () => {
  test.each([
    [
      'the backup role deleting anything in its prefix',
      broken((r) => editRole(r, 'shop', 'backup', (st) => (sid(st, 'RemoveOwnLocks').Resource = '${aws_s3_bucket.backup_near.arn}/shop/*'))),
      [`role acme-prod-shop-backup: may delete arn:aws:s3:::${near}/shop/* outside the lock files (locks/) in the backup bucket ${near}`],
    ],
    [
      'the check role deleting anything in its prefix',
      broken((r) => editRole(r, 'shop', 'check', (st) => (sid(st, 'HoldOwnLocks').Resource = '${aws_s3_bucket.backup_near.arn}/shop/*'))),
      [`role acme-prod-shop-backup-check: may delete arn:aws:s3:::${near}/shop/* outside the lock files (locks/) in the backup bucket ${near}`],
    ],
    [
      'the backup role deleting through a wildcard action',
      broken((r) => editRole(r, 'shop', 'backup', (st) => (sid(st, 'AddToOwnBackups').Action = 's3:*Object'))),
      [`role acme-prod-shop-backup: may delete arn:aws:s3:::${near}/shop/* outside the lock files (locks/) in the backup bucket ${near}`],
    ],
    [
      'the restore role deleting snapshots',
      broken((r) => editRole(r, 'legacy-site', 'restore', (st) => addAction(sid(st, 'ReadOwnBackups'), 's3:DeleteObject'))),
      [`role acme-prod-legacy-site-restore: may delete arn:aws:s3:::${near}/legacy-site/* outside the lock files (locks/) in the backup bucket ${near}`],
    ],
    [
      "the retention role pruning another app's backups",
      broken((r) => editRole(r, 'shop', 'retention', (st) => (sid(st, 'PruneOwnBackups').Resource = '${aws_s3_bucket.backup_near.arn}/legacy-site/*'))),
      [`role acme-prod-shop-retention: may delete arn:aws:s3:::${near}/legacy-site/* outside the lock files (locks/) in the backup bucket ${near}`],
    ],
    [
      'the retention role erasing versions',
      broken((r) => editRole(r, 'shop', 'retention', (st) => addAction(sid(st, 'PruneOwnBackups'), 's3:DeleteObjectVersion'))),
      [`role acme-prod-shop-retention: may s3:DeleteObjectVersion in the backup bucket ${near}: no one may erase the versions of the backups`],
    ],
    [
      'the replication role deleting offsite',
      broken((r) => {
        const [address] = Object.entries(r.aws_iam_role_policy).find(([, p]: [string, Json]) => p.name === 'replicate-backups-offsite')!;
        const p = r.aws_iam_role_policy[address];
        const policy = JSON.parse(p.policy);
        addAction(sid(policy.Statement, 'WriteReplicas'), 's3:DeleteObject');
        p.policy = JSON.stringify(policy);
      }),
      [
        `role acme-prod-backup-replication: may delete arn:aws:s3:::${near}-offsite/* outside the lock files (locks/) in the backup bucket ${near}-offsite; only an app's retention role may, in its own prefix`,
      ],
    ],
  ])('%s', (_case, json, expected) => {
    expect(backupBucketDeleteProblems(json, prod)).toEqual(expected.map((e) => expect.stringContaining(e)));
  });
});

describe('the restore role never has DeleteObjectVersion', () => {
  test.each([
    ['named', broken((r) => editRole(r, 'shop', 'restore', (st) => addAction(sid(st, 'RestoreAppObjects'), 's3:DeleteObjectVersion')))],
    ['through s3:*', broken((r) => editRole(r, 'shop', 'restore', (st) => (sid(st, 'RestoreAppObjects').Action = 's3:*')))],
    [
      'through s3:Delete*',
      broken((r) => editRole(r, 'shop', 'restore', (st) => (sid(st, 'RestoreAppObjects').Action = ['s3:GetObject', 's3:PutObject', 's3:Delete*']))),
    ],
  ])('%s', (_case, json) => {
    expect(liveBucketDeleteProblems(json, prod, apps)).toContainEqual(
      expect.stringMatching(/^role acme-prod-shop-restore: may s3:DeleteObjectVersion.* in the live bucket acme-prod-shop-data: no one may erase its versions/),
    );
  });

  test('nor may it suspend the versioning that makes its deletes undoable', () => {
    const json = broken((r) => editRole(r, 'shop', 'restore', (st) => (sid(st, 'ListAppBucket').Action = 's3:*')));
    expect(liveBucketDeleteProblems(json, prod, apps)).toEqual([
      'role acme-prod-shop-restore: may s3:PutBucketVersioning, s3:PutLifecycleConfiguration in the live bucket acme-prod-shop-data: no one may erase its versions, which every delete there is undone from',
    ]);
  });

  test('its deletes need a versioned bucket', () => {
    const suspended = broken((r) => {
      r.aws_s3_bucket_versioning['app_data_shop_versioning'].versioning_configuration.status = 'Suspended';
    });
    expect(backupJobRoleProblems(suspended, prod, apps)).toEqual([
      'app shop: its restore role may delete in bucket acme-prod-shop-data (an in-place restore replaces files), but its versioning status is "Suspended", not one with status "Enabled": those deletes could not be undone',
    ]);
  });
});

describe('each job role is bound to exactly its own ServiceAccount, and every running app has one of each, with storage or without', () => {
  test.each([
    [
      'the retention role handed to the backup account',
      broken((r) => {
        r.aws_eks_pod_identity_association['retention_pod_identity_shop'].service_account = 'shop-backup';
      }),
      'app shop: its retention role is bound to shop/shop-backup, not shop/shop-retention',
    ],
    [
      'the check role handed to the backup account',
      broken((r) => {
        r.aws_eks_pod_identity_association['check_pod_identity_shop'].service_account = 'shop-backup';
      }),
      'app shop: its check role is bound to shop/shop-backup, not shop/shop-backup-check',
    ],
    [
      "the restore role handed to the app's own account",
      broken((r) => {
        r.aws_eks_pod_identity_association['restore_pod_identity_shop'].service_account = 'shop';
      }),
      'app shop: its restore role is bound to shop/shop, not shop/shop-restore',
    ],
    [
      'a second binding of the backup role',
      broken((r) => {
        r.aws_eks_pod_identity_association['extra'] = { ...r.aws_eks_pod_identity_association['backup_pod_identity_shop'], service_account: 'shop' };
      }),
      'app shop: its backup role has 2 Pod Identity associations, not 1',
    ],
    [
      'an app with storage but no retention role',
      broken((r) => {
        delete r.aws_iam_role['retention_role_legacy-site'];
      }),
      'app legacy-site: has 0 retention roles named acme-prod-legacy-site-retention, not 1: every app is backed up',
    ],
    [
      'an app without storage but no restore role',
      broken((r) => {
        delete r.aws_iam_role['restore_role_backoffice'];
      }),
      'app backoffice: has 0 restore roles named acme-prod-backoffice-restore, not 1: every app is backed up',
    ],
    [
      "an app without storage whose backup role is bound to the app's own account",
      broken((r) => {
        r.aws_eks_pod_identity_association['backup_pod_identity_backoffice'].service_account = 'backoffice';
      }),
      'app backoffice: its backup role is bound to backoffice/backoffice, not backoffice/backoffice-backup',
    ],
    [
      'a retention role no app owns',
      broken((r) => {
        r.aws_iam_role['stray'] = { ...r.aws_iam_role['retention_role_shop'], name: 'acme-prod-gone-retention' };
      }),
      'role acme-prod-gone-retention looks like a retention role, but no app in the data ledger owns it',
    ],
    [
      "a backup role that reaches another app's backups",
      broken((r) => editRole(r, 'shop', 'backup', (st) => (sid(st, 'AddToOwnBackups').Resource = '${aws_s3_bucket.backup_near.arn}/legacy-site/*'))),
      `app shop: its backup role reaches arn:aws:s3:::${near}/legacy-site/*, beyond its own bucket and backup prefix`,
    ],
    [
      'a backup role that lists the whole backup bucket',
      broken((r) => editRole(r, 'shop', 'backup', (st) => delete sid(st, 'ListOwnBackups').Condition)),
      `app shop: its backup role reaches arn:aws:s3:::${near}, beyond its own bucket and backup prefix`,
    ],
  ])('%s', (_case, json, expected) => {
    expect(backupJobRoleProblems(json, prod, apps)).toContainEqual(expected);
  });

  test('the roles are named and bound as naming.ts and BACKUP_JOB_NAMES say, one per kind of job', () => {
    for (const app of backedUp) {
      for (const kind of BACKUP_JOB_ROLES) {
        expect(
          rolesOf(realJson)
            .filter((r) => r.name === BACKUP_JOB_NAMES[kind].roleOf(prod.name, app))
            .map((r) => r.address),
        ).toEqual([backupJobRoleAddressOf(app, kind)]);
      }
      expect(new Set(JOBS.map((job) => backupJobRoleOf(prod.name, app, job))).size).toBe(JOBS.length);
    }
  });
});

describe('an app whose job role names would not fit IAM stops synth', () => {
  test.each(['shop', 'backoffice'])(
    'a 19-character cluster and a 36-character app (like %s, storage or not) fit a bucket name and a restore role (64), not a retention role (66) nor a check role (69)',
    (base) => {
      const longName = 'shop-with-a-very-long-name-for-iam-x';
      const cluster: ClusterSpec = { ...prod, name: 'acme-production-eu1', apps: { [longName]: {} }, appData: { [longName]: 'live' } };
      const app = { ...APPS.find((a) => a.name === base)!, name: longName };
      expect(bucketOf(cluster.name, longName).length).toBeLessThanOrEqual(63);
      expect(() => validateInput([cluster], [app])).toThrow(SynthError);
      try {
        validateInput([cluster], [app]);
      } catch (e) {
        const problems = (e as SynthError).problems.map(String);
        expect(problems.filter((p) => p.includes('IAM role name'))).toEqual(
          ['backup-check', 'retention'].map(
            (suffix) =>
              `cluster "acme-production-eu1", app "${longName}": field "name" = "${longName}": makes the IAM role name "acme-production-eu1-${longName}-${suffix}" longer than 64 characters`,
          ),
        );
      }
    },
  );
});
