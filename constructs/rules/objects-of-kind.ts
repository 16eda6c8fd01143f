import type { KubeObject } from '../model/kube-object';

/*
 * The cluster rules each pick a few kinds out of the same objects, some 30,000 at a thousand apps, and a
 * pass over them took several ms each: objects of that many shapes, far apart in memory. Within a pass of
 * rules over objects that do not change meanwhile (withKindIndex), each list of objects is grouped by kind
 * once. Outside one nothing is kept, since tests edit objects between two passes over them.
 */
let pass: WeakMap<readonly KubeObject[], ReadonlyMap<string, readonly KubeObject[]>> | undefined;

/** Runs fn (a pass of rules over objects that do not change meanwhile) with the lists' kind indexes kept. */
export function withKindIndex<T>(fn: () => T): T {
  if (pass) return fn();
  pass = new WeakMap();
  try {
    return fn();
  } finally {
    pass = undefined;
  }
}

/** The objects of one kind, in their order: `objects.filter((o) => o.kind === kind)`. The caller must not change the list. */
export function ofKind(objects: readonly KubeObject[], kind: string): readonly KubeObject[] {
  if (!pass) return objects.filter((o) => o.kind === kind);
  let byKind = pass.get(objects);
  if (!byKind) pass.set(objects, (byKind = groupedByKind(objects)));
  return byKind.get(kind) ?? [];
}

function groupedByKind(objects: readonly KubeObject[]): ReadonlyMap<string, readonly KubeObject[]> {
  const byKind = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const list = byKind.get(o.kind);
    if (list) list.push(o);
    else byKind.set(o.kind, [o]);
  }
  return byKind;
}

/** The objects of each namespace, in order. */
export function byNamespace(objects: readonly KubeObject[]): Map<string | undefined, KubeObject[]> {
  const grouped = new Map<string | undefined, KubeObject[]>();
  for (const o of objects) {
    const group = grouped.get(o.metadata.namespace);
    if (group) group.push(o);
    else grouped.set(o.metadata.namespace, [o]);
  }
  return grouped;
}
