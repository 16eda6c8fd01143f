import type { PolicyStatement } from './iam-policy';

/* What each AWS-facing add-on may do: the policies its project documents, narrowed to this env. */

/** The secret store's folder of one env: app secrets (`secretStoreKeyOf`) and platform secrets (`platformSecretKeyOf`) sit below it. */
export const secretStorePrefixOf = (env: string): string => `webapps/${env}/`;

/** Every secret of one env in AWS Secrets Manager. Secret ARNs end in `-` and six random characters, hence the `*`. */
export const envSecretsArnOf = (region: string, accountId: string, env: string): string =>
  `arn:aws:secretsmanager:${region}:${accountId}:secret:${secretStorePrefixOf(env)}*`;

/** Every managed node group of one EKS cluster. */
export const nodeGroupsArnOf = (region: string, accountId: string, cluster: string): string => `arn:aws:eks:${region}:${accountId}:nodegroup/${cluster}/*/*`;

/** The tag that EKS puts on the Auto Scaling group of each managed node group, with the value `owned`. */
export const autoscalerOwnerTagOf = (cluster: string): string => `k8s.io/cluster-autoscaler/${cluster}`;

/**
 * What external-dns v0.18.0 calls on a zone it keeps (provider/aws/aws.go): ListResourceRecordSets in
 * records(), ChangeResourceRecordSets in submitChanges(). It calls ListTagsForResources only with a zone
 * tag filter (zones(), tagsForZone()), and we set none.
 */
export const ROUTE53_ZONE_ACTIONS = ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'];
/**
 * What the External Secrets Operator v0.19.2 calls to read a secret by its key, as our ExternalSecrets do
 * (pkg/provider/aws/secretsmanager/secretsmanager.go constructSecretValue): GetSecretValue. It calls
 * DescribeSecret only for `metadataPolicy: Fetch` and for PushSecret, ListSecrets and BatchGetSecretValue
 * only for `dataFrom.find`, and ListSecretVersionIds nowhere; our ExternalSecrets use none of these.
 */
export const SECRET_READ_ACTIONS = ['secretsmanager:GetSecretValue'];
/** The two calls by which cluster-autoscaler changes a node group. */
export const AUTOSCALER_SCALE_ACTIONS = ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'];

/**
 * external-dns: record changes only in the env's zone (and the extra zones the spec names). Finding the
 * zones cannot be narrowed: ListHostedZones has no resource-level permission.
 */
export const externalDnsStatements = (zoneArns: readonly string[]): PolicyStatement[] => [
  { Sid: 'ChangeOwnZones', Effect: 'Allow', Action: ROUTE53_ZONE_ACTIONS, Resource: [...zoneArns] },
  { Sid: 'FindZones', Effect: 'Allow', Action: 'route53:ListHostedZones', Resource: '*' },
];

/** External Secrets Operator: read the env's secrets, nothing else, never write. */
export const externalSecretsStatements = (envSecretsArn: string): PolicyStatement[] => [
  { Sid: 'ReadEnvSecrets', Effect: 'Allow', Action: SECRET_READ_ACTIONS, Resource: envSecretsArn },
];

/**
 * cluster-autoscaler with auto-discovery: the read calls of its documented policy on `*` (Describe and
 * List calls have no resource-level permissions), and scaling only Auto Scaling groups that this cluster
 * owns by tag, which is the tag its auto-discovery looks for too.
 */
export const clusterAutoscalerStatements = (cluster: string, nodeGroupsArn: string): PolicyStatement[] => [
  {
    Sid: 'DiscoverNodeGroups',
    Effect: 'Allow',
    Action: [
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:DescribeAutoScalingInstances',
      'autoscaling:DescribeLaunchConfigurations',
      'autoscaling:DescribeScalingActivities',
      'ec2:DescribeImages',
      'ec2:DescribeInstanceTypes',
      'ec2:DescribeLaunchTemplateVersions',
      'ec2:GetInstanceTypesFromInstanceRequirements',
    ],
    Resource: '*',
  },
  { Sid: 'DescribeOwnNodeGroups', Effect: 'Allow', Action: 'eks:DescribeNodegroup', Resource: nodeGroupsArn },
  {
    Sid: 'ScaleOwnNodeGroups',
    Effect: 'Allow',
    Action: AUTOSCALER_SCALE_ACTIONS,
    Resource: '*',
    Condition: { StringEquals: { [`aws:ResourceTag/${autoscalerOwnerTagOf(cluster)}`]: 'owned' } },
  },
];

/** The TXT record of an ACME DNS-01 challenge for a domain and its wildcard (RFC 8555 §8.4). */
export const acmeChallengeRecordOf = (domain: string): string => `_acme-challenge.${domain}`;

/**
 * cert-manager's DNS-01 for the wildcard of the cluster's domain: the TXT record `_acme-challenge.<domain>`
 * in the cluster's zone and nothing else there (Route53's ChangeResourceRecordSets condition keys, values
 * normalized: lower case, no trailing dot), and the status of its changes. With the zone id set in the
 * issuer it never lists zones (constructs/platform/cert-manager.ts, dns01SolverOf, says which calls it makes).
 * GetChange has no zone: a change id is its resource.
 */
export const certManagerStatements = (zoneArn: string, domain: string): PolicyStatement[] => [
  {
    Sid: 'AcmeChallengeRecordOnly',
    Effect: 'Allow',
    Action: 'route53:ChangeResourceRecordSets',
    Resource: zoneArn,
    Condition: {
      'ForAllValues:StringEquals': {
        'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'],
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': [acmeChallengeRecordOf(domain.toLowerCase())],
      },
    },
  },
  { Sid: 'ChangeStatus', Effect: 'Allow', Action: 'route53:GetChange', Resource: 'arn:aws:route53:::change/*' },
];
