import type { CloudApp, CloudCluster } from '../model/cloud-input';
import { SynthError } from '../model/spec-error';
import type { AppCloudPart } from '../cloud/app-cloud-part';
import { terraformFromPartsOf } from '../cloud/cloud-terraform';
import { cloudProblems, type TerraformJson } from '../rules/cloud/cloud-rules';
import { cacheKeyOf, keepEntries, readKeptUnderAnyKey } from './synth-cache';

/** Where the apps' parts of the Terraform are kept (app-cloud-part.ts): a cache folder, and each app's key there. */
export interface AppPartsKept {
  readonly cache: string;
  readonly folder: string;
  /** Per app of the cluster's appData ledger: the key of its part's input (synth/kept-or-built.ts, appPartKeysOf). */
  readonly keys: Readonly<Record<string, string>>;
}

/**
 * The cluster's parts, in one entry: a thousand small files took half a second to write here, one file
 * of all of them a few milliseconds. Each part is read back where its key is unchanged.
 */
type PartsEntry = Readonly<Record<string, { readonly key: string; readonly part: AppCloudPart }>>;

/**
 * One cluster's Terraform JSON, checked by the cloud rules, and its text as dist/ holds it. With `parts`,
 * each app whose part is kept under its key is read back instead of built, and the parts are kept.
 */
export function synthCloud(cluster: CloudCluster, apps: readonly CloudApp[], parts?: AppPartsKept): { json: TerraformJson; text: string } {
  const earlier = parts ? (readKeptUnderAnyKey<PartsEntry>(parts.cache, parts.folder, PARTS_ENTRY) ?? {}) : {};
  const kept = new Map(Object.entries(parts?.keys ?? {}).flatMap(([app, key]) => (earlier[app]?.key === key ? [[app, earlier[app].part] as const] : [])));
  const { json, builtParts } = terraformFromPartsOf(cluster, apps, kept, parts !== undefined);
  const problems = cloudProblems(json, cluster, apps);
  if (problems.length > 0) throw new SynthError(problems, `cloud policy rules failed for ${cluster.name}`);
  if (parts) {
    const unchanged = builtParts.size === 0 && Object.keys(earlier).length === kept.size;
    const entry = (): PartsEntry =>
      Object.fromEntries(Object.entries(parts.keys).map(([app, key]) => [app, { key, part: kept.get(app) ?? builtParts.get(app)! }]));
    // Keyed by the apps' keys in name order: the ledger's order in the spec changes no part.
    const key = cacheKeyOf(
      PARTS_ENTRY,
      Object.entries(parts.keys).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    keepEntries(parts.cache, parts.folder, [{ name: PARTS_ENTRY, key, made: unchanged ? undefined : entry }]);
  }
  return { json, text: `${JSON.stringify(json, null, 2)}\n` };
}

const PARTS_ENTRY = 'app-parts';

/**
 * synthCloud's text alone: the job a worker thread runs (build-cluster.ts). Copying the JSON back between
 * threads held some 36 MB at the peak at 1,000 apps, against 13 MB of text, and its copy cost as much as
 * the receiving thread's JSON.parse of the text.
 */
export const synthCloudText = (cluster: CloudCluster, apps: readonly CloudApp[], parts?: AppPartsKept): string => synthCloud(cluster, apps, parts).text;
