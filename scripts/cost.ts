/* npm run cost: the estimated monthly cost of each env, with how each figure was reached. */
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { synthCloud } from '../constructs/synth/synth-cloud';
import { estimateCost, renderCost } from '../constructs/reports/cost-estimate';
import { ASSUMPTIONS, PRICES } from '../constructs/reports/prices';
import { clusterAppsOf } from '../constructs/model/resolve';
import { validateInput } from '../constructs/validation/input-validation';
import { SynthError } from '../constructs/model/spec-error';
import { withSourceFiles } from '../constructs/synth/source-files';

try {
  validateInput(CLUSTERS, APPS);
  console.log(
    `# Estimated monthly cost (${PRICES.currency}, list prices of ${PRICES.region}/${PRICES.offsiteRegion} recorded ${PRICES.takenOn}; see constructs/reports/prices.ts)\n`,
  );
  for (const cluster of CLUSTERS) {
    const apps = clusterAppsOf(cluster, APPS);
    const kmsKeys = Object.keys(synthCloud(cluster, apps).json.resource?.aws_kms_key ?? {}).length;
    console.log(renderCost(estimateCost(cluster, apps, { kmsKeys }), cluster.env, cluster.nodePool.max, cluster.nodePool.min));
  }
  console.log(
    `Assumptions: ${Object.entries(ASSUMPTIONS)
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ')}. Data transfer to the internet and CloudWatch logs are not included.`,
  );
} catch (error) {
  if (!(error instanceof SynthError)) throw error;
  console.error(withSourceFiles(error, { clusters: CLUSTERS, apps: APPS }).message);
  process.exit(2);
}
