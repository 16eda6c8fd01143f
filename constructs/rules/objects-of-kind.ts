import { groupedBy } from '../model/grouped-by';
import type { KubeObject } from '../model/kube-object';
import { passScope } from '../model/pass-scope';

/*
 * The cluster rules each pick a few kinds out of the same objects, some 30,000 at a thousand apps, and a
 * pass over them took several ms each: objects of that many shapes, far apart in memory. Within a pass of
 * rules over objects that do not change meanwhile (withKindIndex), each list of objects is grouped by kind
 * once. Outside one nothing is kept, since tests edit objects between two passes over them.
 */
const kindIndexes = passScope<readonly KubeObject[], ReadonlyMap<string, readonly KubeObject[]>>();

/** Runs fn (a pass of rules over objects that do not change meanwhile) with the lists' kind indexes kept. */
export const withKindIndex = <T>(fn: () => T): T => kindIndexes.within(fn);

/** The objects of one kind, in their order: `objects.filter((o) => o.kind === kind)`. The caller must not change the list. */
export const ofKind = (objects: readonly KubeObject[], kind: string): readonly KubeObject[] =>
  kindIndexes.kept(objects, () => groupedBy(objects, (o) => o.kind)).get(kind) ?? [];

/** The objects of each namespace, in order. */
export const byNamespace = (objects: readonly KubeObject[]): Map<string | undefined, KubeObject[]> => groupedBy(objects, (o) => o.metadata.namespace);
