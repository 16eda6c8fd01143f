import { evictionsAllowed } from './disruption-budget';
import { isMap, parseAllDocuments } from 'yaml';
import { POD_SECURITY_LEVELS, REQUEST_PATH_ROLES, type DeclaredWorkload, type PodSecurityLevel } from '../platform/chart-workload';
import type { KubeObject } from '../model/kube-object';
import { labelSelectorMatches } from '../model/label-selector';
import { podSecurityProblems } from './pod-security';
import { podMountProblems } from './mounted-file-rules';
import { spreadConstraintProblems } from './zone-spread-rules';

/*
 * The checker over rendered charts (`npm run check:rendered`): what `helm template` makes of every
 * HelmRelease at its pinned version and values, plus dist/, judged pod by pod against the workloads the
 * add-ons declare. Pure: it takes the parsed objects and the declarations, and returns the findings.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
/** Set, as Go sees a pointer: neither absent nor JSON null. */
const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** One object of the rendered output and where it came from. */
export interface RenderedObject {
  /** The file it was read from, relative to the folder given (e.g. `cert-manager/cert-manager.yaml`). */
  readonly file: string;
  /** The chart template that rendered it (Helm's `# Source:` comment), when known. */
  readonly template?: string;
  /**
   * `synth` for the objects synth writes to dist/: our own workloads, already held to the synth rules, so
   * they need no add-on declaration; they are judged at their namespace's enforce level. @default 'chart'
   */
  readonly source?: 'chart' | 'synth';
  readonly object: KubeObject;
}

/** Input that cannot be checked (not YAML, not a Kubernetes object): names the file and the document. */
export class RenderedInputError extends Error {}

const POD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod']);
const ZONE = 'topology.kubernetes.io/zone';
/** PriorityClasses every cluster has without us creating them. */
const BUILT_IN_PRIORITY_CLASSES = new Set(['system-cluster-critical', 'system-node-critical']);

/** Every object of one YAML file (documents and `kind: List` items), with Helm's `# Source:` template. */
export function parseRendered(file: string, text: string, source: 'chart' | 'synth' = 'chart'): RenderedObject[] {
  const out: RenderedObject[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    if (doc.errors.length > 0) throw new RenderedInputError(`file "${file}", document ${i + 1}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
    const value = doc.toJS() as Json;
    // Nothing to check: an empty document, or a kustomization.yaml (kustomize's own config, not an object).
    if (!isSet(value) || String(value.apiVersion ?? '').startsWith('kustomize.config.k8s.io/')) return;
    const contents = doc.contents as Json;
    const comments = [doc.commentBefore, contents?.commentBefore, isMap(contents) ? (contents.items[0]?.key as Json)?.commentBefore : undefined];
    const template = comments.map((c) => /Source:\s*(\S+)/.exec(c ?? '')?.[1]).find(Boolean);
    const items = typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items) ? value.items : [value];
    for (const item of items) {
      if (typeof item?.kind !== 'string' || typeof item?.metadata?.name !== 'string') {
        throw new RenderedInputError(`file "${file}", document ${i + 1}: not a Kubernetes object: it needs a kind and a metadata.name`);
      }
      out.push({ file, ...(template ? { template } : {}), ...(source === 'synth' ? { source } : {}), object: item as KubeObject });
    }
  });
  return out;
}

/** The pod template (metadata and spec) of a pod-bearing object, and the path to its spec. */
function podOf(obj: KubeObject): { metadata: Json; spec: Json; at: string } | undefined {
  const spec = obj.spec as Json;
  switch (obj.kind) {
    case 'Pod':
      return { metadata: obj.metadata, spec: spec ?? {}, at: 'spec' };
    case 'CronJob':
      return {
        metadata: spec?.jobTemplate?.spec?.template?.metadata ?? {},
        spec: spec?.jobTemplate?.spec?.template?.spec ?? {},
        at: 'spec.jobTemplate.spec.template.spec',
      };
    default:
      return POD_KINDS.has(obj.kind) ? { metadata: spec?.template?.metadata ?? {}, spec: spec?.template?.spec ?? {}, at: 'spec.template.spec' } : undefined;
  }
}

const labelsOf = (pod: { metadata: Json }): Record<string, string> => pod.metadata?.labels ?? {};
const strictness = (level: PodSecurityLevel): number => POD_SECURITY_LEVELS.length - 1 - POD_SECURITY_LEVELS.indexOf(level);
const describeObject = (o: RenderedObject): string =>
  `${o.file}${o.template ? ` (${o.template})` : ''}: ${o.object.kind} ${o.object.metadata.namespace ?? '<no namespace>'}/${o.object.metadata.name}`;

/** The declaration of a rendered workload: same namespace, kind (a CronJob is declared as its Job) and name; an operator's may be a prefix. */
export function declarationOf(obj: KubeObject, declared: readonly DeclaredWorkload[]): DeclaredWorkload | undefined {
  const kind = obj.kind === 'CronJob' ? 'Job' : obj.kind;
  const candidates = declared.filter((d) => d.namespace === obj.metadata.namespace && d.workload.kind === kind);
  return (
    candidates.find((d) => d.workload.name === obj.metadata.name) ??
    candidates.find((d) => d.workload.managedBy !== undefined && obj.metadata.name.startsWith(d.workload.name))
  );
}

/** The fewest and the most pods a Deployment or StatefulSet runs: its HorizontalPodAutoscaler's range, else spec.replicas (default 1). */
function replicaRange(obj: KubeObject, all: readonly RenderedObject[]): { min: number; max: number; from: string } | undefined {
  if (obj.kind !== 'Deployment' && obj.kind !== 'StatefulSet') return undefined;
  const hpa = all.find(
    ({ object: o }) =>
      o.kind === 'HorizontalPodAutoscaler' &&
      o.metadata.namespace === obj.metadata.namespace &&
      (o.spec as Json)?.scaleTargetRef?.kind === obj.kind &&
      (o.spec as Json)?.scaleTargetRef?.name === obj.metadata.name,
  );
  if (hpa) {
    const spec = hpa.object.spec as Json;
    return { min: spec.minReplicas ?? 1, max: spec.maxReplicas ?? spec.minReplicas ?? 1, from: `HorizontalPodAutoscaler ${hpa.object.metadata.name}` };
  }
  const replicas = (obj.spec as Json)?.replicas ?? 1;
  return { min: replicas, max: replicas, from: 'spec.replicas' };
}

/**
 * Everything wrong with the rendered output, judged against the declared workloads: one line per finding,
 * each naming the file (and template), the object and the field.
 */
export function renderedProblems(rendered: readonly RenderedObject[], declared: readonly DeclaredWorkload[]): string[] {
  const problems: string[] = [];
  const namespaceLevels = new Map<string, PodSecurityLevel>();
  for (const { object: o } of rendered) {
    const level = o.metadata.labels?.['pod-security.kubernetes.io/enforce'];
    if (o.kind === 'Namespace' && POD_SECURITY_LEVELS.includes(level as PodSecurityLevel)) namespaceLevels.set(o.metadata.name, level as PodSecurityLevel);
  }
  const priorityClasses = new Set(rendered.filter((r) => r.object.kind === 'PriorityClass').map((r) => r.object.metadata.name));
  const found = new Set<DeclaredWorkload>();

  for (const r of rendered) {
    const obj = r.object;
    const pod = podOf(obj);
    if (!pod) continue;
    const where = describeObject(r);
    const ns = obj.metadata.namespace;
    if (!ns) {
      problems.push(`${where}: metadata.namespace is not set (render it into its release's namespace, as Helm installs it)`);
      continue;
    }
    const declaration = declarationOf(obj, declared);
    if (declaration) found.add(declaration);
    else if (r.source !== 'synth') {
      problems.push(
        `${where}: is not declared: no add-on lists a ${obj.kind === 'CronJob' ? 'Job' : obj.kind} "${obj.metadata.name}" in namespace "${ns}" (add it to the add-on's workloads())`,
      );
    }

    // Pod Security: the level the workload declares, and its namespace's enforce level where that is stricter.
    const levels: { level: PodSecurityLevel; why: string }[] = [];
    if (declaration) levels.push({ level: declaration.workload.podSecurity, why: `declared by add-on "${declaration.addOn}"` });
    const nsLevel = namespaceLevels.get(ns);
    if (nsLevel && (!declaration || strictness(nsLevel) > strictness(declaration.workload.podSecurity))) {
      levels.push({ level: nsLevel, why: `enforced by namespace "${ns}"` });
    }
    if (levels.length === 0)
      problems.push(`${where}: has no Pod Security level to be judged at: no declaration, and no Namespace "${ns}" with an enforce label in the input`);
    for (const { level, why } of levels) {
      for (const p of podSecurityProblems(pod, level)) problems.push(`${where}: violates PodSecurity "${level}" (${why}): ${p}`);
    }

    // Every file a container reads from a Secret or ConfigMap volume is readable by its user and groups.
    problems.push(...podMountProblems(where, pod.spec));

    // Requests and a memory limit on every container; ephemeral containers take none.
    for (const [list, label] of [
      ['initContainers', 'init container'],
      ['containers', 'container'],
    ] as const) {
      (pod.spec[list] ?? []).forEach((c: Json, i: number) => {
        for (const field of ['requests.cpu', 'requests.memory', 'limits.memory']) {
          const [bound, resource] = field.split('.');
          if (!isSet(c.resources?.[bound]?.[resource])) problems.push(`${where}: ${label} "${c.name}": ${pod.at}.${list}[${i}].resources.${field} is not set`);
        }
      });
    }

    const priority = pod.spec.priorityClassName;
    const exempt = declaration?.workload.exemptions?.priorityClassName?.trim();
    if (!priority) {
      if (!exempt) problems.push(`${where}: ${pod.at}.priorityClassName is not set`);
    } else if (priorityClasses.size > 0 && !priorityClasses.has(priority) && !BUILT_IN_PRIORITY_CLASSES.has(priority)) {
      problems.push(`${where}: ${pod.at}.priorityClassName "${priority}" names no PriorityClass of the rendered output`);
    }

    // On the request path: at least 2 pods at all times, spread over zones. Any workload that runs more
    // than one pod (up to its HPA's max): spread over zones.
    const range = replicaRange(obj, rendered);
    const role = declaration?.workload.role;
    const requestPath = role !== undefined && REQUEST_PATH_ROLES.includes(role);
    if (range && (requestPath || range.max > 1)) {
      const because = requestPath ? `its role is "${role}"` : `it runs up to ${range.max} replicas`;
      if (requestPath && range.min < 2) problems.push(`${where}: needs at least 2 replicas (${because}); it can run ${range.min} (${range.from})`);
      const spread = (pod.spec.topologySpreadConstraints ?? []).some(
        (s: Json) => s.topologyKey === ZONE && labelSelectorMatches(s.labelSelector, labelsOf(pod)),
      );
      if (!spread) problems.push(`${where}: ${pod.at}.topologySpreadConstraints has no ${ZONE} constraint whose labelSelector selects its pods (${because})`);
    }
    for (const p of spreadConstraintProblems(`${pod.at}.topologySpreadConstraints`, pod.spec.topologySpreadConstraints)) problems.push(`${where}: ${p}`);
  }

  // Every budget lets a drain evict at least one pod when what it selects runs its fewest replicas.
  for (const r of rendered.filter((x) => x.object.kind === 'PodDisruptionBudget')) {
    const spec = (r.object.spec ?? {}) as Json;
    const where = describeObject(r);
    if (spec.maxUnavailable === 0 || spec.maxUnavailable === '0%') {
      problems.push(`${where}: spec.maxUnavailable is ${JSON.stringify(spec.maxUnavailable)}: no pod it selects can ever be evicted (a node drain blocks)`);
      continue;
    }
    const selected = rendered.filter(
      (x) => x.object.metadata.namespace === r.object.metadata.namespace && podOf(x.object) && labelSelectorMatches(spec.selector, labelsOf(podOf(x.object)!)),
    );
    // An operator creates its workloads at run time (Elasticsearch, Kibana, the Envoy fleet): their
    // declarations stand in for them, with their declared replicas.
    const managed = declared.filter(
      (d) =>
        d.workload.managedBy !== undefined &&
        d.namespace === r.object.metadata.namespace &&
        !selected.some((x) => declarationOf(x.object, declared) === d) &&
        labelSelectorMatches(spec.selector, d.workload.podLabels),
    );
    if (selected.length === 0 && managed.length === 0) {
      problems.push(`${where}: spec.selector selects no pod of the rendered workloads in namespace "${r.object.metadata.namespace}"`);
      continue;
    }
    const counted = [
      ...selected.flatMap((x) => {
        const range = replicaRange(x.object, rendered);
        return range ? [{ what: `${x.object.kind} ${x.object.metadata.name}`, min: range.min, from: range.from }] : [];
      }),
      ...managed.flatMap((d) => {
        const replicas = d.workload.settings.replicas;
        if (replicas === 'perNode') return [];
        const min = typeof replicas === 'number' ? replicas : replicas.min;
        return [{ what: `${d.workload.kind} ${d.workload.name}`, min, from: `declared by add-on "${d.addOn}", ${d.workload.managedBy}` }];
      }),
    ];
    if (counted.length === 0) continue; // only DaemonSet, Job or bare pods: no scale to count (a drain skips DaemonSet pods)
    const pods = counted.reduce((sum, c) => sum + c.min, 0);
    const what = counted.map((c) => `${c.what}: ${c.min} (${c.from})`).join(', ');
    const allowed = evictionsAllowed(spec, pods);
    const field =
      spec.maxUnavailable !== undefined
        ? `spec.maxUnavailable ${JSON.stringify(spec.maxUnavailable)}`
        : `spec.minAvailable ${JSON.stringify(spec.minAvailable)}`;
    if (typeof allowed === 'string') problems.push(`${where}: ${allowed}`);
    else if (allowed < 1) problems.push(`${where}: ${field} allows no eviction at the fewest pods it selects, ${pods} (${what}): a node drain blocks`);
  }

  // Every declared chart workload of a namespace a chart renders pods into is there (a misnamed declaration judges nothing).
  const renderedNamespaces = new Set(rendered.filter((r) => r.source !== 'synth' && podOf(r.object)).map((r) => r.object.metadata.namespace));
  for (const d of declared) {
    if (found.has(d) || d.workload.managedBy !== undefined || !renderedNamespaces.has(d.namespace)) continue;
    problems.push(
      `add-on "${d.addOn}": declares ${d.workload.kind} ${d.namespace}/${d.workload.name}, which the rendered output does not contain (check its name against the chart)`,
    );
  }
  return problems;
}
