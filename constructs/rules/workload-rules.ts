import { POD_SECURITY_REASON_ANNOTATION } from '../model/naming';
import { parseQuantity } from '../model/quantity';
import { REQUEST_PATH_ROLES, type DeclaredWorkload, type Replicas } from '../platform/chart-workload';
import { namespaceLevelOf } from '../platform/namespace-level';
import { declaredPodOf } from '../platform/declared-pod';
import type { KubeObject } from '../model/kube-object';
import { evictionsAllowed } from './disruption-budget';
import { podSecurityProblems } from './pod-security';

/* Rules over every workload the add-ons' charts and operators run, judged from their declarations at
   every synth; the CI render job judges the pods the real charts render with the same rules. */

/** The lowest number of pods the workload can have; a DaemonSet counts as one pod per node. */
export const minReplicasOf = (replicas: Replicas): number => (replicas === 'perNode' ? 1 : typeof replicas === 'number' ? replicas : replicas.min);

/** Each declared workload meets its Pod Security level, has requests and a memory limit, can be drained, and has a priority class. */
export function workloadProblems(declared: readonly DeclaredWorkload[]): string[] {
  const problems: string[] = [];
  for (const { addOn, namespace, workload: w } of declared) {
    const at = (field: string) => `add-on "${addOn}", workload ${w.kind} ${namespace}/${w.name}: field "${field}"`;
    const pod = declaredPodOf(w);
    for (const p of podSecurityProblems(pod, w.podSecurity)) problems.push(`${at('podSecurity')} = "${w.podSecurity}": ${p}`);
    if (w.podSecurity !== 'restricted') {
      if (!w.podSecurityReason?.trim()) problems.push(`${at('podSecurityReason')} is empty: say why it cannot be restricted`);
      else if (podSecurityProblems(pod, 'restricted').length === 0)
        problems.push(`${at('podSecurity')} = "${w.podSecurity}": its pod meets restricted; declare restricted`);
    }
    const s = w.settings;
    const containers = Object.entries(s.containers);
    if (containers.length === 0) problems.push(`${at('settings.containers')} is empty`);
    for (const [name, c] of containers) {
      for (const [bound, resource] of [
        ['requests', 'cpu'],
        ['requests', 'memory'],
        ['limits', 'memory'],
      ] as const) {
        const value = (c.resources?.[bound] as Record<string, string> | undefined)?.[resource];
        if (!value || parseQuantity(value) === undefined || parseQuantity(value)! <= 0)
          problems.push(`${at(`settings.containers.${name}.resources.${bound}.${resource}`)} = ${JSON.stringify(value)}: must be a positive quantity`);
      }
    }
    if (!s.priorityClassName && !w.exemptions?.priorityClassName?.trim()) problems.push(`${at('settings.priorityClassName')} is not set`);
    const min = minReplicasOf(s.replicas);
    if (REQUEST_PATH_ROLES.includes(w.role)) {
      if (min < 2)
        problems.push(`${at('settings.replicas')} = ${JSON.stringify(s.replicas)}: a ${w.role} is on the request path and needs at least 2 replicas`);
      if (!s.disruptionBudget) problems.push(`${at('settings.disruptionBudget')} is not set: a ${w.role} needs a budget that keeps one replica up`);
    }
    if ((REQUEST_PATH_ROLES.includes(w.role) || min > 1) && s.replicas !== 'perNode' && !s.spread) {
      problems.push(`${at('settings.spread')} is not true: its ${min > 1 ? 'replicas' : 'replica'} must spread over zones`);
    }
    if (s.disruptionBudget) {
      const allowed = evictionsAllowed(s.disruptionBudget, min);
      if (s.replicas === 'perNode' || w.kind === 'Job') problems.push(`${at('settings.disruptionBudget')}: a ${w.kind} takes no budget`);
      else if (typeof allowed === 'string') problems.push(`${at('settings.disruptionBudget')}: ${allowed}`);
      else if (allowed < 1) {
        problems.push(
          `${at('settings.disruptionBudget')} = ${JSON.stringify(s.disruptionBudget)}: at ${min} replica(s) it allows no eviction, so no node running it can be drained`,
        );
      }
    }
  }
  return problems;
}

/**
 * Each platform namespace enforces the most permissive level among its declared workloads, no more and
 * no less, and says why when that is not `restricted`.
 */
export function namespaceLevelProblems(objects: readonly KubeObject[], declared: readonly DeclaredWorkload[]): string[] {
  const problems: string[] = [];
  const byNamespace = new Map<string, DeclaredWorkload[]>();
  for (const d of declared) byNamespace.set(d.namespace, [...(byNamespace.get(d.namespace) ?? []), d]);
  for (const [namespace, workloads] of byNamespace) {
    const ns = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === namespace);
    if (!ns) continue; // a namespace the platform does not own (kube-system) is not ours to label
    const wanted = namespaceLevelOf(namespace, workloads).level;
    const enforced = ns.metadata.labels?.['pod-security.kubernetes.io/enforce'];
    if (enforced !== wanted) problems.push(`Namespace ${namespace}: enforces "${enforced}", but its most permissive workload needs "${wanted}"`);
    if (wanted !== 'restricted' && !ns.metadata.annotations?.[POD_SECURITY_REASON_ANNOTATION]) {
      problems.push(`Namespace ${namespace}: enforces "${wanted}" without the ${POD_SECURITY_REASON_ANNOTATION} annotation`);
    }
  }
  return problems;
}
