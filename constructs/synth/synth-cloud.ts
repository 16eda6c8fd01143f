import type { CloudApp, CloudCluster } from '../model/cloud-input';
import { SynthError } from '../model/spec-error';
import { terraformOf } from '../cloud/cloud-terraform';
import { cloudProblems, type TerraformJson } from '../rules/cloud/cloud-rules';

/** One cluster's Terraform JSON, checked by the cloud rules, and its text as dist/ holds it. */
export function synthCloud(cluster: CloudCluster, apps: readonly CloudApp[]): { json: TerraformJson; text: string } {
  const json = terraformOf(cluster, apps);
  const problems = cloudProblems(json, cluster, apps);
  if (problems.length > 0) throw new SynthError(problems, `cloud policy rules failed for ${cluster.name}`);
  return { json, text: `${JSON.stringify(json, null, 2)}\n` };
}

/**
 * synthCloud's text alone: the job a worker thread runs (build-cluster.ts). Copying the JSON back between
 * threads held some 36 MB at the peak at 1,000 apps, against 13 MB of text, and its copy cost as much as
 * the receiving thread's JSON.parse of the text.
 */
export const synthCloudText = (cluster: CloudCluster, apps: readonly CloudApp[]): string => synthCloud(cluster, apps).text;
