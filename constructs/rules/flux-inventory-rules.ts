import type { KubeObject } from '../model/kube-object';

/*
 * Flux keeps, in the status of each Kustomization, the inventory of every object it applied: one entry
 * {"id":"<namespace>_<name>_<group>_<kind>","v":"<version>"} per object (fluxcd/kustomize-controller,
 * api/v1/inventory_types.go). The Kustomization is one object in etcd, which refuses a write above its
 * request limit, 1.5 MiB by default (--max-request-bytes; EKS keeps it): past it, Flux can no longer record
 * what it applied, and stops pruning. Each object takes some 70 bytes; the apps' layers hold at most
 * FLUX_SHARD_APPS apps each (model/flux-shards.ts), some 50 KB, so this guards the platform's own layers.
 */

/** What a layer's inventory may take of etcd's 1.5 MiB: the rest is the Kustomization's spec, conditions and managedFields. */
export const INVENTORY_BUDGET_BYTES = 1.25 * 2 ** 20;

/** An object's entry in a Kustomization's inventory, as kustomize-controller writes it. */
export function inventoryEntryOf(obj: KubeObject): string {
  const slash = obj.apiVersion.lastIndexOf('/');
  const [group, version] = slash === -1 ? ['', obj.apiVersion] : [obj.apiVersion.slice(0, slash), obj.apiVersion.slice(slash + 1)];
  return JSON.stringify({ id: `${obj.metadata.namespace ?? ''}_${obj.metadata.name}_${group}_${obj.kind}`, v: version });
}

/** The bytes of a layer's inventory: its entries in a JSON list. */
export const inventoryBytesOf = (objects: readonly KubeObject[]): number => objects.reduce((n, o) => n + Buffer.byteLength(inventoryEntryOf(o)) + 1, 1);

/** The Flux layers whose inventory would pass the budget, each named by its Kustomization. */
export function fluxInventoryProblems(layers: ReadonlyMap<string, readonly KubeObject[]>): string[] {
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
  return [...layers].flatMap(([layer, objects]) => {
    const bytes = inventoryBytesOf(objects);
    return bytes <= INVENTORY_BUDGET_BYTES
      ? []
      : [
          `Flux Kustomization ${layer}: its inventory of ${objects.length} objects would take ${mib(bytes)} of its status, more than the ${mib(INVENTORY_BUDGET_BYTES)} ` +
            `it may of etcd's 1.5 MiB request limit; fewer apps per Flux shard (FLUX_SHARD_APPS in constructs/model/flux-shards.ts) or fewer platform objects in the layer`,
        ];
  });
}
