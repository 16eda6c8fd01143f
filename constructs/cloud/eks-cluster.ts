import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EksCluster as EksClusterResource } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { EncryptionKey } from './encryption-key';
import { managedPolicyArn, policyDocument, serviceTrust } from './iam-policy';
import { referenceTo } from './references';

/** Every control-plane log type EKS has (FSBP EKS.8). */
export const CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] as const;
/** Days CloudWatch keeps the control-plane logs. */
export const CONTROL_PLANE_LOG_DAYS = 90;

export interface EksClusterProps {
  /** The EKS cluster's name (the cluster spec's name). */
  readonly name: string;
  /** A Kubernetes minor version in EKS standard support, e.g. `1.35`. */
  readonly kubernetesVersion: string;
  /** The control-plane subnets of the three zones (apart from the nodes'): EKS places the API server's network interfaces there. */
  readonly subnetIds: readonly string[];
  /** CIDRs allowed to reach the public endpoint. Empty: the endpoint is private only. */
  readonly adminCidrs: readonly string[];
  /** The cluster's account and region: the secrets key's policy names them. */
  readonly accountId: string;
  readonly region: string;
}

/** What the cluster role does with the secrets key (the same actions its own policy names). */
export const SECRETS_KEY_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'];

/**
 * The EKS control plane: API endpoint private (public only for the admin allowlist), Kubernetes secrets
 * envelope-encrypted with a KMS key, every control-plane log type on, access through EKS access entries
 * only (no aws-auth ConfigMap, no admin for the cluster's creator), standard support only (no silent
 * extended-support charges), and deletion protection on.
 */
export class EksCluster extends Construct {
  readonly resource: EksClusterResource;
  /** The cluster's name as written in the spec. */
  readonly name: string;
  /** The same name as a reference to the cluster resource: what uses it waits for the cluster. */
  readonly nameRef: string;
  /** The Kubernetes minor version, e.g. `1.35`: the add-ons are pinned per version. */
  readonly kubernetesVersion: string;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const secretsKey = new EncryptionKey(this, 'SecretsKey', {
      alias: `${props.name}-eks-secrets`,
      description: `Envelope encryption of Kubernetes secrets in EKS cluster ${props.name}`,
      address: 'eks_secrets_key',
      accountId: props.accountId,
    });

    const role = new IamRole(this, 'Role', {
      name: `${props.name}-eks-cluster`,
      assumeRolePolicy: serviceTrust('eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession']),
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'ClusterPolicy', { role: role.name, policyArn: managedPolicyArn('AmazonEKSClusterPolicy') });
    const keyUse = new IamRolePolicy(this, 'SecretsKeyUse', {
      role: role.name,
      name: 'secrets-encryption',
      policy: policyDocument([
        {
          Sid: 'EncryptKubernetesSecrets',
          Effect: 'Allow',
          Action: SECRETS_KEY_ACTIONS,
          Resource: secretsKey.arn,
        },
      ]),
    });
    secretsKey.allow({ sid: 'ClusterRoleEncryptsSecrets', principal: { AWS: role.arn }, actions: SECRETS_KEY_ACTIONS });
    // Creating the cluster makes EKS create a grant on the key for itself, with the caller's (Terraform's)
    // rights: only that grant, for an AWS resource and through EKS, not one a person could use.
    secretsKey.allow({
      sid: 'EksGrantsItselfUseAtCreation',
      principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
      actions: ['kms:CreateGrant'],
      condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' }, StringEquals: { 'kms:ViaService': `eks.${props.region}.amazonaws.com` } },
    });

    // Created before the cluster, so that EKS does not create it without a retention.
    const logs = new CloudwatchLogGroup(this, 'ControlPlaneLogs', {
      name: `/aws/eks/${props.name}/cluster`,
      retentionInDays: CONTROL_PLANE_LOG_DAYS,
    });

    const publicEndpoint = props.adminCidrs.length > 0;
    this.resource = new EksClusterResource(this, 'Resource', {
      name: props.name,
      version: props.kubernetesVersion,
      roleArn: role.arn,
      vpcConfig: {
        subnetIds: [...props.subnetIds],
        endpointPrivateAccess: true,
        endpointPublicAccess: publicEndpoint,
        publicAccessCidrs: publicEndpoint ? [...props.adminCidrs] : undefined,
      },
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: secretsKey.arn } },
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      // API: access entries are the only way in (access-entries.ts), there is no aws-auth ConfigMap that
      // could drift from them or be edited by hand. No creator admin: with it, EKS would give whoever runs
      // the first `terraform apply` cluster-admin through an entry and an AmazonEKSClusterAdminPolicy
      // association that Terraform does not hold and dist/<env>/access.md does not show, and when that
      // person is in the access model, creating their own entry fails (409, the entry already exists).
      // Terraform needs no Kubernetes rights. But the RBAC that gives the groups their rights reaches the
      // cluster through Flux, so the one-time `flux bootstrap` has no one to run it: it needs a platform
      // admin's entry to hold AmazonEKSClusterAdminPolicy for that run (associate it with the AWS CLI,
      // bootstrap, wait until Flux has applied platform-controllers, then disassociate it). Both settings
      // are fixed at creation: changing them later replaces the cluster.
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      upgradePolicy: { supportType: 'STANDARD' },
      // The managed add-ons (eks-addons.ts) install vpc-cni, kube-proxy and CoreDNS instead.
      bootstrapSelfManagedAddons: false,
      deletionProtection: true,
      dependsOn: [clusterPolicy, keyUse, logs],
    });
    this.resource.overrideLogicalId('cluster');
    this.name = props.name;
    this.nameRef = referenceTo(this.resource, 'name');
    this.kubernetesVersion = props.kubernetesVersion;
  }
}
