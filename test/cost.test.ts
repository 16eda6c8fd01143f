import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import { synthCloud } from '../constructs/synth/synth-cloud';
import { estimateCost } from '../constructs/reports/cost-estimate';
import { PRICES, type Assumptions, type Prices } from '../constructs/reports/prices';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { clusterAppsOf, resolveApp } from '../constructs/model/resolve';

const staging = CLUSTERS.find((c) => c.env === 'staging')!;
const shop = APPS.find((a) => a.name === 'shop')!;

describe('the cost estimate', () => {
  // Round figures, so the expected arithmetic can be read off by hand.
  const prices: Prices = {
    ...PRICES,
    hoursPerMonth: 100,
    eksControlPlanePerHour: 0.1,
    ec2PerHour: { 't3.large': 1.0 },
    spotShareOfOnDemand: 0.5,
    natGatewayPerHour: 0.05,
    natGatewayPerGB: 0.05,
    nlbPerHour: 0.02,
    nlbLcuPerHour: 0.01,
    ebsGp3PerGBMonth: 0.1,
    s3StandardPerGBMonth: 0.02,
    s3OffsitePerGBMonth: 0.01,
    interRegionPerGB: 0.1,
    kmsKeyPerMonth: 1,
  };
  const assumptions: Assumptions = { natGBPerMonth: 100, nlbLcus: 2, monthlyChangeShare: 0.1, backupToDataRatio: 1.5 };
  const cluster: ClusterSpec = {
    ...staging,
    nodePool: { instanceTypes: ['t3.large'], capacityType: 'ON_DEMAND', min: 3, max: 4, diskGiB: 20 },
    network: { ...staging.network!, natGateways: 'single' },
  };
  const app = resolveApp({ ...shop, storage: { ...shop.storage!, expectedGiB: 1000 } }, cluster);

  test('adds up a fixed spec by hand', () => {
    const estimate = estimateCost(cluster, [app], { kmsKeys: 4 }, prices, assumptions);
    expect(estimate.lines.map((l) => [l.item, l.monthly])).toEqual([
      ['nodes: 3 × t3.large (on_demand)', 306], // 3 × (1.0 × 100 h + 20 GB × 0.1)
      ['EKS control plane', 10], // 0.1 × 100 h
      ['NAT gateways: 1', 10], // 0.05 × 100 h + 100 GB × 0.05
      ['load balancer: 1 NLB (the one Gateway)', 4], // (0.02 + 2 × 0.01) × 100 h
      ['Elasticsearch volumes: 1 × 30Gi', 3], // 30 GB × 0.1
      ['S3 data: shop', 20], // 1000 GB × 0.02
      ['S3 backups near the cluster', 30], // 1000 × 1.5 × 0.02
      ['replication to eu-west-1', 15], // 1500 × 0.1 × 0.1
      ['S3 backups offsite (eu-west-1)', 15], // 1500 × 0.01
      ['KMS keys: 4', 4],
    ]);
    expect(estimate.total).toBe(417);
    expect(estimate.perExtraNode).toBe(102);
  });

  test('spot nodes cost the spot share of on-demand', () => {
    const spot = estimateCost({ ...cluster, nodePool: { ...cluster.nodePool, capacityType: 'SPOT' } }, [app], { kmsKeys: 4 }, prices, assumptions);
    expect(spot.lines[0].monthly).toBe(3 * (0.5 * 100 + 2)); // 156
  });

  test('per-zone NAT gateways are counted like the Terraform counts them', () => {
    for (const real of CLUSTERS) {
      const apps = clusterAppsOf(real, APPS);
      const terraform = synthCloud(real, apps).json.resource!;
      const estimate = estimateCost(real, apps, { kmsKeys: Object.keys(terraform.aws_kms_key).length });
      expect(estimate.lines.find((l) => l.item.startsWith('NAT gateways'))!.item).toBe(`NAT gateways: ${Object.keys(terraform.aws_nat_gateway).length}`);
    }
  });

  test('an instance type without a price is an error, not a zero', () => {
    expect(() => estimateCost({ ...cluster, nodePool: { ...cluster.nodePool, instanceTypes: ['x9.huge'] } }, [app], { kmsKeys: 4 })).toThrow(
      'cost: no price for instance type x9.huge; add it to constructs/model/instance-types.ts',
    );
  });
});
