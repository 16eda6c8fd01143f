import { SynthError } from '../model/spec-error';
import type { AddOn, AddOnKind } from './add-on';

/** The enabled add-on of each kind an add-on depends on; undefined where none is enabled. */
const resolved = (addOn: AddOn, addOns: readonly AddOn[]): [AddOnKind, AddOn | undefined][] =>
  addOn.dependsOn.map((kind) => [kind, addOns.find((a) => a instanceof kind)]);

/** The names of the add-ons an add-on depends on, as Flux's HelmRelease `dependsOn` wants them. */
export const dependencyNamesOf = (addOn: AddOn, addOns: readonly AddOn[]): string[] =>
  resolved(addOn, addOns)
    .flatMap(([, dep]) => (dep ? [dep.name] : []))
    .sort();

/**
 * The add-ons in install order (each after everything it depends on, ties by name). Fails synth
 * naming the add-on and the dependency when one is missing or the dependencies form a cycle.
 */
export function orderAddOns(addOns: readonly AddOn[]): AddOn[] {
  const problems = addOns.flatMap((addOn) =>
    resolved(addOn, addOns)
      .filter(([, dep]) => dep === undefined)
      .map(([kind]) => `add-on "${addOn.name}": field "dependsOn" = ${kind.name}: no add-on of that kind is enabled in this cluster`),
  );
  if (problems.length > 0) throw new SynthError(problems, 'add-on dependencies');

  const ordered: AddOn[] = [];
  const state = new Map<AddOn, 'visiting' | 'done'>();
  const visit = (addOn: AddOn, path: string[]): void => {
    if (state.get(addOn) === 'done') return;
    if (state.get(addOn) === 'visiting') {
      throw new SynthError([`add-on "${addOn.name}": field "dependsOn" forms a cycle: ${[...path, addOn.name].join(' -> ')}`], 'add-on dependencies');
    }
    state.set(addOn, 'visiting');
    const deps = resolved(addOn, addOns).map(([, dep]) => dep!);
    for (const dep of deps.sort((a, b) => a.name.localeCompare(b.name))) visit(dep, [...path, addOn.name]);
    state.set(addOn, 'done');
    ordered.push(addOn);
  };
  for (const addOn of [...addOns].sort((a, b) => a.name.localeCompare(b.name))) visit(addOn, []);
  return ordered;
}
