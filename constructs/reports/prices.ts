import { INSTANCE_TYPES } from '../model/instance-types';

/**
 * The prices the cost estimate uses: AWS on-demand list prices (USD, Linux) for the clusters' region
 * and the offsite region. Recorded on `takenOn` from the AWS price list as last checked; check the
 * AWS pricing pages before quoting a figure to a customer, and update this one table when they move.
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
};

/** What the estimate assumes where the model has no figure; shown with every line that uses it. */
export interface Assumptions {
  readonly natGBPerMonth: number;
  readonly nlbLcus: number;
  readonly monthlyChangeShare: number;
  readonly backupToDataRatio: number;
}

export const ASSUMPTIONS: Assumptions = {
  /** GB through the NAT gateways per month (image pulls, AWS APIs outside VPC endpoints, outbound HTTPS). */
  natGBPerMonth: 200,
  /** Load balancer capacity units used on average. */
  nlbLcus: 1,
  /** Share of an app's data that is new or changed each month: what backups add and replication copies. */
  monthlyChangeShare: 0.1,
  /** restic repository size against the data: deduplicated and compressed, plus the retained history. */
  backupToDataRatio: 1.0,
};
