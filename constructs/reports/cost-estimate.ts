import { cloudSettingsOf, type ClusterSpec } from '../model/cluster-spec';
import type { ResolvedApp } from '../model/resolve';
import { renderShardLine } from '../logging/shard-budget';
import { addOnsOf } from '../platform/default-add-ons';
import { declaredWorkloadsOf } from '../platform/declared-workloads';
import { eckDefaults } from '../platform/eck';
import { logLayoutOf } from '../platform/eck-sizing';
import { nodesAtRestOf } from '../validation/cluster-capacity';
import { parseQuantity } from '../model/quantity';
import { sharesOf, zoneNodeGroupsOf } from '../model/zone-node-groups';
import { ASSUMPTIONS, PRICES, type Assumptions, type Prices } from './prices';
import type { CloudCounts } from './cost-inputs';

/** One line of the estimate: what it is, how it was reached, and what it costs a month. */
export interface CostLine {
  readonly item: string;
  readonly how: string;
  readonly monthly: number;
}

export interface CostEstimate {
  readonly cluster: string;
  readonly lines: readonly CostLine[];
  /** At `nodes` nodes. */
  readonly total: number;
  /** The nodes priced: nodePool.min, or the nodes the cluster needs at rest where that is more (nodesAtRestOf). */
  readonly nodes: number;
  /** The node pool's max, where the autoscaler stops. */
  readonly maxNodes: number;
  /** What one more node adds, for the autoscaler's headroom up to the node pool's max. */
  readonly perExtraNode: number;
  /** The logs' shard estimate against the budget of the Elasticsearch nodes (constructs/logging/shard-budget.ts). */
  readonly logShards: string;
  /** The IAM roles the stack creates against the account's quota (iamRolesLine). */
  readonly iamRoles: string;
}

/**
 * IAM roles per AWS account: 1,000 by default, adjustable up to 5,000 through Service Quotas (IAM User Guide,
 * IAM and AWS STS quotas, "Roles in an AWS account"; AWS General Reference, AWS IAM endpoints and quotas). Free, but
 * CreateRole fails past the quota, and with it `terraform apply`. Each cluster has its account to itself.
 */
export const IAM_ROLES_DEFAULT_QUOTA = 1_000;
export const IAM_ROLES_MAX_QUOTA = 5_000;

/** The roles against the quota: a warning past the default, and past the most AWS grants. */
export function iamRolesLine(roles: number): string {
  const of = `${roles.toLocaleString('en-US')} in the Terraform, against the account's quota of ${IAM_ROLES_DEFAULT_QUOTA.toLocaleString('en-US')} roles by default (adjustable to ${IAM_ROLES_MAX_QUOTA.toLocaleString('en-US')})`;
  if (roles > IAM_ROLES_MAX_QUOTA) return `${of}. **Over the most AWS grants: terraform apply would fail; split the apps over more clusters.**`;
  if (roles > IAM_ROLES_DEFAULT_QUOTA)
    return `${of}. **Over the default quota: raise "Roles per account" (Service Quotas, IAM) to at least ${roles.toLocaleString('en-US')} before terraform apply, or it fails.**`;
  return of;
}

const round = (n: number) => Math.round(n * 100) / 100;
const money = (n: number) => `$${n.toFixed(2)}`;
/** A unit price as listed, e.g. $0.0864. */
const rate = (n: number) => `$${n}`;

/**
 * The monthly estimate of one cluster at rest, from the model and the price table: at its node pool's min, or
 * at the nodes its pods need at every app's scaling.min where that is more (cluster-autoscaler adds them).
 */
export function estimateCost(
  cluster: ClusterSpec,
  apps: readonly ResolvedApp[],
  cloud: CloudCounts,
  prices: Prices = PRICES,
  assumptions: Assumptions = ASSUMPTIONS,
): CostEstimate {
  const h = prices.hoursPerMonth;
  const settings = cloudSettingsOf(cluster);
  const pool = cluster.nodePool;
  const type = pool.instanceTypes[0];
  const onDemand = prices.ec2PerHour[type];
  if (onDemand === undefined) throw new Error(`cost: no price for instance type ${type}; add it to constructs/model/instance-types.ts`);
  const hourly = pool.capacityType === 'SPOT' ? onDemand * prices.spotShareOfOnDemand : onDemand;
  const nodeMonthly = hourly * h + pool.diskGiB * prices.ebsGp3PerGBMonth;
  const ctx = { cluster, apps };
  const atRest = nodesAtRestOf(cluster, apps, declaredWorkloadsOf(addOnsOf(ctx), ctx));
  const nodes = atRest !== undefined && Number.isFinite(atRest) ? Math.max(pool.min, atRest) : pool.min;
  const groups = zoneNodeGroupsOf({ min: nodes, max: pool.max }, settings.network.zones);
  const why = nodes > pool.min ? `, what the pods need at every app's scaling.min (nodePool.min is ${pool.min})` : '';
  const nats = settings.network.natGateways === 'perZone' ? settings.network.zones.length : 1;
  const es = eckDefaults.sizing[cluster.env];
  const logs = logLayoutOf(cluster, apps, es);
  const esGiB = (logs.dataNodes * parseQuantity(es.storage)!) / 2 ** 30;
  const dataGiB = apps.reduce((sum, a) => sum + (a.storage?.expectedGiB ?? 0), 0);
  const backupGiB = dataGiB * assumptions.backupToDataRatio;
  const changedGiB = backupGiB * assumptions.monthlyChangeShare;
  const publicIps = cloud.elasticIps + cloud.loadBalancerZones;
  const keptLogGB = (assumptions.logGBPerMonth * cloud.logRetentionDays) / 30;

  const lines: CostLine[] = [
    {
      item: `nodes: ${nodes} × ${type} (${pool.capacityType.toLowerCase()})${why}, a node group per zone: ${sharesOf(groups, 'min')}`,
      how: `${nodes} × (${pool.capacityType === 'SPOT' ? `${rate(onDemand)}/h × ${prices.spotShareOfOnDemand} spot share` : `${rate(onDemand)}/h`} × ${h} h + ${pool.diskGiB} GB gp3 × ${rate(prices.ebsGp3PerGBMonth)})`,
      monthly: nodes * nodeMonthly,
    },
    { item: 'EKS control plane', how: `${rate(prices.eksControlPlanePerHour)}/h × ${h} h`, monthly: prices.eksControlPlanePerHour * h },
    {
      item: `NAT gateways: ${nats}`,
      how: `${nats} × ${rate(prices.natGatewayPerHour)}/h × ${h} h + ${assumptions.natGBPerMonth} GB (assumed) × ${rate(prices.natGatewayPerGB)}`,
      monthly: nats * prices.natGatewayPerHour * h + assumptions.natGBPerMonth * prices.natGatewayPerGB,
    },
    {
      item: 'load balancer: 1 NLB (the one Gateway)',
      how: `(${rate(prices.nlbPerHour)}/h + ${assumptions.nlbLcus} LCU (assumed) × ${rate(prices.nlbLcuPerHour)}/h) × ${h} h`,
      monthly: (prices.nlbPerHour + assumptions.nlbLcus * prices.nlbLcuPerHour) * h,
    },
    {
      item: `public IPv4 addresses: ${publicIps}`,
      how: `(${cloud.elasticIps} Elastic IPs, the NAT gateways', + ${cloud.loadBalancerZones} of the NLB, one per zone) × ${rate(prices.publicIpv4PerHour)}/h × ${h} h`,
      monthly: publicIps * prices.publicIpv4PerHour * h,
    },
    ...cloud.interfaceEndpoints.map(({ service, zones }) => {
      const perZoneHour = prices.interfaceEndpointPerZoneHour[service];
      if (perZoneHour === undefined) throw new Error(`cost: no price for the interface VPC endpoint of ${service}; add it to constructs/reports/prices.ts`);
      return {
        item: `VPC endpoint: ${service} in ${zones} zones`,
        how:
          perZoneHour === 0
            ? '$0/h: AWS does not bill this endpoint (the source is in constructs/reports/prices.ts)'
            : `${zones} × ${rate(perZoneHour)}/h × ${h} h`,
        monthly: zones * perZoneHour * h,
      };
    }),
    {
      item: `Route 53 hosted zones: ${cloud.hostedZones}`,
      how: `${cloud.hostedZones} × ${rate(prices.hostedZonePerMonth)}`,
      monthly: cloud.hostedZones * prices.hostedZonePerMonth,
    },
    {
      item: `Secrets Manager: ${cloud.storeSecrets} secrets`,
      how: `${cloud.storeSecrets} (read by the cluster's ExternalSecrets) × ${rate(prices.secretPerMonth)}`,
      monthly: cloud.storeSecrets * prices.secretPerMonth,
    },
    ...(cloud.logGroups > 0
      ? [
          {
            item: `CloudWatch Logs: ${cloud.logGroups} log group${cloud.logGroups === 1 ? '' : 's'}, kept ${cloud.logRetentionDays} days`,
            how: `${assumptions.logGBPerMonth} GB a month (assumed) × ${rate(prices.logIngestionPerGB)} + ${round(keptLogGB)} GB kept × ${rate(prices.logStoragePerGBMonth)}`,
            monthly: assumptions.logGBPerMonth * prices.logIngestionPerGB + keptLogGB * prices.logStoragePerGBMonth,
          },
        ]
      : []),
    ...(cloud.dataEventTrails > 0
      ? [
          {
            item: 'CloudTrail: S3 data events of the app and backup buckets',
            how: `${cloud.dataEventTrails} × ${assumptions.dataEventsPerMonth.toLocaleString('en-US')} events a month (assumed) × ${rate(prices.dataEventsPer100k)} per 100,000`,
            monthly: (cloud.dataEventTrails * assumptions.dataEventsPerMonth * prices.dataEventsPer100k) / 100_000,
          },
        ]
      : []),
    {
      item: `Elasticsearch volumes: ${logs.dataNodes} × ${es.storage}`,
      how: `${esGiB} GB gp3 × ${rate(prices.ebsGp3PerGBMonth)}`,
      monthly: esGiB * prices.ebsGp3PerGBMonth,
    },
    ...apps
      .filter((a) => a.storage)
      .map((a) => ({
        item: `S3 data: ${a.name}`,
        how: `${a.storage!.expectedGiB ?? 0} GB (spec) × ${rate(prices.s3StandardPerGBMonth)}`,
        monthly: (a.storage!.expectedGiB ?? 0) * prices.s3StandardPerGBMonth,
      })),
    {
      item: 'S3 backups near the cluster',
      how: `${dataGiB} GB × ${assumptions.backupToDataRatio} (assumed repository/data) × ${rate(prices.s3StandardPerGBMonth)}`,
      monthly: backupGiB * prices.s3StandardPerGBMonth,
    },
    {
      item: `replication to ${cluster.offsiteRegion}`,
      how: `${backupGiB} GB × ${assumptions.monthlyChangeShare} changed a month (assumed) × ${rate(prices.interRegionPerGB)}`,
      monthly: changedGiB * prices.interRegionPerGB,
    },
    {
      item: `S3 backups offsite (${cluster.offsiteRegion})`,
      how: `${backupGiB} GB × ${rate(prices.s3OffsitePerGBMonth)}`,
      monthly: backupGiB * prices.s3OffsitePerGBMonth,
    },
    {
      item: `KMS keys: ${cloud.kmsKeys}`,
      how: `${cloud.kmsKeys} (in the Terraform) × ${rate(prices.kmsKeyPerMonth)}`,
      monthly: cloud.kmsKeys * prices.kmsKeyPerMonth,
    },
  ].map((line) => ({ ...line, monthly: round(line.monthly) }));
  return {
    cluster: cluster.name,
    lines,
    total: round(lines.reduce((sum, l) => sum + l.monthly, 0)),
    nodes,
    maxNodes: pool.max,
    perExtraNode: round(nodeMonthly),
    logShards: renderShardLine(logs.estimate, logs.budget),
    iamRoles: iamRolesLine(cloud.iamRoles),
  };
}

/** What the estimate leaves out: each depends on use the specs do not tell. */
export const NOT_ESTIMATED =
  'Not included, as each depends on use: data transfer to the internet and between zones, S3 requests, GuardDuty ' +
  '(billed by the events and flow logs it analyzes and the vCPUs its runtime agent watches, free for its first 30 days), ' +
  "the VPC flow logs' delivery to S3, Secrets Manager API calls and Route 53 queries.";

/** The estimate as a Markdown table, with each figure's derivation, and against the env's budget where it has one. */
export function renderCost(estimate: CostEstimate, env: string, budgetUsd?: number): string {
  const { nodes, maxNodes } = estimate;
  const atMax = round(estimate.total + (maxNodes - nodes) * estimate.perExtraNode);
  return [
    `## ${env} (${estimate.cluster})`,
    '',
    '| item | how | per month |',
    '|---|---|---:|',
    ...estimate.lines.map((l) => `| ${l.item} | ${l.how} | ${money(l.monthly)} |`),
    `| **total at ${nodes} nodes** | | **${money(estimate.total)}** |`,
    '',
    `Each node the autoscaler adds costs ${money(estimate.perExtraNode)} a month; at the node pool's max of ${maxNodes}: ${money(atMax)}.`,
    '',
    ...(budgetUsd === undefined ? [] : [budgetLine(budgetUsd, estimate.total, nodes, atMax, maxNodes), '']),
    `Log shards: ${estimate.logShards}.`,
    '',
    `IAM roles: ${estimate.iamRoles}.`,
    '',
  ].join('\n');
}

/** The estimate against `costBudget`, which AWS Budgets watches (cloud/cost-budget.ts). */
function budgetLine(budgetUsd: number, atRest: number, nodes: number, atMax: number, maxNodes: number): string {
  const share = (n: number) => `${Math.round((100 * n) / budgetUsd)} %`;
  const verdict = atRest > budgetUsd ? ' **Over budget already at rest.**' : atMax > budgetUsd ? ' Over budget once the autoscaler nears the max.' : '';
  return `Budget (\`costBudget\`, watched by AWS Budgets): ${money(budgetUsd)} a month; the estimate is ${share(atRest)} of it at ${nodes} nodes and ${share(atMax)} at ${maxNodes}.${verdict}`;
}
