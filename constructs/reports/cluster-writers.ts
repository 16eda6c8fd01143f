import { FLUX_CONTROL_OBJECTS, FLUX_CONTROLLERS, FLUX_INSTALL_GRANTS } from '../gitops/flux-install';
import { BREAK_GLASS_GROUP } from '../model/access-spec';
import { FLUX_NAMESPACE, namespaceOf } from '../model/naming';
import type { AddOn } from '../platform/add-on';
import type { KubeObject } from '../model/kube-object';
import { RECONCILE_ONLY_GROUPS } from '../access/flux-reconcile-guard';
import { allowedAccountsOf } from '../access/service-account-guard';
import { clusterWritePathsOf, describeSubject, type ClusterFacts, type WritePath } from '../access/rbac-evaluator';

/** The namespace of Kubernetes' and EKS's own controllers. */
const SYSTEM_NAMESPACE = 'kube-system';

/**
 * What the paths must know beyond the output: Flux's install, where privileged controllers run, the
 * guard that holds the operators to reconciling Flux's objects, and the one that keeps each app
 * namespace's pods on that app's accounts.
 */
export function clusterFactsOf(addOns: readonly AddOn[], apps: readonly string[]): ClusterFacts {
  const privileged = new Map<string, string>([
    [SYSTEM_NAMESPACE, "Kubernetes' and EKS's system controllers"],
    [FLUX_NAMESPACE, "Flux's controllers (cluster-admin)"],
  ]);
  for (const addOn of addOns) {
    if (addOn.clusterRights.startsWith('none')) continue;
    const who = privileged.get(addOn.namespace);
    privileged.set(addOn.namespace, who ? `${who}, ${addOn.name}'s controllers` : `${addOn.name}'s controllers`);
  }
  return {
    externalGrants: FLUX_INSTALL_GRANTS,
    privilegedNamespaces: privileged,
    controlObjects: FLUX_CONTROL_OBJECTS,
    guardedGroups: RECONCILE_ONLY_GROUPS,
    podAccounts: new Map(apps.map((app) => [namespaceOf(app), allowedAccountsOf(app)])),
  };
}

/** The only holders of cluster-wide write: the break-glass group, and Flux's controllers, which apply git. */
export const ALLOWED_CLUSTER_WRITERS: readonly string[] = [
  describeSubject({ kind: 'Group', name: BREAK_GLASS_GROUP }),
  ...FLUX_CONTROLLERS.map((name) => describeSubject({ kind: 'ServiceAccount', name, namespace: FLUX_NAMESPACE })),
];

export const clusterWritersOf = (objects: readonly KubeObject[], addOns: readonly AddOn[], apps: readonly string[]): WritePath[] =>
  clusterWritePathsOf(objects, clusterFactsOf(addOns, apps));

/** Every path to cluster-wide write that someone other than the allowed holders has. */
export function clusterWriteProblems(paths: readonly WritePath[]): string[] {
  return paths
    .filter((p) => !ALLOWED_CLUSTER_WRITERS.includes(p.who))
    .map((p) => `${p.who} can write across the cluster: ${p.steps.join(', ')}; only ${ALLOWED_CLUSTER_WRITERS.join(', ')} may`);
}
