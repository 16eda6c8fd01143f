/*
 * npx tsx scripts/ci/admission-sets.ts --out <dir> [--crds-from <file> ...] <dir or file> ...
 *
 * Sorts the rendered charts and dist/ into the files scripts/ci/kind-admission.sh applies to a kind
 * cluster, in order:
 *   crds.yaml          every CustomResourceDefinition (applied for real; a conversion webhook is dropped,
 *                      since no webhook runs there)
 *   namespaces.yaml    every Namespace, plus one for each namespace an object uses and none defines
 *   real.yaml          our ValidatingAdmissionPolicies and their bindings, PriorityClasses and
 *                      ServiceAccounts (plus those pods name and nothing defines): applied for real, so
 *                      that the policies judge what follows and the Priority and ServiceAccount admission
 *                      plugins let the pods through
 *   dry-run.yaml       everything else, for `kubectl apply --dry-run=server`
 *   pods.yaml          every workload's pod template as a bare Pod in its namespace (Pod Security
 *                      `enforce` judges Pods, not Deployments), for `--dry-run=server` too
 * The charts' webhook configurations and APIServices are left out: their services do not run there.
 * `--crds-from` takes only the CRDs of a file (e.g. `flux install --export`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { parseRendered, RenderedInputError } from '../../constructs/rules/rendered-check';
import type { KubeObject } from '../../constructs/model/kube-object';
import { clusterScopedKindsOf } from './helm-releases';
import { CommandLineError, readCommandLine, showUsage } from '../lib/command-line';

const USAGE = 'usage: npx tsx scripts/ci/admission-sets.ts --out <dir> [--crds-from <file> ...] <dir or file> ...';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface AdmissionSets {
  readonly crds: KubeObject[];
  readonly namespaces: KubeObject[];
  readonly real: KubeObject[];
  readonly dryRun: KubeObject[];
  readonly pods: KubeObject[];
  /** Left out, by `kind namespace/name`. */
  readonly skipped: string[];
}

const SKIPPED_KINDS = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService']);
const REAL_KINDS = new Set(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'PriorityClass', 'ServiceAccount']);
const BUILT_IN_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);
/**
 * The controller object that makes a workload's pods, as each pod's owner reference names it: admission
 * policies may judge a pod by its owner (pods-on-their-own-app-accounts admits a restic job's account only
 * in a Job's pod). The uid is a placeholder: a dry run stores nothing, so nothing collects the pod.
 */
const POD_OWNER: Readonly<Record<string, { apiVersion: string; kind: string }>> = {
  Deployment: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  ReplicaSet: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  StatefulSet: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  DaemonSet: { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  Job: { apiVersion: 'batch/v1', kind: 'Job' },
  CronJob: { apiVersion: 'batch/v1', kind: 'Job' },
};
const PLACEHOLDER_UID = '00000000-0000-0000-0000-000000000000';

const key = (o: KubeObject): string => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** A workload's pod template as a bare Pod; a StatefulSet's claim templates become claims of its first pod. */
export function podOfWorkload(o: KubeObject): KubeObject | undefined {
  if (!WORKLOAD_KINDS.has(o.kind)) return undefined;
  const spec = o.spec as Json;
  const template = o.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template : spec?.template;
  if (!template?.spec) return undefined;
  const claims = o.kind === 'StatefulSet' ? (spec.volumeClaimTemplates ?? []) : [];
  const podSpec = {
    ...template.spec,
    ...(claims.length > 0
      ? {
          volumes: [
            ...(template.spec.volumes ?? []),
            ...claims.map((c: Json) => ({ name: c.metadata.name, persistentVolumeClaim: { claimName: `${c.metadata.name}-${o.metadata.name}-0` } })),
          ],
        }
      : {}),
  };
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${o.kind.toLowerCase()}-${o.metadata.name}`.slice(0, 253),
      namespace: o.metadata.namespace,
      ...(template.metadata?.labels ? { labels: template.metadata.labels } : {}),
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      ownerReferences: [{ ...POD_OWNER[o.kind], name: o.metadata.name, uid: PLACEHOLDER_UID, controller: true }],
    },
    spec: podSpec,
  };
  return pod;
}

/** Sorts the objects into what kind-admission.sh applies for real, dry-runs, or leaves out. */
export function admissionSets(objects: readonly KubeObject[]): AdmissionSets {
  const clusterScoped = clusterScopedKindsOf(objects);
  const sets: AdmissionSets = { crds: [], namespaces: [], real: [], dryRun: [], pods: [], skipped: [] };
  const seen = new Set<string>();
  for (const o of objects) {
    if (seen.has(key(o))) continue; // the same object from two inputs
    seen.add(key(o));
    if (SKIPPED_KINDS.has(o.kind)) sets.skipped.push(key(o));
    else if (o.kind === 'CustomResourceDefinition') sets.crds.push(withoutConversionWebhook(o));
    else if (o.kind === 'Namespace') sets.namespaces.push(o);
    else if (REAL_KINDS.has(o.kind)) sets.real.push(o);
    else sets.dryRun.push(o);
    const pod = podOfWorkload(o);
    if (pod) sets.pods.push(pod);
  }
  const defined = new Set(sets.namespaces.map((n) => n.metadata.name));
  const used = [...new Set(objects.filter((o) => !clusterScoped.has(o.kind) && o.metadata.namespace).map((o) => o.metadata.namespace!))].sort();
  for (const ns of used.filter((n) => !defined.has(n) && !BUILT_IN_NAMESPACES.has(n))) {
    sets.namespaces.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  const accounts = new Set(sets.real.filter((o) => o.kind === 'ServiceAccount').map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
  for (const pod of sets.pods) {
    const name = (pod.spec as Json).serviceAccountName ?? (pod.spec as Json).serviceAccount;
    const id = `${pod.metadata.namespace}/${name}`;
    if (!name || name === 'default' || accounts.has(id)) continue;
    accounts.add(id);
    sets.real.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: pod.metadata.namespace } });
  }
  return sets;
}

/** A CRD as the kind cluster can serve it: with no conversion webhook, whose service does not run there. */
function withoutConversionWebhook(crd: KubeObject): KubeObject {
  const spec = crd.spec as Json;
  if (spec?.conversion?.strategy !== 'Webhook') return crd;
  return { ...crd, spec: { ...spec, conversion: { strategy: 'None' } } };
}

function yamlFilesOf(input: string): string[] {
  if (!fs.statSync(input).isDirectory()) return [input];
  return fs
    .readdirSync(input, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? yamlFilesOf(path.join(input, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(input, e.name)] : []))
    .sort();
}

function main(argv: readonly string[]): number {
  const line = readCommandLine(argv, { out: { type: 'string' }, 'crds-from': { type: 'string', multiple: true } }, USAGE, { positionals: true });
  if (line.help) return showUsage(console, USAGE);
  const { values, positionals } = line;
  if (!values.out || positionals.length === 0) {
    console.error(`admission-sets: ${USAGE}`);
    return 2;
  }
  const read = (file: string) => parseRendered(file, fs.readFileSync(file, 'utf8')).map((r) => r.object);
  const objects = [
    ...(values['crds-from'] ?? []).flatMap((f) => read(f).filter((o) => o.kind === 'CustomResourceDefinition')),
    ...positionals.flatMap(yamlFilesOf).flatMap(read),
  ];
  const sets = admissionSets(objects);
  fs.mkdirSync(values.out, { recursive: true });
  const write = (name: string, list: readonly KubeObject[]) =>
    fs.writeFileSync(path.join(values.out!, name), list.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join(''));
  write('crds.yaml', sets.crds);
  write('namespaces.yaml', sets.namespaces);
  write('real.yaml', sets.real);
  write('dry-run.yaml', sets.dryRun);
  write('pods.yaml', sets.pods);
  console.log(
    `admission-sets: ${sets.crds.length} CRDs, ${sets.namespaces.length} namespaces, ${sets.real.length} applied for real, ` +
      `${sets.dryRun.length} to dry-run, ${sets.pods.length} pods; left out: ${sets.skipped.join(', ') || 'nothing'}`,
  );
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof RenderedInputError) && !(error instanceof CommandLineError)) throw error;
    console.error(`admission-sets: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}
