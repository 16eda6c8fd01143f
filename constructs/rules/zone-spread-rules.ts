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

function walk(value: Json, at: string, problems: string[]): void {
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}[${i}]`, problems));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const path = at ? `${at}.${key}` : key;
      if (key === 'topologySpreadConstraints') problems.push(...spreadConstraintProblems(path, v));
      // A post-renderer's strategic-merge patch is a JSON string (platform/workload-values.ts).
      else if (key === 'patch' && typeof v === 'string' && v.startsWith('{')) walk(JSON.parse(v), `${path}(json)`, problems);
      else walk(v, path, problems);
    }
  }
}

export function zoneSpreadProblems(objects: readonly KubeObject[]): string[] {
  // A loop: this rule judges every object, one at a time (rules/object-verdicts.ts).
  const problems: string[] = [];
  for (const obj of objects) {
    const found: string[] = [];
    walk(obj, '', found);
    problems.push(...found.map((p) => `${describe(obj)}: ${p}`));
  }
  return problems;
}
