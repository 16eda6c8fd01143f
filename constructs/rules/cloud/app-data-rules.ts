import type { CloudCluster } from '../../model/cloud-input';
import { appRoleOf, backupBucketOf, bucketOf, geesefsUserOf, namespaceOf, serviceAccountOf } from '../../model/naming';
import type { CloudApp } from '../../model/cloud-input';
import { GEESEFS_KEYS_DOC } from '../../cloud/geesefs-user';
import { storageDeletes } from '../../cloud/app-role';
import { principalsNamed, rolesOf, staticKeyUserProblems, usersOf, type PrincipalView } from '../../cloud/iam-principals';
import { sessionOf, sessionsByAccount, sessionsOf } from '../../cloud/pod-identity-sessions';
import { bucketArnResolver } from '../../cloud/s3-grants';
import { asList, entriesBy, ref, resourcesOf, type Json, type TerraformJson } from '../../cloud/terraform-json';
import { NO_APP_NAMESPACE, sharedRoleProblems } from './shared-role-rules';

const isAllowS3 = (s: Json): boolean => s.Effect === 'Allow' && (asList(s.Action) as string[]).some((a) => a === '*' || a.startsWith('s3:'));
const isAllowKms = (s: Json): boolean => s.Effect === 'Allow' && (asList(s.Action) as string[]).some((a) => a === '*' || a.startsWith('kms:'));

/**
 * One bucket per app in the data ledger, named by bucketOf. Each running app's ServiceAccount (namespaceOf/
 * serviceAccountOf) has one Pod Identity association, to the shared app role of its storage (appRoleOf), and each
 * running GeeseFS app an IAM user (geesefsUserOf) for its static keys: the role's session in the app's namespace,
 * and the user, reach only the app's own bucket and never the backups (only the backup job roles do:
 * backup-job-rules.ts). The role's session in a namespace that is no app's reaches no bucket at all. Retired apps
 * keep their bucket and lose their associations and user. No access key is made by Terraform.
 */
export function appDataProblems(json: TerraformJson, cluster: CloudCluster, apps: readonly CloudApp[]): string[] {
  const problems: string[] = [];
  const bucketsNamed = entriesBy(json, 'aws_s3_bucket', 'bucket');
  const users = usersOf(json);
  const usersNamed = principalsNamed(json, 'user');
  const byAccount = sessionsByAccount(json);
  const running = new Map(apps.map((a) => [a.name, a]));
  const runningIn = new Map(apps.map((a) => [namespaceOf(a.name), a]));
  const resolve = bucketArnResolver(json);
  const backupArn = `arn:aws:s3:::${backupBucketOf(cluster.name)}`;
  const backupKeyArn = ref('aws_kms_key', 'backup_near_key', 'arn');
  const inBackupBucket = (resource: string) => resource === backupArn || resource.startsWith(`${backupArn}/`);

  /** What the app's own principals (its role's session, its GeeseFS user) may reach: its bucket, nothing else. */
  const ownBucketOnly = (principal: PrincipalView, bucketArn: string, say: (problem: string) => void) => {
    for (const s of principal.statements.filter((st) => st.Effect === 'Allow' && (st.NotAction !== undefined || st.NotResource !== undefined))) {
      say(`has an Allow statement with NotAction or NotResource (${s.Sid ?? 'no Sid'}), which reaches more than it names`);
    }
    for (const s of principal.statements.filter(isAllowS3)) {
      for (const resource of (asList(s.Resource) as string[]).map(resolve)) {
        if (inBackupBucket(resource)) say(`reaches the backup bucket (${resource}): only its backup job roles may, so that the app cannot delete its backups`);
        else if (resource !== bucketArn && resource !== `${bucketArn}/*`) say(`reaches ${resource}, beyond its own bucket`);
      }
    }
    if (principal.statements.filter(isAllowKms).some((s) => asList(s.Resource).some((r) => r === '*' || r === backupKeyArn))) say('may use the backup key');
  };

  const appRoleNames = new Set([false, true].map((deletes) => appRoleOf(cluster.name, deletes)));
  for (const app of Object.keys(cluster.appData).sort()) {
    const say = (problem: string) => problems.push(`app ${app}: ${problem}`);
    const mine = bucketsNamed.get(bucketOf(cluster.name, app)) ?? [];
    if (mine.length !== 1) {
      say(`has ${mine.length} buckets named ${bucketOf(cluster.name, app)}, not 1`);
      continue;
    }
    const bucketArn = `arn:aws:s3:::${bucketOf(cluster.name, app)}`;

    const account = `${namespaceOf(app)}/${serviceAccountOf(app)}`;
    const sessions = byAccount.get(account) ?? [];
    const appUsers = usersNamed.get(geesefsUserOf(cluster.name, app)) ?? [];
    const spec = running.get(app);
    if (!spec) {
      if (sessions.length > 0) say(`is retired but ${account} still has the role ${sessions.map((s) => s.name).join(', ')}`);
      if (appUsers.length > 0) say('is retired but still has a GeeseFS user');
      continue;
    }

    const roleName = appRoleOf(cluster.name, storageDeletes(spec.storage));
    if (sessions.length !== 1 || sessions[0].name !== roleName) {
      say(`${account} has the roles [${sessions.map((s) => s.name).join(', ')}] through Pod Identity, not exactly ${roleName}, the app role of its storage`);
    } else {
      const sayRole = (p: string) => say(`its app role ${roleName} ${p}`);
      sharedRoleProblems(json, sessions[0], cluster.name, sayRole);
      ownBucketOnly(sessions[0], bucketArn, sayRole);
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
  }

  // From the roles' side: each app role is handed to running apps' ServiceAccounts only, and reaches no bucket in a namespace that is no app's.
  for (const role of rolesOf(json).filter((r) => appRoleNames.has(r.name as string))) {
    const say = (problem: string) => problems.push(`role ${role.name}: ${problem}`);
    for (const session of sessionsOf(json).filter((s) => s.address === role.address)) {
      const app = runningIn.get(session.namespace);
      if (!app || session.namespace !== namespaceOf(app.name) || session.serviceAccount !== serviceAccountOf(app.name)) {
        say(`is associated with ${session.namespace}/${session.serviceAccount}, which is no running app's ServiceAccount`);
      }
    }
    const elsewhere = sessionOf(role, NO_APP_NAMESPACE, serviceAccountOf(NO_APP_NAMESPACE));
    ownBucketOnly(elsewhere, `arn:aws:s3:::${bucketOf(cluster.name, NO_APP_NAMESPACE)}`, (p) => say(`in a namespace that is no app's ${p}`));
  }

  const owners = Object.keys(cluster.appData);
  const ownedUsers = new Set(owners.map((a) => geesefsUserOf(cluster.name, a)));
  for (const { name } of users) {
    if (!ownedUsers.has(name)) {
      problems.push(`IAM user ${name}: no app in the data ledger owns it; the stack makes IAM users only for GeeseFS apps`);
    }
  }
  for (const [address, key] of resourcesOf(json, 'aws_iam_access_key')) {
    problems.push(`access key ${address} (user ${key.user}): Terraform would keep its secret in the state; an operator makes keys (${GEESEFS_KEYS_DOC})`);
  }
  return problems;
}
