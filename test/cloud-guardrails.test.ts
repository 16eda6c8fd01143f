import { CLUSTERS } from './fixtures/specs/clusters';
import { cloudProblems, guardrailProblems, keyPolicyProblems, type TerraformJson } from '../constructs/rules/cloud/cloud-rules';
import { KEY_ADMIN_ACTIONS, KEY_ADMIN_SID } from '../constructs/cloud/encryption-key';
import { EKS_ADDON_VERSIONS } from '../constructs/cloud/eks-addon-versions';
import { NODE_POLICIES } from '../constructs/cloud/node-group';
import { AGENT_MANAGEMENT } from '../constructs/cloud/threat-detection';
import { fixtureCloudAppsOf as appsOf, fixtureCloudOf as cloudOf } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const prod = CLUSTERS.find((c) => c.env === 'prod')!;
const realProd = cloudOf(prod);
/** The fixture prod JSON, changed by one edit. */
function broken(edit: (r: Json) => void): TerraformJson {
  const json = JSON.parse(JSON.stringify(realProd));
  edit(json.resource);
  return json;
}
const editJson = (holder: Json, key: string, edit: (doc: Json) => void) => {
  const doc = JSON.parse(holder[key]);
  edit(doc);
  holder[key] = JSON.stringify(doc);
};
const keyPolicy = (r: Json, key: string, edit: (statements: Json[]) => void) => editJson(r.aws_kms_key[key], 'policy', (doc) => edit(doc.Statement));
const bucketPolicy = (r: Json, bucket: string, edit: (statements: Json[]) => void) =>
  editJson(r.aws_s3_bucket_policy[`${bucket}_policy`], 'policy', (doc) => edit(doc.Statement));
const sid = (statements: Json[], name: string): Json => statements.find((s) => s.Sid === name);
const feature = (r: Json, name: string): Json => r.aws_guardduty_detector_feature[`guardduty_${name}`];
const addon = (r: Json, name: string): Json => Object.values(r.aws_eks_addon).find((a: Json) => a.addon_name === name);
const selectors = (r: Json): Json[] => r.aws_cloudtrail.audit_trail.advanced_event_selector;
const dataEventArns = (r: Json): Json => selectors(r)[1].field_selector.find((f: Json) => f.field === 'resources.ARN');
/** The account as a key policy's patterns begin, and the patterns a statement holds its principals to. */
const ACCOUNT_ARN = 'arn:aws:iam::${data.aws_caller_identity.Account.account_id}';
const arnPatterns = (statement: Json): string[] => statement.Condition.ArnLike['aws:PrincipalArn'];

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('the %s stack has every guardrail', (_env, cluster) => {
  const json = cloudOf(cluster);

  test('the guardrail and key policy rules pass', () => {
    expect(guardrailProblems(json, cluster)).toEqual([]);
    expect(keyPolicyProblems(json, cluster)).toEqual([]);
  });

  test('GuardDuty watches EKS audit logs, S3 and runtime, with its agent a pinned add-on and its endpoint in the Terraform', () => {
    const features = (Object.values(json.resource.aws_guardduty_detector_feature) as Json[]).filter((f) => f.provider === undefined);
    expect(features.map((f) => [f.name, f.status]).sort()).toEqual([
      ['EKS_AUDIT_LOGS', 'ENABLED'],
      ['RUNTIME_MONITORING', 'ENABLED'],
      ['S3_DATA_EVENTS', 'ENABLED'],
    ]);
    expect(features.find((f) => f.name === 'RUNTIME_MONITORING').additional_configuration).toEqual(
      AGENT_MANAGEMENT.map((name) => ({ name, status: 'DISABLED' })),
    );
    expect(addon(json.resource, 'aws-guardduty-agent').addon_version).toBe(EKS_ADDON_VERSIONS[cluster.kubernetesVersion]['aws-guardduty-agent'].version);
    expect(json.resource.aws_vpc_endpoint.guardduty_endpoint).toMatchObject({
      service_name: `com.amazonaws.${cluster.region}.guardduty-data`,
      vpc_endpoint_type: 'Interface',
      private_dns_enabled: true,
      security_group_ids: ['${aws_security_group.guardduty_endpoint_sg.id}'],
    });
    expect(json.resource.aws_security_group.guardduty_endpoint_sg.egress).toEqual([]);
  });

  test("GuardDuty watches the offsite backups' region too, S3 protection on, and its findings go to the home region's default bus", () => {
    const offsite = (Object.entries(json.resource.aws_guardduty_detector) as [string, Json][]).filter(([, d]) => d.provider === 'aws.offsite');
    expect(offsite).toHaveLength(1);
    const features = (Object.values(json.resource.aws_guardduty_detector_feature) as Json[]).filter((f) => f.provider === 'aws.offsite');
    expect(features.map((f) => [f.name, f.status, f.detector_id])).toEqual([['S3_DATA_EVENTS', 'ENABLED', `\${aws_guardduty_detector.${offsite[0][0]}.id}`]]);
    const account = '${data.aws_caller_identity.Account.account_id}';
    const targets = (Object.values(json.resource.aws_cloudwatch_event_target) as Json[]).filter((t) => t.provider === 'aws.offsite');
    expect(targets.map((t) => t.arn)).toEqual([`arn:aws:events:${cluster.region}:${account}:event-bus/default`]);
  });

  test('the GuardDuty agent add-on waits for Runtime Monitoring, without which it does not work', () => {
    expect(addon(json.resource, 'aws-guardduty-agent').depends_on).toContain('aws_guardduty_detector_feature.guardduty_runtime_monitoring');
    // Only the agent needs it: the other add-ons do not wait for GuardDuty.
    expect(addon(json.resource, 'coredns').depends_on).not.toContain('aws_guardduty_detector_feature.guardduty_runtime_monitoring');
  });

  test('every KMS key has its own policy: the account administers it, named roles and services use it', () => {
    const keys = Object.entries(json.resource.aws_kms_key) as [string, Json][];
    expect(keys.map(([address]) => address).sort()).toEqual(['app_data_key', 'audit_logs_key', 'backup_near_key', 'backup_offsite_key', 'eks_secrets_key']);
    for (const [, key] of keys) {
      const statements = JSON.parse(key.policy).Statement;
      expect(statements[0]).toEqual({
        Sid: KEY_ADMIN_SID,
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::${data.aws_caller_identity.Account.account_id}:root' },
        Action: KEY_ADMIN_ACTIONS,
        Resource: '*',
      });
      expect(KEY_ADMIN_ACTIONS.some((a) => /Encrypt|Decrypt|GenerateDataKey|CreateGrant/.test(a))).toBe(false);
      expect(statements.length).toBeGreaterThan(1);
    }
  });

  test("the nodes' role no longer holds the VPC CNI's policy; aws-node does, through Pod Identity", () => {
    expect(NODE_POLICIES).not.toContain('AmazonEKS_CNI_Policy');
    expect(addon(json.resource, 'vpc-cni').pod_identity_association).toEqual([{ role_arn: '${aws_iam_role.vpc_cni_role.arn}', service_account: 'aws-node' }]);
  });
});

/** Each guardrail rule fails when the property it guards is broken. */
const forwardRole = (r: Json): Json => r.aws_iam_role.guardduty_offsite_forward_role;
const BROKEN: ReadonlyArray<readonly [string, TerraformJson, string]> = [
  ['GuardDuty offsite: no detector', broken((r) => delete r.aws_guardduty_detector.guardduty_offsite), 'GuardDuty in eu-west-1: there is no enabled detector'],
  [
    'GuardDuty offsite: S3 protection off',
    broken((r) => (r.aws_guardduty_detector_feature.guardduty_offsite_s3_protection.status = 'DISABLED')),
    'GuardDuty in eu-west-1: S3 protection (S3_DATA_EVENTS) is not enabled',
  ],
  [
    'GuardDuty offsite: findings not forwarded',
    broken((r) => delete r.aws_cloudwatch_event_target.guardduty_offsite_findings_home),
    'GuardDuty in eu-west-1: no EventBridge rule sends its findings from MEDIUM severity up',
  ],
  [
    'GuardDuty offsite: the forwarding role trusted for any rule',
    broken((r) => editJson(forwardRole(r), 'assume_role_policy', (doc) => delete doc.Statement[0].Condition)),
    'may be assumed by more than EventBridge for that rule',
  ],
  [
    'GuardDuty offsite: the forwarding role may put events anywhere',
    broken((r) => editJson(r.aws_iam_role_policy.guardduty_offsite_forward_policy, 'policy', (doc) => (doc.Statement[0].Resource = '*'))),
    'may do more than events:PutEvents on',
  ],
  ['GuardDuty.1: no detector', broken((r) => delete r.aws_guardduty_detector), 'GuardDuty: [GuardDuty.1] there is no enabled detector'],
  [
    'GuardDuty: the detector switched off',
    broken((r) => (r.aws_guardduty_detector.guardduty.enable = false)),
    'GuardDuty: [GuardDuty.1] there is no enabled detector',
  ],
  [
    'GuardDuty.5: no EKS audit-log monitoring',
    broken((r) => delete r.aws_guardduty_detector_feature.guardduty_eks_audit_logs),
    'GuardDuty: [GuardDuty.5] EKS audit-log monitoring (EKS_AUDIT_LOGS) is not enabled',
  ],
  [
    'GuardDuty.10: S3 protection disabled',
    broken((r) => (feature(r, 's3_protection').status = 'DISABLED')),
    'GuardDuty: [GuardDuty.10] S3 protection (S3_DATA_EVENTS) is not enabled',
  ],
  [
    'GuardDuty.7: no Runtime Monitoring',
    broken((r) => (feature(r, 'runtime_monitoring').status = 'DISABLED')),
    'GuardDuty: [GuardDuty.7] Runtime Monitoring (RUNTIME_MONITORING) is not enabled',
  ],
  [
    'GuardDuty: the agent managed by GuardDuty, outside Terraform',
    broken((r) => (feature(r, 'runtime_monitoring').additional_configuration[0].status = 'ENABLED')),
    'GuardDuty: Runtime Monitoring\'s EKS_ADDON_MANAGEMENT is "ENABLED", not "DISABLED"',
  ],
  [
    'GuardDuty: the agent add-on installed without waiting for Runtime Monitoring',
    broken((r) => {
      const agent = addon(r, 'aws-guardduty-agent');
      agent.depends_on = agent.depends_on.filter((d: string) => !d.startsWith('aws_guardduty_detector_feature.'));
    }),
    'GuardDuty: the aws-guardduty-agent add-on does not depend on Runtime Monitoring',
  ],
  [
    'GuardDuty: the legacy EKS runtime feature beside the new one',
    broken((r) => (r.aws_guardduty_detector_feature.legacy = { ...feature(r, 'runtime_monitoring'), name: 'EKS_RUNTIME_MONITORING' })),
    'GuardDuty: EKS_RUNTIME_MONITORING is set beside RUNTIME_MONITORING',
  ],
  [
    'GuardDuty: no endpoint for the agent',
    broken((r) => delete r.aws_vpc_endpoint),
    'GuardDuty: has 0 VPC endpoints for com.amazonaws.eu-central-1.guardduty-data, not 1',
  ],
  [
    'GuardDuty: the endpoint open to other accounts',
    broken((r) =>
      editJson(r.aws_vpc_endpoint.guardduty_endpoint, 'policy', (doc) => (doc.Statement = doc.Statement.filter((s: Json) => s.Effect === 'Allow'))),
    ),
    "GuardDuty: the com.amazonaws.eu-central-1.guardduty-data endpoint's policy does not deny principals of other accounts",
  ],
  [
    'GuardDuty: the endpoint open to the internet',
    broken((r) => (r.aws_vpc_security_group_ingress_rule.guardduty_endpoint_https.cidr_ipv4 = '0.0.0.0/0')),
    'GuardDuty: ingress rule guardduty_endpoint_https of the com.amazonaws.eu-central-1.guardduty-data endpoint admits tcp 443-443 from 0.0.0.0/0',
  ],
  [
    'GuardDuty: the agent add-on missing',
    broken((r) => {
      const [address] = Object.entries(r.aws_eks_addon).find(([, a]: [string, Json]) => a.addon_name === 'aws-guardduty-agent')!;
      delete r.aws_eks_addon[address];
    }),
    'EKS cluster acme-prod: the EKS add-on aws-guardduty-agent is missing',
  ],
  [
    'GuardDuty: the agent add-on not at its pin',
    broken((r) => (addon(r, 'aws-guardduty-agent').addon_version = 'v1.12.1-eksbuild.4')),
    'EKS add-on aws-guardduty-agent: runs v1.12.1-eksbuild.4, but constructs/cloud/eks-addon-versions.ts pins v1.16.0-eksbuild.2',
  ],
  [
    'S3.1: the account-level Block Public Access loosened',
    broken((r) => (r.aws_s3_account_public_access_block.account_public_access_block.restrict_public_buckets = false)),
    'account: [S3.1] the account-level S3 Block Public Access is not on with all four settings',
  ],
  [
    'S3.1: no account-level Block Public Access',
    broken((r) => delete r.aws_s3_account_public_access_block),
    'account: [S3.1] the account-level S3 Block Public Access',
  ],
  [
    'EC2.7: EBS encryption by default off',
    broken((r) => (r.aws_ebs_encryption_by_default.ebs_encryption_by_default.enabled = false)),
    'account: [EC2.7] EBS encryption by default is not on',
  ],
  [
    'KMS: a key on the default policy',
    broken((r) => delete r.aws_kms_key.app_data_key.policy),
    'KMS key app_data_key: has no key policy of its own: the default policy lets every principal of the account',
  ],
  [
    'KMS: the whole account may use a key',
    broken((r) => keyPolicy(r, 'backup_near_key', (st) => (st[0].Action = 'kms:*'))),
    'KMS key backup_near_key: statement AdministerThroughIamOnly lets the whole account (arn:aws:iam::${data.aws_caller_identity.Account.account_id}:root) use it (kms:Encrypt, kms:Decrypt',
  ],
  [
    'KMS: the account may create any grant',
    broken((r) => keyPolicy(r, 'eks_secrets_key', (st) => delete sid(st, 'EksGrantsItselfUseAtCreation').Condition.Bool)),
    'KMS key eks_secrets_key: statement EksGrantsItselfUseAtCreation lets the whole account',
  ],
  [
    'KMS: a key open to everyone',
    broken((r) => keyPolicy(r, 'audit_logs_key', (st) => (sid(st, 'PlatformAdminsReadAuditLogsThroughS3').Principal = { AWS: '*' }))),
    'KMS key audit_logs_key: statement PlatformAdminsReadAuditLogsThroughS3 is open to every principal (*)',
  ],
  [
    'KMS: a service without a condition',
    broken((r) => keyPolicy(r, 'audit_logs_key', (st) => delete sid(st, 'CloudTrailEncryptsLogFiles').Condition)),
    'KMS key audit_logs_key: statement CloudTrailEncryptsLogFiles lets cloudtrail.amazonaws.com use it with no condition',
  ],
  [
    'KMS: a stranger named',
    broken((r) =>
      keyPolicy(r, 'backup_near_key', (st) => sid(st, 'ReplicationReadsBackupsThroughS3').Principal.AWS.push('arn:aws:iam::999999999999:role/stranger')),
    ),
    'KMS key backup_near_key: statement ReplicationReadsBackupsThroughS3 names arn:aws:iam::999999999999:role/stranger, neither a role or user of this stack nor a person of the access model',
  ],
  [
    'KMS: a role that uses a key its policy does not name',
    broken((r) => keyPolicy(r, 'backup_near_key', (st) => arnPatterns(sid(st, 'BackupJobsUseBackupsThroughS3')).pop())),
    'KMS key backup_near_key: role acme-prod-apps-retention uses it in its own policy, but the key policy does not name it',
  ],
  [
    'KMS: a role that uses a key for more than its statement allows',
    broken((r) => keyPolicy(r, 'backup_near_key', (st) => (sid(st, 'BackupJobsUseBackupsThroughS3').Action = ['kms:Decrypt']))),
    'KMS key backup_near_key: role acme-prod-apps-backup uses it for kms:GenerateDataKey in its own policy, which no statement naming it allows',
  ],
  [
    'KMS: a role named that never uses the key',
    broken((r) => keyPolicy(r, 'backup_near_key', (st) => sid(st, 'ReplicationReadsBackupsThroughS3').Principal.AWS.push('${aws_iam_role.apps_role.arn}'))),
    'KMS key backup_near_key: names role acme-prod-apps, whose own policy never uses it',
  ],
  [
    'KMS: a pattern that matches a role of another use',
    broken((r) =>
      keyPolicy(r, 'app_data_key', (st) => arnPatterns(sid(st, 'BackupJobsReadAppDataThroughS3')).push(`${ACCOUNT_ARN}:role/acme-prod-*-retention`)),
    ),
    'KMS key app_data_key: statement BackupJobsReadAppDataThroughS3 matches role acme-prod-apps-retention, whose own policy never uses it',
  ],
  [
    'KMS: a pattern as wide as every role of the cluster',
    broken((r) => keyPolicy(r, 'app_data_key', (st) => arnPatterns(sid(st, 'AppsUseTheirDataThroughS3')).splice(0, 1, `${ACCOUNT_ARN}:role/acme-prod-*`))),
    'KMS key app_data_key: statement AppsUseTheirDataThroughS3 matches role acme-prod-apps-backup-check, whose own policy never uses it',
  ],
  [
    'KMS: a pattern beyond the names the platform makes',
    broken((r) => keyPolicy(r, 'app_data_key', (st) => arnPatterns(sid(st, 'AppsUseTheirDataThroughS3')).splice(0, 1, `${ACCOUNT_ARN}:role/*-app`))),
    `KMS key app_data_key: statement AppsUseTheirDataThroughS3 lets the account's principals matching ${ACCOUNT_ARN}:role/*-app use it: a pattern must name`,
  ],
  [
    'KMS: a pattern of another account',
    broken((r) =>
      keyPolicy(r, 'app_data_key', (st) => arnPatterns(sid(st, 'AppsUseTheirDataThroughS3')).splice(0, 1, 'arn:aws:iam::999999999999:role/acme-prod-*-app')),
    ),
    "KMS key app_data_key: statement AppsUseTheirDataThroughS3 lets the account's principals matching arn:aws:iam::999999999999:role/acme-prod-*-app use it",
  ],
  [
    'KMS: a pattern under an operator that holds no one (IfExists)',
    broken((r) =>
      keyPolicy(r, 'app_data_key', (st) => {
        const condition = sid(st, 'AppsUseTheirDataThroughS3').Condition;
        condition.ArnLikeIfExists = condition.ArnLike;
        delete condition.ArnLike;
      }),
    ),
    'KMS key app_data_key: statement AppsUseTheirDataThroughS3 lets the whole account (arn:aws:iam::${data.aws_caller_identity.Account.account_id}:root) use it',
  ],
  [
    'KMS: a key policy over the 32 KiB KMS takes',
    broken((r) =>
      keyPolicy(r, 'backup_near_key', (st) => {
        const replication = sid(st, 'ReplicationReadsBackupsThroughS3');
        replication.Principal.AWS = Array.from({ length: 700 }, () => replication.Principal.AWS[0]);
      }),
    ),
    "KMS key backup_near_key of cluster acme-prod: its key policy is 44,765 bytes with its references resolved, over KMS's limit of 32,768",
  ],
  [
    'KMS.4: rotation off',
    broken((r) => (r.aws_kms_key.audit_logs_key.enable_key_rotation = false)),
    'KMS key audit_logs_key: [KMS.4] yearly key rotation is off',
  ],
  [
    'EC2.6: no flow log',
    broken((r) => delete r.aws_flow_log),
    'flow logs: [EC2.6] VPC Network_1C6012B5 has no flow log of ALL traffic into bucket acme-prod-flow-logs',
  ],
  [
    'EC2.6: only rejected flows',
    broken((r) => (r.aws_flow_log.vpc_flow_logs.traffic_type = 'REJECT')),
    'flow logs: [EC2.6] VPC Network_1C6012B5 has no flow log of ALL traffic',
  ],
  [
    'flow logs into another bucket',
    broken((r) => (r.aws_flow_log.vpc_flow_logs.log_destination = '${aws_s3_bucket.access_logs_near.arn}')),
    'flow logs: [EC2.6] VPC Network_1C6012B5 has no flow log of ALL traffic into bucket acme-prod-flow-logs',
  ],
  [
    'the flow-log bucket writable by someone else',
    broken((r) =>
      bucketPolicy(r, 'flow_logs', (st) => st.push({ Sid: 'Extra', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: '*' })),
    ),
    'flow logs: bucket acme-prod-flow-logs: its policy allows {"AWS":"*"} (Extra); only delivery.logs.amazonaws.com may be allowed in',
  ],
  [
    'the flow-log bucket without the deny on other writers',
    broken((r) => bucketPolicy(r, 'flow_logs', (st) => st.splice(st.indexOf(sid(st, 'DenyWritesButDelivery')), 1))),
    'flow logs: bucket acme-prod-flow-logs: its policy does not deny writes by anyone but delivery.logs.amazonaws.com',
  ],
  [
    'the flow-log bucket whose logs can be deleted',
    broken((r) => bucketPolicy(r, 'flow_logs', (st) => (sid(st, 'DenyDeletes').Action = 's3:DeleteObject'))),
    'flow logs: bucket acme-prod-flow-logs: its policy does not deny deleting logs and their versions',
  ],
  [
    'the flow-log bucket keeping logs forever',
    broken(
      (r) => (r.aws_s3_bucket_lifecycle_configuration.flow_logs_lifecycle.rule = r.aws_s3_bucket_lifecycle_configuration.flow_logs_lifecycle.rule.slice(0, 2)),
    ),
    'flow logs: bucket acme-prod-flow-logs: its logs never expire',
  ],
  ['CloudTrail.1: no trail', broken((r) => delete r.aws_cloudtrail), 'CloudTrail: [CloudTrail.1] 0 trails named acme-prod-audit, not 1'],
  [
    'CloudTrail.1: one region only',
    broken((r) => (r.aws_cloudtrail.audit_trail.is_multi_region_trail = false)),
    'CloudTrail acme-prod-audit: [CloudTrail.1] is not multi-region',
  ],
  ['CloudTrail.1: no management events', broken((r) => selectors(r).shift()), 'CloudTrail acme-prod-audit: [CloudTrail.1] records no management events'],
  ['CloudTrail.2: log files without KMS', broken((r) => delete r.aws_cloudtrail.audit_trail.kms_key_id), 'CloudTrail acme-prod-audit: [CloudTrail.2]'],
  [
    'CloudTrail.4: no log file validation',
    broken((r) => (r.aws_cloudtrail.audit_trail.enable_log_file_validation = false)),
    'CloudTrail acme-prod-audit: [CloudTrail.4]',
  ],
  [
    'CloudTrail: the offsite backup bucket left out of the data events',
    broken((r) => dataEventArns(r).not_starts_with.push('arn:aws:s3:::acme-prod-backup-offsite/')),
    'CloudTrail acme-prod-audit: does not record the data events of bucket acme-prod-backup-offsite',
  ],
  [
    'CloudTrail: an app bucket left out of the data events',
    broken((r) => dataEventArns(r).not_starts_with.push('arn:aws:s3:::acme-prod-shop-data/')),
    'CloudTrail acme-prod-audit: does not record the data events of bucket acme-prod-shop-data',
  ],
  [
    'CloudTrail: only some objects of an app bucket recorded',
    broken((r) => dataEventArns(r).not_starts_with.push('arn:aws:s3:::acme-prod-shop-data/private/')),
    'CloudTrail acme-prod-audit: does not record the data events of bucket acme-prod-shop-data',
  ],
  [
    'CloudTrail: the data events of other clusters',
    broken((r) => (dataEventArns(r).starts_with = ['arn:aws:s3:::acme-'])),
    'CloudTrail acme-prod-audit: records the data events of bucket acme-webapps-tfstate, which is not an app or backup bucket',
  ],
  [
    'CloudTrail: the data events of its own bucket, each log file it writes',
    broken((r) => (dataEventArns(r).not_starts_with = dataEventArns(r).not_starts_with.filter((a: string) => !a.includes('cloudtrail')))),
    'CloudTrail acme-prod-audit: records the data events of bucket acme-prod-cloudtrail, which is not an app or backup bucket',
  ],
  [
    'CloudTrail: more selector values than a trail takes',
    broken((r) => (dataEventArns(r).starts_with = Array.from({ length: 495 }, (_, i) => `arn:aws:s3:::acme-prod-app-${i}-data/`))),
    "CloudTrail acme-prod-audit of cluster acme-prod: its advanced event selectors hold 502 values, over CloudTrail's 500 per trail",
  ],
  [
    'CloudTrail: the trail bucket writable by anyone',
    broken((r) => bucketPolicy(r, 'audit_trail', (st) => delete sid(st, 'AllowCloudTrailWrite').Condition)),
    'CloudTrail acme-prod-audit: bucket acme-prod-cloudtrail: its policy allows {"Service":"cloudtrail.amazonaws.com"} (AllowCloudTrailWrite); only cloudtrail.amazonaws.com may be allowed in, under a condition',
  ],
  [
    'VPC CNI: the node role holding the CNI policy again',
    broken(
      (r) =>
        (r.aws_iam_role_policy_attachment.cni_on_nodes = {
          role: '${aws_iam_role.Nodes_Role_6EF081F1.name}',
          policy_arn: 'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
        }),
    ),
    'VPC CNI: the node role ${aws_iam_role.Nodes_Role_6EF081F1.name} holds AmazonEKS_CNI_Policy',
  ],
  [
    'VPC CNI: aws-node without its own role',
    broken((r) => delete addon(r, 'vpc-cni').pod_identity_association),
    'VPC CNI: the vpc-cni add-on does not bind kube-system/aws-node to a role of its own through Pod Identity',
  ],
  [
    'VPC CNI: its role without the CNI policy',
    broken((r) => delete r.aws_iam_role_policy_attachment.vpc_cni_policy),
    'VPC CNI: the role of kube-system/aws-node does not hold AmazonEKS_CNI_Policy',
  ],
  [
    'VPC CNI: its role trusted by any pod',
    broken((r) => editJson(r.aws_iam_role.vpc_cni_role, 'assume_role_policy', (doc) => delete doc.Statement[0].Condition)),
    'VPC CNI: its role trusts more than Pod Identity for kube-system/aws-node',
  ],
];

describe('every guardrail rule can fail', () => {
  test('the node role really is the one the CNI case uses', () => {
    expect(Object.keys(realProd.resource.aws_iam_role)).toContain('Nodes_Role_6EF081F1');
    expect(Object.keys(realProd.resource.aws_vpc)).toEqual(['Network_1C6012B5']);
  });

  test("a person's role named like the platform's app role is matched by the data key's name for it, and refused", () => {
    const ops = prod.access.people['dev-shop'];
    const named = { ...ops, iamRoleArn: 'arn:aws:iam::444455556666:role/acme-prod-apps' };
    const cluster = { ...prod, access: { ...prod.access, people: { ...prod.access.people, 'dev-shop': named } } };
    expect(keyPolicyProblems(realProd, prod)).toEqual([]);
    expect(keyPolicyProblems(realProd, cluster)).toContain(
      "KMS key app_data_key: statement AppsUseTheirDataThroughS3's pattern arn:aws:iam::${data.aws_caller_identity.Account.account_id}:role/acme-prod-apps " +
        'matches arn:aws:iam::444455556666:role/acme-prod-apps, the role of person dev-shop',
    );
  });

  test.each(BROKEN)('%s', (_case, json, expected) => {
    expect(cloudProblems(json, prod, appsOf(prod))).toContainEqual(expect.stringContaining(expected));
  });
});
