import type { CloudApp, CloudCluster } from '../model/cloud-input';
import { SynthError } from '../model/spec-error';
import type { AppCloudPart } from '../cloud/app-cloud-part';
import { terraformFromPartsOf } from '../cloud/cloud-terraform';
import { cloudProblems, type TerraformJson } from '../rules/cloud/cloud-rules';
import { keepEntries, readKept } from './synth-cache';

/** Where the apps' parts of the Terraform are kept (app-cloud-part.ts): a cache folder, and each app's key there. */
export interface AppPartsKept {
  readonly cache: string;
  readonly folder: string;
  /** Per app of the cluster's appData and apps: the key of its part's input (model/cloud-input.ts, appCloudPartInputOf). */
  readonly keys: Readonly<Record<string, string>>;
}

/**
 * One cluster's Terraform JSON, checked by the cloud rules, and its text as dist/ holds it. With `parts`,
 * each app whose part is kept under its key is read back instead of built, and the parts built are kept.
 */
export function synthCloud(cluster: CloudCluster, apps: readonly CloudApp[], parts?: AppPartsKept): { json: TerraformJson; text: string } {
  const kept = new Map<string, AppCloudPart>();
  for (const [app, key] of Object.entries(parts?.keys ?? {})) {
    const part = readKept<AppCloudPart>(parts!.cache, parts!.folder, app, key);
    if (part) kept.set(app, part);
  }
  const { json, builtParts } = terraformFromPartsOf(cluster, apps, kept, parts !== undefined);
  const problems = cloudProblems(json, cluster, apps);
  if (problems.length > 0) throw new SynthError(problems, `cloud policy rules failed for ${cluster.name}`);
  if (parts)
    keepEntries(
      parts.cache,
      parts.folder,
      Object.entries(parts.keys).map(([name, key]) => ({ name, key, made: builtParts.has(name) ? () => builtParts.get(name) : undefined })),
    );
  return { json, text: `${JSON.stringify(json, null, 2)}\n` };
}

/**
 * synthCloud's text alone: the job a worker thread runs (build-cluster.ts). Copying the JSON back between
 * threads held some 36 MB at the peak at 1,000 apps, against 13 MB of text, and its copy cost as much as
 * the receiving thread's JSON.parse of the text.
 */
export const synthCloudText = (cluster: CloudCluster, apps: readonly CloudApp[], parts?: AppPartsKept): string => synthCloud(cluster, apps, parts).text;
