import { appChartInputOf } from '../model/app-chart-input';
import { appPartInputsOf, cloudAppOf, cloudClusterOf, type CloudApp, type CloudCluster } from '../model/cloud-input';
import type { ClusterSpec } from '../model/cluster-spec';
import type { GatewayLayout } from '../model/gateway-layout';
import type { ResolvedApp } from '../model/resolve';
import { appFilesOfEach, type AppFiles } from './app-files';
import {
  checkedAndRenderedAppFiles,
  keptAppFilesOf,
  rememberCheckedAndRendered,
  rememberKept,
  verdictsOfObjectsReusing,
  type CheckedAppFiles,
  type KeepThere,
  type KeptAppFiles,
} from './app-file-checks';
import type { KubeObject } from '../model/kube-object';
import { rememberVerdicts, type KeyedVerdicts } from '../rules/object-verdicts';
import { startInWorker, startInWorkerWithFollowUp, type Pending } from './in-worker';
import type { AppPartsKept } from './synth-cloud';
import { cacheKeyOf, keepEntries, readKept, readKeptUnderAnyKey, type KeptEntry } from './synth-cache';
import { groupedBy } from '../model/grouped-by';
import type { KeptRules, RuleFile } from '../alerts/render';
import { ruleFileNameOf } from '../alerts/rule-config-maps';
import { forgetRuleFileQueryProblems, rememberRuleFileQueryProblems, ruleFileQueryProblems } from '../rules/alert-query-rules';

// What a cluster's synth reads back from the cache (synth-cache.ts) or builds, on another core where that
// pays: each app's files, and the cluster's Terraform.

/**
 * The Terraform side's job, run on a worker thread (in-worker.ts). Most of what it makes lives until its
 * end (the stack, then its JSON and text), so semi-spaces of 4 MiB, against the 32 of package.json's
 * commands, cost it no time and take some 50 MiB off its heap at 1,000 apps (scripts/bench-synth.ts).
 */
export const SYNTH_CLOUD_JOB = { module: require.resolve('./synth-cloud'), name: 'synthCloudText', semiSpaceMb: 4 };

/** Below this many apps a worker thread costs more to start (it loads the modules again) than it saves. */
const APPS_WORTH_A_WORKER = 100;
/** The share of the apps whose charts a worker thread builds; less than half, since it starts later, once its modules are loaded. */
const WORKER_SHARE = 0.4;
/**
 * The app charts' job, run on a worker thread (in-worker.ts). Half the process's semi-spaces: some 30 MiB
 * less at the peak of a synth from scratch, where all three threads are alive, for little time.
 */
export const APP_FILES_JOB = { module: require.resolve('./app-files'), name: 'appFilesOfEach', semiSpaceMb: 16 };
/** Then, on the same thread, the checks that judge one object at a time on each app's objects, and the files' rendering, while this thread goes on. */
export const APP_FILES_CHECKS_JOB = { module: require.resolve('./app-file-checks'), name: 'checkedAndRenderedAppFiles' };

/**
 * Each app's two files, in the order given. With a cache folder, an app whose input and code are unchanged
 * is read back from there; keep() then stores the others. Of the apps to build, with many, the last ones are
 * built, checked and rendered on another core meanwhile.
 */
export function keptOrBuiltAppFiles(
  apps: readonly ResolvedApp[],
  cluster: ClusterSpec,
  gateways: GatewayLayout,
  fluxShardOf: ReadonlyMap<string, number>,
  cache?: string,
): { files: AppFiles[]; keep(): void } {
  const folder = `app-files/${cluster.env}`;
  const inputs = apps.map((app) => appChartInputOf(app, cluster, gateways, fluxShardOf.get(app.name)));
  const keys = cache === undefined ? undefined : inputs.map((input) => cacheKeyOf('app-files', input));
  const entryOf = (i: number) => ({ name: inputs[i].app.name, key: keys![i] });
  const kept = inputs.map((input, i) => (keys ? readKept<KeptAppFiles>(cache!, folder, input.app.name, keys[i]) : undefined));
  for (const entry of kept) if (entry) rememberKept(entry);

  const toBuild = inputs.flatMap((_, i) => (kept[i] ? [] : [i]));
  const here = toBuild.length < APPS_WORTH_A_WORKER ? toBuild.length : toBuild.length - Math.floor(toBuild.length * WORKER_SHARE);
  const where = here < toBuild.length ? undefined : 'here';
  // The thread that builds a share keeps it too, sparing this one the copies and the writes.
  const keepThere: KeepThere | undefined = keys && { cache: cache!, folder, entries: toBuild.slice(here).map(entryOf) };
  const there = startInWorkerWithFollowUp<AppFiles[], CheckedAppFiles[]>(
    APP_FILES_JOB,
    { ...APP_FILES_CHECKS_JOB, args: keepThere ? [keepThere] : [] },
    [toBuild.slice(here).map((i) => inputs[i])],
    where,
  );
  const builtHere = appFilesOfEach(toBuild.slice(0, here).map((i) => inputs[i]));
  let checkedHere: CheckedAppFiles[] | undefined;
  const checkHere = (i: number) => (checkedHere ??= checkedAndRenderedAppFiles(builtHere))[i];
  const builtThere = there.result();
  builtThere.forEach((files, i) => rememberCheckedAndRendered(files, () => there.followUp()[i]));
  // Without a cache, the output checks judge the apps built here among every other object, as they must anyway.
  if (keys) builtHere.forEach((files, i) => rememberCheckedAndRendered(files, () => checkHere(i)));

  // In the apps' order: toBuild is, and so are the apps built here, then there.
  const built = [...builtHere, ...builtThere];
  let next = 0;
  const files = inputs.map((_, i) => kept[i]?.files ?? built[next++]);
  return {
    files,
    keep: () => {
      if (!keys) return;
      there.followUp(); // its entries written
      const madeHere = new Map(toBuild.slice(0, here).map((at, j) => [at, (): KeptAppFiles => keptAppFilesOf(builtHere[j], checkHere(j))]));
      keepEntries(
        cache!,
        folder,
        inputs.map((_, i) => ({ ...entryOf(i), made: madeHere.get(i) })),
      );
    },
  };
}

/**
 * The cluster's Terraform text: kept from an earlier run when the cloud side's input (model/cloud-input.ts)
 * and the code are unchanged, else built on another core meanwhile (it needs nothing of the Kubernetes
 * side), each app's part of it read back where that app and the cluster's settings are unchanged
 * (cloud/app-cloud-part.ts); keep() then stores it.
 */
export function keptOrBuiltTerraform(cluster: ClusterSpec, apps: readonly ResolvedApp[], cache?: string): Pending<string> & { keep(): void } {
  const folder = `terraform/${cluster.env}`;
  const input = [cloudClusterOf(cluster), apps.map(cloudAppOf)] as const;
  const key = cache === undefined ? undefined : cacheKeyOf('terraform', input);
  const kept = key === undefined ? undefined : readKept<string>(cache!, folder, 'stack', key);
  const parts = (): AppPartsKept => ({ cache: cache!, folder: `terraform-apps/${cluster.env}`, keys: appPartKeysOf(...input) });
  const pending: Pending<string> =
    kept !== undefined ? { result: () => kept } : startInWorker<string>(SYNTH_CLOUD_JOB, key === undefined ? input : [...input, parts()]);
  return {
    result: () => pending.result(),
    keep: () => {
      if (key !== undefined) keepEntries(cache!, folder, [{ name: 'stack', key, made: kept === undefined ? () => pending.result() : undefined }]);
    },
  };
}

/** Each app's key of its part of the Terraform, for every app of the cluster's appData ledger. */
export function appPartKeysOf(cluster: CloudCluster, apps: readonly CloudApp[]): Record<string, string> {
  const { settings, ledger } = appPartInputsOf(cluster);
  // The settings are the same for every app: their digest stands for them in each app's key.
  const settingsKey = cacheKeyOf('terraform-settings', settings);
  const running = new Map(apps.map((app) => [app.name, app]));
  return Object.fromEntries(Object.entries(ledger).map(([app, state]) => [app, cacheKeyOf('terraform-app', [settingsKey, state, running.get(app) ?? null])]));
}

/**
 * With a cache folder, the verdicts of the checks that judge one object at a time on the platform's objects
 * (every object but the apps'), one entry per namespace, kept by that namespace's objects: the output checks
 * read them instead of judging the objects again. An app's arrival or departure changes a few platform
 * objects (a network peer, an alert rule, an index pattern), so only their namespaces are judged again, and
 * there the checks of one object alone judge only the objects that changed: the others' verdicts are read
 * from the namespace's earlier entry, by each object's key. The checks that read a namespace's other
 * objects see the same objects as in one batch: a namespace's platform objects are all in its entry.
 * Without a cache folder, the output checks judge them among every other object, as they must anyway.
 */
export function keptOrJudgedPlatformObjects(objects: readonly KubeObject[], env: string, cache?: string): void {
  if (cache === undefined) return;
  const folder = `platform-verdicts/${env}`;
  const entries = [...groupedBy(objects, (o) => o.metadata.namespace ?? '')].map(([namespace, these]): KeptEntry => {
    const name = namespace || CLUSTER_SCOPED_ENTRY;
    const keys = these.map((o) => cacheKeyOf('platform-object', o));
    const key = cacheKeyOf('platform-verdicts', keys);
    const kept = readKept<KeyedVerdicts>(cache, folder, name, key);
    const verdicts = kept?.verdicts ?? verdictsOfObjectsReusing(these, keys, earlierVerdicts(cache, folder, name));
    rememberVerdicts(these, () => verdicts);
    return { name, key, made: kept ? undefined : (): KeyedVerdicts => ({ keys, verdicts }) };
  });
  keepEntries(cache, folder, entries);
}

/**
 * The verdicts a namespace's earlier entry holds, or undefined. An entry of older code may have another
 * shape; its object keys, which name the code too, would match no object anyway.
 */
function earlierVerdicts(cache: string, folder: string, name: string): KeyedVerdicts | undefined {
  const earlier = readKeptUnderAnyKey<Partial<KeyedVerdicts>>(cache, folder, name);
  return Array.isArray(earlier?.keys) && earlier.verdicts ? (earlier as KeyedVerdicts) : undefined;
}

/** The entry of the platform's cluster-scoped objects: no namespace is named so (names start with a letter). */
const CLUSTER_SCOPED_ENTRY = '_cluster-scoped';

/**
 * What the cache keeps of a cluster's alert rules: the rule files, the key each app's files were made
 * under, and the problems the output checks found in the files' queries (rules/alert-query-rules.ts), by
 * rule id, where there were any.
 */
interface KeptRuleFiles {
  readonly files: readonly RuleFile[];
  readonly appKeys: Readonly<Record<string, string>>;
  readonly queryProblems: Readonly<Record<string, readonly string[]>>;
}

/**
 * The cluster's rendered alert rules (alerts/render.ts), with a cache folder kept by the apps and receivers
 * they are made of. Where some app changed, came or went, each other app's rule files are read from the
 * earlier entry by that app's own key, and only the changed app's, and the platform's, are rendered again.
 * The query check's verdicts on the files read back are read back with them; the entry is the same code's.
 */
export function keptOrRenderedRules(apps: readonly ResolvedApp[], env: string, cache?: string): KeptRules {
  return (alerting, render) => {
    forgetRuleFileQueryProblems(env);
    if (cache === undefined) return render();
    const folder = `alert-rules/${env}`;
    const key = cacheKeyOf('alert-rules', [apps, alerting]);
    const kept = readKept<KeptRuleFiles>(cache, folder, 'rules', key);
    if (kept) {
      rememberQueryProblems(env, kept.files, kept);
      return [...kept.files];
    }
    const earlier = readKeptUnderAnyKey<Partial<KeptRuleFiles>>(cache, folder, 'rules');
    const earlierOf = groupedBy(earlier?.files ?? [], (f) => f.app ?? '');
    const appKeys = Object.fromEntries(apps.map((app) => [app.name, cacheKeyOf('alert-rules-app', [app, alerting])]));
    const files = render((app, make) => {
      if (earlier?.appKeys?.[app.name] !== appKeys[app.name]) return make();
      const ofApp = earlierOf.get(app.name) ?? [];
      rememberQueryProblems(env, ofApp, earlier);
      return ofApp;
    });
    const made = (): KeptRuleFiles => {
      const judged = files.map((f): [string, string[]] => [f.id, ruleFileQueryProblems(env, ruleFileNameOf(f), f.text)]);
      return { files, appKeys, queryProblems: Object.fromEntries(judged.filter(([, problems]) => problems.length > 0)) };
    };
    keepEntries(cache, folder, [{ name: 'rules', key, made }]);
    return files;
  };
}

/** The query check's verdicts on rule files read back, where their entry holds them (every file of it was judged). */
function rememberQueryProblems(env: string, files: readonly RuleFile[], entry: Partial<KeptRuleFiles>): void {
  const problems = entry.queryProblems;
  if (typeof problems !== 'object' || problems === null) return;
  for (const f of files) rememberRuleFileQueryProblems(env, ruleFileNameOf(f), f.text, problems[f.id] ?? []);
}
