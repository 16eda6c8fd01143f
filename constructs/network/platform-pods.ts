import type { AddOn, AddOnContext } from '../platform/add-on';
import { declaredWorkloadsOf } from '../platform/declared-workloads';
import { podIdOf, type PodGroup } from './endpoints';

/** The pods the add-ons' charts (and the operators they install) run, as each add-on declares its workloads. */
export function platformPodsOf(addOns: readonly AddOn[], ctx: AddOnContext, address: string): PodGroup[] {
  return declaredWorkloadsOf(addOns, ctx).map(({ addOn, namespace, workload }) => {
    const { chart } = addOns.find((a) => a.name === addOn)!;
    const source = `chart ${chart.chart} ${chart.version} (add-on ${addOn})`;
    return {
      type: 'pods',
      id: podIdOf(namespace, workload.kind, workload.name),
      namespace,
      kind: workload.kind,
      name: workload.name,
      labels: { ...workload.podLabels },
      ports: (workload.ports ?? []).map((p) => ({ port: p.port, protocol: 'TCP' as const })),
      address,
      role: workload.role,
      source: workload.managedBy ? `${workload.managedBy}, by ${source}` : source,
    };
  });
}
