import { POD_SECURITY_LEVELS, type DeclaredWorkload, type PodSecurityLevel } from './chart-workload';

/**
 * The Pod Security level a platform namespace enforces: the most permissive one its workloads declare,
 * with their reasons. Each pod is still judged at its own declared level by the rules.
 */
export function namespaceLevelOf(namespace: string, declared: readonly DeclaredWorkload[]): { level: PodSecurityLevel; reason?: string } {
  const here = declared.filter((d) => d.namespace === namespace);
  const level = here.reduce<PodSecurityLevel>(
    (a, d) => (POD_SECURITY_LEVELS.indexOf(d.workload.podSecurity) > POD_SECURITY_LEVELS.indexOf(a) ? d.workload.podSecurity : a),
    'restricted',
  );
  if (level === 'restricted') return { level };
  const reasons = here
    .filter((d) => d.workload.podSecurity === level)
    .map((d) => `${d.workload.kind} ${d.workload.name}: ${d.workload.podSecurityReason ?? ''}`);
  return { level, reason: reasons.join('; ') };
}
