import type { ClusterSpec } from '../model/cluster-spec';
import { describe, type KubeObject } from '../model/kube-object';
import { alertQueryProblems } from './alert-query-rules';
import { podLabelsOf, podSpecOf } from './pod-template';
import { backupCoverageCheckOver, statefulProblems } from './data-rules';
import { edgeProblems, hostnameMatches, httpsListenersNamedBy, supplyProblems } from './edge-rules';
import { isHttpRedirect } from '../platform/envoy-gateway';
import { byNamespace, ofKind, withKindIndex } from './objects-of-kind';
import { kibanaProblems } from './kibana-rules';
import { loginGroupProblems } from './login-group-rules';
import { fluentBitSettingProblems } from './fluent-bit-setting-rules';
import { logBufferProblems } from './log-buffer-rules';
import { mountedFileProblems } from './mounted-file-rules';
import { objectSizeProblems } from './object-size-rules';
import { rbacProblems } from './rbac-rules';
import { volumeOwnershipProblems } from './volume-ownership-rules';
import { exemptionProblems, recommendedLabelProblems, scannerCheckOver } from './scanner-rules';
import { zoneSpreadProblems } from './zone-spread-rules';
import { problemsOfEach, problemsOfEachInNamespace, type NamespaceCheck, type ObjectCheck } from './object-verdicts';

/* The properties every synthesized cluster must have. They run on every synth, and the tests run them
   against broken objects to show that each one can fail. */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const selects = (selector: Json, labels: Record<string, string>): boolean =>
  !!selector && !selector.matchExpressions && Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

/** Non-root, read-only root, no privilege escalation, all capabilities dropped, seccomp, requests and limits. */
export function hardeningProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  for (const obj of objects) {
    const pod = podSpecOf(obj);
    if (!pod) continue;
    if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push(`${describe(obj)}: shares a host namespace`);
    if (pod.automountServiceAccountToken !== false) problems.push(`${describe(obj)}: automountServiceAccountToken is not false`);
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const where = `${describe(obj)} container ${c.name}`;
      const sc = c.securityContext ?? {};
      if ((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true) problems.push(`${where}: runAsNonRoot is not true`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem is not true`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (sc.privileged) problems.push(`${where}: is privileged`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where}: does not drop ALL capabilities`);
      if (sc.capabilities?.add?.length) problems.push(`${where}: adds capabilities ${sc.capabilities.add.join(',')}`);
      if ((sc.seccompProfile ?? pod.securityContext?.seccompProfile)?.type !== 'RuntimeDefault')
        problems.push(`${where}: seccompProfile is not RuntimeDefault`);
      for (const bound of ['requests', 'limits']) {
        for (const resource of ['cpu', 'memory']) {
          if (!c.resources?.[bound]?.[resource]) problems.push(`${where}: has no ${resource} ${bound.slice(0, -1)}`);
        }
      }
      if (obj.kind === 'Deployment' && (!c.readinessProbe || !c.livenessProbe)) problems.push(`${where}: lacks a readiness or liveness probe`);
    }
  }
  return problems;
}

/** Every Deployment sits behind a default-deny NetworkPolicy, has a PDB, and is spread over zones. */
export const coverageProblems = (objects: readonly KubeObject[]): string[] => objects.flatMap(coverageCheckOver(objects));

/** coverageProblems of one object, a Deployment, in the light of its namespace's NetworkPolicies and PodDisruptionBudgets among these objects. */
export const coverageCheckOver: NamespaceCheck = (objects) => {
  const policiesIn = byNamespace(ofKind(objects, 'NetworkPolicy'));
  const budgetsIn = byNamespace(ofKind(objects, 'PodDisruptionBudget'));
  return (deployment) => {
    const problems: string[] = [];
    if (deployment.kind !== 'Deployment') return problems;
    const ns = deployment.metadata.namespace;
    const labels = podLabelsOf(deployment);
    const policies = (policiesIn.get(ns) ?? []).map((p) => p.spec as Json);
    const denyAll = policies.some(
      (p) =>
        Object.keys(p.podSelector ?? {}).length === 0 && p.policyTypes?.includes('Ingress') && p.policyTypes?.includes('Egress') && !p.ingress && !p.egress,
    );
    if (!denyAll) problems.push(`${describe(deployment)}: its namespace has no default-deny NetworkPolicy`);
    if (!policies.some((p) => p.ingress && selects(p.podSelector, labels)))
      problems.push(`${describe(deployment)}: no NetworkPolicy admits traffic to its pods`);
    if (!(budgetsIn.get(ns) ?? []).some((p) => selects((p.spec as Json).selector, labels))) {
      problems.push(`${describe(deployment)}: no PodDisruptionBudget selects its pods`);
    }
    const spread = podSpecOf(deployment).topologySpreadConstraints ?? [];
    for (const key of ['topology.kubernetes.io/zone', 'kubernetes.io/hostname']) {
      if (!spread.some((s: Json) => s.topologyKey === key && selects(s.labelSelector, labels)))
        problems.push(`${describe(deployment)}: not spread over ${key}`);
    }
    return problems;
  };
};

/** Every host of every HTTPRoute but the HTTP listener's redirects is attached to an HTTPS listener for that host (its own, or the shared `*.<domain>`). */
export function routeProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  const gateways = new Map(ofKind(objects, 'Gateway').map((g) => [g.metadata.name, g]));
  const attachedTo = httpsListenersNamedBy((name) => gateways.get(name));
  for (const route of ofKind(objects, 'HTTPRoute')) {
    const spec = route.spec as Json;
    const refs: Json[] = spec.parentRefs ?? [];
    const listeners = refs.flatMap(attachedTo);
    // The HTTP listener's redirects name hosts to send them to HTTPS, not to serve them there.
    for (const host of isHttpRedirect(route) ? [] : (spec.hostnames ?? [])) {
      if (!listeners.some((l) => hostnameMatches(l.hostname, host)))
        problems.push(`${describe(route)}: host ${host} is not attached to an HTTPS listener for it`);
    }
    if (refs.some((p) => p.sectionName === undefined))
      problems.push(`${describe(route)}: a parentRef has no sectionName, so it would attach to the plain HTTP listener too`);
  }
  return problems;
}

/** No Service opens a port on the nodes or a load balancer of its own (the Gateway's comes from its EnvoyProxy). */
export function publicSurfaceProblems(objects: readonly KubeObject[]): string[] {
  return objects
    .filter((o) => o.kind === 'Service' && ['LoadBalancer', 'NodePort'].includes((o.spec as Json)?.type))
    .map((o) => `${describe(o)}: type ${(o.spec as Json).type} is public; only the shared Gateway may be`);
}

/**
 * The rules that judge each object on its own: the thread that built some objects may judge them there
 * (rules/object-verdicts.ts).
 */
export const OBJECT_RULES = {
  hardening: (o) => hardeningProblems([o]),
  publicSurface: (o) => publicSurfaceProblems([o]),
  supply: (o) => supplyProblems([o]),
  mountedFiles: (o) => mountedFileProblems([o]),
  exemptions: (o) => exemptionProblems([o]),
  recommendedLabels: (o) => recommendedLabelProblems([o]),
  rbac: (o) => rbacProblems([o]),
  size: (o) => objectSizeProblems([o]),
  zoneSpread: (o) => zoneSpreadProblems([o]),
} satisfies Record<string, ObjectCheck>;

/** The rules that judge each object in the light of its namespace: the thread that built a whole namespace may judge it there. */
export const NAMESPACE_RULES = {
  scanner: scannerCheckOver,
  coverage: coverageCheckOver,
  backupCoverage: backupCoverageCheckOver,
} satisfies Record<string, NamespaceCheck>;

const eachObject = (rule: keyof typeof OBJECT_RULES, objects: readonly KubeObject[]): string[] => problemsOfEach(rule, OBJECT_RULES[rule], objects);
const eachInNamespace = (rule: keyof typeof NAMESPACE_RULES, objects: readonly KubeObject[]): string[] =>
  problemsOfEachInNamespace(rule, NAMESPACE_RULES[rule], objects);

/** Every rule, over the objects of one cluster. */
export const outputProblems = (objects: readonly KubeObject[], cluster: ClusterSpec): string[] => withKindIndex(() => everyRule(objects, cluster));

const everyRule = (objects: readonly KubeObject[], cluster: ClusterSpec): string[] => [
  ...eachObject('hardening', objects),
  ...eachInNamespace('coverage', objects),
  ...routeProblems(objects),
  ...eachObject('publicSurface', objects),
  ...edgeProblems(objects),
  ...kibanaProblems(objects, cluster.internalAccess),
  ...loginGroupProblems(objects, cluster),
  ...eachObject('supply', objects),
  ...statefulProblems(objects),
  ...volumeOwnershipProblems(objects),
  ...eachInNamespace('backupCoverage', objects),
  ...eachObject('rbac', objects),
  ...eachObject('mountedFiles', objects),
  ...logBufferProblems(objects, cluster),
  ...fluentBitSettingProblems(objects),
  ...alertQueryProblems(objects, cluster.env),
  ...eachInNamespace('scanner', objects),
  ...eachObject('exemptions', objects),
  ...eachObject('recommendedLabels', objects),
  ...eachObject('size', objects),
  ...eachObject('zoneSpread', objects),
];
