/** A resource by API group ('' for core) and plural, as an RBAC rule names it. */
export interface GroupResource {
  readonly apiGroup: string;
  readonly resource: string;
}

const PODS: GroupResource = { apiGroup: '', resource: 'pods' };

/**
 * What kustomize-controller lists, beyond the object itself, to judge an object of a layer healthy
 * (`wait: true`), by `apiVersion/kind`. It reads as the account the layer impersonates:
 * fluxcd/kustomize-controller@v1.6.1 internal/controller/kustomization_controller.go builds its status
 * poller on the impersonated client (fluxcd/pkg@runtime/v0.60.0 runtime/client/impersonator.go
 * newStatusPoller), uncached (internal/features/features.go DisableStatusPollerCache: true). kstatus
 * (fluxcd/cli-utils@v0.36.0-flux.13 pkg/kstatus/polling/statusreaders) lists a Deployment's ReplicaSets
 * (deployment.go) and each one's Pods (replicaset.go, pod_controller.go), a StatefulSet's Pods
 * (statefulset.go), by the object's selector in its namespace (common.go statusForGeneratedResources). Where
 * that is Forbidden the object's status is Unknown, never Current, and the layer waits out its timeout.
 * Every other kind is judged from the object alone (generic.go; status/core.go legacyTypes).
 */
export const HEALTH_CHECK_LISTS: Readonly<Record<string, readonly GroupResource[]>> = {
  'apps/v1/Deployment': [{ apiGroup: 'apps', resource: 'replicasets' }, PODS],
  'apps/v1/StatefulSet': [PODS],
  'apps/v1/ReplicaSet': [PODS],
};

/** What the health check lists for these objects (`apiVersion/kind` each), each resource once. */
export function healthCheckListsOf(kinds: Iterable<string>): GroupResource[] {
  const all = new Map<string, GroupResource>();
  for (const kind of kinds) for (const r of HEALTH_CHECK_LISTS[kind] ?? []) all.set(`${r.apiGroup}/${r.resource}`, r);
  return [...all.values()];
}
