import type { IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import { appGroupOf, BREAK_GLASS_GROUP, PLATFORM_ADMINS_GROUP } from '../model/access-spec';
import { APP_PART_OF_LABEL } from '../model/naming';
import type { AdmissionRule } from '../blocks/admission-policy';
import { FIXED_METADATA, quote, sameOptional } from './unchanged-fields';

export const RESTART_AND_SCALE_GUARD = 'deployments-restart-and-scale-only';
/** What `kubectl rollout restart` sets (kubernetes/kubectl@v0.35.7 pkg/polymorphichelpers/objectrestarter.go, on the pod template). */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
/**
 * The fields of apps/v1 DeploymentSpec besides `replicas` and `template` (kubernetes-models 4.5.1,
 * IoK8sApiAppsV1DeploymentSpec), each of which must stay as it is.
 */
export const FIXED_DEPLOYMENT_FIELDS = ['selector', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'] as const;
/**
 * Every field of the pod template's metadata but `annotations` (kubernetes-models 4.5.1, meta/v1 ObjectMeta),
 * with what its absence counts as (none: absent from both or equal). The ReplicaSet controller copies the
 * template's labels, annotations and finalizers onto every pod it creates (kubernetes
 * pkg/controller/controller_utils.go GetPodFromTemplate), so a finalizer added here would leave each deleted
 * pod Terminating. The Record type lists them all: a field kubernetes-models adds fails the type check.
 */
export const FIXED_TEMPLATE_METADATA: Readonly<Record<Exclude<keyof IObjectMeta, 'annotations'>, string | undefined>> = {
  labels: '{}',
  finalizers: '[]',
  ownerReferences: '[]',
  name: undefined,
  generateName: undefined,
  namespace: undefined,
  uid: undefined,
  resourceVersion: undefined,
  generation: undefined,
  selfLink: undefined,
  creationTimestamp: undefined,
  deletionTimestamp: undefined,
  deletionGracePeriodSeconds: undefined,
  managedFields: undefined,
};
const MARK = '\u0000';
/** The developer groups of every app: `webapps:<app>:developers`. */
const [DEVELOPERS_PREFIX, DEVELOPERS_SUFFIX] = appGroupOf(MARK, 'developers').split(MARK);

/**
 * People restart and scale an app's Deployment, and nothing more: their `patch` on Deployments
 * (APP_ROLE_RULES, OPERATOR_ROLE) exists for `kubectl rollout restart`, which changes only the pod
 * template's RESTARTED_AT_ANNOTATION, and scaling. Without this guard the same patch could give the pods a
 * command of their own or mount any Secret of the namespace (the app's, the restic password, the login's
 * client secret) and print it to the log the person reads, which undoes "no Secrets" and `execInProd`.
 * An update by a developer or an operator may change `spec.replicas` and that annotation; everything
 * else in spec, the pod template whole (its spec and every field of its metadata: labels, finalizers, …; of its
 * annotations all but that one), and the Deployment's labels, annotations, owner references and
 * finalizers (an owner that does not exist would have the garbage collector delete it) must equal
 * oldObject's; they may create none. `kubectl scale` goes through the `deployments/scale` subresource,
 * which this policy does not match (its rule names `deployments` only) and which can change nothing but
 * the replicas. Flux (the impersonated `flux-apps` account), the controllers and break-glass are in none
 * of these groups.
 */
export function restartAndScaleGuardRule(): AdmissionRule {
  const template = 'spec.template';
  const sameOrRestart =
    `k == ${quote(RESTARTED_AT_ANNOTATION)} || (has(object.${template}.metadata.annotations) && has(oldObject.${template}.metadata.annotations) && ` +
    `k in object.${template}.metadata.annotations && k in oldObject.${template}.metadata.annotations && ` +
    `object.${template}.metadata.annotations[k] == oldObject.${template}.metadata.annotations[k])`;
  return {
    name: RESTART_AND_SCALE_GUARD,
    resources: [{ group: 'apps', version: 'v1', resources: ['deployments'] }],
    operations: ['CREATE', 'UPDATE'],
    namespaceLabels: APP_PART_OF_LABEL,
    matchConditions: [
      {
        name: 'developers-and-operators',
        expression:
          `has(request.userInfo.groups) && request.userInfo.groups.exists(g, g == ${quote(PLATFORM_ADMINS_GROUP)} || ` +
          `(g.startsWith(${quote(DEVELOPERS_PREFIX)}) && g.endsWith(${quote(DEVELOPERS_SUFFIX)})))` +
          ` && !(${quote(BREAK_GLASS_GROUP)} in request.userInfo.groups)`,
      },
    ],
    validations: [
      {
        expression: [
          'oldObject != null',
          ...FIXED_METADATA.map(([field, empty]) => sameOptional('metadata', field, empty)),
          ...FIXED_DEPLOYMENT_FIELDS.map((field) => sameOptional('spec', field)),
          `object.${template}.spec == oldObject.${template}.spec`,
          ...Object.entries(FIXED_TEMPLATE_METADATA).map(([field, empty]) => sameOptional(`${template}.metadata`, field, empty)),
          `[object, oldObject].all(o, !has(o.${template}.metadata.annotations) || o.${template}.metadata.annotations.all(k, ${sameOrRestart}))`,
        ].join(' && '),
        message: `Developers and operators may only restart a Deployment (annotation ${RESTARTED_AT_ANNOTATION} of its pod template) and scale it (spec.replicas); any other change goes through git, or break-glass.`,
      },
    ],
  };
}
