import { INSTANCE_TYPES } from '../model/instance-types';

/**
 * The prices the cost estimate uses: AWS on-demand list prices (USD, Linux) for the clusters' region
 * and the offsite region. Recorded on `takenOn` from the AWS price list as last checked; check the
 * AWS pricing pages before quoting a figure to a customer, and update this one table when they move.
 * Public IPv4, Route 53, Secrets Manager, CloudWatch Logs, CloudTrail and the interface endpoints were
 * added on 2026-12-01.
 */
export interface Prices {
  readonly takenOn: string;
  readonly region: string;
  readonly offsiteRegion: string;
  readonly currency: string;
  readonly hoursPerMonth: number;
  readonly eksControlPlanePerHour: number;
  readonly ec2PerHour: Readonly<Record<string, number>>;
  readonly spotShareOfOnDemand: number;
  readonly natGatewayPerHour: number;
  readonly natGatewayPerGB: number;
  readonly nlbPerHour: number;
  readonly nlbLcuPerHour: number;
  readonly ebsGp3PerGBMonth: number;
  readonly s3StandardPerGBMonth: number;
  readonly s3OffsitePerGBMonth: number;
  readonly interRegionPerGB: number;
  readonly kmsKeyPerMonth: number;
  readonly publicIpv4PerHour: number;
  readonly hostedZonePerMonth: number;
  readonly secretPerMonth: number;
  readonly logIngestionPerGB: number;
  readonly logStoragePerGBMonth: number;
  readonly dataEventsPer100k: number;
  /** Interface VPC endpoints, per endpoint and zone-hour, by service. */
  readonly interfaceEndpointPerZoneHour: Readonly<Record<string, number>>;
}

export const PRICES: Prices = {
  takenOn: '2026-11-27',
  region: 'eu-central-1',
  offsiteRegion: 'eu-west-1',
  currency: 'USD',
  hoursPerMonth: 730,
  eksControlPlanePerHour: 0.1,
  /** On-demand, per instance-hour: the instance type table's figures (constructs/model/instance-types.ts). */
  ec2PerHour: Object.fromEntries(Object.entries(INSTANCE_TYPES).map(([type, facts]) => [type, facts.onDemandPerHour])),
  /** Spot capacity's usual price as a share of on-demand for these families (it moves daily). */
  spotShareOfOnDemand: 0.35,
  natGatewayPerHour: 0.052,
  natGatewayPerGB: 0.052,
  nlbPerHour: 0.027,
  nlbLcuPerHour: 0.006,
  ebsGp3PerGBMonth: 0.0952,
  s3StandardPerGBMonth: 0.0245,
  s3OffsitePerGBMonth: 0.023,
  /** Data transfer out of the region to another AWS region (what replication pays). */
  interRegionPerGB: 0.02,
  kmsKeyPerMonth: 1.0,
  /** Every public IPv4 address AWS provides, in use or idle: Elastic IPs and a load balancer's, since 2024-02-01. */
  publicIpv4PerHour: 0.005,
  /** Each of the first 25 hosted zones. */
  hostedZonePerMonth: 0.5,
  secretPerMonth: 0.4,
  /** CloudWatch Logs, standard class: ingested, and kept (archived) per month. */
  logIngestionPerGB: 0.63,
  logStoragePerGBMonth: 0.0324,
  /** CloudTrail data events delivered (the trail records S3 object events of the app and backup buckets). */
  dataEventsPer100k: 0.1,
  interfaceEndpointPerZoneHour: {
    /**
     * GuardDuty Runtime Monitoring's agent sends through it: "There is no additional cost for the usage of
     * the VPC endpoint" (GuardDuty user guide, "Prerequisite – Creating an Amazon VPC endpoint").
     */
    'guardduty-data': 0,
  },
};

/** What the estimate assumes where the model has no figure; shown with every line that uses it. */
export interface Assumptions {
  readonly natGBPerMonth: number;
  readonly nlbLcus: number;
  readonly monthlyChangeShare: number;
  readonly backupToDataRatio: number;
  readonly logGBPerMonth: number;
  readonly dataEventsPerMonth: number;
}

export const ASSUMPTIONS: Assumptions = {
  /**
   * GB through the NAT gateways per month: images from registries other than ECR, AWS APIs, the apps'
   * outbound HTTPS. S3 in the region, ECR's image layers included, goes through the free gateway endpoint.
   */
  natGBPerMonth: 200,
  /** Load balancer capacity units used on average. */
  nlbLcus: 1,
  /** Share of an app's data that is new or changed each month: what backups add and replication copies. */
  monthlyChangeShare: 0.1,
  /** restic repository size against the data: deduplicated and compressed, plus the retained history. */
  backupToDataRatio: 1.0,
  /** GB a month into the CloudWatch log groups: the EKS control plane's logs, its audit log most of them. */
  logGBPerMonth: 10,
  /** S3 object events a month that the trail records: the apps' reads and writes through their volumes, and the backups'. */
  dataEventsPerMonth: 2_000_000,
};
