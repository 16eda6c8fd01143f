import { SynthError } from '../model/spec-error';
import type { AddOn } from './add-on';

/**
 * The add-ons in install order (each after everything it depends on, ties by name). Fails synth
 * naming the add-on and the dependency when one is missing or the dependencies form a cycle.
 */
export function orderAddOns(addOns: readonly AddOn[]): AddOn[] {
  const byName = new Map(addOns.map((a) => [a.name, a]));
  const problems: string[] = [];
  for (const addOn of addOns) {
    for (const dep of addOn.dependsOn) {
      if (!byName.has(dep)) problems.push(`add-on "${addOn.name}": field "dependsOn" = "${dep}": that add-on is not enabled in this cluster`);
    }
  }
  if (problems.length > 0) throw new SynthError(problems, 'add-on dependencies');

  const ordered: AddOn[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (addOn: AddOn, path: string[]): void => {
    if (state.get(addOn.name) === 'done') return;
    if (state.get(addOn.name) === 'visiting') {
      throw new SynthError([`add-on "${addOn.name}": field "dependsOn" forms a cycle: ${[...path, addOn.name].join(' -> ')}`], 'add-on dependencies');
    }
    state.set(addOn.name, 'visiting');
    for (const dep of [...addOn.dependsOn].sort()) visit(byName.get(dep)!, [...path, addOn.name]);
    state.set(addOn.name, 'done');
    ordered.push(addOn);
  };
  for (const addOn of [...addOns].sort((a, b) => a.name.localeCompare(b.name))) visit(addOn, []);
  return ordered;
}
