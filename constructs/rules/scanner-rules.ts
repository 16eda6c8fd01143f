import { parseQuantity } from '../model/quantity';
import {
  EXEMPTION_REASON_PREFIX,
  exemptionReasonKey,
  KUBE_LINTER_IGNORE_ALL,
  KUBE_LINTER_IGNORE_PREFIX,
  KUBE_SCORE_IGNORE,
  MIN_SCANNER_UID,
  POLARIS_EXEMPT,
  POLARIS_EXEMPT_ALL,
  type Scanner,
} from '../model/scanner-exemptions';
import { describe, type KubeObject } from '../model/kube-object';
import { podLabelsOf, podSpecOf } from './pod-template';
import { checkKeyOf, SCANNER_CHECKS, type RuleCheck } from './scanner-checks';
import type { NamespaceCheck } from './object-verdicts';

/*
 * The scanner checks of scanner-checks.ts, each judged the way its scanner's source does, over every
 * object synth writes. A finding names the object, the container where there is one, the scanner and
 * the check. An object exempt from a check (its scanner's own annotation) is not judged by it, but
 * the exemption must give a reason and must be needed: a check it passes is no longer exempt.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Finding {
  readonly container?: string;
  readonly message: string;
}

/** What a rule may look up besides its object: the other objects of its namespace, indexed by kind. */
class Scope {
  private readonly byNamespace = new Map<string | undefined, Map<string, KubeObject[]>>();
  private readonly podLabels = new Map<string | undefined, Record<string, string>[]>();
  constructor(objects: readonly KubeObject[]) {
    for (const o of objects) {
      let byKind = this.byNamespace.get(o.metadata.namespace);
      if (!byKind) this.byNamespace.set(o.metadata.namespace, (byKind = new Map()));
      const list = byKind.get(o.kind);
      if (list) list.push(o);
      else byKind.set(o.kind, [o]);
    }
  }
  of(kind: string, namespace: string | undefined): readonly KubeObject[] {
    return this.byNamespace.get(namespace)?.get(kind) ?? [];
  }
  /** The pod labels of every pod template and pod of the namespace. */
  podLabelsIn(namespace: string | undefined): Record<string, string>[] {
    let labels = this.podLabels.get(namespace);
    if (!labels) {
      const all = [...(this.byNamespace.get(namespace)?.values() ?? [])].flat();
      labels = all.filter((o) => podSpecOf(o)).map(podLabelsOf);
      this.podLabels.set(namespace, labels);
    }
    return labels;
  }
  /** The HPA that scales this workload, if one does. */
  hpaOf(obj: KubeObject): Json | undefined {
    return this.of('HorizontalPodAutoscaler', obj.metadata.namespace).find((h) => {
      const ref = (h.spec as Json)?.scaleTargetRef ?? {};
      return ref.kind?.toLowerCase() === obj.kind.toLowerCase() && ref.name === obj.metadata.name;
    });
  }
}

/** The object a rule judges, with its pod spec and containers found once for all the rules. */
interface Target {
  readonly obj: KubeObject;
  readonly pod: Json | undefined;
  readonly containers: readonly { readonly c: Json; readonly init: boolean }[];
}
/**
 * A check's judgement, and the objects it can find anything in: those with a pod, those of some kinds,
 * or all. synth skips the others (a third of a 1,000-app synth's objects are Roles, RoleBindings and
 * ServiceAccounts), and they pass it.
 */
interface Rule {
  readonly on: 'pods' | readonly string[] | 'all';
  readonly judge: (target: Target, scope: Scope) => Finding[];
}

function targetOf(obj: KubeObject): Target {
  const pod = podSpecOf(obj);
  const containers = pod
    ? [...(pod.initContainers ?? []).map((c: Json) => ({ c, init: true })), ...(pod.containers ?? []).map((c: Json) => ({ c, init: false }))]
    : [];
  return { obj, pod, containers };
}
const appliesTo = (rule: Rule, target: Target): boolean => rule.on === 'all' || (rule.on === 'pods' ? !!target.pod : rule.on.includes(target.obj.kind));

/** A rule over each container (init containers too, unless `main`); `test` returns a message when it fails. */
const perContainer = (test: (c: Json, obj: KubeObject) => string | undefined, options: { main?: boolean; skipJobs?: boolean } = {}): Rule => ({
  on: 'pods',
  judge: ({ obj, containers }) => {
    const findings: Finding[] = [];
    if (options.skipJobs && isJob(obj)) return findings;
    for (const { c, init } of containers) {
      if (options.main && init) continue;
      const message = test(c, obj);
      if (message) findings.push({ container: c.name, message });
    }
    return findings;
  },
});
/** A rule over one kind; `test` returns the messages of its failures. */
const onKind = (kinds: readonly string[], test: (obj: KubeObject, spec: Json, scope: Scope) => (string | undefined)[]): Rule => ({
  on: kinds,
  judge: ({ obj }, scope) => findingsOf(test(obj, obj.spec as Json, scope)),
});
const onPod = (test: (pod: Json, obj: KubeObject, scope: Scope) => (string | undefined)[]): Rule => ({
  on: 'pods',
  judge: ({ obj, pod }, scope) => findingsOf(test(pod, obj, scope)),
});
/** The messages given, as findings; undefined ones are passes. (Rules run some 40 times on each of 30,000 objects: a loop, not a flatMap.) */
function findingsOf(messages: readonly (string | undefined)[]): Finding[] {
  const findings: Finding[] = [];
  for (const message of messages) if (message) findings.push({ message });
  return findings;
}
/** A rule over every object. */
const onAll = (judge: (target: Target) => Finding[]): Rule => ({ on: 'all', judge });

const isJob = (obj: KubeObject) => obj.kind === 'Job' || obj.kind === 'CronJob';
const nonZero = (q: unknown) => q !== undefined && (parseQuantity(String(q)) ?? 0) > 0;

/** A label selector (matchLabels and matchExpressions) against labels. */
export function selectorMatches(selector: Json, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e: Json) => {
    const has = e.key in labels;
    switch (e.operator) {
      case 'In':
        return has && e.values.includes(labels[e.key]);
      case 'NotIn':
        return !has || !e.values.includes(labels[e.key]);
      case 'Exists':
        return has;
      default:
        return !has;
    }
  });
  return byLabels && byExpressions;
}
/** A Service's plain selector: empty selects nothing here, as the scanners skip such a Service. */
const serviceSelects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** kube-score's tag: the text after the last colon of the whole reference (container.go containerTag). */
const kubeScoreTag = (image: string) => (image.includes(':') ? image.split(':').pop()! : '');
/** kube-linter's latest-tag blockList (pkg/builtinchecks/yamls/latest-tag.yaml). */
const LINTER_BLOCKED_IMAGES = [/.*:(latest)$/, /^[^:]*$/, /(.*\/[^:]+)$/];
/** Its verdict per image, kept: the patterns backtrack over a long digest, and every app repeats the same few images. */
const linterBlockedImages = new Map<string, boolean>();
function linterBlocks(image: string): boolean {
  let blocked = linterBlockedImages.get(image);
  if (blocked === undefined) linterBlockedImages.set(image, (blocked = LINTER_BLOCKED_IMAGES.some((r) => r.test(image))));
  return blocked;
}
/** Polaris sensitiveContainerEnvVar and sensitiveConfigmapContent: names and values it refuses. */
const POLARIS_SECRET_NAMES = [
  /^AWS_SECRET_ACCESS_KEY$/i,
  /^GOOGLE_APPLICATION_CREDENTIALS$/i,
  /^AZURE_.+KEY$/i,
  /^OCI_CLI_KEY_CONTENT$/i,
  /password/i,
  /token/i,
  /bearer/i,
  /secret/i,
];
const PRIVATE_KEY = /\s*-BEGIN\s+.*PRIVATE KEY-\s*/i;
/** kube-linter env-var-secret: name `(?i).*secret.*`, value `.+`. */
const LINTER_SECRET_NAME = /secret/i;
/** kube-score label-values (score/meta/labels.go). */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** kube-score's approved anti-affinity topology keys (score/apps/apps.go hasPodAntiAffinity). */
const ANTI_AFFINITY_KEYS = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
]);

const duplicateEnv = (c: Json) => {
  const names = (c.env ?? []).map((e: Json) => e.name as string);
  const twice = [...new Set(names.filter((n: string, i: number) => names.indexOf(n) !== i))];
  return twice.length > 0 ? `env var ${twice.join(', ')} is set twice` : undefined;
};
/** kube-score's areProbesIdentical: an HTTP port compares by number, a named port counting as 0. */
function probesIdentical(r: Json, l: Json): boolean {
  const portNumber = (p: unknown) => (typeof p === 'number' ? p : /^\d+$/.test(String(p)) ? Number(p) : 0);
  if (r.httpGet && l.httpGet) return r.httpGet.path === l.httpGet.path && portNumber(r.httpGet.port) === portNumber(l.httpGet.port);
  if (r.tcpSocket && l.tcpSocket) return r.tcpSocket.port === l.tcpSocket.port;
  if (r.exec && l.exec) return JSON.stringify(r.exec.command ?? []) === JSON.stringify(l.exec.command ?? []);
  return false;
}
/** kube-linter's CheckProbePort: the probe's port is a TCP port of the container, by number or name. */
function probePortProblem(c: Json, probe: Json, which: string): string | undefined {
  if (!probe) return undefined;
  const tcp = (c.ports ?? []).filter((p: Json) => !p.protocol || p.protocol === 'TCP');
  const declared = new Set<unknown>([...tcp.map((p: Json) => p.containerPort), ...tcp.map((p: Json) => p.name)]);
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
  return port !== undefined && !declared.has(port) ? `the ${which} probe's port ${port} is not a port the container declares` : undefined;
}
const hasAntiAffinity = (pod: Json, labels: Record<string, string>, keys: (key: string) => boolean) => {
  const anti = pod.affinity?.podAntiAffinity ?? {};
  const terms = [
    ...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p: Json) => p.podAffinityTerm),
    ...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []),
  ];
  return terms.some((t: Json) => keys(t?.topologyKey) && selectorMatches(t.labelSelector, labels));
};
/** minAvailable as a count of `replicas`, rounded up as the scanners do. */
const minAvailableOf = (value: number | string, replicas: number) =>
  typeof value === 'string' && value.endsWith('%') ? Math.ceil((replicas * Number(value.slice(0, -1))) / 100) : Number(value);

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
const DEPLOYMENT_LIKE_WITH_SELECTOR = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];

const RULES: { readonly [K in RuleCheck as `${K['scanner']}/${K['id']}`]: Rule } = {
  'kube-score/container-image-tag': perContainer((c) =>
    ['', 'latest'].includes(kubeScoreTag(c.image ?? '')) ? `image ${c.image} has no tag or latest` : undefined,
  ),
  'kube-score/container-image-pull-policy': perContainer((c) => {
    if (!c.imagePullPolicy && ['', 'latest'].includes(kubeScoreTag(c.image ?? ''))) return undefined;
    return c.imagePullPolicy !== 'Always' ? `imagePullPolicy is ${c.imagePullPolicy ?? 'unset'}, not Always` : undefined;
  }),
  'kube-score/container-ephemeral-storage-request-and-limit': perContainer((c) => {
    const missing = (['requests', 'limits'] as const).filter((b) => !nonZero(c.resources?.[b]?.['ephemeral-storage']));
    return missing.length > 0 ? `has no ephemeral-storage ${missing.map((b) => b.slice(0, -1)).join(' or ')}` : undefined;
  }),
  'kube-score/environment-variable-key-duplication': perContainer(duplicateEnv),
  'kube-score/container-security-context-user-group-id': onPod((pod) =>
    [...(pod.initContainers ?? []), ...(pod.containers ?? [])].flatMap((c: Json) => {
      if (!c.securityContext && !pod.securityContext) return [`container ${c.name} has no security context`];
      const user = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
      const group = c.securityContext?.runAsGroup ?? pod.securityContext?.runAsGroup;
      return [
        user === undefined || user < MIN_SCANNER_UID ? `container ${c.name} runs as uid ${user ?? 'unset'}, below ${MIN_SCANNER_UID}` : undefined,
        group === undefined || group < MIN_SCANNER_UID ? `container ${c.name} runs as gid ${group ?? 'unset'}, below ${MIN_SCANNER_UID}` : undefined,
      ];
    }),
  ),
  'kube-score/pod-probes-identical': perContainer(
    (c) =>
      c.readinessProbe && c.livenessProbe && probesIdentical(c.readinessProbe, c.livenessProbe) ? 'the readiness and liveness probes are the same' : undefined,
    { skipJobs: true },
  ),
  'kube-score/pod-networkpolicy': onPod((_pod, obj, scope) => {
    const labels = podLabelsOf(obj);
    const policies = scope.of('NetworkPolicy', obj.metadata.namespace).map((p) => p.spec as Json);
    const selecting = policies.filter((p) => selectorMatches(p.podSelector ?? {}, labels));
    const ingress = selecting.some((p) => !p.policyTypes?.length || p.policyTypes.includes('Ingress'));
    const egress = selecting.some((p) => (!p.policyTypes?.length && p.egress?.length > 0) || p.policyTypes?.includes('Egress'));
    return [ingress ? undefined : 'no NetworkPolicy selects its pods for ingress', egress ? undefined : 'no NetworkPolicy selects its pods for egress'];
  }),
  'kube-score/pod-topology-spread-constraints': onPod((pod) =>
    (pod.topologySpreadConstraints ?? []).map((s: Json, i: number) =>
      !s.labelSelector || !(s.maxSkew > 0) || s.minDomains === 0 || !s.topologyKey || !['DoNotSchedule', 'ScheduleAnyway'].includes(s.whenUnsatisfiable)
        ? `topologySpreadConstraints[${i}] lacks a labelSelector, a topologyKey, a maxSkew above 0 or a valid whenUnsatisfiable`
        : undefined,
    ),
  ),
  'kube-score/deployment-strategy': onKind(['Deployment'], (obj, spec, scope) => {
    const behindService = scope.of('Service', obj.metadata.namespace).some((s) => serviceSelects((s.spec as Json)?.selector, podLabelsOf(obj)));
    const type = spec.strategy?.type;
    return [behindService && type && type !== 'RollingUpdate' ? `strategy ${type} interrupts the Service during a rollout` : undefined];
  }),
  'kube-score/deployment-has-host-podantiaffinity': onKind(['Deployment'], (obj, spec) => [
    (spec.replicas === undefined || spec.replicas >= 2) && !hasAntiAffinity(podSpecOf(obj), podLabelsOf(obj), (k) => ANTI_AFFINITY_KEYS.has(k))
      ? 'no pod anti-affinity over hostname or zone selects its own pods'
      : undefined,
  ]),
  'kube-score/deployment-targeted-by-hpa-does-not-have-replicas-configured': onKind(['Deployment'], (obj, spec, scope) => [
    scope.hpaOf(obj) && spec.replicas !== undefined ? `an HPA scales it, but spec.replicas is ${spec.replicas}` : undefined,
  ]),
  'kube-score/deployment-pod-selector-labels-match-template-metadata-labels': onKind(['Deployment'], (obj, spec) => [
    selectorMatches(spec.selector, podLabelsOf(obj)) ? undefined : 'its selector does not match its pod template labels',
  ]),
  'kube-score/poddisruptionbudget-has-policy': onKind(['PodDisruptionBudget'], (_obj, spec) => [
    spec.minAvailable === undefined && spec.maxUnavailable === undefined ? 'sets neither minAvailable nor maxUnavailable' : undefined,
  ]),
  'kube-score/cronjob-has-deadline': onKind(['CronJob'], (_obj, spec) => [
    spec.startingDeadlineSeconds === undefined ? 'has no startingDeadlineSeconds' : undefined,
  ]),
  'kube-score/cronjob-restartpolicy': onKind(['CronJob'], (obj) => {
    const policy = podSpecOf(obj)?.restartPolicy;
    return [['Never', 'OnFailure'].includes(policy) ? undefined : `restartPolicy is ${policy ?? 'unset'}, not Never or OnFailure`];
  }),
  'kube-score/service-targets-pod': onKind(['Service'], (obj, spec, scope) => [
    spec.type !== 'ExternalName' && spec.selector && !scope.podLabelsIn(obj.metadata.namespace).some((l) => serviceSelects(spec.selector, l))
      ? 'its selector matches no pod in its namespace'
      : undefined,
  ]),
  'kube-score/horizontalpodautoscaler-has-target': onKind(['HorizontalPodAutoscaler'], (obj, spec, scope) => {
    const ref = spec.scaleTargetRef ?? {};
    const found = scope.of(ref.kind, obj.metadata.namespace).some((t) => t.apiVersion === ref.apiVersion && t.metadata.name === ref.name);
    return [found ? undefined : `its target ${ref.kind} ${ref.name} is not in the output`];
  }),
  'kube-score/horizontalpodautoscaler-replicas': onKind(['HorizontalPodAutoscaler'], (_obj, spec) => [
    (spec.minReplicas ?? 1) < 2 ? `minReplicas is ${spec.minReplicas ?? 1}, below 2` : undefined,
  ]),
  'kube-score/label-values': onAll(({ obj }) => {
    // A loop: this rule reads every label of every object.
    const findings: Finding[] = [];
    const labels = obj.metadata.labels ?? {};
    for (const k of Object.keys(labels)) if (!LABEL_VALUE.test(labels[k])) findings.push({ message: `label ${k} has an invalid value "${labels[k]}"` });
    return findings;
  }),

  'polaris/tagNotSpecified': perContainer((c) =>
    /^.+:.+$/.test(c.image ?? '') && !/^.+:latest$/.test(c.image) ? undefined : `image ${c.image} has no tag or latest`,
  ),
  'polaris/pullPolicyNotAlways': perContainer((c) =>
    c.imagePullPolicy === 'Always' ? undefined : `imagePullPolicy is ${c.imagePullPolicy ?? 'unset'}, not Always`,
  ),
  'polaris/priorityClassNotSet': onPod((pod) => [pod.priorityClassName ? undefined : 'the pod has no priorityClassName']),
  'polaris/deploymentMissingReplicas': onKind(['Deployment'], (_obj, spec) => [
    spec.replicas >= 2 ? undefined : `spec.replicas is ${spec.replicas ?? 'unset'}, not 2 or more`,
  ]),
  'polaris/metadataAndInstanceMismatched': onKind(WORKLOAD_KINDS, (obj) => {
    const instance = obj.metadata.labels?.['app.kubernetes.io/instance'];
    return [instance === obj.metadata.name ? undefined : `label app.kubernetes.io/instance is ${instance ?? 'unset'}, not its name`];
  }),
  'polaris/pdbDisruptionsIsZero': onKind(['PodDisruptionBudget'], (_obj, spec) => [
    spec.minAvailable === '100%' || spec.maxUnavailable === 0 || spec.maxUnavailable === '0%' ? 'allows no voluntary eviction' : undefined,
  ]),
  'polaris/hpaMinAvailability': onKind(['HorizontalPodAutoscaler'], (_obj, spec) => [
    spec.minReplicas !== undefined && spec.minReplicas < 2 ? `minReplicas is ${spec.minReplicas}, below 2` : undefined,
  ]),
  'polaris/hpaMaxAvailability': onKind(['HorizontalPodAutoscaler'], (_obj, spec) => [
    spec.maxReplicas <= (spec.minReplicas ?? 0) ? `maxReplicas ${spec.maxReplicas} is not above minReplicas ${spec.minReplicas}` : undefined,
  ]),
  'polaris/pdbMinAvailableGreaterThanHPAMinReplicas': onKind(['Deployment'], (obj, _spec, scope) => {
    const hpa = scope.hpaOf(obj)?.spec as Json;
    const pdb = scope.of('PodDisruptionBudget', obj.metadata.namespace).find((p) => selectorMatches((p.spec as Json).selector, podLabelsOf(obj)))?.spec as Json;
    if (!hpa?.minReplicas || pdb?.minAvailable === undefined) return [];
    const min = minAvailableOf(pdb.minAvailable, hpa.minReplicas);
    return [min > hpa.minReplicas ? `its PDB keeps ${min} pods, more than the HPA's minReplicas ${hpa.minReplicas}` : undefined];
  }),
  'polaris/hostPathSet': onPod((pod) => (pod.volumes ?? []).map((v: Json) => (v.hostPath ? `volume ${v.name} is a hostPath` : undefined))),
  'polaris/hostPortSet': perContainer((c) => ((c.ports ?? []).some((p: Json) => p.hostPort) ? 'opens a hostPort' : undefined)),
  'polaris/missingNetworkPolicy': onPod((_pod, obj, scope) => {
    const labels = Object.entries(podLabelsOf(obj));
    const fits = scope.of('NetworkPolicy', obj.metadata.namespace).some((p) => {
      const spec = p.spec as Json;
      const named = labels.filter(([k, v]) => spec.podSelector?.matchLabels?.[k] === v).length;
      const types = spec.policyTypes ?? ['Ingress', 'Egress'];
      return named === 1 && spec.ingress?.length > 0 && spec.egress?.length > 0 && types.includes('Ingress') && types.includes('Egress');
    });
    return [labels.length > 0 && fits ? undefined : 'no one NetworkPolicy names its pod labels with both ingress and egress rules'];
  }),
  'polaris/sensitiveContainerEnvVar': perContainer((c) => {
    const bad = (c.env ?? []).filter((e: Json) => 'value' in e && (POLARIS_SECRET_NAMES.some((p) => p.test(e.name)) || PRIVATE_KEY.test(String(e.value))));
    return bad.length > 0
      ? `env var ${bad.map((e: Json) => e.name).join(', ')} looks like a secret but has a plain value: use a file or a secretKeyRef`
      : undefined;
  }),
  'polaris/sensitiveConfigmapContent': onKind(['ConfigMap'], (obj) =>
    Object.entries((obj.data as Record<string, string>) ?? {}).map(([k, v]) =>
      POLARIS_SECRET_NAMES.some((p) => p.test(k)) || PRIVATE_KEY.test(v) ? `key ${k} looks like a secret` : undefined,
    ),
  ),

  'kube-linter/env-var-secret': perContainer((c) => {
    const bad = (c.env ?? []).filter((e: Json) => LINTER_SECRET_NAME.test(e.name) && e.value);
    return bad.length > 0 ? `env var ${bad.map((e: Json) => e.name).join(', ')} is named like a secret and has a plain value` : undefined;
  }),
  'kube-linter/duplicate-env-var': perContainer(duplicateEnv),
  'kube-linter/latest-tag': perContainer((c) => (linterBlocks(c.image ?? '') ? `image ${c.image} has no tag or latest` : undefined)),
  'kube-linter/job-ttl-seconds-after-finished': onKind(['Job', 'CronJob'], (obj, spec) => [
    obj.kind === 'Job' && spec?.ttlSecondsAfterFinished === undefined ? 'a standalone Job without ttlSecondsAfterFinished' : undefined,
    obj.kind === 'CronJob' && spec?.jobTemplate?.spec?.ttlSecondsAfterFinished !== undefined
      ? 'its job template sets ttlSecondsAfterFinished, which fights the history limits'
      : undefined,
  ]),
  'kube-linter/liveness-port': perContainer((c) => probePortProblem(c, c.livenessProbe, 'liveness'), { main: true }),
  'kube-linter/readiness-port': perContainer((c) => probePortProblem(c, c.readinessProbe, 'readiness'), { main: true }),
  'kube-linter/startup-port': perContainer((c) => probePortProblem(c, c.startupProbe, 'startup'), { main: true }),
  'kube-linter/mismatching-selector': onKind(DEPLOYMENT_LIKE_WITH_SELECTOR, (obj, spec) => [
    selectorMatches(spec.selector, podLabelsOf(obj)) ? undefined : 'its selector does not match its pod template labels',
  ]),
  'kube-linter/dangling-service': onKind(['Service'], (obj, spec, scope) => [
    spec.selector && !scope.podLabelsIn(obj.metadata.namespace).some((l) => serviceSelects(spec.selector, l))
      ? 'its selector matches no pod in its namespace'
      : undefined,
  ]),
  'kube-linter/non-existent-service-account': onPod((pod, obj, scope) => {
    const name = pod.serviceAccountName || pod.serviceAccount;
    const found = !name || name === 'default' || scope.of('ServiceAccount', obj.metadata.namespace).some((s) => s.metadata.name === name);
    return [found ? undefined : `its ServiceAccount ${name} is not in the output`];
  }),
  'kube-linter/deprecated-service-account-field': onPod((pod) => [pod.serviceAccount ? 'uses the deprecated serviceAccount field' : undefined]),
  'kube-linter/no-anti-affinity': onKind(['Deployment', 'StatefulSet', 'ReplicaSet'], (obj, spec) => [
    (spec.replicas ?? 1) >= 2 && !hasAntiAffinity(podSpecOf(obj), podLabelsOf(obj), (k) => k === 'kubernetes.io/hostname')
      ? `${spec.replicas} replicas but no pod anti-affinity over kubernetes.io/hostname`
      : undefined,
  ]),
  'kube-linter/pdb-max-unavailable': onKind(['PodDisruptionBudget'], (_obj, spec) => [
    spec.maxUnavailable === 0 || spec.maxUnavailable === '0%' ? 'maxUnavailable is 0' : undefined,
  ]),
  'kube-linter/pdb-min-available': onKind(['PodDisruptionBudget'], (obj, spec, scope) => {
    if (spec.minAvailable === undefined) return [];
    if (spec.minAvailable === '100%') return ['minAvailable is 100%'];
    const selected = DEPLOYMENT_LIKE_WITH_SELECTOR.flatMap((k) => scope.of(k, obj.metadata.namespace)).filter((w) =>
      selectorMatches(spec.selector, podLabelsOf(w)),
    );
    return selected.map((w) => {
      const ws = w.spec as Json;
      const replicas = ws.replicas ?? (scope.hpaOf(w)?.spec as Json)?.minReplicas ?? 1;
      return replicas <= minAvailableOf(spec.minAvailable, replicas)
        ? `minAvailable ${spec.minAvailable} leaves ${describe(w)} (${replicas} replicas) no eviction`
        : undefined;
    });
  }),
  'kube-linter/pdb-unhealthy-pod-eviction-policy': onKind(['PodDisruptionBudget'], (_obj, spec) => [
    spec.unhealthyPodEvictionPolicy === 'AlwaysAllow'
      ? undefined
      : `unhealthyPodEvictionPolicy is ${spec.unhealthyPodEvictionPolicy ?? 'unset'}, not AlwaysAllow`,
  ]),
};

/** The checks an object is exempt from, as `scanner/check`, read the way each scanner reads them. */
export function exemptionsOf(meta: { readonly annotations?: Readonly<Record<string, string>> } | undefined): Set<string> {
  const out = new Set<string>();
  for (const [key, value] of Object.entries(meta?.annotations ?? {})) {
    if (key === KUBE_SCORE_IGNORE) for (const id of value.split(',')) out.add(checkKeyOf('kube-score', id.trim()));
    const { polaris, kubeLinter } = checksNamedBy(key);
    if (polaris && value.toLowerCase() === 'true') out.add(polaris);
    if (kubeLinter) out.add(kubeLinter);
  }
  return out;
}

/** The checks an annotation key names, as `scanner/check`: Polaris's (exempt when its value is `true`) and kube-linter's. */
interface NamedChecks {
  readonly polaris?: string;
  readonly kubeLinter?: string;
}
/** Each annotation key's, kept: every object asks, and they carry the same few dozen keys. */
const namedChecks = new Map<string, NamedChecks>();
const MAX_REMEMBERED_KEYS = 10_000;
function checksNamedBy(key: string): NamedChecks {
  let named = namedChecks.get(key);
  if (!named) {
    if (namedChecks.size >= MAX_REMEMBERED_KEYS) namedChecks.clear();
    const polaris = POLARIS_EXEMPT.exec(key);
    named = {
      polaris: polaris ? checkKeyOf('polaris', polaris[1]) : undefined,
      kubeLinter: key.startsWith(KUBE_LINTER_IGNORE_PREFIX) ? checkKeyOf('kube-linter', key.slice(KUBE_LINTER_IGNORE_PREFIX.length)) : undefined,
    };
    namedChecks.set(key, named);
  }
  return named;
}

/** RULES as a list, each key split once. */
const RULE_LIST = (Object.entries(RULES) as [string, Rule][]).map(([key, rule]) => {
  const [scanner, id] = key.split('/');
  return { key, scanner, id, rule };
});

const where = (obj: KubeObject, f: Finding) => `${describe(obj)}${f.container ? ` container ${f.container}` : ''}`;

/**
 * The rules that apply to objects of a kind, with a pod or not, in RULE_LIST's order: most objects are
 * exempt from nothing, and need only these (a third of a 1,000-app synth's objects are Roles, RoleBindings
 * and ServiceAccounts, which all but one rule skip).
 */
const rulesApplyingTo = new Map<string, typeof RULE_LIST>();
function applyingTo(target: Target): typeof RULE_LIST {
  const key = `${target.obj.kind}/${!!target.pod}`;
  let rules = rulesApplyingTo.get(key);
  if (!rules) rulesApplyingTo.set(key, (rules = RULE_LIST.filter(({ rule }) => appliesTo(rule, target))));
  return rules;
}

/** Every finding of every implemented check on objects not exempt from it, and every exemption not needed. */
export const scannerProblems = (objects: readonly KubeObject[]): string[] => objects.flatMap(scannerCheckOver(objects));

/**
 * The scanner checks of one object, each rule looking up the other objects of its namespace among these:
 * a namespace check (rules/object-verdicts.ts).
 */
export const scannerCheckOver: NamespaceCheck = (objects) => {
  const scope = new Scope(objects);
  return (obj) => {
    const problems: string[] = [];
    const exempt = exemptionsOf(obj.metadata);
    const target = targetOf(obj);
    // An exemption from a rule that does not apply is judged too: it is not needed.
    for (const { key, scanner, id, rule } of exempt.size > 0 ? RULE_LIST : applyingTo(target)) {
      const findings = appliesTo(rule, target) ? rule.judge(target, scope) : [];
      if (exempt.has(key)) {
        if (findings.length === 0) problems.push(`${describe(obj)}: exempt from ${scanner} ${id}, but passes it: drop the exemption`);
      } else {
        for (const f of findings) problems.push(`${where(obj, f)}: ${scanner} ${id}: ${f.message}`);
      }
    }
    return problems;
  };
};

/** A reason worth the name: a few words, not a flag. */
const isReason = (text: string | undefined) => !!text && wordCountOf(text) >= 3;
/** Each reason's count of words, kept: thousands of objects give the same few reasons. */
const wordCounts = new Map<string, number>();
const MAX_REMEMBERED_REASONS = 10_000;
function wordCountOf(text: string): number {
  let count = wordCounts.get(text);
  if (count === undefined) {
    if (wordCounts.size >= MAX_REMEMBERED_REASONS) wordCounts.clear();
    wordCounts.set(text, (count = text.trim().split(/\s+/).length));
  }
  return count;
}
const implemented = (scanner: Scanner, id: string) => checkKeyOf(scanner, id) in RULES;

/**
 * Every exemption names a check that synth judges, on the object itself (not its pod template, where
 * kube-score would read it too), with a reason; every reason belongs to an exemption; nothing exempts
 * an object from every check at once.
 */
export function exemptionProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  for (const obj of objects) {
    const templateMeta = podTemplateMetaOf(obj);
    // Most objects carry no annotation, nor do their pods: nothing to judge.
    if (!obj.metadata.annotations && !templateMeta?.annotations) continue;
    const annotations = obj.metadata.annotations ?? {};
    const templateExemptions = [...exemptionsOf(templateMeta)];
    if (templateExemptions.length > 0)
      problems.push(`${describe(obj)}: its pod template carries exemptions (${templateExemptions.join(', ')}): put them on the object`);
    for (const all of [POLARIS_EXEMPT_ALL, KUBE_LINTER_IGNORE_ALL]) {
      if (all in annotations)
        problems.push(`${describe(obj)}: annotation ${all} exempts it from every check: exempt it from the failing checks, each with its reason`);
    }
    const exempt = exemptionsOf(obj.metadata);
    for (const key of exempt) {
      const { scanner, id, implemented, reasonKey } = exemptionNamed(key);
      if (!implemented) {
        problems.push(
          `${describe(obj)}: exempt from ${scanner} ${id}, which synth does not judge: exempt only from a check of rules/scanner-checks.ts that scanner-rules implements`,
        );
      }
      if (!isReason(annotations[reasonKey])) {
        const at = scanner === 'kube-linter' ? `the value of ${reasonKey}` : reasonKey;
        problems.push(`${describe(obj)}: exempt from ${scanner} ${id} without a reason: write one in ${at}`);
      }
    }
    for (const key of Object.keys(annotations)) {
      if (key.startsWith(EXEMPTION_REASON_PREFIX) && !exempt.has(reasonedCheckOf(key)))
        problems.push(`${describe(obj)}: ${key} gives a reason for an exemption it does not have`);
    }
  }
  return problems;
}

/** An exemption (`scanner/check`, as exemptionsOf gives it), split, whether synth judges its check, and the annotation that holds its reason. */
interface Exemption {
  readonly scanner: Scanner;
  readonly id: string;
  readonly implemented: boolean;
  readonly reasonKey: string;
}
/** Each exemption's, and each reason key's check, kept: thousands of objects carry the same few dozen. */
const exemptions = new Map<string, Exemption>();
const reasonedChecks = new Map<string, string>();

function exemptionNamed(key: string): Exemption {
  let exemption = exemptions.get(key);
  if (!exemption) {
    if (exemptions.size >= MAX_REMEMBERED_KEYS) exemptions.clear();
    const [scanner, id] = key.split('/') as [Scanner, string];
    const reasonKey = scanner === 'kube-linter' ? `${KUBE_LINTER_IGNORE_PREFIX}${id}` : exemptionReasonKey(scanner, id);
    exemptions.set(key, (exemption = { scanner, id, implemented: implemented(scanner, id), reasonKey }));
  }
  return exemption;
}

/** The exemption a reason annotation (`<prefix><scanner>.<check>`) gives the reason for, as `scanner/check`. */
function reasonedCheckOf(key: string): string {
  let check = reasonedChecks.get(key);
  if (check === undefined) {
    if (reasonedChecks.size >= MAX_REMEMBERED_KEYS) reasonedChecks.clear();
    const [scanner, ...rest] = key.slice(EXEMPTION_REASON_PREFIX.length).split('.');
    reasonedChecks.set(key, (check = checkKeyOf(scanner as Scanner, rest.join('.'))));
  }
  return check;
}

function podTemplateMetaOf(obj: KubeObject): { annotations?: Record<string, string> } | undefined {
  const spec = obj.spec as Json;
  return obj.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template?.metadata : podSpecOf(obj) && obj.kind !== 'Pod' ? spec?.template?.metadata : undefined;
}

const RECOMMENDED_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance'];

/** The recommended labels the scanners read: name and instance on every workload and on its pods. */
export function recommendedLabelProblems(objects: readonly KubeObject[]): string[] {
  // A loop: this rule judges every object, one at a time (rules/object-verdicts.ts).
  const problems: string[] = [];
  for (const o of objects) {
    if (!podSpecOf(o)) continue;
    for (const l of RECOMMENDED_LABELS) if (!o.metadata.labels?.[l]) problems.push(`${describe(o)}: has no label ${l}`);
    if (o.kind === 'Pod') continue;
    const podLabels = podLabelsOf(o);
    for (const l of RECOMMENDED_LABELS) if (!podLabels[l]) problems.push(`${describe(o)}: its pods have no label ${l}`);
  }
  return problems;
}

/** The ids of the checks this module implements, for the table's test. */
export const IMPLEMENTED_CHECKS: readonly string[] = Object.keys(RULES);
export const TABLE_RULE_CHECKS: readonly string[] = SCANNER_CHECKS.filter((c) => c.enforcedBy === 'scanner-rules').map((c) => checkKeyOf(c.scanner, c.id));
