import type { ClusterSpec } from '../model/cluster-spec';
import { appRoleOf, backupBucketOf, backupPrefixOf, backupRoleOf, backupServiceAccountOf, bucketOf, namespaceOf, serviceAccountOf } from '../model/naming';
import type { ResolvedApp } from '../model/resolve';
import { GEESEFS_KEYS_DOC, geesefsUserOf } from './geesefs-user';
import { podIdentityProblems, rolesOf, staticKeyUserProblems, usersOf, type PrincipalView } from './iam-principals';
import { asList, first, grants, ref, resourcesOf, settingsOf, type Json, type TerraformJson } from './terraform-json';

const isAllowS3 = (s: Json): boolean => s.Effect === 'Allow' && (asList(s.Action) as string[]).some((a) => a === '*' || a.startsWith('s3:'));
const isAllowKms = (s: Json): boolean => s.Effect === 'Allow' && (asList(s.Action) as string[]).some((a) => a === '*' || a.startsWith('kms:'));
/** Rights that would let the backup role erase the versions that make its deletes recoverable. */
const VERSION_ERASING_ACTIONS = ['s3:DeleteObjectVersion', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration'];

/**
 * One bucket per app in the data ledger, named by bucketOf. Each running app has an app role (appRoleOf)
 * bound to namespaceOf/serviceAccountOf, and each running GeeseFS app an IAM user (geesefsUserOf) for its
 * static keys: both reach only the app's own bucket and never the backups. Each running app with storage
 * has a backup role (backupRoleOf) bound to namespaceOf/backupServiceAccountOf that reaches its bucket and
 * only its own prefix of the backup bucket; it may delete in the bucket (an in-place restore replaces
 * files) only while the bucket is versioned, and may never erase versions. Retired apps keep their bucket
 * and lose their roles and user. No access key is made by Terraform.
 */
export function appDataProblems(json: TerraformJson, cluster: ClusterSpec, apps: readonly ResolvedApp[]): string[] {
  const problems: string[] = [];
  const buckets = resourcesOf(json, 'aws_s3_bucket');
  const roles = rolesOf(json);
  const users = usersOf(json);
  const running = new Map(apps.map((a) => [a.name, a]));
  const backupBucket = buckets.find(([, b]) => b.bucket === backupBucketOf(cluster.name))?.[0];
  const backupArn = backupBucket ? ref('aws_s3_bucket', backupBucket, 'arn') : undefined;
  const backupKeyArn = ref('aws_kms_key', 'backup_near_key', 'arn');
  const inBackupBucket = (resource: string) => backupArn !== undefined && (resource === backupArn || resource.startsWith(`${backupArn}/`));

  /** What the app's own principals (its role, its GeeseFS user) may reach: its bucket, nothing else. */
  const ownBucketOnly = (principal: PrincipalView, bucketArn: string, say: (problem: string) => void) => {
    for (const s of principal.statements.filter((st) => st.Effect === 'Allow' && (st.NotAction !== undefined || st.NotResource !== undefined))) {
      say(`has an Allow statement with NotAction or NotResource (${s.Sid ?? 'no Sid'}), which reaches more than it names`);
    }
    for (const s of principal.statements.filter(isAllowS3)) {
      for (const resource of asList(s.Resource) as string[]) {
        if (inBackupBucket(resource)) say(`reaches the backup bucket (${resource}): only its backup role may, so that the app cannot delete its backups`);
        else if (resource !== bucketArn && resource !== `${bucketArn}/*`) say(`reaches ${resource}, beyond its own bucket`);
      }
    }
    if (principal.statements.filter(isAllowKms).some((s) => asList(s.Resource).some((r) => r === '*' || r === backupKeyArn))) say('may use the backup key');
  };

  for (const app of Object.keys(cluster.appData).sort()) {
    const say = (problem: string) => problems.push(`app ${app}: ${problem}`);
    const mine = buckets.filter(([, b]) => b.bucket === bucketOf(cluster.name, app));
    if (mine.length !== 1) {
      say(`has ${mine.length} buckets named ${bucketOf(cluster.name, app)}, not 1`);
      continue;
    }
    const [bucketAddress, bucket] = mine[0];
    const bucketArn = ref('aws_s3_bucket', bucketAddress, 'arn');

    const appRoles = roles.filter((r) => r.name === appRoleOf(cluster.name, app));
    const backupRoles = roles.filter((r) => r.name === backupRoleOf(cluster.name, app));
    const appUsers = users.filter((u) => u.name === geesefsUserOf(cluster.name, app));
    const spec = running.get(app);
    if (!spec) {
      if (appRoles.length > 0) say('is retired but still has a role');
      if (backupRoles.length > 0) say('is retired but still has a backup role');
      if (appUsers.length > 0) say('is retired but still has a GeeseFS user');
      continue;
    }

    if (appRoles.length !== 1) {
      say(`has ${appRoles.length} roles named ${appRoleOf(cluster.name, app)}, not 1`);
    } else {
      podIdentityProblems(json, appRoles[0], namespaceOf(app), serviceAccountOf(app), (p) => say(`its app role ${p}`));
      ownBucketOnly(appRoles[0], bucketArn, (p) => say(`its app role ${p}`));
    }

    if (spec.storage?.driver === 'geesefs') {
      if (appUsers.length !== 1) {
        say(
          `mounts its bucket with GeeseFS but has ${appUsers.length} IAM users named ${geesefsUserOf(cluster.name, app)}, not 1: k8s-csi-s3 needs its static key`,
        );
      } else {
        staticKeyUserProblems(json, appUsers[0], (p) => say(`its GeeseFS user ${p}`));
        ownBucketOnly(appUsers[0], bucketArn, (p) => say(`its GeeseFS user ${p}`));
      }
    } else if (appUsers.length > 0) {
      say(
        `has an IAM user ${geesefsUserOf(cluster.name, app)} but storage.driver is ${JSON.stringify(spec.storage?.driver ?? null)}: only GeeseFS needs static keys`,
      );
    }

    if (!spec.storage) {
      if (backupRoles.length > 0) say('has a backup role but no storage to back up');
      continue;
    }
    if (backupRoles.length !== 1) {
      say(`has ${backupRoles.length} backup roles named ${backupRoleOf(cluster.name, app)}, not 1: every app with storage is backed up`);
      continue;
    }
    const [role] = backupRoles;
    podIdentityProblems(json, role, namespaceOf(app), backupServiceAccountOf(app), (p) => say(`its backup role ${p}`));
    const prefix = backupPrefixOf(app);
    const allowed = (resource: string, s: Json): boolean => {
      if (resource === bucketArn || resource === `${bucketArn}/*` || resource === `${backupArn}/${prefix}*`) return true;
      if (resource !== backupArn) return false;
      if ((asList(s.Action) as string[]).every((a) => a === 's3:GetBucketLocation')) return true;
      const prefixes = asList(s.Condition?.StringLike?.['s3:prefix']);
      return prefixes.length > 0 && prefixes.every((p) => typeof p === 'string' && p.startsWith(prefix));
    };
    let deletesData = false;
    for (const s of role.statements.filter(isAllowS3)) {
      const resources = asList(s.Resource) as string[];
      for (const resource of resources.filter((r) => !allowed(r, s))) say(`its backup role reaches ${resource}, beyond its own bucket and backup prefix`);
      if (!resources.some((r) => r === bucketArn || r === `${bucketArn}/*`)) continue;
      const erasing = VERSION_ERASING_ACTIONS.filter((action) => grants(s, [action]));
      if (erasing.length > 0)
        say(`its backup role may ${erasing.join(', ')} in the app's bucket: that would erase the versions a restore's deletes are recovered from`);
      if (resources.includes(`${bucketArn}/*`) && grants(s, ['s3:DeleteObject'])) deletesData = true;
    }
    // An in-place restore deletes (tar unlinks a file before writing it again): only versioning makes that undoable.
    const versioning = settingsOf(json, 'aws_s3_bucket_versioning', bucketAddress);
    const status = versioning.length === 1 ? first(versioning[0].versioning_configuration)?.status : undefined;
    if (deletesData && status !== 'Enabled') {
      const found =
        versioning.length === 1 ? `its versioning status is ${JSON.stringify(status)}` : `it has ${versioning.length} aws_s3_bucket_versioning resources`;
      say(
        `its backup role may delete in bucket ${bucket.bucket} (an in-place restore replaces files), but ${found}, not one with status "Enabled": those deletes could not be undone`,
      );
    }
  }

  const owners = Object.keys(cluster.appData);
  for (const { name } of roles) {
    if (typeof name !== 'string' || !name.startsWith(`${cluster.name}-`)) continue;
    const owner = owners.find((a) => name === appRoleOf(cluster.name, a) || name === backupRoleOf(cluster.name, a));
    if (owner === undefined && name.endsWith('-app')) problems.push(`role ${name} looks like an app role, but no app in the data ledger owns it`);
    if (owner === undefined && name.endsWith('-backup')) problems.push(`role ${name} looks like a backup role, but no app in the data ledger owns it`);
  }
  for (const { name } of users) {
    if (!owners.some((a) => name === geesefsUserOf(cluster.name, a))) {
      problems.push(`IAM user ${name}: no app in the data ledger owns it; the stack makes IAM users only for GeeseFS apps`);
    }
  }
  for (const [address, key] of resourcesOf(json, 'aws_iam_access_key')) {
    problems.push(`access key ${address} (user ${key.user}): Terraform would keep its secret in the state; an operator makes keys (${GEESEFS_KEYS_DOC})`);
  }
  return problems;
}
