import { BACKUP_LOCK, backupLockRoleOf, retentionCapDaysOf } from '../../model/backup-lock';
import { cloudSettingsOf } from '../../model/cluster-spec';
import type { CloudCluster } from '../../model/cloud-input';
import { offsiteBackupBucketOf } from '../../model/naming';
import { BACKUP_LOCK_ACTIONS, OBJECT_LOCK_MODE_KEY, REMAINING_RETENTION_DAYS } from '../../cloud/backup-lock-policy';
import { podIdentityProblems, rolesOf } from '../../cloud/iam-principals';
import { actingPrincipalsOf } from '../../cloud/pod-identity-sessions';
import { allows, bucketArnResolver, reachesObjects, resolvedResourcesOf } from '../../cloud/s3-grants';
import { asList, type Json, type TerraformJson } from '../../cloud/terraform-json';

/** What only the renewal may do in the offsite bucket: set a retention, and (no one) bypass a GOVERNANCE lock. */
const RETENTION_ACTIONS = ['s3:PutObjectRetention', 's3:BypassGovernanceRetention'];

/**
 * The offsite lock renewal (docs/restore.md): one role, bound by Pod Identity to its ServiceAccount only,
 * that may list the offsite bucket and set the retention of its objects, nothing else: in the bucket's own
 * mode, and for at most objectLockDays + 1 days (s3:object-lock-remaining-retention-days), so that a misused
 * role cannot lock backups for years. No other role or IAM user may set a retention there, or bypass one.
 */
export function backupLockProblems(json: TerraformJson, cluster: CloudCluster): string[] {
  const problems: string[] = [];
  const say = (problem: string) => problems.push(`offsite lock renewal: ${problem}`);
  const vault = cloudSettingsOf(cluster).backupVault;
  const offsite = offsiteBackupBucketOf(cluster.name);
  const bucketArn = `arn:aws:s3:::${offsite}`;
  const roleName = backupLockRoleOf(cluster.name);
  const resolve = bucketArnResolver(json);
  const cap = retentionCapDaysOf(vault.objectLockDays);

  const mine = rolesOf(json).filter((r) => r.name === roleName);
  if (mine.length !== 1) {
    say(`has ${mine.length} roles named ${roleName}, not 1: the current backups' locks would run out unrenewed`);
  } else {
    const role = mine[0];
    podIdentityProblems(json, role, BACKUP_LOCK.namespace, BACKUP_LOCK.serviceAccount, (p) => say(`its role ${p}`));
    const granted = new Set<string>();
    for (const s of role.statements as Json[]) {
      if (s.Effect !== 'Allow') continue;
      const sid = `statement ${s.Sid ?? 'without Sid'}`;
      if (s.NotAction !== undefined || s.NotResource !== undefined) {
        say(`its role's ${sid} uses NotAction or NotResource, which grant what they do not name`);
        continue;
      }
      const resources = resolvedResourcesOf(s, resolve);
      for (const action of asList(s.Action) as string[]) {
        if (action === BACKUP_LOCK_ACTIONS.list) {
          granted.add(action);
          for (const r of resources.filter((r) => r !== bucketArn)) say(`its role may list ${r}; only the offsite bucket ${offsite}`);
        } else if (action === BACKUP_LOCK_ACTIONS.renew) {
          granted.add(action);
          for (const r of resources.filter((r) => r !== `${bucketArn}/*`)) say(`its role may set the retention of ${r}; only of the objects of ${offsite}`);
          const caps = asList(s.Condition?.NumericLessThanEquals?.[REMAINING_RETENTION_DAYS]).map(Number);
          if (caps.length === 0 || caps.some((days) => !(days <= cap))) {
            say(
              `its role's ${sid} may lock objects for more than ${cap} days (objectLockDays ${vault.objectLockDays} + 1): ` +
                `it needs NumericLessThanEquals ${REMAINING_RETENTION_DAYS} <= ${cap}`,
            );
          }
          const modes = asList(s.Condition?.StringEquals?.[OBJECT_LOCK_MODE_KEY]);
          if (modes.length !== 1 || modes[0] !== vault.objectLockMode) {
            say(`its role's ${sid} may set another retention mode than the bucket's ${vault.objectLockMode} (StringEquals ${OBJECT_LOCK_MODE_KEY})`);
          }
        } else {
          say(`its role may ${action}; it may only ${BACKUP_LOCK_ACTIONS.list} and ${BACKUP_LOCK_ACTIONS.renew}`);
        }
      }
    }
    for (const action of Object.values(BACKUP_LOCK_ACTIONS).filter((a) => !granted.has(a))) say(`its role may not ${action}, which the job needs`);
  }

  // Each shared role as it acts in each namespace (pod-identity-sessions.ts).
  for (const principal of actingPrincipalsOf(json)) {
    if (principal.kind === 'role' && principal.name === roleName) continue;
    for (const s of principal.statements as Json[]) {
      const reaching = resolvedResourcesOf(s, resolve).some((r) => reachesObjects(r, offsite));
      for (const action of RETENTION_ACTIONS.filter((a) => reaching && allows(s, a))) {
        say(
          `${principal.kind === 'role' ? 'role' : 'IAM user'} ${principal.name} may ${action} in ${offsite}; only the renewal's role may set a retention there`,
        );
      }
    }
  }
  return problems;
}
