import { backupJobServiceAccountOf, namespaceOf, serviceAccountOf } from '../../model/naming';
import type { KubeObject } from '../../model/kube-object';
import { ADD_ON_IDENTITIES, addOnPodIdentityAddressOf } from '../../cloud/add-on-identities';
import { autoscalerOwnerTagOf } from '../../cloud/add-on-policies';
import { resourcesOf, type TerraformJson } from '../../cloud/terraform-json';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const ADD_ON_ASSOCIATIONS = new Set(ADD_ON_IDENTITIES.map((i) => addOnPodIdentityAddressOf(i.addOn)));

/**
 * The cloud side against the app YAML of one cluster. Every Pod Identity association of an app or of its
 * backup jobs names a ServiceAccount that the synthesized YAML really contains; each running app's
 * ServiceAccount, and each backup job ServiceAccount (backup, check, retention, restore) the YAML
 * contains, has exactly one association. The
 * add-ons' associations name ServiceAccounts that their Helm charts create: addOnIdentityProblems checks
 * those against the HelmReleases.
 */
export function crossCheckProblems(json: TerraformJson, objects: readonly KubeObject[], apps: readonly string[]): string[] {
  const problems: string[] = [];
  const accounts = new Set(objects.filter((o) => o.kind === 'ServiceAccount').map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
  const associations = resourcesOf(json, 'aws_eks_pod_identity_association')
    .filter(([address]) => !ADD_ON_ASSOCIATIONS.has(address))
    .map(([, a]) => `${a.namespace}/${a.service_account}`);
  const countOf = new Map<string, number>();
  for (const association of associations) countOf.set(association, (countOf.get(association) ?? 0) + 1);
  for (const association of associations) {
    if (!accounts.has(association)) problems.push(`Pod Identity association ${association}: the Kubernetes YAML has no such ServiceAccount`);
  }
  for (const app of apps) {
    const key = `${namespaceOf(app)}/${serviceAccountOf(app)}`;
    const count = countOf.get(key) ?? 0;
    if (!accounts.has(key)) problems.push(`app ${app}: the Kubernetes YAML has no ServiceAccount ${key}`);
    if (count !== 1) problems.push(`app ${app}: ServiceAccount ${key} has ${count} Pod Identity associations, not 1`);

    for (const job of new Set((['backup', 'check', 'retention', 'restore'] as const).map((j) => backupJobServiceAccountOf(app, j)))) {
      const jobAccount = `${namespaceOf(app)}/${job}`;
      const jobCount = countOf.get(jobAccount) ?? 0;
      if (accounts.has(jobAccount) && jobCount !== 1)
        problems.push(`app ${app}: backup job ServiceAccount ${jobAccount} has ${jobCount} Pod Identity associations, not 1`);
    }
  }
  return problems;
}

const at = (values: Json, path: readonly string[]): Json => path.reduce((v, key) => v?.[key], values);

/**
 * The cloud side against the platform YAML of one cluster: each add-on's Pod Identity association names
 * the namespace and ServiceAccount that the add-on's HelmRelease really installs (its target namespace
 * and the ServiceAccount its chart values create), and an add-on installed without an association, or an
 * association without its add-on, is a problem. cluster-autoscaler must discover the node groups of the
 * cluster whose tag its role may scale.
 */
export function addOnIdentityProblems(json: TerraformJson, objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  const associations = json.resource?.aws_eks_pod_identity_association ?? {};
  const releases = objects.filter((o) => o.kind === 'HelmRelease') as Json[];
  for (const { addOn, serviceAccountValues } of ADD_ON_IDENTITIES) {
    const say = (problem: string) => problems.push(`add-on ${addOn}: ${problem}`);
    const release = releases.find((r) => r.metadata.name === addOn);
    const association = associations[addOnPodIdentityAddressOf(addOn)];
    if (!release && !association) continue;
    if (!release) {
      say(`Pod Identity binds ${association.namespace}/${association.service_account}, but the Kubernetes YAML has no HelmRelease ${addOn}`);
      continue;
    }

    const values = release.spec?.values ?? {};
    const account = at(values, serviceAccountValues);
    const installed = `${release.spec?.targetNamespace}/${account?.name}`;
    if (account?.create !== true) say(`its HelmRelease does not create its ServiceAccount (${serviceAccountValues.join('.')}.create is not true)`);
    if (!association) {
      say(`its HelmRelease installs ServiceAccount ${installed}, but no Pod Identity association binds it`);
      continue;
    }
    const bound = `${association.namespace}/${association.service_account}`;
    if (bound !== installed) say(`Pod Identity binds ${bound}, but its HelmRelease installs ServiceAccount ${installed}`);

    if (addOn === 'cluster-autoscaler') {
      const discovered = values.autoDiscovery?.clusterName;
      const scalable = policyTagsOf(json, association.role_arn);
      if (!scalable.includes(autoscalerOwnerTagOf(discovered))) {
        say(
          `autoDiscovery.clusterName is ${JSON.stringify(discovered)}, but its role may scale only Auto Scaling groups tagged ${scalable.join(', ') || '(none)'}`,
        );
      }
    }
  }
  return problems;
}

/** The `aws:ResourceTag/<key>` keys that the conditions of one role's inline policies test. */
function policyTagsOf(json: TerraformJson, roleArn: string): string[] {
  const roleName = String(roleArn).replace(/\.arn\}$/, '.name}');
  return resourcesOf(json, 'aws_iam_role_policy')
    .filter(([, p]) => p.role === roleName)
    .flatMap(([, p]) => JSON.parse(p.policy).Statement as Json[])
    .flatMap((s) => Object.keys(s.Condition?.StringEquals ?? {}))
    .filter((key) => key.startsWith('aws:ResourceTag/'))
    .map((key) => key.slice('aws:ResourceTag/'.length));
}

/**
 * The access entries against the RBAC of one cluster: every group an access entry puts someone in is the
 * Group subject of some RoleBinding or ClusterRoleBinding in the YAML, so no entry points at a group that
 * grants nothing (or that someone could bind later without the access model noticing). The other way, a
 * bound group that no entry reaches (an app with no viewers yet), is normal: access.md shows it as
 * "(nobody)".
 */
export function accessEntryGroupProblems(json: TerraformJson, objects: readonly KubeObject[]): string[] {
  const bound = new Set(
    objects
      .filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')
      .flatMap((o) => ((o as Json).subjects ?? []) as Json[])
      .filter((s) => s.kind === 'Group')
      .map((s) => s.name as string),
  );
  const problems: string[] = [];
  for (const [address, entry] of resourcesOf(json, 'aws_eks_access_entry')) {
    for (const group of (entry.kubernetes_groups ?? []) as string[]) {
      if (!bound.has(group))
        problems.push(
          `EKS access entry ${address}: puts ${entry.principal_arn} in group ${group}, which no RoleBinding or ClusterRoleBinding in the Kubernetes YAML binds`,
        );
    }
  }
  return problems;
}
