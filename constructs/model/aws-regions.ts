/**
 * The AWS regions a cluster, its offsite backups and its Terraform state may live in: the commercial
 * partition's regions where EKS runs (AWS Regional Services list, checked 2026-11-30). GovCloud and China
 * are left out on purpose: their ARNs start `arn:aws-us-gov:` / `arn:aws-cn:`, and the platform writes
 * `arn:aws:` throughout.
 */
export const AWS_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

export const AWS_REGIONS_FILE = 'constructs/model/aws-regions.ts';

export const isAwsRegion = (name: string): boolean => AWS_REGIONS.includes(name);
