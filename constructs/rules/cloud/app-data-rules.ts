import type { CloudCluster } from '../../model/cloud-input';
import { appRoleOf, backupBucketOf, bucketOf, geesefsUserOf, namespaceOf, serviceAccountOf } from '../../model/naming';
import type { CloudApp } from '../../model/cloud-input';
import { GEESEFS_KEYS_DOC } from '../../cloud/geesefs-user';
import { podIdentityProblems, principalsNamed, rolesOf, staticKeyUserProblems, usersOf, type PrincipalView } from '../../cloud/iam-principals';
import { addressBy, asList, entriesBy, ref, resourcesOf, type Json, type TerraformJson } from '../../cloud/terraform-json';

const isAllowS3 = (s: Json): boolean => s.Effect === 'Allow' && (asList(s.Action) as string[]).some((a) => a === '*' || a.startsWith('s3:'));
const isAllowKms = (s: Json): boolean => s.Effect === 'Allow' && (asList(s.Action) as string[]).some((a) => a === '*' || a.startsWith('kms:'));

/**
 * One bucket per app in the data ledger, named by bucketOf. Each running app has an app role (appRoleOf)
 * bound to namespaceOf/serviceAccountOf, and each running GeeseFS app an IAM user (geesefsUserOf) for its
 * static keys: both reach only the app's own bucket and never the backups (only the backup job roles do:
 * backup-job-rules.ts). Retired apps keep their bucket and lose their roles and user. No access key is made
 * by Terraform.
 */
export function appDataProblems(json: TerraformJson, cluster: CloudCluster, apps: readonly CloudApp[]): string[] {
  const problems: string[] = [];
  const bucketsNamed = entriesBy(json, 'aws_s3_bucket', 'bucket');
  const roles = rolesOf(json);
  const users = usersOf(json);
  const rolesNamed = principalsNamed(json, 'role');
  const usersNamed = principalsNamed(json, 'user');
  const running = new Map(apps.map((a) => [a.name, a]));
  const backupBucket = addressBy(json, 'aws_s3_bucket', 'bucket', backupBucketOf(cluster.name));
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
        if (inBackupBucket(resource)) say(`reaches the backup bucket (${resource}): only its backup job roles may, so that the app cannot delete its backups`);
        else if (resource !== bucketArn && resource !== `${bucketArn}/*`) say(`reaches ${resource}, beyond its own bucket`);
      }
    }
    if (principal.statements.filter(isAllowKms).some((s) => asList(s.Resource).some((r) => r === '*' || r === backupKeyArn))) say('may use the backup key');
  };

  for (const app of Object.keys(cluster.appData).sort()) {
    const say = (problem: string) => problems.push(`app ${app}: ${problem}`);
    const mine = bucketsNamed.get(bucketOf(cluster.name, app)) ?? [];
    if (mine.length !== 1) {
      say(`has ${mine.length} buckets named ${bucketOf(cluster.name, app)}, not 1`);
      continue;
    }
    const [bucketAddress] = mine[0];
    const bucketArn = ref('aws_s3_bucket', bucketAddress, 'arn');

    const appRoles = rolesNamed.get(appRoleOf(cluster.name, app)) ?? [];
    const appUsers = usersNamed.get(geesefsUserOf(cluster.name, app)) ?? [];
    const spec = running.get(app);
    if (!spec) {
      if (appRoles.length > 0) say('is retired but still has a role');
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
  }

  const owners = Object.keys(cluster.appData);
  const ownedRoles = new Set(owners.map((a) => appRoleOf(cluster.name, a)));
  const ownedUsers = new Set(owners.map((a) => geesefsUserOf(cluster.name, a)));
  for (const { name } of roles) {
    if (typeof name !== 'string' || !name.startsWith(`${cluster.name}-`)) continue;
    if (!ownedRoles.has(name) && name.endsWith('-app')) problems.push(`role ${name} looks like an app role, but no app in the data ledger owns it`);
  }
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
