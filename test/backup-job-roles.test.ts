import { CLUSTERS } from './fixtures/specs/clusters';
import { fixtureCloudAppsOf, fixtureObjectsOf, fixtureOutput } from './support';
import { BACKUP_JOB_NAMES } from '../constructs/model/naming';
import {
  BACKUP_JOB_ROLES,
  backupJobPodIdentityAddressOf,
  backupJobRoleAddressOf,
  REPOSITORY_LISTINGS,
  REPOSITORY_NEEDS,
  type BackupJobRole,
} from '../constructs/cloud/backup-job-identities';
import { backupBucketDeleteProblems, backupJobRoleProblems, dataDeletionProblems, liveBucketDeleteProblems } from '../constructs/rules/cloud/backup-job-rules';
import { rolesOf } from '../constructs/cloud/iam-principals';
import { sessionsOf } from '../constructs/cloud/pod-identity-sessions';
import { allows, allowsListing, bucketArnResolver, conditionHolds, reachesObjects, resolvedResourcesOf } from '../constructs/cloud/s3-grants';
import { synthCloud } from '../constructs/synth/synth-cloud';
import { covers, type TerraformJson } from '../constructs/cloud/terraform-json';
import { appRoleOf, backupBucketOf, backupJobRoleOf, backupJobServiceAccountOf, bucketOf, namespaceOf, type BackupJobKind } from '../constructs/model/naming';
import { backupJobNameOf } from '../constructs/model/backup-job';
import { podSpecOf } from '../constructs/rules/pod-template';
import { terraformFileOf } from '../constructs/synth/terraform-file';

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
/** Changes the statements of one shared job role's inline policy in place: every app's session of it changes. */
const editRole = (r: Json, kind: BackupJobRole, edit: (statements: Json[]) => void) => {
  const p = r.aws_iam_role_policy[`${backupJobRoleAddressOf(kind)}_policy`];
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
/** The apps in the order the rules report them. */
const sortedApps = [...backedUp].sort();
const JOBS: BackupJobKind[] = ['backup', 'check', 'retention', 'restore'];
const near = backupBucketOf(prod.name);

/** Whether an app's session of a role may do an action on an object ARN, as its Allow statements say there. */
function mayDo(json: TerraformJson, roleName: string, app: string, action: string, arn: string): boolean {
  const resolve = bucketArnResolver(json);
  const session = sessionsOf(json).find((s) => s.name === roleName && s.namespace === namespaceOf(app))!;
  return session.statements.some((s) => allows(s, action) && resolvedResourcesOf(s, resolve).some((r) => covers(r, arn)));
}

/** Whether an app's session of a role may list a bucket with this s3:prefix, its conditions evaluated. */
function mayList(json: TerraformJson, roleName: string, app: string, bucket: string, prefix: string): boolean {
  const resolve = bucketArnResolver(json);
  const session = sessionsOf(json).find((s) => s.name === roleName && s.namespace === namespaceOf(app))!;
  return session.statements.some((s) => allowsListing(s, `arn:aws:s3:::${bucket}`, prefix, resolve));
}

test('a listing condition is read as IAM reads it: string operators on the keys the request has, and nothing else assumed', () => {
  const table: [condition: Json, holds: boolean][] = [
    [undefined, true],
    [{ StringLike: { 's3:prefix': ['shop/*'] } }, true],
    [{ StringLike: { 'S3:Prefix': 'sho?/*' } }, true],
    [{ StringLike: { 's3:prefix': ['Shop/*', 'legacy-site/*'] } }, false],
    [{ StringLike: { 's3:prefix': ['shop/*/*'] } }, false],
    [{ StringEquals: { 's3:prefix': 'shop/*' } }, false],
    [{ StringEquals: { 's3:prefix': 'shop/config' } }, true],
    [{ StringEquals: { 's3:delimiter': '/' } }, false],
    [{ StringEqualsIfExists: { 's3:delimiter': '/' } }, true],
    [{ StringNotLike: { 's3:prefix': 'legacy-site/*' } }, false],
  ];
  expect(table.map(([condition]) => [condition, conditionHolds(condition, { 's3:prefix': 'shop/config' })])).toEqual(table);
});

describe('each backup job role does what restic 0.18.1 does for its job, and deletes nothing else', () => {
  test('the input has apps with storage and without, whose jobs the roles serve', () => {
    expect(apps.filter((a) => a.storage).length).toBeGreaterThan(0);
    expect(apps.filter((a) => !a.storage).length).toBeGreaterThan(0);
  });

  test.each(backedUp.flatMap((app) => JOBS.map((job) => [app, job] as const)))('app %s, job %s', (app, job) => {
    const role = backupJobRoleOf(prod.name, job);
    const repo = (key: string) => `arn:aws:s3:::${near}/${app}/${key}`;
    for (const [action, key] of REPOSITORY_NEEDS[job]) expect([action, key, mayDo(realJson, role, app, action, repo(key))]).toEqual([action, key, true]);
    // Its listings, the first backup's 404 for the missing config among them (REPOSITORY_LISTINGS), and no one else's.
    for (const key of REPOSITORY_LISTINGS[job]) expect([key, mayList(realJson, role, app, near, `${app}/${key}`)]).toEqual([key, true]);
    expect(mayList(realJson, role, app, near, '')).toBe(false);
    const deletesBackups = ['config', 'keys/<id>', 'snapshots/<id>', 'index/<id>', 'data/00/<id>'].some((key) =>
      mayDo(realJson, role, app, 's3:DeleteObject', repo(key)),
    );
    expect(deletesBackups).toBe(job === 'retention');
    const live = (key: string) => `arn:aws:s3:::${bucketOf(prod.name, app)}/${key}`;
    expect(mayDo(realJson, role, app, 's3:GetObject', live('a/file'))).toBe(job === 'backup' || job === 'restore');
    expect(mayDo(realJson, role, app, 's3:PutObject', live('a/file'))).toBe(job === 'restore');
    expect(mayDo(realJson, role, app, 's3:DeleteObject', live('a/file'))).toBe(job === 'restore');
    for (const erase of ['s3:DeleteObjectVersion', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration']) {
      expect(mayDo(realJson, role, app, erase, live('a/file')) || mayDo(realJson, role, app, erase, repo('data/00/<id>'))).toBe(false);
    }
    // Another app's backups are out of reach.
    const other = backedUp.find((a) => a !== app);
    if (other) {
      expect(mayDo(realJson, role, app, 's3:GetObject', `arn:aws:s3:::${near}/${other}/config`)).toBe(false);
      expect(mayList(realJson, role, app, near, `${other}/keys/`)).toBe(false);
    }
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
    const can = (action: string, key: string) => [action, key, mayDo(json, role, app, action, repo(key))];
    // It reads the whole repository, and writes and removes lock files only.
    for (const key of [...backups, 'locks/<id>']) expect(can('s3:GetObject', key)).toEqual(['s3:GetObject', key, true]);
    for (const action of ['s3:PutObject', 's3:DeleteObject']) {
      expect(can(action, 'locks/<id>')).toEqual([action, 'locks/<id>', true]);
      for (const key of backups) expect(can(action, key)).toEqual([action, key, false]);
    }
    // The live bucket, and the key that encrypts it, are out of its reach altogether.
    const bucket = bucketOf(prod.name, app);
    const statements = sessionsOf(json).find((s) => s.name === role && s.namespace === namespaceOf(app))!.statements;
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
      broken((r) => editRole(r, 'backup', (st) => addAction(sid(st, 'ReadAppObjects'), 's3:DeleteObject'))),
      `role acme-prod-apps-backup in namespace shop: ${LIVE}`,
    ],
    [
      'the backup role with s3:Delete* on the literal ARN',
      broken((r) =>
        editRole(r, 'backup', (st) => st.push({ Sid: 'Extra', Effect: 'Allow', Action: 's3:Delete*', Resource: 'arn:aws:s3:::acme-prod-shop-data/*' })),
      ),
      `role acme-prod-apps-backup in namespace shop: ${LIVE}`,
    ],
    [
      'the retention role with s3:* on every bucket',
      broken((r) => editRole(r, 'retention', (st) => st.push({ Sid: 'Extra', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::acme-prod-*' }))),
      `role acme-prod-apps-retention in namespace shop: ${LIVE}`,
    ],
    [
      'the retention role with everything but reads (NotAction)',
      broken((r) => editRole(r, 'retention', (st) => st.push({ Sid: 'Extra', Effect: 'Allow', NotAction: 's3:GetObject', Resource: '*' }))),
      `role acme-prod-apps-retention in namespace legacy-site: ${LIVE}`,
    ],
    [
      "another app's restore role",
      broken((r) => editRole(r, 'restore', (st) => (sid(st, 'RestoreAppObjects').Resource = '${aws_s3_bucket.app_data_shop.arn}/*'))),
      `role acme-prod-apps-restore in namespace legacy-site: ${LIVE}`,
    ],
    [
      'a bucket policy that lets a backup role delete',
      broken((r) => {
        const p = r.aws_s3_bucket_policy['app_data_shop_policy'];
        const policy = JSON.parse(p.policy);
        policy.Statement.push({
          Sid: 'Extra',
          Effect: 'Allow',
          Principal: { AWS: '${aws_iam_role.apps_backup_role.arn}' },
          Action: 's3:DeleteObject',
          Resource: '${aws_s3_bucket.app_data_shop.arn}/*',
        });
        p.policy = JSON.stringify(policy);
      }),
      `bucket policy app_data_shop_policy (statement Extra, principal {"AWS":"\${aws_iam_role.apps_backup_role.arn}"}): ${LIVE}`,
    ],
    [
      "the app's own role, whose Mountpoint storage does not delete",
      broken((r) => {
        const p = r.aws_iam_role_policy['apps_role_policy'];
        const policy = JSON.parse(p.policy);
        addAction(sid(policy.Statement, 'UseAppObjects'), 's3:DeleteObject');
        p.policy = JSON.stringify(policy);
      }),
      "role acme-prod-apps in namespace shop: may delete objects in its live bucket acme-prod-shop-data, but the app's storage does not delete (Mountpoint without storage.allowDelete)",
    ],
  ])('%s', (_case, json, expected) => {
    expect(liveBucketDeleteProblems(json, prod, apps)).toContainEqual(expect.stringContaining(expected));
  });

  test("the app's own role may delete where its storage deletes (allowDelete), and the rule follows the spec", () => {
    const deleting = apps.map((a) => (a.name === 'shop' ? { ...a, storage: { ...a.storage!, allowDelete: true } } : a));
    const json = synthCloud(prod, deleting).json;
    expect(liveBucketDeleteProblems(json, prod, deleting)).toEqual([]);
    expect(liveBucketDeleteProblems(json, prod, apps)).toEqual([
      "role acme-prod-apps-deleting in namespace shop: may delete objects in its live bucket acme-prod-shop-data, but the app's storage does not delete (Mountpoint without storage.allowDelete)",
    ]);
  });

  test('the backup job only reads the live bucket: a write is refused too', () => {
    const json = broken((r) => editRole(r, 'backup', (st) => addAction(sid(st, 'ReadAppObjects'), 's3:PutObject')));
    // The role is every app's: each app's session may write its live bucket, and so would one in a namespace that is no app's.
    expect(backupJobRoleProblems(json, prod, apps)).toEqual([
      ...sortedApps.map(
        (app) =>
          `app ${app}: its backup role may s3:PutObject in the live bucket acme-prod-${app}-data: the backup job only reads it; only the restore role writes it`,
      ),
      "role acme-prod-apps-backup: in a namespace that is no app's may s3:PutObject in the live bucket acme-prod-NO-APP-data: the backup job only reads it; only the restore role writes it",
    ]);
  });

  test.each(['check', 'retention'] as const)('the %s role does not reach the live bucket at all', (kind) => {
    const json = broken((r) =>
      editRole(r, kind, (st) => st.push({ Sid: 'Extra', Effect: 'Allow', Action: 's3:GetObject', Resource: '${aws_s3_bucket.app_data_shop.arn}/*' })),
    );
    // The role is every app's: each app's session reaches shop's bucket, and so would one in a namespace that is no app's.
    expect(backupJobRoleProblems(json, prod, apps)).toEqual([
      ...sortedApps.map((app) => `app ${app}: its ${kind} role reaches arn:aws:s3:::acme-prod-shop-data/*, beyond its own backup prefix`),
      `role ${backupJobRoleOf(prod.name, kind)}: in a namespace that is no app's reaches arn:aws:s3:::acme-prod-shop-data/*, beyond its own backup prefix`,
    ]);
  });
});

describe('only retention may delete outside locks/ in the backup prefix', () => {
  test.each([
    [
      'the backup role deleting anything in its prefix',
      broken((r) => editRole(r, 'backup', (st) => (sid(st, 'RemoveOwnLocks').Resource = '${aws_s3_bucket.backup_near.arn}/shop/*'))),
      sortedApps.map(
        (app) =>
          `role acme-prod-apps-backup in namespace ${app}: may delete arn:aws:s3:::${near}/shop/* outside the lock files (locks/) in the backup bucket ${near}`,
      ),
    ],
    [
      'the check role deleting anything in its prefix',
      broken((r) => editRole(r, 'check', (st) => (sid(st, 'HoldOwnLocks').Resource = '${aws_s3_bucket.backup_near.arn}/shop/*'))),
      sortedApps.map(
        (app) =>
          `role acme-prod-apps-backup-check in namespace ${app}: may delete arn:aws:s3:::${near}/shop/* outside the lock files (locks/) in the backup bucket ${near}`,
      ),
    ],
    [
      'the backup role deleting through a wildcard action',
      broken((r) => editRole(r, 'backup', (st) => (sid(st, 'AddToOwnBackups').Action = 's3:*Object'))),
      sortedApps.map(
        (app) =>
          `role acme-prod-apps-backup in namespace ${app}: may delete arn:aws:s3:::${near}/${app}/* outside the lock files (locks/) in the backup bucket ${near}`,
      ),
    ],
    [
      'the restore role deleting snapshots',
      broken((r) => editRole(r, 'restore', (st) => addAction(sid(st, 'ReadOwnBackups'), 's3:DeleteObject'))),
      sortedApps.map(
        (app) =>
          `role acme-prod-apps-restore in namespace ${app}: may delete arn:aws:s3:::${near}/${app}/* outside the lock files (locks/) in the backup bucket ${near}`,
      ),
    ],
    [
      "the retention role pruning another app's backups",
      broken((r) => editRole(r, 'retention', (st) => (sid(st, 'PruneOwnBackups').Resource = '${aws_s3_bucket.backup_near.arn}/legacy-site/*'))),
      // legacy-site's own session prunes its own prefix: that is its job.
      ['backoffice', 'shop'].map(
        (app) =>
          `role acme-prod-apps-retention in namespace ${app}: may delete arn:aws:s3:::${near}/legacy-site/* outside the lock files (locks/) in the backup bucket ${near}`,
      ),
    ],
    [
      'the retention role erasing versions',
      broken((r) => editRole(r, 'retention', (st) => addAction(sid(st, 'PruneOwnBackups'), 's3:DeleteObjectVersion'))),
      sortedApps.map(
        (app) =>
          `role acme-prod-apps-retention in namespace ${app}: may s3:DeleteObjectVersion in the backup bucket ${near}: no one may erase the versions of the backups`,
      ),
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
    ['named', broken((r) => editRole(r, 'restore', (st) => addAction(sid(st, 'RestoreAppObjects'), 's3:DeleteObjectVersion')))],
    ['through s3:*', broken((r) => editRole(r, 'restore', (st) => (sid(st, 'RestoreAppObjects').Action = 's3:*')))],
    [
      'through s3:Delete*',
      broken((r) => editRole(r, 'restore', (st) => (sid(st, 'RestoreAppObjects').Action = ['s3:GetObject', 's3:PutObject', 's3:Delete*']))),
    ],
  ])('%s', (_case, json) => {
    expect(liveBucketDeleteProblems(json, prod, apps)).toContainEqual(
      expect.stringMatching(
        /^role acme-prod-apps-restore in namespace shop: may s3:DeleteObjectVersion.* in the live bucket acme-prod-shop-data: no one may erase its versions/,
      ),
    );
  });

  test('nor may it suspend the versioning that makes its deletes undoable', () => {
    const json = broken((r) => editRole(r, 'restore', (st) => (sid(st, 'ListAppBucket').Action = 's3:*')));
    expect(liveBucketDeleteProblems(json, prod, apps)).toEqual(
      sortedApps.map(
        (app) =>
          `role acme-prod-apps-restore in namespace ${app}: may s3:PutBucketVersioning, s3:PutLifecycleConfiguration in the live bucket acme-prod-${app}-data: no one may erase its versions, which every delete there is undone from`,
      ),
    );
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

describe("each app's job accounts are associated with exactly the shared role of their kind, which trusts only them, and every running app has one of each, with storage or without", () => {
  const association = (r: Json, kind: BackupJobRole, app: string) => r.aws_eks_pod_identity_association[backupJobPodIdentityAddressOf(app, kind)];
  const editTrust = (r: Json, kind: BackupJobRole, edit: (statement: Json) => void) => {
    const role = r.aws_iam_role[backupJobRoleAddressOf(kind)];
    const trust = JSON.parse(role.assume_role_policy);
    edit(trust.Statement[0]);
    role.assume_role_policy = JSON.stringify(trust);
  };
  test.each([
    [
      'the retention role handed to the backup account',
      broken((r) => {
        association(r, 'retention', 'shop').service_account = 'shop-backup';
      }),
      [
        'app shop: shop/shop-backup has the roles [acme-prod-apps-backup, acme-prod-apps-retention] through Pod Identity, not exactly the backup role acme-prod-apps-backup: every app is backed up',
        'app shop: shop/shop-retention has the roles [] through Pod Identity, not exactly the retention role acme-prod-apps-retention: every app is backed up',
        "role acme-prod-apps-retention: is associated with shop/shop-backup, which is no running app's retention ServiceAccount",
      ],
    ],
    [
      "the restore role handed to the app's own account",
      broken((r) => {
        association(r, 'restore', 'shop').service_account = 'shop';
      }),
      [
        'app shop: shop/shop-restore has the roles [] through Pod Identity, not exactly the restore role acme-prod-apps-restore: every app is backed up',
        "role acme-prod-apps-restore: is associated with shop/shop, which is no running app's restore ServiceAccount",
      ],
    ],
    [
      'a second association of the backup account',
      broken((r) => {
        r.aws_eks_pod_identity_association['extra'] = { ...association(r, 'check', 'shop'), service_account: 'shop-backup' };
      }),
      [
        'app shop: shop/shop-backup has the roles [acme-prod-apps-backup, acme-prod-apps-backup-check] through Pod Identity, not exactly the backup role acme-prod-apps-backup: every app is backed up',
        "role acme-prod-apps-backup-check: is associated with shop/shop-backup, which is no running app's check ServiceAccount",
      ],
    ],
    [
      'an app with storage whose retention account has no association',
      broken((r) => {
        delete r.aws_eks_pod_identity_association[backupJobPodIdentityAddressOf('legacy-site', 'retention')];
      }),
      [
        'app legacy-site: legacy-site/legacy-site-retention has the roles [] through Pod Identity, not exactly the retention role acme-prod-apps-retention: every app is backed up',
      ],
    ],
    [
      'no restore role at all',
      broken((r) => {
        delete r.aws_iam_role[backupJobRoleAddressOf('restore')];
      }),
      sortedApps.map(
        (app) =>
          `app ${app}: ${app}/${app}-restore has the roles [] through Pod Identity, not exactly the restore role acme-prod-apps-restore: every app is backed up`,
      ),
    ],
    [
      'a retention role associated with a namespace no app runs in',
      broken((r) => {
        r.aws_eks_pod_identity_association['stray'] = {
          ...association(r, 'retention', 'shop'),
          namespace: 'kube-system',
          service_account: 'kube-system-retention',
        };
      }),
      ["role acme-prod-apps-retention: is associated with kube-system/kube-system-retention, which is no running app's retention ServiceAccount"],
    ],
    [
      "a backup role whose trust admits the app's own account too",
      broken((r) =>
        editTrust(r, 'backup', (st) => {
          const account = 'aws:RequestTag/kubernetes-service-account';
          st.Condition.StringEquals[account] = [st.Condition.StringEquals[account], '$${aws:RequestTag/kubernetes-namespace}'];
        }),
      ),
      sortedApps.map((app) => `app ${app}: its backup role trusts ${app}/${app} too, another use's ServiceAccount`),
    ],
    [
      "a check role whose trust admits another cluster's pods",
      broken((r) => editTrust(r, 'check', (st) => (st.Condition.StringEquals['aws:RequestTag/eks-cluster-name'] = 'acme-staging'))),
      sortedApps.map((app) => `app ${app}: its check role trusts Pod Identity of cluster acme-staging, not acme-prod`),
    ],
    [
      'a restore role trusted under a pattern the rules do not read',
      broken((r) =>
        editTrust(r, 'restore', (st) => {
          st.Condition = { StringLike: st.Condition.StringEquals };
        }),
      ),
      backedUp.flatMap((app) => [
        `app ${app}: its restore role trusts more than Pod Identity under the cluster's name and a ServiceAccount (statement PodIdentity)`,
        `app ${app}: its restore role does not trust ${app}/${app}-restore, which its association names`,
      ]),
    ],
    [
      'an association with the session tags off',
      broken((r) => {
        association(r, 'backup', 'shop').disable_session_tags = true;
      }),
      [
        `app shop: its backup role is associated by ${backupJobPodIdentityAddressOf('shop', 'backup')} with session tags off: its policy names its resources by them`,
      ],
    ],
    [
      "a backup role that reaches another app's backups",
      broken((r) => editRole(r, 'backup', (st) => (sid(st, 'AddToOwnBackups').Resource = '${aws_s3_bucket.backup_near.arn}/legacy-site/*'))),
      [
        `app shop: its backup role reaches arn:aws:s3:::${near}/legacy-site/*, beyond its own bucket and backup prefix`,
        `role acme-prod-apps-backup: in a namespace that is no app's reaches arn:aws:s3:::${near}/legacy-site/*, beyond its own bucket and backup prefix`,
      ],
    ],
    [
      'a backup role that lists the whole backup bucket',
      broken((r) => editRole(r, 'backup', (st) => delete sid(st, 'ListOwnBackups').Condition)),
      [
        `app shop: its backup role reaches arn:aws:s3:::${near}, beyond its own bucket and backup prefix`,
        `role acme-prod-apps-backup: in a namespace that is no app's reaches arn:aws:s3:::${near}, beyond its own bucket and backup prefix`,
      ],
    ],
  ])('%s', (_case, json, expected) => {
    const problems = backupJobRoleProblems(json, prod, apps);
    for (const problem of expected) expect(problems).toContainEqual(problem);
  });

  test('the real stack: each app has one association per kind of job, to the role of that kind, in its namespace', () => {
    expect(backedUp.length).toBeGreaterThan(1);
    for (const app of backedUp) {
      for (const kind of BACKUP_JOB_ROLES) {
        const roleAddress = rolesOf(realJson).find((r) => r.name === BACKUP_JOB_NAMES[kind].roleOf(prod.name))?.address;
        expect(roleAddress).toBe(backupJobRoleAddressOf(kind));
        expect(association(realJson.resource, kind, app)).toMatchObject({
          namespace: namespaceOf(app),
          service_account: backupJobServiceAccountOf(app, kind),
          role_arn: `\${aws_iam_role.${roleAddress}.arn}`,
        });
      }
    }
    expect(new Set(JOBS.map((job) => backupJobRoleOf(prod.name, job))).size).toBe(JOBS.length);
  });
});

describe('role names do not grow with app names', () => {
  test('the longest cluster name (20) fits every shared role name in IAM (64), whatever the apps are called', () => {
    const cluster = 'a'.repeat(20);
    const names = [appRoleOf(cluster, false), appRoleOf(cluster, true), ...JOBS.map((job) => backupJobRoleOf(cluster, job))];
    for (const name of names) expect(name.length).toBeLessThanOrEqual(64);
    expect(new Set(names).size).toBe(names.length);
  });
});
