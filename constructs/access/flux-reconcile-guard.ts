import { BREAK_GLASS_GROUP, PLATFORM_ADMINS_GROUP } from '../model/access-spec';
import type { AdmissionRule } from '../blocks/admission-policy';
import { FLUX_RECONCILE_RULES } from './cluster-roles';

export const FLUX_RECONCILE_GUARD = 'flux-reconcile-only';
/** The annotations `flux reconcile` sets (requestedAt, and forceAt or resetAt for a HelmRelease). */
export const RECONCILE_ANNOTATION_PREFIX = 'reconcile.fluxcd.io/';
/**
 * Groups whose changes to Flux's objects may only ask for a reconciliation. Flux's controllers apply as
 * cluster-admin whatever those objects say (a path, a chart's values, the account to impersonate), so a
 * right to patch them would be cluster-admin by another name.
 */
export const RECONCILE_ONLY_GROUPS: readonly string[] = [PLATFORM_ADMINS_GROUP];

const quote = (s: string) => JSON.stringify(s);
const orEmpty = (o: string, field: string, empty: string) => `(has(${o}.metadata.${field}) ? ${o}.metadata.${field} : ${empty})`;

/**
 * The operators' patch on Flux's objects (FLUX_RECONCILE_ROLE) may change the reconcile annotations and
 * nothing else: not the spec (suspend, path, values, service account), not the labels, not another
 * annotation, and not the owner references or finalizers. An owner reference to an object that does not
 * exist makes the garbage collector delete the Kustomization (kubernetes/kubernetes
 * pkg/controller/garbagecollector/garbagecollector.go, attemptToDeleteItem: an object whose owners are all
 * absent is deleted), and kustomize-controller's finalizer then prunes its whole inventory
 * (fluxcd/kustomize-controller@v1.6.1:internal/controller/kustomization_controller.go, finalize and
 * finalizerShouldDeleteResources: the default deletion policy MirrorPrune follows spec.prune), as
 * helm-controller's uninstalls a HelmRelease (fluxcd/helm-controller@v1.3.0 reconcileDelete); without the finalizer (`finalizers.fluxcd.io`) a deletion
 * leaves the inventory unmanaged. The rest of metadata is the API server's (name, uid, deletion fields) or
 * says nothing to Flux (managedFields). Break-glass is exempt, and Flux's controllers are in neither group.
 */
export function fluxReconcileGuardRule(): AdmissionRule {
  const groups = `[${RECONCILE_ONLY_GROUPS.map(quote).join(', ')}]`;
  const sameOrReconcile =
    `k.startsWith(${quote(RECONCILE_ANNOTATION_PREFIX)}) || (has(object.metadata.annotations) && has(oldObject.metadata.annotations) && ` +
    'k in object.metadata.annotations && k in oldObject.metadata.annotations && object.metadata.annotations[k] == oldObject.metadata.annotations[k])';
  return {
    name: FLUX_RECONCILE_GUARD,
    resources: FLUX_RECONCILE_RULES.map((r) => ({ group: r.apiGroups[0], version: '*', resources: r.resources })),
    operations: ['UPDATE'],
    matchConditions: [
      {
        name: 'reconcile-only-groups',
        expression:
          `has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in ${groups})` + ` && !(${quote(BREAK_GLASS_GROUP)} in request.userInfo.groups)`,
      },
    ],
    validations: [
      {
        expression:
          `object.spec == oldObject.spec && ${orEmpty('object', 'labels', '{}')} == ${orEmpty('oldObject', 'labels', '{}')}` +
          ` && ${orEmpty('object', 'ownerReferences', '[]')} == ${orEmpty('oldObject', 'ownerReferences', '[]')}` +
          ` && ${orEmpty('object', 'finalizers', '[]')} == ${orEmpty('oldObject', 'finalizers', '[]')}` +
          ` && [object, oldObject].all(o, !has(o.metadata.annotations) || o.metadata.annotations.all(k, ${sameOrReconcile}))`,
        message: `Operators may only ask Flux to reconcile (annotations ${RECONCILE_ANNOTATION_PREFIX}*); any other change goes through git, or break-glass.`,
      },
    ],
  };
}
