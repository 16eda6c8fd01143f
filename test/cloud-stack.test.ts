import * as os from 'node:os';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Testing } from 'cdktf';
import type { TerraformConstructor } from 'cdktf/lib/testing/matchers';
import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import { accessEntryAddressOf } from '../constructs/cloud/access-entries';
import { ADD_ON_IDENTITIES, addOnRoleOf } from '../constructs/cloud/add-on-identities';
import { BACKUP_JOB_NAMES } from '../constructs/model/naming';
import { BACKUP_JOB_ROLES, backupJobRoleAddressOf, type BackupJobRole } from '../constructs/cloud/backup-job-identities';
import { appRoleAddressOf, storageDeletes } from '../constructs/cloud/app-role';
import { sessionsOf } from '../constructs/cloud/pod-identity-sessions';
import { bucketArnResolver } from '../constructs/cloud/s3-grants';
import { CloudStack } from '../constructs/cloud/cloud-stack';
import { EKS_ADDONS } from '../constructs/cloud/eks-addon-versions';
import { geesefsUserAddressOf } from '../constructs/cloud/geesefs-user';
import { groupsOf } from '../constructs/model/access-spec';
import { cloudSettingsOf, type ClusterSpec } from '../constructs/model/cluster-spec';
import {
  accessLogBucketOf,
  appRoleOf,
  backupBucketOf,
  bucketOf,
  geesefsUserOf,
  namespaceOf,
  offsiteBackupBucketOf,
  secretStoreKeyOf,
  serviceAccountOf,
  stateKeyOf,
} from '../constructs/model/naming';
import { resolveApp } from '../constructs/model/resolve';

Testing.setupJest();

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * With setupJest, the matchers compare the top-level properties partially but nested blocks exactly;
 * `partial` makes every nested object partial too (arrays keep their length and order).
 */
const nested = (value: unknown): Json => {
  if (Array.isArray(value)) return value.map(nested);
  if (value === null || typeof value !== 'object') return value;
  return expect.objectContaining(partial(value as Record<string, unknown>));
};
const partial = (props: Record<string, unknown>): Record<string, Json> => Object.fromEntries(Object.entries(props).map(([key, value]) => [key, nested(value)]));

declare global {
  // cdktf's own declaration targets an older @types/jest (Matchers<R>); this one merges with Matchers<R, T>.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // T must stay: declarations merge only when the type parameters match.
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    interface Matchers<R, T> {
      toHaveResource(resource: TerraformConstructor): R;
      toHaveResourceWithProperties(resource: TerraformConstructor, properties: Record<string, unknown>): R;
      toHaveProviderWithProperties(provider: TerraformConstructor, properties: Record<string, unknown>): R;
    }
  }
}

/** The cluster's stack, synthesized by CDKTF's Testing helpers (no temp dir left behind). */
function synth(cluster: ClusterSpec): string {
  const apps = Object.keys(cluster.apps).map((name) =>
    resolveApp(
      APPS.find((a) => a.name === name)!,
      cluster,
    ),
  );
  const app = Testing.app({ outdir: os.tmpdir() });
  return Testing.synth(new CloudStack(app, cluster.env, { cluster, apps }));
}

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('the %s cloud stack', (_env, cluster) => {
  const synthesized = synth(cluster);
  const json: Json = JSON.parse(synthesized);
  const settings = cloudSettingsOf(cluster);
  const all = (type: string): Json[] => Object.values(json.resource[type] ?? {});
  const appsWithStorage = Object.keys(cluster.apps)
    .filter((name) => APPS.find((a) => a.name === name)!.storage)
    .sort();
  /** Every app is backed up, with storage or without. */
  const appNames = Object.keys(cluster.apps).sort();
  const cloudApps = appNames.map((name) =>
    resolveApp(
      APPS.find((a) => a.name === name)!,
      cluster,
    ),
  );
  const statementsOf = (policyAddress: string): Json[] => JSON.parse(json.resource.aws_iam_role_policy[policyAddress].policy).Statement;
  const s3Resources = (statements: Json[]): string[] =>
    statements.filter((st) => [st.Action].flat().some((a: string) => a.startsWith('s3:'))).flatMap((st) => [st.Resource].flat());

  test('is a VPC over three zones, nodes in private subnets without public IPs', () => {
    expect(synthesized).toHaveResourceWithProperties(Vpc, partial({ cidr_block: settings.network.vpcCidr, enable_dns_hostnames: true }));
    const subnets = all('aws_subnet');
    const privateSubnets = subnets.filter((s) => s.tags['kubernetes.io/role/internal-elb'] === '1');
    const publicSubnets = subnets.filter((s) => s.tags['kubernetes.io/role/elb'] === '1');
    expect(new Set(privateSubnets.map((s) => s.availability_zone))).toEqual(new Set(settings.network.zones));
    expect(new Set(publicSubnets.map((s) => s.availability_zone))).toEqual(new Set(settings.network.zones));
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
    for (const zone of settings.network.zones) {
      expect(synthesized).toHaveResourceWithProperties(Subnet, partial({ availability_zone: zone, map_public_ip_on_launch: false }));
    }
    expect(all('aws_nat_gateway')).toHaveLength(settings.network.natGateways === 'perZone' ? 3 : 1);
    expect(synthesized).toHaveResource(NatGateway);
  });

  test('runs EKS on the spec version with a private or allowlisted endpoint, encrypted secrets and every log type', () => {
    expect(synthesized).toHaveResourceWithProperties(
      EksCluster,
      partial({
        name: cluster.name,
        version: cluster.kubernetesVersion,
        vpc_config: {
          endpoint_private_access: true,
          endpoint_public_access: settings.adminCidrs.length > 0,
          ...(settings.adminCidrs.length > 0 ? { public_access_cidrs: [...settings.adminCidrs] } : {}),
        },
        encryption_config: { resources: ['secrets'], provider: { key_arn: '${aws_kms_key.eks_secrets_key.arn}' } },
        enabled_cluster_log_types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
        upgrade_policy: { support_type: 'STANDARD' },
      }),
    );
  });

  test('lets people in through access entries only: API mode, no admin for the creator, no access policy association', () => {
    expect(synthesized).toHaveResourceWithProperties(
      EksCluster,
      partial({
        access_config: { authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false },
      }),
    );
    expect(json.resource.aws_eks_access_policy_association).toBeUndefined();
  });

  test.each(
    Object.keys(cluster.access.people)
      .sort()
      .map((p) => [p] as const),
  )('person %s has one STANDARD access entry, for their IAM role, in exactly the groups groupsOf gives them', (person) => {
    const entries = all('aws_eks_access_entry').filter((e) => e.principal_arn === cluster.access.people[person].iamRoleArn);
    expect(entries).toEqual([json.resource.aws_eks_access_entry[accessEntryAddressOf(person)]]);
    expect(entries[0]).toMatchObject({ cluster_name: '${aws_eks_cluster.cluster.name}', type: 'STANDARD' });
    expect([...entries[0].kubernetes_groups].sort()).toEqual(groupsOf(cluster.access, person));
    expect(synthesized).toHaveResourceWithProperties(EksAccessEntry, {
      principal_arn: cluster.access.people[person].iamRoleArn,
      kubernetes_groups: groupsOf(cluster.access, person),
    });
  });

  test('has an access entry for the people of the access model and no one else', () => {
    expect(Object.keys(json.resource.aws_eks_access_entry).sort()).toEqual(Object.keys(cluster.access.people).map(accessEntryAddressOf).sort());
  });

  test('has a managed node group in each of the 3 private subnets, at least 3 nodes in all, IMDSv2 with hop limit 1, encrypted disks', () => {
    const pool = cluster.nodePool;
    expect(pool.min).toBeGreaterThanOrEqual(3);
    expect(synthesized).toHaveResourceWithProperties(EksNodeGroup, partial({ capacity_type: pool.capacityType, instance_types: [...pool.instanceTypes] }));
    const groups = all('aws_eks_node_group');
    expect(groups).toHaveLength(3);
    expect(groups.flatMap((g) => g.subnet_ids).sort()).toEqual(
      Object.keys(json.resource.aws_subnet)
        .filter((name) => name.startsWith('Network_Private'))
        .map((name) => `\${aws_subnet.${name}.id}`)
        .sort(),
    );
    expect(groups.reduce((n, g) => n + g.scaling_config.min_size, 0)).toBe(pool.min);
    expect(groups.reduce((n, g) => n + g.scaling_config.max_size, 0)).toBe(pool.max);
    for (const group of groups) expect(group.disk_size).toBeUndefined();
    expect(synthesized).toHaveResourceWithProperties(
      LaunchTemplate,
      partial({
        metadata_options: { http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 },
        block_device_mappings: [{ device_name: '/dev/xvda', ebs: { encrypted: 'true', volume_size: pool.diskGiB, volume_type: 'gp3' } }],
      }),
    );
  });

  test.each(EKS_ADDONS.map((a) => [a.name] as const))('installs the EKS add-on %s', (name) => {
    expect(synthesized).toHaveResourceWithProperties(EksAddon, partial({ addon_name: name, cluster_name: '${aws_eks_cluster.cluster.name}' }));
  });

  test('gives every app in the data ledger a hardened, undestroyable bucket named by bucketOf', () => {
    for (const app of Object.keys(cluster.appData)) {
      const address = `app_data_${app}`;
      const bucket = json.resource.aws_s3_bucket[address];
      expect(bucket).toMatchObject({ bucket: bucketOf(cluster.name, app), force_destroy: false, lifecycle: { prevent_destroy: true } });
      const id = `\${aws_s3_bucket.${address}.id}`;
      expect(synthesized).toHaveResourceWithProperties(
        S3BucketPublicAccessBlock,
        partial({
          bucket: id,
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        }),
      );
      expect(synthesized).toHaveResourceWithProperties(S3BucketOwnershipControls, partial({ bucket: id, rule: { object_ownership: 'BucketOwnerEnforced' } }));
      expect(synthesized).toHaveResourceWithProperties(S3BucketVersioningA, partial({ bucket: id, versioning_configuration: { status: 'Enabled' } }));
      expect(synthesized).toHaveResourceWithProperties(
        S3BucketServerSideEncryptionConfigurationA,
        partial({
          bucket: id,
          rule: [
            {
              apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: '${aws_kms_key.app_data_key.arn}' },
              bucket_key_enabled: true,
            },
          ],
        }),
      );
      expect(synthesized).toHaveResourceWithProperties(
        S3BucketLoggingA,
        partial({
          bucket: id,
          target_bucket: '${aws_s3_bucket.access_logs_near.id}',
          target_prefix: `${bucketOf(cluster.name, app)}/`,
        }),
      );
      expect(synthesized).toHaveResourceWithProperties(
        S3BucketLifecycleConfiguration,
        partial({
          bucket: id,
          rule: [
            { id: 'abort-incomplete-multipart-uploads', status: 'Enabled', abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] },
            { id: 'expire-noncurrent-versions', status: 'Enabled', noncurrent_version_expiration: [{ noncurrent_days: settings.data.noncurrentVersionDays }] },
            { id: 'remove-expired-delete-markers', status: 'Enabled', expiration: [{ expired_object_delete_marker: true }] },
          ],
        }),
      );
    }
  });

  test("binds each app's ServiceAccount, in its namespace, to the app role of its storage through Pod Identity", () => {
    for (const app of appNames) {
      const deletes = storageDeletes(cloudApps.find((a) => a.name === app)!.storage);
      expect(synthesized).toHaveResourceWithProperties(IamRole, partial({ name: appRoleOf(cluster.name, deletes) }));
      expect(synthesized).toHaveResourceWithProperties(
        EksPodIdentityAssociation,
        partial({
          cluster_name: '${aws_eks_cluster.cluster.name}',
          namespace: namespaceOf(app),
          service_account: serviceAccountOf(app),
          role_arn: `\${aws_iam_role.${appRoleAddressOf(deletes)}.arn}`,
        }),
      );
    }
  });

  test("gives the apps one backup, check, retention and restore role each, every app's job account, with storage or without, bound to its kind's; in each app's namespace they reach its own bucket and prefix, and its app role never the backups", () => {
    expect(appsWithStorage.length).toBeGreaterThan(0);
    expect(appNames.length).toBeGreaterThan(appsWithStorage.length);
    for (const kind of BACKUP_JOB_ROLES) expect(all('aws_iam_role').filter((r) => r.name === BACKUP_JOB_NAMES[kind].roleOf(cluster.name))).toHaveLength(1);
    const sessionIn = (roleName: string, app: string) => sessionsOf(json).find((s) => s.name === roleName && s.namespace === namespaceOf(app))!;
    for (const app of appNames) {
      const appRole = appRoleOf(cluster.name, storageDeletes(cloudApps.find((a) => a.name === app)!.storage));
      expect(s3Resources(sessionIn(appRole, app).statements).every((r) => !r.includes('backup_near'))).toBe(true);
    }
    // Sid: [actions, resource] of each role's session in the app's namespace; the KMS statements are held to the S3 path of the cluster's region.
    const bucket = (app: string) => `arn:aws:s3:::${bucketOf(cluster.name, app)}`;
    const backups = '${aws_s3_bucket.backup_near.arn}';
    const compact = (statements: Json[]) => Object.fromEntries(statements.map((st) => [st.Sid, [[st.Action].flat(), st.Resource]]));
    const common = () => ({
      LocateBackupBucket: [['s3:GetBucketLocation'], backups],
      ListOwnBackups: [['s3:ListBucket'], backups],
      UseBackupKey: [['kms:Decrypt', 'kms:GenerateDataKey'], '${aws_kms_key.backup_near_key.arn}'],
    });
    for (const app of appNames) {
      const expected: Record<BackupJobRole, Json> = {
        backup: {
          ListAppBucket: [['s3:ListBucket', 's3:GetBucketLocation'], bucket(app)],
          ReadAppObjects: [['s3:GetObject'], `${bucket(app)}/*`],
          ReadAppDataKey: [['kms:Decrypt'], '${aws_kms_key.app_data_key.arn}'],
          ...common(),
          AddToOwnBackups: [['s3:GetObject', 's3:PutObject'], `${backups}/${app}/*`],
          RemoveOwnLocks: [['s3:DeleteObject'], `${backups}/${app}/locks/*`],
        },
        check: {
          ...common(),
          ReadOwnBackups: [['s3:GetObject'], `${backups}/${app}/*`],
          HoldOwnLocks: [['s3:PutObject', 's3:DeleteObject'], `${backups}/${app}/locks/*`],
        },
        retention: { ...common(), PruneOwnBackups: [['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], `${backups}/${app}/*`] },
        restore: {
          ListAppBucket: [['s3:ListBucket', 's3:GetBucketLocation'], bucket(app)],
          RestoreAppObjects: [['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], `${bucket(app)}/*`],
          UseAppDataKey: [['kms:Decrypt', 'kms:GenerateDataKey'], '${aws_kms_key.app_data_key.arn}'],
          ...common(),
          ReadOwnBackups: [['s3:GetObject'], `${backups}/${app}/*`],
          HoldOwnLocks: [['s3:PutObject', 's3:DeleteObject'], `${backups}/${app}/locks/*`],
        },
      };
      for (const kind of BACKUP_JOB_ROLES) {
        const statements = sessionIn(BACKUP_JOB_NAMES[kind].roleOf(cluster.name), app).statements;
        expect(compact(statements)).toEqual(expected[kind]);
        expect(statements.find((st) => st.Sid === 'ListOwnBackups').Condition).toEqual({ StringLike: { 's3:prefix': [`${app}/*`] } });
        for (const st of statements.filter((x) => [x.Action].flat().some((a: string) => a.startsWith('kms:')))) {
          expect(st.Condition).toEqual({ StringEquals: { 'kms:ViaService': `s3.${cluster.region}.amazonaws.com` } });
        }
        expect(synthesized).toHaveResourceWithProperties(
          EksPodIdentityAssociation,
          partial({
            namespace: namespaceOf(app),
            service_account: BACKUP_JOB_NAMES[kind].serviceAccountOf(app),
            role_arn: `\${aws_iam_role.${backupJobRoleAddressOf(kind)}.arn}`,
          }),
        );
      }
      // The restore's deletes (tar replaces files) only add delete markers: the bucket keeps versions.
      expect(json.resource.aws_s3_bucket_versioning[`app_data_${app}_versioning`].versioning_configuration).toEqual({ status: 'Enabled' });
    }
  });

  test('has no IAM user: no app of the real input mounts with GeeseFS', () => {
    expect(Object.keys(cluster.apps).map((name) => APPS.find((a) => a.name === name)!.storage?.driver ?? 'mountpoint-s3')).not.toContain('geesefs');
    expect(json.resource.aws_iam_user).toBeUndefined();
  });

  test('has a public DNS zone for the cluster domain that Terraform never destroys, its name servers an output', () => {
    expect(synthesized).toHaveResourceWithProperties(
      Route53Zone,
      partial({ name: cluster.domain, force_destroy: false, lifecycle: { prevent_destroy: true } }),
    );
    expect(json.resource.aws_route53_zone.dns_zone.vpc).toBeUndefined();
    expect(json.output.dns_zone_name_servers.value).toBe('${aws_route53_zone.dns_zone.name_servers}');
  });

  test.each(ADD_ON_IDENTITIES.map((i) => [i.addOn, i] as const))('binds the %s role to the ServiceAccount its chart creates', (addOn, identity) => {
    expect(synthesized).toHaveResourceWithProperties(IamRole, partial({ name: addOnRoleOf(cluster.name, addOn) }));
    expect(synthesized).toHaveResourceWithProperties(
      EksPodIdentityAssociation,
      partial({
        cluster_name: '${aws_eks_cluster.cluster.name}',
        namespace: identity.namespace,
        service_account: identity.serviceAccount,
        role_arn: `\${aws_iam_role.addon_role_${addOn}.arn}`,
      }),
    );
    const trust = JSON.parse(json.resource.aws_iam_role[`addon_role_${addOn}`].assume_role_policy).Statement[0];
    expect(trust.Condition.StringEquals).toEqual({
      'aws:RequestTag/eks-cluster-name': cluster.name,
      'aws:RequestTag/kubernetes-namespace': identity.namespace,
      'aws:RequestTag/kubernetes-service-account': identity.serviceAccount,
    });
  });

  // Exactly the calls the pinned versions make, as we configure them:
  // - external-dns v0.18.0, provider/aws/aws.go: ListHostedZones in zones(), ListResourceRecordSets in records(),
  //   ChangeResourceRecordSets in submitChanges(); ListTagsForResources only with a zone tag filter, which we do not set.
  // - External Secrets v0.19.2, pkg/provider/aws/secretsmanager/secretsmanager.go: GetSecretValue in
  //   constructSecretValue(); DescribeSecret only for metadataPolicy Fetch and PushSecret, ListSecrets and
  //   BatchGetSecretValue only for dataFrom.find, none of which our ExternalSecrets use (test/cloud-cross-check.test.ts).
  test("lets external-dns change records only in the env zone, and the secrets operator read only the env's secrets", () => {
    const dns = statementsOf('addon_role_external-dns_policy');
    expect(dns.map((st) => st.Sid)).toEqual(['ChangeOwnZones', 'FindZones']);
    expect(dns.find((st) => st.Sid === 'ChangeOwnZones')).toMatchObject({
      Action: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'],
      // The env's own zone, and the existing zone of each extra host domain the spec names.
      Resource: ['${aws_route53_zone.dns_zone.arn}', ...Object.values(cluster.extraHostZones ?? {}).map((id) => `arn:aws:route53:::hostedzone/${id}`)],
    });
    expect(dns.find((st) => st.Resource === '*')).toMatchObject({ Action: 'route53:ListHostedZones' });
    expect(statementsOf('addon_role_external-secrets_policy')).toEqual([
      {
        Sid: 'ReadEnvSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: `arn:aws:secretsmanager:${cluster.region}:\${data.aws_caller_identity.Account.account_id}:secret:webapps/${cluster.env}/*`,
      },
    ]);
  });

  test('keeps backups near the cluster and replicates them, delete markers included, to a locked offsite bucket', () => {
    const offsite = { alias: 'offsite', region: cluster.offsiteRegion };
    expect(synthesized).toHaveProviderWithProperties(AwsProvider, partial(offsite));
    expect(synthesized).toHaveResourceWithProperties(S3Bucket, partial({ bucket: backupBucketOf(cluster.name), lifecycle: { prevent_destroy: true } }));
    expect(synthesized).toHaveResourceWithProperties(
      S3Bucket,
      partial({
        bucket: offsiteBackupBucketOf(cluster.name),
        provider: 'aws.offsite',
        object_lock_enabled: true,
        lifecycle: { prevent_destroy: true },
      }),
    );
    expect(synthesized).toHaveResourceWithProperties(S3Bucket, partial({ bucket: accessLogBucketOf(cluster.name, 'offsite'), provider: 'aws.offsite' }));
    expect(synthesized).toHaveResourceWithProperties(
      S3BucketObjectLockConfigurationA,
      partial({
        bucket: '${aws_s3_bucket.backup_offsite.id}',
        provider: 'aws.offsite',
        rule: { default_retention: { mode: settings.backupVault.objectLockMode, days: settings.backupVault.objectLockDays } },
      }),
    );
    expect(synthesized).toHaveResourceWithProperties(
      S3BucketReplicationConfigurationA,
      partial({
        bucket: '${aws_s3_bucket.backup_near.id}',
        rule: [
          {
            status: 'Enabled',
            delete_marker_replication: { status: 'Enabled' },
            source_selection_criteria: { sse_kms_encrypted_objects: { status: 'Enabled' } },
            destination: {
              bucket: '${aws_s3_bucket.backup_offsite.arn}',
              encryption_configuration: { replica_kms_key_id: '${aws_kms_key.backup_offsite_key.arn}' },
            },
          },
        ],
      }),
    );
  });

  test('the offsite bucket refuses erasing a version, and changing versioning, lifecycle or lock, to all but the platform admins', () => {
    const policy = JSON.parse(json.resource.aws_s3_bucket_policy.backup_offsite_policy.policy);
    const guard = policy.Statement.find((st: Json) => st.Sid === 'DenyHistoryChangesButAdmins');
    const admins = cluster.access.platformAdmins.map((p) => cluster.access.people[p].iamRoleArn).sort();
    expect(admins.length).toBeGreaterThan(0);
    const arn = `arn:aws:s3:::${offsiteBackupBucketOf(cluster.name)}`;
    expect(guard).toEqual({
      Sid: 'DenyHistoryChangesButAdmins',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:DeleteObjectVersion', 's3:PutLifecycleConfiguration', 's3:PutBucketVersioning', 's3:PutBucketObjectLockConfiguration'],
      Resource: [arn, `${arn}/*`],
      // Each admin's role with and without a path: aws:PrincipalArn carries it (SSO roles: /aws-reserved/sso.amazonaws.com/...).
      Condition: { ArnNotLike: { 'aws:PrincipalArn': admins.flatMap((a) => [a, a.replace(/:role\/.*\//, ':role/').replace(/:role\//, ':role/*/')]) } },
    });
    // Nothing allows them either: the replication role replicates delete markers (s3:ReplicateDelete), never erases a version.
    const allows = JSON.stringify(Object.values(json.resource.aws_iam_role_policy ?? {}));
    expect(allows).not.toContain('s3:DeleteObjectVersion');
  });

  test('keeps its state in S3 with a lock file', () => {
    expect(json.terraform.backend.s3).toEqual({
      bucket: settings.terraformState.bucket,
      key: stateKeyOf(cluster.name),
      region: settings.terraformState.region,
      encrypt: true,
      use_lockfile: true,
    });
    // The S3 lock file is generally available from Terraform 1.11 (hashicorp/terraform CHANGELOG, v1.11.0).
    expect(json.terraform.required_version).toBe('>= 1.11.0');
  });

  test("each bucket's access logging waits for the policy that lets S3 deliver into the log bucket", () => {
    const logging = Object.values(json.resource.aws_s3_bucket_logging ?? {}) as Json[];
    expect(logging.length).toBeGreaterThan(0);
    for (const setting of logging) {
      const target = /^\$\{aws_s3_bucket\.([\w-]+)\.id\}$/.exec(setting.target_bucket)?.[1];
      expect(target).toBeDefined();
      const policies = Object.entries(json.resource.aws_s3_bucket_policy as Record<string, Json>).filter(
        ([, p]) => p.bucket === `\${aws_s3_bucket.${target}.id}`,
      );
      expect(policies).toHaveLength(1);
      expect(setting.depends_on).toContain(`aws_s3_bucket_policy.${policies[0][0]}`);
    }
  });

  test('has no volume size on the data path: buckets grow past 2 TB unchanged', () => {
    const dataPath = ['aws_s3_bucket', 'aws_s3_bucket_lifecycle_configuration', 'aws_eks_pod_identity_association'];
    const dataRoles = Object.entries(json.resource.aws_iam_role_policy as Record<string, Json>)
      .filter(([address]) => address.startsWith('apps_'))
      .map(([, p]) => p);
    // The app roles (one or both) and the four job roles, however many apps.
    expect(dataRoles.length).toBeGreaterThanOrEqual(5);
    expect(dataRoles.length).toBeLessThanOrEqual(6);
    expect(JSON.stringify([...dataPath.map(all), dataRoles])).not.toMatch(/size|quota|capacity/i);
  });

  test('resource inventory (snapshot)', () => {
    const inventory = Object.fromEntries(Object.entries(json.resource as Record<string, object>).map(([type, items]) => [type, Object.keys(items).length]));
    expect(inventory).toMatchSnapshot();
  });
});

describe('a GeeseFS app (shop, its storage.driver changed in the input)', () => {
  const staging = CLUSTERS.find((c) => c.env === 'staging')!;
  const shop = APPS.find((a) => a.name === 'shop')!;
  const apps = APPS.map((a) => (a === shop ? { ...a, storage: { ...a.storage!, driver: 'geesefs' as const } } : a));
  const app = Testing.app({ outdir: os.tmpdir() });
  const resolved = Object.keys(staging.apps).map((name) =>
    resolveApp(
      apps.find((a) => a.name === name)!,
      staging,
    ),
  );
  const synthesized = Testing.synth(new CloudStack(app, staging.env, { cluster: staging, apps: resolved }));
  const json: Json = JSON.parse(synthesized);
  const user = geesefsUserOf(staging.name, 'shop');

  test('gets one IAM user for its static key, and only it does', () => {
    expect(synthesized).toHaveResourceWithProperties(IamUser, partial({ name: user }));
    expect(Object.values(json.resource.aws_iam_user).map((u: Json) => u.name)).toEqual([user]);
  });

  test('its user may do exactly what its app role may, in its own bucket, and nothing with the backups', () => {
    const policies = Object.values(json.resource.aws_iam_user_policy as Record<string, Json>);
    expect(policies).toHaveLength(1);
    expect(policies[0].user).toBe('${aws_iam_user.geesefs_user_shop.name}');
    const statements = JSON.parse(policies[0].policy).Statement;
    // The app role of GeeseFS apps (their storage deletes), as it acts in shop's namespace, bucket ARNs resolved alike.
    const resolve = bucketArnResolver(json);
    const resolved = (sts: Json[]) => sts.map((st) => ({ ...st, Resource: [st.Resource].flat().map(resolve) }));
    const session = sessionsOf(json).find((x) => x.name === appRoleOf(staging.name, true) && x.namespace === namespaceOf('shop'))!;
    expect(resolved(statements)).toEqual(resolved(session.statements));
    expect(JSON.stringify(statements)).not.toMatch(/backup/);
  });

  test('Terraform makes no access key: an output points the operator at the doc and the store key', () => {
    for (const type of ['aws_iam_access_key', 'aws_iam_user_login_profile', 'aws_iam_user_policy_attachment']) expect(json.resource[type]).toBeUndefined();
    const output = json.output[geesefsUserAddressOf('shop')];
    expect(output.value).toBe('${aws_iam_user.geesefs_user_shop.name}');
    expect(output.description).toContain('docs/storage-drivers.md');
    expect(output.description).toContain(secretStoreKeyOf(staging.env, 'shop', 's3-credentials'));
  });
});
