import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import { synthCloud } from '../constructs/synth/synth-cloud';
import { estimateCost, iamRolesLine, renderCost } from '../constructs/reports/cost-estimate';
import { cloudCountsOf, storeSecretsOf, type CloudCounts } from '../constructs/reports/cost-inputs';
import { PRICES, type Assumptions, type Prices } from '../constructs/reports/prices';
import { cloudSettingsOf, type ClusterSpec } from '../constructs/model/cluster-spec';
import type { KubeObject } from '../constructs/model/kube-object';
import { clusterAppsOf, resolveApp } from '../constructs/model/resolve';
import { secretStoreKeyOf } from '../constructs/model/naming';
import { secretStorePrefixOf } from '../constructs/cloud/add-on-policies';
import { fixtureCloudAppsOf, fixtureCloudOf, fixtureObjectsOf } from './support';
import { grown, nodesNeeded } from './capacity-fixtures';

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
    publicIpv4PerHour: 0.01,
    hostedZonePerMonth: 0.5,
    secretPerMonth: 0.4,
    logIngestionPerGB: 0.5,
    logStoragePerGBMonth: 0.03,
    dataEventsPer100k: 0.1,
    interfaceEndpointPerZoneHour: { 'guardduty-data': 0, 'ecr.api': 0.01 },
  };
  const assumptions: Assumptions = {
    natGBPerMonth: 100,
    nlbLcus: 2,
    monthlyChangeShare: 0.1,
    backupToDataRatio: 1.5,
    logGBPerMonth: 30,
    dataEventsPerMonth: 1_000_000,
  };
  const counts: CloudCounts = {
    kmsKeys: 4,
    iamRoles: 12,
    elasticIps: 1,
    loadBalancerZones: 3,
    hostedZones: 1,
    interfaceEndpoints: [{ service: 'guardduty-data', zones: 3 }],
    logGroups: 1,
    logRetentionDays: 90,
    dataEventTrails: 1,
    storeSecrets: 10,
  };
  const cluster: ClusterSpec = {
    ...staging,
    nodePool: { instanceTypes: ['t3.large'], capacityType: 'ON_DEMAND', min: 3, max: 4, diskGiB: 20 },
    network: { ...staging.network!, natGateways: 'single' },
  };
  const app = resolveApp({ ...shop, storage: { ...shop.storage!, expectedGiB: 1000 } }, cluster);

  test('adds up a fixed spec by hand', () => {
    const estimate = estimateCost(cluster, [app], counts, prices, assumptions);
    expect(estimate.lines.map((l) => [l.item, l.monthly])).toEqual([
      ['nodes: 3 × t3.large (on_demand), a node group per zone: 1 + 1 + 1', 306], // 3 × (1.0 × 100 h + 20 GB × 0.1)
      ['EKS control plane', 10], // 0.1 × 100 h
      ['NAT gateways: 1', 10], // 0.05 × 100 h + 100 GB × 0.05
      ['load balancer: 1 NLB (the one Gateway)', 4], // (0.02 + 2 × 0.01) × 100 h
      ['public IPv4 addresses: 4', 4], // (1 + 3) × 0.01 × 100 h
      ['VPC endpoint: guardduty-data in 3 zones', 0],
      ['Route 53 hosted zones: 1', 0.5],
      ['Secrets Manager: 10 secrets', 4], // 10 × 0.4
      ['CloudWatch Logs: 1 log group, kept 90 days', 17.7], // 30 GB × 0.5 + 30 × 90 / 30 GB kept × 0.03
      ['CloudTrail: S3 data events of the app and backup buckets', 1], // 1,000,000 × 0.1 / 100,000
      ['Elasticsearch volumes: 1 × 30Gi', 3], // 30 GB × 0.1
      ['S3 data: shop', 20], // 1000 GB × 0.02
      ['S3 backups near the cluster', 30], // 1000 × 1.5 × 0.02
      ['replication to eu-west-1', 15], // 1500 × 0.1 × 0.1
      ['S3 backups offsite (eu-west-1)', 15], // 1500 × 0.01
      ['KMS keys: 4', 4],
    ]);
    expect(estimate.total).toBe(444.2);
    expect(estimate.perExtraNode).toBe(102);
  });

  test('spot nodes cost the spot share of on-demand', () => {
    const spot = estimateCost({ ...cluster, nodePool: { ...cluster.nodePool, capacityType: 'SPOT' } }, [app], counts, prices, assumptions);
    expect(spot.lines[0].monthly).toBe(3 * (0.5 * 100 + 2)); // 156
  });

  test('per-zone NAT gateways are counted like the Terraform counts them', () => {
    for (const real of CLUSTERS) {
      const apps = clusterAppsOf(real, APPS);
      const terraform = synthCloud(real, apps).json;
      const estimate = estimateCost(real, apps, cloudCountsOf(terraform, []));
      expect(estimate.lines.find((l) => l.item.startsWith('NAT gateways'))!.item).toBe(
        `NAT gateways: ${Object.keys(terraform.resource!.aws_nat_gateway).length}`,
      );
    }
  });

  test('an instance type without a price is an error, not a zero', () => {
    expect(() => estimateCost({ ...cluster, nodePool: { ...cluster.nodePool, instanceTypes: ['x9.huge'] } }, [app], counts)).toThrow(
      'cost: no price for instance type x9.huge; add it to constructs/model/instance-types.ts',
    );
  });

  test('an interface endpoint costs its hours in each zone, and one without a price is an error, not a zero', () => {
    const withEcr = { ...counts, interfaceEndpoints: [{ service: 'ecr.api', zones: 2 }] };
    expect(estimateCost(cluster, [app], withEcr, prices, assumptions).lines.find((l) => l.item.startsWith('VPC endpoint'))).toEqual({
      item: 'VPC endpoint: ecr.api in 2 zones',
      how: '2 × $0.01/h × 100 h',
      monthly: 2,
    });
    expect(() => estimateCost(cluster, [app], { ...counts, interfaceEndpoints: [{ service: 'sts', zones: 3 }] }, prices, assumptions)).toThrow(
      'cost: no price for the interface VPC endpoint of sts; add it to constructs/reports/prices.ts',
    );
  });
});

describe('the nodes it prices: nodePool.min, or what the cluster needs at rest where that is more', () => {
  // 20 copies of the fixture's apps on m7i.large need more than the pool's min of 3 (test/capacity-fixtures.ts).
  const below = grown(20, 30, 'm7i.large');
  const needed = nodesNeeded(below.cluster, below.apps);
  const estimateOf = ({ cluster, apps }: typeof below) => estimateCost(cluster, clusterAppsOf(cluster, apps), cloudCountsOf({}, []));

  test('a cluster whose min is below its need is priced at the need, and says so', () => {
    expect(needed).toBeGreaterThan(below.cluster.nodePool.min);
    const estimate = estimateOf(below);
    expect(estimate.nodes).toBe(needed);
    expect(estimate.lines[0]).toEqual({
      item: expect.stringMatching(
        new RegExp(`^nodes: ${needed} × m7i\\.large \\(spot\\), what the pods need at every app's scaling\\.min \\(nodePool\\.min is 3\\)`),
      ),
      how: expect.stringMatching(new RegExp(`^${needed} × `)),
      // perExtraNode is rounded to the cent.
      monthly: expect.closeTo(needed * estimate.perExtraNode, 1),
    });
    const text = renderCost(estimate, 'staging');
    expect(text).toContain(`| **total at ${needed} nodes** |`);
    expect(text).toContain(`at the node pool's max of 30: $${(estimate.total + (30 - needed) * estimate.perExtraNode).toFixed(2)}.`);
  });

  test('a cluster whose min covers its need is priced at min', () => {
    const covered = grown(20, 30, 'm7i.large', needed + 1);
    const estimate = estimateOf(covered);
    expect(estimate.nodes).toBe(needed + 1);
    expect(estimate.lines[0].item).toMatch(new RegExp(`^nodes: ${needed + 1} × m7i\\.large \\(spot\\), a node group per zone: `));
  });

  test('the budget is judged at the nodes priced: over it at rest though within it at min', () => {
    const estimate = estimateOf(below);
    const atMin = estimate.total - (needed - below.cluster.nodePool.min) * estimate.perExtraNode;
    const text = renderCost(estimate, 'staging', Math.round((atMin + estimate.total) / 2));
    expect(text).toContain(`of it at ${needed} nodes`);
    expect(text).toContain('**Over budget already at rest.**');
  });
});

describe("the IAM roles against the account's quota (1,000 by default, 5,000 at most)", () => {
  test.each([
    [999, /^999 in the Terraform, against the account's quota of 1,000 roles by default \(adjustable to 5,000\)$/],
    [1_000, /^1,000 in the Terraform, .*\(adjustable to 5,000\)$/],
    [1_011, /Over the default quota: raise "Roles per account" \(Service Quotas, IAM\) to at least 1,011 before terraform apply/],
    [5_011, /Over the most AWS grants: terraform apply would fail/],
  ])('%d roles', (roles, line) => {
    expect(iamRolesLine(roles)).toMatch(line);
  });

  test('the estimate prints the line', () => {
    const staging = CLUSTERS.find((c) => c.env === 'staging')!;
    const estimate = estimateCost(staging, clusterAppsOf(staging, APPS), cloudCountsOf(fixtureCloudOf(staging), fixtureObjectsOf('staging')));
    expect(renderCost(estimate, 'staging')).toContain(`IAM roles: ${estimate.iamRoles}.`);
  });
});

describe("what the estimate counts in a cluster's output", () => {
  for (const fixture of CLUSTERS) {
    describe(fixture.env, () => {
      const terraform = fixtureCloudOf(fixture);
      const objects = fixtureObjectsOf(fixture.env);
      const counts = cloudCountsOf(terraform, objects);

      test('every interface endpoint the Terraform makes has a price, so the estimate of the real output adds up', () => {
        expect(counts.interfaceEndpoints.length).toBeGreaterThan(0);
        expect(() => estimateCost(fixture, clusterAppsOf(fixture, APPS), counts)).not.toThrow();
      });

      test("a public address per NAT gateway, and one per zone for the Gateway's NLB, which is internet-facing and pins no subnet", () => {
        expect(counts.elasticIps).toBe(Object.keys(terraform.resource.aws_nat_gateway).length);
        expect(counts.loadBalancerZones).toBe(cloudSettingsOf(fixture).network.zones.length);
        const proxy = objects.find((o) => o.kind === 'EnvoyProxy')!;
        const annotations = (proxy.spec as { provider: { kubernetes: { envoyService: { annotations: Record<string, string> } } } }).provider.kubernetes
          .envoyService.annotations;
        // The AWS cloud provider makes it internet-facing unless this is set (it reads no scheme annotation).
        expect(annotations['service.beta.kubernetes.io/aws-load-balancer-internal']).toBeUndefined();
        expect(annotations['service.beta.kubernetes.io/aws-load-balancer-type']).toBe('nlb');
        expect(Object.keys(annotations).filter((k) => /subnets|eip-allocations/.test(k))).toEqual([]);
      });

      test("the secrets are the store's keys the cluster reads, each once, all under the env's prefix", () => {
        const keys = storeSecretsOf(objects);
        expect(counts.storeSecrets).toBe(keys.size);
        for (const key of keys) expect(key.startsWith(secretStorePrefixOf(fixture.env))).toBe(true);
        for (const name of Object.keys(fixture.apps)) {
          for (const ref of APPS.find((a) => a.name === name)!.secrets ?? []) expect(keys).toContain(secretStoreKeyOf(fixture.env, name, ref.secret));
        }
      });

      test('the IAM roles are those of the Terraform, and do not grow with the apps: one app fewer has as many, and five Pod Identity associations fewer', () => {
        const names = Object.keys(fixture.apps).sort();
        expect(names.length).toBeGreaterThan(1);
        expect(counts.iamRoles).toBe(Object.keys(terraform.resource.aws_iam_role).length);
        // The last app is retired (its bucket stays in the ledger): the others' storage keeps both app roles, if either.
        const fewer: ClusterSpec = { ...fixture, apps: Object.fromEntries(names.slice(0, -1).map((n) => [n, fixture.apps[n]])) };
        const smaller = synthCloud(fewer, fixtureCloudAppsOf(fewer)).json as typeof terraform;
        expect(Object.keys(smaller.resource.aws_iam_role)).toEqual(Object.keys(terraform.resource.aws_iam_role));
        expect(Object.keys(smaller.resource.aws_eks_pod_identity_association).length).toBe(
          Object.keys(terraform.resource.aws_eks_pod_identity_association).length - 5,
        );
      });

      test('the trail records S3 data events, and the log groups keep their logs for their retention', () => {
        expect(counts.dataEventTrails).toBe(1);
        expect(counts.logRetentionDays).toBeGreaterThan(0);
        const managementOnly = structuredClone(terraform);
        for (const trail of Object.values(managementOnly.resource.aws_cloudtrail) as { advanced_event_selector: unknown[] }[]) {
          trail.advanced_event_selector = trail.advanced_event_selector.slice(0, 1);
        }
        expect(cloudCountsOf(managementOnly, objects).dataEventTrails).toBe(0);
      });
    });
  }

  test('a secret read by several ExternalSecrets, or for several properties, is one secret; one on another store is none', () => {
    const externalSecret = (name: string, store: { kind: string; name: string }, keys: string[]): KubeObject => ({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name, namespace: 'shop' },
      spec: { secretStoreRef: store, data: keys.map((key, i) => ({ secretKey: `k${i}`, remoteRef: { key, property: `p${i}` } })) },
    });
    const shared = { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' };
    const keys = storeSecretsOf([
      externalSecret('a', shared, ['webapps/prod/shop/database', 'webapps/prod/shop/database']),
      externalSecret('b', shared, ['webapps/prod/shop/database', 'webapps/prod/shop/payment']),
      externalSecret('ca', { kind: 'SecretStore', name: 'elasticsearch-ca' }, ['logs-es-http-certs-public']),
    ]);
    expect([...keys]).toEqual(['webapps/prod/shop/database', 'webapps/prod/shop/payment']);
  });
});
