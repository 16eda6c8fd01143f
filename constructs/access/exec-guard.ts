import { appGroupOf, BREAK_GLASS_GROUP, PLATFORM_ADMINS_GROUP } from '../model/access-spec';
import { APP_PART_OF_LABEL, deploymentOf, selectorLabelsOf } from '../model/naming';
import type { AdmissionRule } from '../blocks/admission-policy';
import { celNameOf } from './service-account-guard';
import { quote } from './unchanged-fields';

export const EXEC_GUARD = 'exec-into-app-deployment-pods-only';
/** The subresources a shell or a tunnel into a pod goes through; the API server admits each as CONNECT. */
export const CONNECT_SUBRESOURCES = ['pods/attach', 'pods/exec', 'pods/portforward'] as const;

/*
 * How the controllers name a Deployment's pods, at the Kubernetes version the clusters run (1.35, KUBERNETES_VERSIONS):
 * - The deployment controller names a ReplicaSet `<deployment>-<hash>`, with hash = controller.ComputeHash(&d.Spec.Template,
 *   d.Status.CollisionCount) = rand.SafeEncodeString(fmt.Sprint(fnv32a.Sum32())) (kubernetes/kubernetes
 *   pkg/controller/deployment/sync.go getNewReplicaSet and pkg/controller/controller_utils.go ComputeHash; read in a code
 *   index, the repository being too large to fetch at its tag): the decimal digits of a uint32, 1 to 10 of them.
 *   SafeEncodeString maps each to one character of GENERATED_NAME_ALPHABET (kubernetes/apimachinery v0.35.7,
 *   pkg/util/rand/rand.go, `alphanums`).
 * - The ReplicaSet controller creates each pod with generateName `<replicaset>-` (controller_utils.go GetPodFromTemplate,
 *   getPodsPrefix), and the API server appends utilrand.String(5) of the same alphabet after cutting the base to
 *   MAX_GENERATED_NAME_BASE characters (kubernetes/apiserver v0.35.7, pkg/storage/names/generate.go SimpleNameGenerator).
 *   An app name has at most APP_NAME_MAX_LENGTH characters, so no Deployment pod's base is cut.
 * - A CronJob's Job is `<cronjob>-<scheduled time in minutes since the epoch, in digits>` (pkg/controller/cronjob/utils.go
 *   getJobFromTemplate2, getTimeHashInMinutes), and its pods `<job>-<5 of the alphabet>` by the same generateName.
 * The alphabet has no vowels, and no 0, 1 or 3.
 *
 * That a ValidatingAdmissionPolicy sees these requests, at the same version (kubernetes/apiserver v0.35.7; v0.34.0 alike):
 * - pkg/endpoints/handlers/rest.go ConnectResource runs validating admission for pods/exec, attach and portforward with
 *   operation CONNECT, the pod's name and namespace, the subresource, and the request's options as the object.
 * - pkg/admission/plugin/policy/validating/plugin.go: the plugin handles Connect, Create, Delete and Update, and is
 *   always enabled (SetEnabled(true): no feature gate; the API is GA since 1.30). Its dispatcher reads the namespace of
 *   every namespaced request (namespaceObject), and pkg/admission/plugin/cel/condition.go CreateAdmissionRequest gives
 *   CEL request.name, request.namespace, request.subResource, request.operation and request.userInfo.
 * - kubernetes/api v0.35.7 admissionregistration/v1 RuleWithOperations: "CREATE, UPDATE, DELETE, CONNECT or *".
 * A public policy of the same form, tried on a cluster: sapcc/helm-charts pull request 12297.
 */
/** The characters of rand.String and rand.SafeEncodeString: the pod-template hash and every generated name suffix. */
export const GENERATED_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
/** The pod-template hash: a uint32 in decimal (1 to 10 digits), each digit encoded as one character. */
export const POD_TEMPLATE_HASH_LENGTH = { min: 1, max: 10 } as const;
/** The random suffix the API server appends to a generateName. */
export const GENERATED_SUFFIX_LENGTH = 5;
/** names.MaxGeneratedNameLength: a generateName longer than this is cut to it before the suffix. */
export const MAX_GENERATED_NAME_BASE = 63 - GENERATED_SUFFIX_LENGTH;

/** A regular expression (RE2 and JavaScript alike) for the rest of a Deployment pod's name after `<deployment>-`. */
export const DEPLOYMENT_POD_TAIL = `[${GENERATED_NAME_ALPHABET}]{${POD_TEMPLATE_HASH_LENGTH.min},${POD_TEMPLATE_HASH_LENGTH.max}}-[${GENERATED_NAME_ALPHABET}]{${GENERATED_SUFFIX_LENGTH}}`;

/** The label of an app namespace that names its app (the namespace carries the app's labels). */
const APP_NAME_LABEL = Object.keys(selectorLabelsOf('app'))[0];
const MARK = '\u0000';
/** The developer groups of every app: `webapps:<app>:developers`. */
const [DEVELOPERS_PREFIX, DEVELOPERS_SUFFIX] = appGroupOf(MARK, 'developers').split(MARK);

/**
 * Developers reach only their app's own Deployment pods with `kubectl exec`, `attach` and `port-forward`. EXEC_ROLE gives
 * them pods/exec and pods/portforward in the namespace, and RBAC cannot tell one pod from another; but the same namespace
 * runs the restic CronJobs (backup, retention, check, restore), whose pods hold the restic password and the Pod Identity
 * credentials of their roles (the retention role deletes backups, the restore role writes the live bucket). A CONNECT on
 * those three subresources by a member of an app's developers group is refused unless the pod's name is
 * `<deploymentOf(app)>-<pod-template hash>-<suffix>` (DEPLOYMENT_POD_TAIL), the app taken from the namespace's labels,
 * which only the platform layer writes. That is an allowlist of the name's shape, not a list of job names: a Job pod of
 * a CronJob is `<app>-<job>-<minutes>-<suffix>`, and every job name of ours has a vowel, which no hash has.
 *
 * What it cannot tell: a pod whose name has that shape but which no ReplicaSet made. Developers cannot create pods,
 * Jobs or ReplicaSets (their Role), and the Deployment cannot change beyond restart and scale (the restart-and-scale
 * guard); the operators can create a Job, and one they name `<app>-<1 to 10 of the alphabet>` (say `shop-bkp`) would
 * have pods of that shape. The runbooks name none so (test/tenancy-guards.test.ts reads them).
 *
 * Not matched: the platform admins (they already create and shape jobs, docs/access.md, so a shell in a job pod gives
 * them nothing new), break-glass (cluster-admin), and anyone in either group even if also a developer; viewers have no
 * exec right to narrow.
 */
export function execGuardRule(): AdmissionRule {
  return {
    name: EXEC_GUARD,
    resources: [{ group: '', version: 'v1', resources: [...CONNECT_SUBRESOURCES] }],
    operations: ['CONNECT'],
    namespaceLabels: APP_PART_OF_LABEL,
    matchConditions: [
      {
        name: 'developers',
        expression:
          `has(request.userInfo.groups) && request.userInfo.groups.exists(g, g.startsWith(${quote(DEVELOPERS_PREFIX)}) && g.endsWith(${quote(DEVELOPERS_SUFFIX)}))` +
          ` && !(${quote(PLATFORM_ADMINS_GROUP)} in request.userInfo.groups) && !(${quote(BREAK_GLASS_GROUP)} in request.userInfo.groups)`,
      },
    ],
    variables: [
      { name: 'app', expression: `namespaceObject.metadata.labels[${quote(APP_NAME_LABEL)}]` },
      // An app name is made of [a-z0-9-] (APP_NAME), none of which means anything in a regular expression outside brackets.
      { name: 'deployment', expression: celNameOf(deploymentOf, 'variables.app') },
    ],
    validations: [
      {
        expression: `request.name.matches("^" + variables.deployment + ${quote(`-${DEPLOYMENT_POD_TAIL}$`)})`,
        message:
          "Developers may exec, attach and port-forward only into the pods of their app's Deployment (<app>-<hash>-<suffix>): the backup, retention, check and restore jobs' pods hold the restic password and their roles' credentials. Ask an operator.",
      },
    ],
  };
}
