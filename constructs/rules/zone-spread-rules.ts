import { describe, type KubeObject } from '../model/kube-object';
import { ZONE_KEY } from '../model/topology-spread';

/*
 * Every hard zone spread the output writes honours node taints (model/topology-spread.ts says why: with
 * the default, a dead zone's tainted nodes keep the app from replacing its pods or scaling out). The rule
 * looks for `topologySpreadConstraints` anywhere in an object, so it judges a Deployment's pod template,
 * an EnvoyProxy's, an Elasticsearch's or Kibana's podTemplate, a HelmRelease's values and the JSON patches
 * of its post-renderers alike.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The problems of one list of spread constraints, found at `at`. */
export function spreadConstraintProblems(at: string, constraints: unknown): string[] {
  if (!Array.isArray(constraints)) return [];
  return constraints.flatMap((c: Json, i: number) =>
    c?.topologyKey === ZONE_KEY && c?.whenUnsatisfiable === 'DoNotSchedule' && c?.nodeTaintsPolicy !== 'Honor'
      ? [
          `${at}[${i}]: a DoNotSchedule zone constraint needs nodeTaintsPolicy: Honor (it is ${JSON.stringify(c.nodeTaintsPolicy ?? 'unset')}), or a dead zone's nodes block every new pod`,
        ]
      : [],
  );
}

/** Walks value for spread constraints; `path` holds the keys down to it, joined only where a problem is found (most objects have none). */
function walk(value: Json, path: (string | number)[], problems: string[]): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (value[i] && typeof value[i] === 'object') {
        path.push(i);
        walk(value[i], path, problems);
        path.pop();
      }
    }
    return;
  }
  for (const key in value) {
    const v = value[key];
    if (key === 'topologySpreadConstraints') {
      if (Array.isArray(v)) problems.push(...spreadConstraintProblems(pathText([...path, key]), v));
    } else if (key === 'patch' && typeof v === 'string' && v.startsWith('{')) {
      // A post-renderer's strategic-merge patch is a JSON string (platform/workload-values.ts).
      walk(JSON.parse(v), [...path, `${key}(json)`], problems);
    } else if (v && typeof v === 'object') {
      path.push(key);
      walk(v, path, problems);
      path.pop();
    }
  }
}

const pathText = (path: readonly (string | number)[]): string =>
  path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');

export function zoneSpreadProblems(objects: readonly KubeObject[]): string[] {
  // A loop: this rule judges every object, one at a time (rules/object-verdicts.ts).
  const problems: string[] = [];
  for (const obj of objects) {
    const found: string[] = [];
    walk(obj, [], found);
    problems.push(...found.map((p) => `${describe(obj)}: ${p}`));
  }
  return problems;
}
