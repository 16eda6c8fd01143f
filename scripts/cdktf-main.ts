/*
 * Entry point for the cdktf CLI, named in cdktf.json: `npx cdktf-cli@0.21.0 synth|diff|deploy <env>` for
 * those who use it. The CLI is not a dependency of this repo. `npm run synth` does not come here: it
 * writes the same stacks as Terraform JSON to dist/<env>/terraform/, where a pipeline runs
 * `terraform init && terraform plan`.
 */
import { App } from 'cdktf';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { clusterAppsOf } from '../constructs/model/resolve';
import { validateInput } from '../constructs/validation/input-validation';
import { SynthError } from '../constructs/model/spec-error';
import { CloudStack } from '../constructs/cloud/cloud-stack';
import { cloudProblems } from '../constructs/rules/cloud/cloud-rules';

validateInput(CLUSTERS, APPS);
const app = new App();
for (const cluster of CLUSTERS) {
  const apps = clusterAppsOf(cluster, APPS);
  const stack = new CloudStack(app, cluster.env, { cluster, apps });
  const problems = cloudProblems(stack.toTerraform(), cluster, apps);
  if (problems.length > 0) throw new SynthError(problems, `cloud policy rules failed for ${cluster.name}`);
}
app.synth();
