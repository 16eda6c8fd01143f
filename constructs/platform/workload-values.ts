import { UNHEALTHY_POD_EVICTION } from '../model/scanner-exemptions';
import { topologySpreadOf } from '../model/topology-spread';
import { SynthError } from '../model/spec-error';
import type { ChartWorkload, DisruptionBudget, WorkloadValueKeys } from './chart-workload';

type Values = Record<string, unknown>;

/** A kustomize patch of Flux's post-renderer: for a setting the chart offers no value for. */
export interface PostRenderPatch {
  readonly target: { readonly kind: string; readonly name: string };
  readonly patch: string;
}

/**
 * The Helm values that give a chart's workloads their declared settings, each at the key the
 * declaration names. Settings without a key become post-renderer patches. Operator workloads
 * (`managedBy`) get theirs from their custom resource, not from here.
 */
export function workloadValuesOf(addOn: string, workloads: readonly ChartWorkload[]): { values: Values; patches: PostRenderPatch[] } {
  const values: Values = {};
  const patches: PostRenderPatch[] = [];
  for (const w of workloads.filter((w) => !w.managedBy)) {
    const keys = w.keys ?? {};
    const set = (path: string, value: unknown) => setPath(values, path, value, `add-on "${addOn}", workload ${w.kind} ${w.name}`);
    const patchPod: Values = {};
    const patchContainers: Values[] = [];
    const s = w.settings;

    if (typeof s.replicas === 'number') {
      if (keys.replicas) set(keys.replicas, s.replicas);
      else if (s.replicas !== 1)
        throw declarationError(`add-on "${addOn}", workload ${w.kind} ${w.name}: field "keys.replicas" is not set: the chart fixes 1 replica`);
    } else if (typeof s.replicas === 'object') {
      throw declarationError(
        `add-on "${addOn}", workload ${w.kind} ${w.name}: field "settings.replicas" is a range: only an operator's workload (managedBy) can autoscale`,
      );
    }
    const empty = (o: object) => Object.keys(o).length === 0;
    if (keys.podSecurityContext) set(keys.podSecurityContext, s.podSecurityContext);
    else if (!empty(s.podSecurityContext)) patchPod.securityContext = s.podSecurityContext;
    if (keys.priorityClassName) set(keys.priorityClassName, s.priorityClassName);
    else if (s.priorityClassName) patchPod.priorityClassName = s.priorityClassName;
    // No chart we run has a value for it: always a patch.
    if (s.automountServiceAccountToken === false) patchPod.automountServiceAccountToken = false;
    if (s.spread) {
      if (keys.topologySpreadConstraints) set(keys.topologySpreadConstraints, topologySpreadOf(w.podLabels));
      else patchPod.topologySpreadConstraints = topologySpreadOf(w.podLabels);
    }
    for (const [name, container] of Object.entries(s.containers)) {
      const at = keys.containers?.[name] ?? {};
      const patch: Values = {};
      if (at.securityContext) set(at.securityContext, container.securityContext);
      else if (!empty(container.securityContext)) patch.securityContext = container.securityContext;
      if (at.resources) set(at.resources, container.resources);
      else patch.resources = container.resources;
      if (Object.keys(patch).length > 0) patchContainers.push({ name, ...patch });
    }
    if (s.disruptionBudget) {
      if (!keys.disruptionBudget)
        throw declarationError(`add-on "${addOn}", workload ${w.kind} ${w.name}: field "keys.disruptionBudget" is not set: the chart must render the budget`);
      set(keys.disruptionBudget.path, budgetValues(s.disruptionBudget, keys.disruptionBudget, `add-on "${addOn}", workload ${w.kind} ${w.name}`));
    } else if (keys.disruptionBudget?.enabledFlag) {
      set(keys.disruptionBudget.path, { enabled: false });
    }

    if (patchContainers.length > 0) patchPod.containers = patchContainers;
    if (Object.keys(patchPod).length > 0) {
      if (w.hook) {
        const fields = [
          ...Object.keys(patchPod).filter((k) => k !== 'containers'),
          ...patchContainers.flatMap((c) =>
            Object.keys(c)
              .filter((k) => k !== 'name')
              .map((k) => `${c.name}.${k}`),
          ),
        ];
        throw declarationError(
          `add-on "${addOn}", workload ${w.kind} ${w.name}: a Helm hook is not post-rendered, so the chart needs values keys for: ${fields.join(', ')}`,
        );
      }
      patches.push({ target: { kind: w.kind, name: w.name }, patch: strategicMergePatch(w, patchPod) });
    }
  }
  return { values, patches };
}

/** The chart's budget object with our one bound; a chart default of the other bound would render both. */
function budgetValues(budget: DisruptionBudget, key: NonNullable<WorkloadValueKeys['disruptionBudget']>, who: string): Values {
  const ours = 'maxUnavailable' in budget ? 'maxUnavailable' : 'minAvailable';
  if (key.defaultBound && key.defaultBound !== ours) {
    throw declarationError(
      `${who}: field "settings.disruptionBudget" uses ${ours}, but the chart's defaults set ${key.defaultBound}, and a PodDisruptionBudget cannot have both: use ${key.defaultBound}`,
    );
  }
  const bound =
    ours === 'maxUnavailable'
      ? { maxUnavailable: (budget as { maxUnavailable: number | string }).maxUnavailable }
      : { minAvailable: (budget as { minAvailable: number | string }).minAvailable };
  return {
    ...(key.enabledFlag ? { enabled: true } : {}),
    ...bound,
    ...(key.unhealthyPodEvictionPolicy ? { unhealthyPodEvictionPolicy: UNHEALTHY_POD_EVICTION } : {}),
  };
}

const API_VERSION: Record<ChartWorkload['kind'], string> = { Deployment: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', Job: 'batch/v1', Pod: 'v1' };

/** A strategic-merge patch of the pod template (containers merge by name). JSON is valid YAML. */
function strategicMergePatch(w: ChartWorkload, pod: Values): string {
  return JSON.stringify({ apiVersion: API_VERSION[w.kind], kind: w.kind, metadata: { name: w.name }, spec: { template: { spec: pod } } });
}

/** Sets a dot path; two declarations writing one key is an error, not a silent overwrite. */
export function setPath(target: Values, path: string, value: unknown, who: string): void {
  const parts = path.split('.');
  let node: Values = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === undefined) node[part] = {};
    else if (typeof next !== 'object' || next === null || Array.isArray(next))
      throw declarationError(`${who}: values key "${path}" crosses a value set elsewhere`);
    node = node[part] as Values;
  }
  const last = parts[parts.length - 1];
  if (last in node && JSON.stringify(node[last]) !== JSON.stringify(value))
    throw declarationError(`${who}: values key "${path}" is set twice with different values`);
  node[last] = value;
}

/** Deep-merges generated values into an add-on's own; a key both set to different leaves is an error. */
export function mergeValues(own: Values, generated: Values, who: string): Values {
  const out: Values = structuredClone(own);
  const walk = (from: Values, prefix: string) => {
    for (const [key, value] of Object.entries(from)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) walk(value as Values, path);
      else setPath(out, path, value, who);
    }
  };
  walk(generated, '');
  return out;
}

/** An add-on whose declarations cannot become values: a synth error, not a crash. */
const declarationError = (problem: string) => new SynthError([problem], "an add-on's workload declarations do not fit its chart");
