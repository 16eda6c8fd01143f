import type { CloudCluster } from '../../model/cloud-input';
import { selectorValueCountOf, TRAIL_SELECTOR_VALUES_MAX } from '../../cloud/trail-selectors';
import { resourcesOf, type TerraformJson } from '../../cloud/terraform-json';

/** No trail's advanced event selectors hold more values than CloudTrail takes (trail-selectors.ts): a quota that cannot be raised. */
export function trailQuotaProblems(json: TerraformJson, cluster: Pick<CloudCluster, 'name'>): string[] {
  return resourcesOf(json, 'aws_cloudtrail').flatMap(([address, trail]) => {
    const values = selectorValueCountOf(trail);
    return values > TRAIL_SELECTOR_VALUES_MAX
      ? [
          `CloudTrail ${trail.name ?? address} of cluster ${cluster.name}: its advanced event selectors hold ${values} values, over CloudTrail's ` +
            `${TRAIL_SELECTOR_VALUES_MAX} per trail, a quota that cannot be raised (InvalidEventSelectorsException): ` +
            'select buckets by a name prefix, not one value each',
        ]
      : [];
  });
}
