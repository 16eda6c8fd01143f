import type { Scanner } from '../model/scanner-exemptions';

/*
 * The checks of the usual manifest scanners that our objects must pass, or be exempted from on the
 * object with a reason (model/scanner-exemptions.ts). Read from each scanner's source at the tag below:
 * its default checks, less those about kinds we do not write (Ingress, StatefulSet, RBAC: the access
 * model answers those) and those that need objects outside dist/ (a NetworkPolicy's pods rendered by a
 * chart). `enforcedBy` names the rule that judges it at every synth: `scanner-rules` implements it the
 * way the scanner does; the others are older rules in output-rules.ts that already required it.
 */

export const SCANNER_SOURCES: Readonly<Record<Scanner, { readonly repository: string; readonly tag: string; readonly commit: string }>> = {
  'kube-score': { repository: 'zegl/kube-score', tag: 'v1.20.0', commit: '81371e9f53b633bec69423fc298295bd71bd869a' },
  polaris: { repository: 'FairwindsOps/polaris', tag: 'v10.2.2', commit: 'dafa0b74fc09a9505849b0a6f8c78f1c364d0112' },
  'kube-linter': { repository: 'stackrox/kube-linter', tag: 'v0.8.3', commit: '10ae003038c81855aca8489df5e35da150f4dc2e' },
};

export type EnforcedBy = 'scanner-rules' | 'hardeningProblems' | 'coverageProblems' | 'publicSurfaceProblems';

export interface ScannerCheck {
  readonly scanner: Scanner;
  readonly id: string;
  /** What it requires, in its own terms. */
  readonly requires: string;
  /** The file at the tag that implements it. */
  readonly source: string;
  readonly enforcedBy: EnforcedBy;
}

const KS_CONTAINER = 'score/container/container.go';
const KS_SECURITY = 'score/security/security.go';
const KS_APPS = 'score/apps/apps.go';
const KS_PDB = 'score/disruptionbudget/disruptionbudget.go';
const KS_HPA = 'score/hpa/hpa.go';
const KS_PROBES = 'score/probes/probes.go';
const polaris = (check: string) => `pkg/config/checks/${check}.yaml`;
const linter = (file: string) => `pkg/builtinchecks/yamls/${file}.yaml`;

export const SCANNER_CHECKS = [
  // kube-score: every check enabled by default (README_CHECKS.md)
  {
    scanner: 'kube-score',
    id: 'container-resources',
    requires: 'cpu and memory requests and limits on every container',
    source: KS_CONTAINER,
    enforcedBy: 'hardeningProblems',
  },
  {
    scanner: 'kube-score',
    id: 'container-image-tag',
    requires: 'an image tag other than latest (the text after the last colon)',
    source: KS_CONTAINER,
    enforcedBy: 'scanner-rules',
  },
  { scanner: 'kube-score', id: 'container-image-pull-policy', requires: 'imagePullPolicy Always', source: KS_CONTAINER, enforcedBy: 'scanner-rules' },
  {
    scanner: 'kube-score',
    id: 'container-ephemeral-storage-request-and-limit',
    requires: 'ephemeral-storage request and limit on every container',
    source: KS_CONTAINER,
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-score',
    id: 'environment-variable-key-duplication',
    requires: 'no env var name twice in a container',
    source: KS_CONTAINER,
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-score',
    id: 'container-security-context-user-group-id',
    requires: 'runAsUser and runAsGroup of at least 10000 (container, else pod)',
    source: KS_SECURITY,
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-score',
    id: 'container-security-context-privileged',
    requires: 'no privileged container',
    source: KS_SECURITY,
    enforcedBy: 'hardeningProblems',
  },
  {
    scanner: 'kube-score',
    id: 'container-security-context-readonlyrootfilesystem',
    requires: 'readOnlyRootFilesystem on every container',
    source: KS_SECURITY,
    enforcedBy: 'hardeningProblems',
  },
  {
    scanner: 'kube-score',
    id: 'pod-probes',
    requires: 'a readiness and a liveness probe on pods behind a Service',
    source: KS_PROBES,
    enforcedBy: 'hardeningProblems',
  },
  {
    scanner: 'kube-score',
    id: 'pod-probes-identical',
    requires: 'readiness and liveness probes that differ (HTTP path or port, TCP port, or command)',
    source: KS_PROBES,
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-score',
    id: 'pod-networkpolicy',
    requires: 'NetworkPolicies in the namespace that select the pod for ingress and egress',
    source: 'score/networkpolicy/networkpolicy.go',
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-score',
    id: 'pod-topology-spread-constraints',
    requires: 'each spread constraint has a selector, a topology key, maxSkew above 0 and a valid whenUnsatisfiable',
    source: 'score/podtopologyspreadconstraints/podtopologyspreadconstraints.go',
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-score',
    id: 'deployment-strategy',
    requires: 'RollingUpdate on a Deployment behind a Service',
    source: 'score/deployment/deployment.go',
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-score',
    id: 'deployment-has-host-podantiaffinity',
    requires: 'a pod anti-affinity over hostname or zone that selects its own pods',
    source: KS_APPS,
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-score',
    id: 'deployment-targeted-by-hpa-does-not-have-replicas-configured',
    requires: 'no spec.replicas on a Deployment an HPA scales',
    source: KS_APPS,
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-score',
    id: 'deployment-pod-selector-labels-match-template-metadata-labels',
    requires: 'the selector matches the pod template labels',
    source: KS_APPS,
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-score',
    id: 'deployment-has-poddisruptionbudget',
    requires: 'a PDB in the namespace selects the pods',
    source: KS_PDB,
    enforcedBy: 'coverageProblems',
  },
  { scanner: 'kube-score', id: 'poddisruptionbudget-has-policy', requires: 'minAvailable or maxUnavailable', source: KS_PDB, enforcedBy: 'scanner-rules' },
  { scanner: 'kube-score', id: 'cronjob-has-deadline', requires: 'startingDeadlineSeconds', source: 'score/cronjob/cronjob.go', enforcedBy: 'scanner-rules' },
  {
    scanner: 'kube-score',
    id: 'cronjob-restartpolicy',
    requires: 'restartPolicy Never or OnFailure',
    source: 'score/cronjob/cronjob.go',
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-score',
    id: 'service-targets-pod',
    requires: "the Service's selector matches pods in its namespace",
    source: 'score/service/service.go',
    enforcedBy: 'scanner-rules',
  },
  { scanner: 'kube-score', id: 'service-type', requires: 'no NodePort Service', source: 'score/service/service.go', enforcedBy: 'publicSurfaceProblems' },
  {
    scanner: 'kube-score',
    id: 'horizontalpodautoscaler-has-target',
    requires: 'the HPA targets an object in the output',
    source: KS_HPA,
    enforcedBy: 'scanner-rules',
  },
  { scanner: 'kube-score', id: 'horizontalpodautoscaler-replicas', requires: 'minReplicas of at least 2', source: KS_HPA, enforcedBy: 'scanner-rules' },
  { scanner: 'kube-score', id: 'label-values', requires: 'every label value is a valid one', source: 'score/meta/labels.go', enforcedBy: 'scanner-rules' },

  // Polaris: the checks of pkg/config/default.yaml
  {
    scanner: 'polaris',
    id: 'tagNotSpecified',
    requires: 'an image of the form name:tag, not :latest',
    source: polaris('tagNotSpecified'),
    enforcedBy: 'scanner-rules',
  },
  { scanner: 'polaris', id: 'pullPolicyNotAlways', requires: 'imagePullPolicy Always', source: polaris('pullPolicyNotAlways'), enforcedBy: 'scanner-rules' },
  {
    scanner: 'polaris',
    id: 'readinessProbeMissing',
    requires: 'a readiness probe (Jobs, CronJobs and init containers aside)',
    source: polaris('readinessProbeMissing'),
    enforcedBy: 'hardeningProblems',
  },
  {
    scanner: 'polaris',
    id: 'livenessProbeMissing',
    requires: 'a liveness probe (Jobs, CronJobs and init containers aside)',
    source: polaris('livenessProbeMissing'),
    enforcedBy: 'hardeningProblems',
  },
  {
    scanner: 'polaris',
    id: 'priorityClassNotSet',
    requires: 'priorityClassName on the pod',
    source: polaris('priorityClassNotSet'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'polaris',
    id: 'deploymentMissingReplicas',
    requires: 'spec.replicas of at least 2 on a Deployment',
    source: polaris('deploymentMissingReplicas'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'polaris',
    id: 'metadataAndInstanceMismatched',
    requires: 'label app.kubernetes.io/instance equal to metadata.name on a workload',
    source: polaris('metadataAndInstanceMismatched'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'polaris',
    id: 'missingPodDisruptionBudget',
    requires: 'a PDB selects the Deployment',
    source: polaris('missingPodDisruptionBudget'),
    enforcedBy: 'coverageProblems',
  },
  {
    scanner: 'polaris',
    id: 'pdbDisruptionsIsZero',
    requires: 'neither minAvailable 100% nor maxUnavailable 0',
    source: polaris('pdbDisruptionsIsZero'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'polaris',
    id: 'topologySpreadConstraint',
    requires: 'a topology spread constraint (Jobs and CronJobs aside)',
    source: polaris('topologySpreadConstraint'),
    enforcedBy: 'coverageProblems',
  },
  {
    scanner: 'polaris',
    id: 'hpaMinAvailability',
    requires: 'HPA minReplicas of at least 2',
    source: polaris('hpaMinAvailability'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'polaris',
    id: 'hpaMaxAvailability',
    requires: 'HPA maxReplicas above minReplicas',
    source: polaris('hpaMaxAvailability'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'polaris',
    id: 'pdbMinAvailableGreaterThanHPAMinReplicas',
    requires: "a PDB's minAvailable no greater than its HPA's minReplicas",
    source: 'pkg/validator/pdb_hpa_validator.go',
    enforcedBy: 'scanner-rules',
  },
  { scanner: 'polaris', id: 'cpuRequestsMissing', requires: 'a cpu request', source: polaris('cpuRequestsMissing'), enforcedBy: 'hardeningProblems' },
  { scanner: 'polaris', id: 'cpuLimitsMissing', requires: 'a cpu limit', source: polaris('cpuLimitsMissing'), enforcedBy: 'hardeningProblems' },
  { scanner: 'polaris', id: 'memoryRequestsMissing', requires: 'a memory request', source: polaris('memoryRequestsMissing'), enforcedBy: 'hardeningProblems' },
  { scanner: 'polaris', id: 'memoryLimitsMissing', requires: 'a memory limit', source: polaris('memoryLimitsMissing'), enforcedBy: 'hardeningProblems' },
  {
    scanner: 'polaris',
    id: 'automountServiceAccountToken',
    requires: 'no automounted service account token',
    source: polaris('automountServiceAccountToken'),
    enforcedBy: 'hardeningProblems',
  },
  { scanner: 'polaris', id: 'hostIPCSet', requires: 'no hostIPC', source: polaris('hostIPCSet'), enforcedBy: 'hardeningProblems' },
  { scanner: 'polaris', id: 'hostPIDSet', requires: 'no hostPID', source: polaris('hostPIDSet'), enforcedBy: 'hardeningProblems' },
  { scanner: 'polaris', id: 'hostNetworkSet', requires: 'no hostNetwork', source: polaris('hostNetworkSet'), enforcedBy: 'hardeningProblems' },
  { scanner: 'polaris', id: 'hostPathSet', requires: 'no hostPath volume', source: polaris('hostPathSet'), enforcedBy: 'scanner-rules' },
  { scanner: 'polaris', id: 'hostPortSet', requires: 'no hostPort', source: polaris('hostPortSet'), enforcedBy: 'scanner-rules' },
  {
    scanner: 'polaris',
    id: 'linuxHardening',
    requires: 'seccomp, SELinux, AppArmor or dropped capabilities',
    source: polaris('linuxHardening'),
    enforcedBy: 'hardeningProblems',
  },
  {
    scanner: 'polaris',
    id: 'missingNetworkPolicy',
    requires: "one NetworkPolicy that names one of the pod's labels and has ingress and egress rules",
    source: polaris('missingNetworkPolicy'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'polaris',
    id: 'notReadOnlyRootFilesystem',
    requires: 'readOnlyRootFilesystem',
    source: polaris('notReadOnlyRootFilesystem'),
    enforcedBy: 'hardeningProblems',
  },
  {
    scanner: 'polaris',
    id: 'privilegeEscalationAllowed',
    requires: 'allowPrivilegeEscalation false',
    source: polaris('privilegeEscalationAllowed'),
    enforcedBy: 'hardeningProblems',
  },
  { scanner: 'polaris', id: 'runAsRootAllowed', requires: 'runAsNonRoot', source: polaris('runAsRootAllowed'), enforcedBy: 'hardeningProblems' },
  { scanner: 'polaris', id: 'runAsPrivileged', requires: 'no privileged container', source: polaris('runAsPrivileged'), enforcedBy: 'hardeningProblems' },
  {
    scanner: 'polaris',
    id: 'dangerousCapabilities',
    requires: 'no added SYS_ADMIN, NET_ADMIN or ALL',
    source: polaris('dangerousCapabilities'),
    enforcedBy: 'hardeningProblems',
  },
  {
    scanner: 'polaris',
    id: 'insecureCapabilities',
    requires: 'the risky capabilities dropped',
    source: polaris('insecureCapabilities'),
    enforcedBy: 'hardeningProblems',
  },
  {
    scanner: 'polaris',
    id: 'sensitiveContainerEnvVar',
    requires: 'no plain env value under a name like password, token, bearer or secret, nor a private key',
    source: polaris('sensitiveContainerEnvVar'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'polaris',
    id: 'sensitiveConfigmapContent',
    requires: 'no ConfigMap key like password, token, bearer or secret, nor a private key in a value',
    source: polaris('sensitiveConfigmapContent'),
    enforcedBy: 'scanner-rules',
  },

  // kube-linter: the checks enabled by default (docs/generated/checks.md)
  {
    scanner: 'kube-linter',
    id: 'env-var-secret',
    requires: 'no plain env value under a name matching (?i).*secret.*',
    source: linter('env-var-secret'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-linter',
    id: 'duplicate-env-var',
    requires: 'no env var name twice in a container',
    source: linter('duplicate-env-var'),
    enforcedBy: 'scanner-rules',
  },
  { scanner: 'kube-linter', id: 'latest-tag', requires: 'an image with a tag other than latest', source: linter('latest-tag'), enforcedBy: 'scanner-rules' },
  {
    scanner: 'kube-linter',
    id: 'job-ttl-seconds-after-finished',
    requires: 'ttlSecondsAfterFinished on a Job, none in a CronJob job template',
    source: linter('job-ttl-seconds-after-finished'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-linter',
    id: 'liveness-port',
    requires: 'the liveness probe on a port the container declares',
    source: linter('liveness-port'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-linter',
    id: 'readiness-port',
    requires: 'the readiness probe on a port the container declares',
    source: linter('readiness-port'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-linter',
    id: 'startup-port',
    requires: 'the startup probe on a port the container declares',
    source: linter('startup-port'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-linter',
    id: 'mismatching-selector',
    requires: 'the selector matches the pod template labels',
    source: linter('mismatching-selector'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-linter',
    id: 'dangling-service',
    requires: "the Service's selector matches pods in its namespace",
    source: linter('dangling-service'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-linter',
    id: 'non-existent-service-account',
    requires: "the pod's ServiceAccount is in the output (or is default)",
    source: linter('non-existent-service-account'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-linter',
    id: 'deprecated-service-account-field',
    requires: 'serviceAccountName, not the deprecated serviceAccount',
    source: linter('deprecated-service-account'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-linter',
    id: 'no-anti-affinity',
    requires: 'a pod anti-affinity on a workload of 2 replicas or more',
    source: linter('no-anti-affinity'),
    enforcedBy: 'scanner-rules',
  },
  { scanner: 'kube-linter', id: 'pdb-max-unavailable', requires: 'maxUnavailable not 0', source: linter('pdbs-max-unavailable'), enforcedBy: 'scanner-rules' },
  {
    scanner: 'kube-linter',
    id: 'pdb-min-available',
    requires: 'minAvailable below the replicas of the pods it selects',
    source: linter('pdbs-min-available'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-linter',
    id: 'pdb-unhealthy-pod-eviction-policy',
    requires: 'unhealthyPodEvictionPolicy set (AlwaysAllow)',
    source: linter('pdb-unhealthy-pod-eviction-policy'),
    enforcedBy: 'scanner-rules',
  },
  {
    scanner: 'kube-linter',
    id: 'unset-cpu-requirements',
    requires: 'a cpu request',
    source: linter('unset-cpu-requirements'),
    enforcedBy: 'hardeningProblems',
  },
  {
    scanner: 'kube-linter',
    id: 'unset-memory-requirements',
    requires: 'a memory request and limit',
    source: linter('unset-memory-requirements'),
    enforcedBy: 'hardeningProblems',
  },
  {
    scanner: 'kube-linter',
    id: 'no-read-only-root-fs',
    requires: 'readOnlyRootFilesystem',
    source: linter('read-only-root-fs'),
    enforcedBy: 'hardeningProblems',
  },
  {
    scanner: 'kube-linter',
    id: 'privilege-escalation-container',
    requires: 'allowPrivilegeEscalation false',
    source: linter('privilege-escalation'),
    enforcedBy: 'hardeningProblems',
  },
  { scanner: 'kube-linter', id: 'privileged-container', requires: 'no privileged container', source: linter('privileged'), enforcedBy: 'hardeningProblems' },
  {
    scanner: 'kube-linter',
    id: 'run-as-non-root',
    requires: 'runAsNonRoot or a non-zero runAsUser',
    source: linter('run-as-non-root'),
    enforcedBy: 'hardeningProblems',
  },
  {
    scanner: 'kube-linter',
    id: 'drop-net-raw-capability',
    requires: 'NET_RAW (or ALL) dropped',
    source: linter('drop-net-raw-capability'),
    enforcedBy: 'hardeningProblems',
  },
  { scanner: 'kube-linter', id: 'host-network', requires: 'no hostNetwork', source: linter('hostnetwork'), enforcedBy: 'hardeningProblems' },
  { scanner: 'kube-linter', id: 'host-pid', requires: 'no hostPID', source: linter('hostpid'), enforcedBy: 'hardeningProblems' },
  { scanner: 'kube-linter', id: 'host-ipc', requires: 'no hostIPC', source: linter('hostipc'), enforcedBy: 'hardeningProblems' },
] as const satisfies readonly ScannerCheck[];

export type CheckKey = `${(typeof SCANNER_CHECKS)[number]['scanner']}/${(typeof SCANNER_CHECKS)[number]['id']}`;
/** The checks scanner-rules.ts implements; the type makes it implement every one. */
export type RuleCheck = Extract<(typeof SCANNER_CHECKS)[number], { enforcedBy: 'scanner-rules' }>;

export const checkKeyOf = (scanner: Scanner, id: string): string => `${scanner}/${id}`;
export const isKnownCheck = (scanner: Scanner, id: string): boolean => SCANNER_CHECKS.some((c) => c.scanner === scanner && c.id === id);
