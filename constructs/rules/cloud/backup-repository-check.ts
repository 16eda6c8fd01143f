import { backupJobNameOf, type BackupJob } from '../../model/backup-job';
import type { ClusterSpec } from '../../model/cluster-spec';
import { backupBucketOf, backupJobRoleOf, backupJobServiceAccountOf, backupPrefixOf, namespaceOf } from '../../model/naming';
import { SpecProblem } from '../../model/spec-error';
import { describe, type KubeObject } from '../../model/kube-object';
import { REPOSITORY_LISTINGS, REPOSITORY_NEEDS } from '../../cloud/backup-job-identities';
import { principalsNamed } from '../../cloud/iam-principals';
import { sessionsByAccount } from '../../cloud/pod-identity-sessions';
import { allows, allowsListing } from '../../cloud/s3-grants';
import { asList, covers, entriesBy, ref, regionOf, withIndexes, type Json, type TerraformJson } from '../../cloud/terraform-json';

/** Every backup job of an app; `satisfies` makes tsc list a job added to BackupJob here too. */
const JOBS = Object.keys({ backup: 1, retention: 1, check: 1, restore: 1 } satisfies Record<BackupJob, 1>) as BackupJob[];
/** The repository form the backup jobs use: restic's S3 backend over HTTPS, `<endpoint>/<bucket>/<prefix>`. */
const S3_REPOSITORY = /^s3:https:\/\/([^/]+)\/([^/]+)\/(.+)$/;

/**
 * The cloud side against the backup jobs of one cluster. Every backup, retention, check and restore
 * CronJob of a running app sets RESTIC_REPOSITORY to the near backup bucket that the Terraform defines
 * (backupBucketOf), in the cluster's region, below the app's own prefix (backupPrefixOf); and the job runs
 * as the ServiceAccount of its kind (backupJobServiceAccountOf), which Pod Identity binds, alone, to the
 * shared role of that kind of job (backupJobRoleOf), whose session in the app's namespace may do there what
 * restic does for the job, its listings included (REPOSITORY_LISTINGS). A CronJob
 * that sets RESTIC_REPOSITORY but is no app's backup job is a problem too: nothing would check it.
 */
export function backupRepositoryProblems(
  json: TerraformJson,
  objects: readonly KubeObject[],
  cluster: Pick<ClusterSpec, 'name' | 'region'>,
  apps: readonly string[],
): string[] {
  return withIndexes(() => repositoryProblems(json, objects, cluster, apps));
}

function repositoryProblems(
  json: TerraformJson,
  objects: readonly KubeObject[],
  cluster: Pick<ClusterSpec, 'name' | 'region'>,
  apps: readonly string[],
): string[] {
  const problems: string[] = [];
  const nearName = backupBucketOf(cluster.name);
  const near = entriesBy(json, 'aws_s3_bucket', 'bucket').get(nearName)?.[0];
  const nearRegion = near && regionOf(json, near[1].provider);
  const endpoint = `s3.${cluster.region}.amazonaws.com`;
  const rolesNamed = principalsNamed(json, 'role');
  const byAccount = sessionsByAccount(json);
  // Each backup job's app and kind, by the job's namespace and name: the first app that has such a job.
  const jobsIn = new Map<string, Map<string, { readonly app: string; readonly job: BackupJob }>>();
  for (const app of apps) {
    const jobs = jobsIn.get(namespaceOf(app)) ?? jobsIn.set(namespaceOf(app), new Map()).get(namespaceOf(app))!;
    for (const job of JOBS) if (!jobs.has(backupJobNameOf(app, job))) jobs.set(backupJobNameOf(app, job), { app, job });
  }

  for (const cronJob of objects.filter((o) => o.kind === 'CronJob')) {
    const { name, namespace } = cronJob.metadata;
    const found = namespace === undefined ? undefined : jobsIn.get(namespace)?.get(name);
    const app = found?.app;
    const pod: Json = (cronJob.spec as Json)?.jobTemplate?.spec?.template?.spec ?? {};
    const settings = ((pod.containers ?? []) as Json[]).flatMap((c) =>
      ((c.env ?? []) as Json[])
        .filter((e) => e.name === 'RESTIC_REPOSITORY' || e.name === 'AWS_DEFAULT_REGION')
        .map((e) => ({ field: `${describe(cronJob)}: containers[${c.name}].env.${e.name}`, ...e })),
    );
    const repositories = settings.filter((e) => e.name === 'RESTIC_REPOSITORY');
    if (app === undefined) {
      const problem = `is set, but ${describe(cronJob)} is no backup job of a running app, so nothing checks which repository it writes`;
      for (const e of repositories) problems.push(new SpecProblem({ cluster: cluster.name }, e.field, e.value, problem).toString());
      continue;
    }
    const say = (field: string, value: unknown, problem: string) =>
      problems.push(new SpecProblem({ cluster: cluster.name, app }, field, value, problem).toString());
    if (repositories.length === 0) say(`${describe(cronJob)}: containers[*].env.RESTIC_REPOSITORY`, undefined, 'is not set: the job has no repository');
    for (const e of settings.filter((s) => s.name === 'AWS_DEFAULT_REGION' && s.value !== cluster.region)) {
      say(e.field, e.value ?? e.valueFrom, `must be the cluster's region ${cluster.region}`);
    }

    const prefix = backupPrefixOf(app);
    for (const e of repositories) {
      const [, host, bucket, path] = S3_REPOSITORY.exec(typeof e.value === 'string' ? e.value : '') ?? [];
      if (host === undefined) {
        say(e.field, e.value ?? e.valueFrom, `must be a plain value of the form s3:https://${endpoint}/${nearName}/${prefix.replace(/\/$/, '')}`);
        continue;
      }
      if (host !== endpoint) say(e.field, e.value, `talks to ${host}, not to ${endpoint}, the S3 endpoint of the cluster's region ${cluster.region}`);
      if (bucket !== nearName) say(e.field, e.value, `names bucket "${bucket}", not the near backup bucket "${nearName}"`);
      else if (!near) say(e.field, e.value, `names bucket "${bucket}", which the Terraform does not define`);
      else if (nearRegion !== cluster.region) {
        say(e.field, e.value, `names bucket "${bucket}", which the Terraform puts in ${nearRegion}, not in the cluster's region ${cluster.region}`);
      }
      if (`${path.replace(/\/$/, '')}/` !== prefix) say(e.field, e.value, `names prefix "${path}", not the app's backup prefix "${prefix}"`);
    }
    if (!near || repositories.length === 0) continue;

    // The job's ServiceAccount is the one of its kind, bound to exactly its role, whose session there does what the job does.
    const job = found!.job;
    const roleName = backupJobRoleOf(cluster.name, job);
    const account = `${namespace}/${pod.serviceAccountName}`;
    const accountField = `${describe(cronJob)}: spec.jobTemplate.spec.template.spec.serviceAccountName`;
    if (pod.serviceAccountName !== backupJobServiceAccountOf(app, job)) {
      say(accountField, pod.serviceAccountName, `the ${job} job must run as ${backupJobServiceAccountOf(app, job)}, the account of its role ${roleName}`);
    }
    if (!rolesNamed.has(roleName)) {
      say(accountField, pod.serviceAccountName, `the Terraform has no ${job} job role ${roleName}`);
      continue;
    }
    const sessions = byAccount.get(account) ?? [];
    if (sessions.length !== 1 || sessions[0].name !== roleName) {
      const bound = sessions.map((s) => s.name).join(', ') || 'no role';
      say(accountField, pod.serviceAccountName, `Pod Identity binds ${account} to ${bound}, not to exactly the role ${roleName}`);
      continue;
    }
    const [role] = sessions;
    const arn = ref('aws_s3_bucket', near[0], 'arn');
    for (const [action, key] of REPOSITORY_NEEDS[job]) {
      const target = `${arn}/${prefix}${key}`;
      if (!role.statements.some((s) => allows(s, action) && (asList(s.Resource) as string[]).some((r) => covers(r, target)))) {
        say(
          `${describe(cronJob)}: RESTIC_REPOSITORY`,
          repositories[0].value,
          `the ${job} job's role ${role.name} may not ${action} ${nearName}/${prefix}${key}, which restic does for it`,
        );
      }
    }
    for (const key of REPOSITORY_LISTINGS[job]) {
      if (!role.statements.some((s) => allowsListing(s, arn, `${prefix}${key}`))) {
        say(
          `${describe(cronJob)}: RESTIC_REPOSITORY`,
          repositories[0].value,
          key === 'config'
            ? `the ${job} job's role ${role.name} may not s3:ListBucket ${nearName} with s3:prefix "${prefix}${key}": S3 would answer 403, not 404, for the missing config of a new repository, and restic init would fail on every run`
            : `the ${job} job's role ${role.name} may not s3:ListBucket ${nearName} with s3:prefix "${prefix}${key}", which restic does for it`,
        );
      }
    }
  }
  return problems;
}
