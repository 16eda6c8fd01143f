/**
 * How many evictions a budget allows when `pods` pods are all healthy, as the disruption controller
 * computes it (kubernetes/kubernetes pkg/controller/disruption/disruption.go, getExpectedPodCount):
 * percentages are scaled with rounding up (intstr.GetScaledValueFromIntOrPercent(..., true)) for both
 * minAvailable and maxUnavailable; allowed = healthy - desiredHealthy.
 */
export function evictionsAllowed(spec: { minAvailable?: number | string; maxUnavailable?: number | string }, pods: number): number | string {
  const scaled = (value: number | string): number | undefined => {
    if (typeof value === 'number') return value;
    const m = /^(\d+)%$/.exec(value);
    return m ? Math.ceil((Number(m[1]) * pods) / 100) : undefined;
  };
  if (spec.maxUnavailable !== undefined) {
    const max = scaled(spec.maxUnavailable);
    if (max === undefined) return `maxUnavailable ${JSON.stringify(spec.maxUnavailable)} is neither a number nor a percentage`;
    return pods - Math.max(0, pods - max);
  }
  if (spec.minAvailable !== undefined) {
    const min = scaled(spec.minAvailable);
    if (min === undefined) return `minAvailable ${JSON.stringify(spec.minAvailable)} is neither a number nor a percentage`;
    return Math.max(0, pods - min);
  }
  return pods; // neither field: desiredHealthy stays 0, so every pod may go
}
