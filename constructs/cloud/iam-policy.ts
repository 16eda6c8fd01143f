/* IAM policy documents as plain data. A document is rendered with JSON.stringify, so Terraform
   references (bucket and key ARNs) inside it resolve at plan time and the rules can read it back. */

import { REQUEST_NAMESPACE } from './pod-identity-tags';

type Values = string | readonly string[];

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: '*' | Readonly<Record<string, Values>>;
  readonly Action: Values;
  readonly Resource?: Values;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, Values>>>>;
}

export const policyDocument = (statements: readonly PolicyStatement[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/** A KMS key used only by S3 on the caller's behalf, in one region. */
export const viaS3 = (region: string) => ({ StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } });

/** Trust policy that lets one AWS service assume a role. */
export const serviceTrust = (service: string, actions: readonly string[] = ['sts:AssumeRole']): string =>
  policyDocument([{ Sid: 'TrustService', Effect: 'Allow', Principal: { Service: service }, Action: actions }]);

/** AWS managed policies, by name. */
export const managedPolicyArn = (name: string): string => `arn:aws:iam::aws:policy/${name}`;

/** A bucket policy statement that refuses every request not sent over TLS 1.2 or later (FSBP S3.5). */
export function tlsOnlyStatements(bucketArn: string): PolicyStatement[] {
  const resources = [bucketArn, `${bucketArn}/*`];
  return [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: resources,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    { Sid: 'DenyOutdatedTls', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resources, Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
  ];
}

/**
 * Trust policy for a role that EKS Pod Identity hands to one ServiceAccount. Besides the association,
 * the session tags EKS sets pin the role to that cluster, namespace and ServiceAccount.
 */
export const podIdentityTrust = (cluster: string, namespace: string, serviceAccount: string): string =>
  podIdentityTrustOf({
    'aws:RequestTag/eks-cluster-name': cluster,
    'aws:RequestTag/kubernetes-namespace': namespace,
    'aws:RequestTag/kubernetes-service-account': serviceAccount,
  });

/**
 * Trust policy for a role that EKS Pod Identity hands to the ServiceAccount of one use in many namespaces: the
 * cluster pinned, and the ServiceAccount pinned to that use's name in the asking pod's own namespace
 * (`serviceAccountIn(REQUEST_NAMESPACE)`, pod-identity-tags.ts). Which namespaces may have it is the
 * associations' to say (shared-pod-identity-role.ts).
 */
export const sharedPodIdentityTrust = (cluster: string, serviceAccountIn: (namespace: string) => string): string =>
  podIdentityTrustOf({
    'aws:RequestTag/eks-cluster-name': cluster,
    'aws:RequestTag/kubernetes-service-account': serviceAccountIn(REQUEST_NAMESPACE),
  });

/** EKS Pod Identity's service may assume the role and tag its session where the session tags equal these. */
const podIdentityTrustOf = (tags: Record<string, string>): string =>
  policyDocument([
    {
      Sid: 'PodIdentity',
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: { StringEquals: tags },
    },
  ]);

/**
 * Bucket policy statements for a log bucket that one AWS service delivers into: no one else may write an
 * object, and no one may delete one or a version of one (the lifecycle expires them, which no bucket
 * policy can stop). Together with a delivery Allow for that service, the logs are the service's word only.
 */
export function deliveryOnlyStatements(bucketArn: string, service: string): PolicyStatement[] {
  return [
    {
      Sid: 'DenyWritesButDelivery',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: `${bucketArn}/*`,
      Condition: { StringNotEquals: { 'aws:PrincipalServiceName': service } },
    },
    { Sid: 'DenyDeletes', Effect: 'Deny', Principal: '*', Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'], Resource: `${bucketArn}/*` },
  ];
}

/** What erases a versioned bucket's history or weakens what keeps it: erasing a version, or changing versioning, the lifecycle or the lock. */
export const HISTORY_GUARD_ACTIONS = [
  's3:DeleteObjectVersion',
  's3:PutLifecycleConfiguration',
  's3:PutBucketVersioning',
  's3:PutBucketObjectLockConfiguration',
] as const;

/**
 * A bucket policy statement that refuses HISTORY_GUARD_ACTIONS to every principal but `allowedRoleArns`
 * (by aws:PrincipalArn, the role behind a session). aws:PrincipalArn carries the role's path, which a role
 * ARN written for EKS often leaves out (SSO roles live under /aws-reserved/sso.amazonaws.com/), so each role
 * is matched with and without a path. S3's own lifecycle expiry is not a request under the bucket policy, so
 * it keeps working (Amazon S3 API reference, PutBucketLifecycleConfiguration: to keep users from removing
 * objects, deny them s3:DeleteObject, s3:DeleteObjectVersion and s3:PutLifecycleConfiguration).
 */
/** A role's ARN as given, and with any path before its name. */
const withAnyPath = (roleArn: string): string[] => {
  const [, prefix, name] = /^(arn:[^:]+:iam::[^:]*:role\/).*?([^/]+)$/.exec(roleArn) ?? [];
  return prefix ? [...new Set([roleArn, `${prefix}*/${name}`])] : [roleArn];
};

export function historyGuardStatement(bucketArn: string, allowedRoleArns: readonly string[]): PolicyStatement {
  return {
    Sid: 'DenyHistoryChangesButAdmins',
    Effect: 'Deny',
    Principal: '*',
    Action: HISTORY_GUARD_ACTIONS,
    Resource: [bucketArn, `${bucketArn}/*`],
    ...(allowedRoleArns.length > 0 ? { Condition: { ArnNotLike: { 'aws:PrincipalArn': [...allowedRoleArns].sort().flatMap(withAnyPath) } } } : {}),
  };
}
