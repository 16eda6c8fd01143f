import {
  BACKUP_JOB_NAMES,
  appRoleOf,
  backupBucketOf,
  backupPrefixOf,
  bucketOf,
  geesefsUserOf,
  namespaceOf,
  offsiteBackupBucketOf,
  restoreRoleOf,
  retentionRoleOf,
} from '../../model/naming';
import type { CloudApp, CloudCluster } from '../../model/cloud-input';
import { storageDeletes } from '../../cloud/app-role';
import { BACKUP_JOB_ROLES, RESTIC_LOCKS, type BackupJobRole } from '../../cloud/backup-job-identities';
import { rolesOf, type PrincipalView } from '../../cloud/iam-principals';
import { actingPrincipalsOf, sessionOf, sessionsByAccount, sessionsOf, type SessionView } from '../../cloud/pod-identity-sessions';
import { NO_APP_NAMESPACE, sharedRoleProblems } from './shared-role-rules';
import { allows, bucketArnResolver, onlyBelow, reachesObjects, resolvedResourcesOf, VERSION_ERASING_ACTIONS } from '../../cloud/s3-grants';
import { asList, covers, derived, first, parsePolicy, resourcesOf, settingsOf, type Json, type TerraformJson } from '../../cloud/terraform-json';

/** What a job that only reads the live bucket must not do there. */
const LIVE_WRITE_ACTIONS = ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:PutObjectAcl', 's3:PutObjectTagging', 's3:RestoreObject'];

/**
 * The roles of each app's restic jobs. Every running app, with storage or without, has for each kind of job its
 * ServiceAccount (BACKUP_JOB_NAMES) associated by Pod Identity with exactly the shared role of that kind, whose
 * session in the app's namespace reaches only the app's bucket and its own backup prefix. The backup role only
 * reads the live bucket; the check and retention roles do not reach it; the restore role may delete there only
 * while the bucket is versioned. Retired apps have no association; each role is associated only with running apps'
 * accounts of its kind, and reaches nothing in a namespace that is no app's.
 */
export function backupJobRoleProblems(json: TerraformJson, cluster: CloudCluster, apps: readonly CloudApp[]): string[] {
  const problems: string[] = [];
  const resolve = bucketArnResolver(json);
  const running = new Map(apps.map((a) => [a.name, a]));
  const runningIn = new Map(apps.map((a) => [namespaceOf(a.name), a]));
  const buckets = resourcesOf(json, 'aws_s3_bucket');
  const backupBucket = backupBucketOf(cluster.name);
  const backupAddress = buckets.find(([, b]) => b.bucket === backupBucket)?.[0];
  // Looked up per app: the first bucket of each name.
  const bucketAddressOf = new Map<unknown, string>();
  for (const [address, b] of buckets) if (!bucketAddressOf.has(b.bucket)) bucketAddressOf.set(b.bucket, address);
  const byAccount = sessionsByAccount(json);

  for (const app of Object.keys(cluster.appData).sort()) {
    const say = (problem: string) => problems.push(`app ${app}: ${problem}`);
    const spec = running.get(app);
    const bucketAddress = bucketAddressOf.get(bucketOf(cluster.name, app));
    for (const kind of BACKUP_JOB_ROLES) {
      const { roleOf, serviceAccountOf } = BACKUP_JOB_NAMES[kind];
      const account = `${namespaceOf(app)}/${serviceAccountOf(app)}`;
      const mine = byAccount.get(account) ?? [];
      if (!spec) {
        if (mine.length > 0) say(`is retired but ${account} still has the ${kind} role ${mine.map((s) => s.name).join(', ')}`);
        continue;
      }
      if (mine.length !== 1 || mine[0].name !== roleOf(cluster.name)) {
        say(
          `${account} has the roles [${mine.map((s) => s.name).join(', ')}] through Pod Identity, not exactly the ${kind} role ${roleOf(cluster.name)}: every app is backed up`,
        );
        continue;
      }
      const [session] = mine;
      const sayRole = (problem: string) => say(`its ${kind} role ${problem}`);
      sharedRoleProblems(json, session, cluster.name, sayRole);
      if (bucketAddress && backupAddress) {
        reachProblems(session, kind, { app, bucket: bucketOf(cluster.name, app), backupBucket }, resolve, sayRole);
        if (kind === 'restore') versioningProblems(json, session, bucketAddress, bucketOf(cluster.name, app), resolve, sayRole);
      }
    }
  }

  // From the roles' side: each is handed to running apps' accounts of its kind only, and reaches nothing in a namespace that is no app's.
  for (const kind of BACKUP_JOB_ROLES) {
    const { roleOf, serviceAccountOf } = BACKUP_JOB_NAMES[kind];
    for (const role of rolesOf(json).filter((r) => r.name === roleOf(cluster.name))) {
      const say = (problem: string) => problems.push(`role ${role.name}: ${problem}`);
      for (const session of sessionsOf(json).filter((s) => s.address === role.address)) {
        const app = runningIn.get(session.namespace);
        if (!app || session.serviceAccount !== serviceAccountOf(app.name)) {
          say(`is associated with ${session.namespace}/${session.serviceAccount}, which is no running app's ${kind} ServiceAccount`);
        }
      }
      const names = { app: NO_APP_NAMESPACE, bucket: bucketOf(cluster.name, NO_APP_NAMESPACE), backupBucket };
      reachProblems(sessionOf(role, NO_APP_NAMESPACE, serviceAccountOf(NO_APP_NAMESPACE)), kind, names, resolve, (p) =>
        say(`in a namespace that is no app's ${p}`),
      );
    }
  }
  return problems;
}

/** Where one job role may reach, and what it may do in the live bucket. */
function reachProblems(
  role: PrincipalView,
  kind: BackupJobRole,
  names: { app: string; bucket: string; backupBucket: string },
  resolve: (r: string) => string,
  say: (problem: string) => void,
): void {
  const prefix = backupPrefixOf(names.app);
  const liveBucket = `arn:aws:s3:::${names.bucket}`;
  const backupArn = `arn:aws:s3:::${names.backupBucket}`;
  const reachesLive = kind === 'backup' || kind === 'restore';
  for (const s of role.statements.filter((st) => st.Effect === 'Allow' && asList(st.Action ?? st.NotAction).some((a) => /^(s3:|\*)/.test(String(a))))) {
    for (const resource of resolvedResourcesOf(s, resolve)) {
      const inPrefix = onlyBelow(resource, names.backupBucket, prefix);
      const listed = asList(s.Condition?.StringLike?.['s3:prefix']);
      const locatesOnly = (asList(s.Action) as string[]).every((a) => a === 's3:GetBucketLocation');
      const listsPrefix = resource === backupArn && (locatesOnly || (listed.length > 0 && listed.every((p) => typeof p === 'string' && p.startsWith(prefix))));
      const inLive = reachesLive && (resource === liveBucket || onlyBelow(resource, names.bucket, ''));
      if (!inPrefix && !listsPrefix && !inLive) {
        say(`reaches ${resource}, beyond ${reachesLive ? 'its own bucket and backup prefix' : 'its own backup prefix'}`);
        continue;
      }
      if (kind === 'backup' && resource !== liveBucket && reachesObjects(resource, names.bucket)) {
        const writes = LIVE_WRITE_ACTIONS.filter((a) => allows(s, a));
        if (writes.length > 0)
          say(`may ${writes.join(', ')} in the live bucket ${names.bucket}: the backup job only reads it; only the restore role writes it`);
      }
    }
  }
}

/** The restore role deletes in the live bucket (tar replaces files): only versioning makes that undoable. */
function versioningProblems(
  json: TerraformJson,
  role: PrincipalView,
  bucketAddress: string,
  bucket: string,
  resolve: (r: string) => string,
  say: (p: string) => void,
): void {
  const deletes = role.statements.some((s) => allows(s, 's3:DeleteObject') && resolvedResourcesOf(s, resolve).some((r) => reachesObjects(r, bucket)));
  if (!deletes) return;
  const versioning = settingsOf(json, 'aws_s3_bucket_versioning', bucketAddress);
  const status = versioning.length === 1 ? first(versioning[0].versioning_configuration)?.status : undefined;
  if (status === 'Enabled') return;
  const found =
    versioning.length === 1 ? `its versioning status is ${JSON.stringify(status)}` : `it has ${versioning.length} aws_s3_bucket_versioning resources`;
  say(`may delete in bucket ${bucket} (an in-place restore replaces files), but ${found}, not one with status "Enabled": those deletes could not be undone`);
}

/** The namespace of a shared role's session, or undefined for any other principal. */
const namespaceOfSession = (p: PrincipalView): string | undefined => (p as Partial<SessionView>).namespace;
/** Whether a principal is the session of a role in an app's namespace. */
const isSessionOf = (p: PrincipalView, roleName: string, app: string): boolean =>
  p.kind === 'role' && p.name === roleName && namespaceOfSession(p) === namespaceOf(app);

/** Every principal and bucket-policy statement that could delete objects, as the delete rules see it, with its resources resolved. */
interface Grant {
  readonly who: string;
  readonly principal?: PrincipalView;
  readonly statement: Json;
  readonly resources: readonly string[];
}

const grantsOf = (json: TerraformJson): readonly Grant[] =>
  derived(json, 'grants', () => {
    const resolve = bucketArnResolver(json);
    const fromPrincipals = actingPrincipalsOf(json).flatMap((p) => {
      const session = namespaceOfSession(p);
      const who = `${p.kind === 'role' ? 'role' : 'IAM user'} ${p.name}${session === undefined ? '' : ` in namespace ${session}`}`;
      return p.statements.map((statement) => ({ who, principal: p, statement }));
    });
    const fromBucketPolicies = resourcesOf(json, 'aws_s3_bucket_policy').flatMap(([address, p]) =>
      (asList(parsePolicy(p.policy)?.Statement) as Json[]).map((statement) => ({
        who: `bucket policy ${address} (statement ${statement.Sid ?? 'without Sid'}, principal ${JSON.stringify(statement.Principal)})`,
        statement,
      })),
    );
    return [...fromPrincipals, ...fromBucketPolicies].map((g) => ({ ...g, resources: resolvedResourcesOf(g.statement, resolve) }));
  });

/**
 * No one can delete objects in an app's live bucket but the app's own role (or GeeseFS user) where its
 * storage deletes, and the app's restore role, whose deletes only add delete markers; no one can erase a
 * version there (DeleteObjectVersion), nor switch off what keeps versions. Every role, IAM user and bucket
 * policy of the stack is read.
 */
export function liveBucketDeleteProblems(json: TerraformJson, cluster: CloudCluster, apps: readonly CloudApp[]): string[] {
  const problems: string[] = [];
  // Only a grant that deletes or erases can break these rules.
  const grants = grantsOf(json).flatMap((g) => {
    const deletes = allows(g.statement, 's3:DeleteObject');
    const erases = VERSION_ERASING_ACTIONS.filter((a) => allows(g.statement, a));
    return deletes || erases.length > 0 ? [{ ...g, deletes, erases }] : [];
  });
  // A resource `arn:aws:s3:::<bucket>/…` (no wildcard before the slash) reaches that bucket's objects alone,
  // and never a bucket itself: a grant whose resources all look so matters only to the buckets they name.
  const named = new Map<string, number[]>();
  const unnamed: number[] = [];
  grants.forEach((g, i) => {
    const buckets = g.resources.map((r) => /^arn:aws:s3:::([^/*?]+)\//.exec(r)?.[1]);
    if (buckets.some((b) => b === undefined)) unnamed.push(i);
    else for (const b of new Set(buckets as string[])) (named.get(b) ?? named.set(b, []).get(b)!).push(i);
  });
  const running = new Map(apps.map((a) => [a.name, a]));
  for (const app of Object.keys(cluster.appData).sort()) {
    const bucket = bucketOf(cluster.name, app);
    const relevant = [...(named.get(bucket) ?? []), ...unnamed].sort((a, b) => a - b).map((i) => grants[i]);
    const spec = running.get(app);
    const mayDelete = (g: Grant): boolean =>
      spec !== undefined &&
      g.principal !== undefined &&
      ((isSessionOf(g.principal, appRoleOf(cluster.name, true), app) && storageDeletes(spec.storage)) ||
        (g.principal.kind === 'user' && g.principal.name === geesefsUserOf(cluster.name, app) && spec.storage?.driver === 'geesefs') ||
        // Every running app has a restore role, storage or not (backup-jobs.ts).
        isSessionOf(g.principal, restoreRoleOf(cluster.name), app));
    for (const g of relevant) {
      const objects = g.resources.some((r) => reachesObjects(r, bucket));
      const whole = g.resources.some((r) => covers(r, `arn:aws:s3:::${bucket}`));
      if (objects && g.deletes && !mayDelete(g)) {
        const own = g.principal !== undefined && [false, true].some((deletes) => isSessionOf(g.principal!, appRoleOf(cluster.name, deletes), app));
        problems.push(
          own
            ? `${g.who}: may delete objects in its live bucket ${bucket}, but the app's storage does not delete (Mountpoint without storage.allowDelete)`
            : `${g.who}: may delete objects in the live bucket ${bucket}; only the app's own role (where its storage deletes) and its restore role may`,
        );
      }
      const erasing = g.erases.filter((a) => (a === 's3:DeleteObjectVersion' ? objects : whole || objects));
      if (erasing.length > 0) {
        problems.push(
          `${g.who}: may ${erasing.join(', ')} in the live bucket ${bucket}: no one may erase its versions, which every delete there is undone from`,
        );
      }
    }
  }
  return problems;
}

/**
 * In the backup buckets, only the retention role of an app may delete, and only in that app's prefix of the
 * near bucket; every other delete is of restic's lock files (`<prefix>locks/`); no one may erase a version,
 * near or offsite.
 */
export function backupBucketDeleteProblems(json: TerraformJson, cluster: CloudCluster): string[] {
  const problems: string[] = [];
  const near = backupBucketOf(cluster.name);
  const owners = Object.keys(cluster.appData);
  const ownersBelow = ownersByPrefix(owners, near);
  for (const g of grantsOf(json)) {
    for (const bucket of [near, offsiteBackupBucketOf(cluster.name)]) {
      const reaching = g.resources.filter((r) => reachesObjects(r, bucket));
      if (reaching.length === 0) continue;
      if (allows(g.statement, 's3:DeleteObjectVersion')) {
        problems.push(`${g.who}: may s3:DeleteObjectVersion in the backup bucket ${bucket}: no one may erase the versions of the backups`);
      }
      if (!allows(g.statement, 's3:DeleteObject')) continue;
      for (const resource of reaching) {
        const candidates = bucket === near ? ownersBelow(resource) : [];
        const locksOnly = candidates.some((a) => onlyBelow(resource, bucket, `${backupPrefixOf(a)}${RESTIC_LOCKS}`));
        const pruning =
          bucket === near &&
          candidates.some(
            (a) => g.principal !== undefined && isSessionOf(g.principal, retentionRoleOf(cluster.name), a) && onlyBelow(resource, bucket, backupPrefixOf(a)),
          );
        if (!locksOnly && !pruning) {
          problems.push(
            `${g.who}: may delete ${resource} outside the lock files (locks/) in the backup bucket ${bucket}; only an app's retention role may, in its own prefix`,
          );
        }
      }
    }
  }
  return problems;
}

/**
 * The owners whose backup prefix of the bucket a resource could lie below: those whose prefix starts the
 * resource's literal part (before any wildcard), found by its slashes, not by a look at every owner.
 */
function ownersByPrefix(owners: readonly string[], bucket: string): (resource: string) => string[] {
  if (!owners.every((a) => backupPrefixOf(a).endsWith('/'))) return () => [...owners];
  const byPrefix = new Map<string, string[]>();
  for (const a of owners) byPrefix.set(backupPrefixOf(a), [...(byPrefix.get(backupPrefixOf(a)) ?? []), a]);
  const bucketArn = `arn:aws:s3:::${bucket}/`;
  return (resource) => {
    const literal = resource.split(/[*?]/)[0];
    if (!literal.startsWith(bucketArn)) return [];
    const key = literal.slice(bucketArn.length);
    const found: string[] = [];
    for (let end = key.indexOf('/'); end !== -1; end = key.indexOf('/', end + 1)) found.push(...(byPrefix.get(key.slice(0, end + 1)) ?? []));
    return found;
  };
}

/** Every rule about who may delete what, for one cluster's stack. */
export function dataDeletionProblems(json: TerraformJson, cluster: CloudCluster, apps: readonly CloudApp[]): string[] {
  return [...backupJobRoleProblems(json, cluster, apps), ...liveBucketDeleteProblems(json, cluster, apps), ...backupBucketDeleteProblems(json, cluster)];
}
