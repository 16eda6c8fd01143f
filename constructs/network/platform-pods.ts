import type { AddOn, AddOnContext } from '../platform/add-on';
import { declaredWorkloadsOf } from '../platform/declared-workloads';
import { podIdOf, type PodGroup } from './endpoints';

/**
 * The pods the add-ons' charts (and the operators they install) run. An add-on that declares its
 * `workloads` gives one group per workload, with its pod labels and ports; one that does not yet stands
 * as one group for its whole release, with no labels, which the platform namespaces' policies (all
 * selecting every pod) treat alike.
 */
export function platformPodsOf(addOns: readonly AddOn[], ctx: AddOnContext, address: string): PodGroup[] {
  const declared = declaredWorkloadsOf(addOns, ctx);
  return addOns.flatMap((addOn): PodGroup[] => {
    const source = `chart ${addOn.chart.chart} ${addOn.chart.version} (add-on ${addOn.name})`;
    const mine = declared.filter((d) => d.addOn === addOn.name);
    if (mine.length === 0) {
      return [
        {
          type: 'pods',
          id: podIdOf(addOn.namespace, 'HelmRelease', addOn.name),
          namespace: addOn.namespace,
          kind: 'HelmRelease',
          name: addOn.name,
          labels: {},
          ports: [],
          address,
          source: `${source}: every pod of the release (its workloads are not declared yet)`,
        },
      ];
    }
    return mine.map(({ namespace, workload }) => ({
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
    }));
  });
}
