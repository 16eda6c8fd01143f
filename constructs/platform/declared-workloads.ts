import type { AddOn, AddOnContext } from './add-on';
import type { DeclaredWorkload } from './chart-workload';

/** Every workload the cluster's add-ons declare, in add-on order, each with its namespace. */
export function declaredWorkloadsOf(addOns: readonly AddOn[], ctx: AddOnContext): DeclaredWorkload[] {
  return addOns.flatMap((addOn) => addOn.workloads(ctx).map((workload) => ({ addOn: addOn.name, namespace: workload.namespace ?? addOn.namespace, workload })));
}
