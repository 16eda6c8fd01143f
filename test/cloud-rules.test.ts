import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import { accessEntryAddressOf } from '../constructs/cloud/access-entries';
import { accessEntryProblems, cloudProblems, type TerraformJson } from '../constructs/rules/cloud/cloud-rules';
import { synthCloud } from '../constructs/synth/synth-cloud';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { resolveApp } from '../constructs/model/resolve';
import { fixtureCloudAppsOf as appsOf, fixtureCloudOf as cloudOf } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const prod = CLUSTERS.find((c) => c.env === 'prod')!;

/** The fixture prod JSON, changed by one edit. */
function broken(edit: (r: Json, json: Json) => void): TerraformJson {
  const json = JSON.parse(JSON.stringify(cloudOf(prod)));
  edit(json.resource, json);
  return json;
}
const policyOf = (resource: Json): Json => JSON.parse(resource.policy);
const setPolicy = (resource: Json, policy: Json) => {
  resource.policy = JSON.stringify(policy);
};
/** Changes the statements of one inline role policy in place. */
const editPolicy = (r: Json, address: string, edit: (statements: Json[]) => void) => {
  const policy = policyOf(r.aws_iam_role_policy[address]);
  edit(policy.Statement);
  setPolicy(r.aws_iam_role_policy[address], policy);
};
const rule = (r: Json, name: string, id: string) => r.aws_s3_bucket_lifecycle_configuration[name].rule.find((x: Json) => x.id === id);
const first = (r: Json, type: string): Json => Object.values(r[type])[0];
const base64 = (text: string): string => Buffer.from(text).toString('base64');
const nodeConfig = (kubeletSetting: string): string =>
  `apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      ${kubeletSetting}\n`;
/** User data as EKS's documentation writes it: MIME multipart, one NodeConfig per part. */
const multipart = (...parts: string[]): string =>
  `MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="//"\n\n${parts.map((p) => `--//\nContent-Type: application/node.eks.aws\n\n${p}\n`).join('')}--//--\n`;

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('the %s cloud stack', (_env, cluster) => {
  test('passes every cloud rule', () => {
    expect(cloudProblems(cloudOf(cluster), cluster, appsOf(cluster))).toEqual([]);
  });
});

describe('the identity rules follow the cluster spec', () => {
  test('an extra host zone is one more zone external-dns may write to, and only that one', () => {
    const withZone: ClusterSpec = { ...prod, extraHostDomains: ['example.net'], extraHostZones: { 'example.net': 'Z0123456789ABCDEFGHIJ' } };
    const withoutZone: ClusterSpec = { ...withZone, extraHostZones: {} };
    const json = cloudOf(withZone);
    expect(cloudProblems(json, withZone, appsOf(withZone))).toEqual([]);
    expect(cloudProblems(json, withoutZone, appsOf(withoutZone))).toContainEqual(
      "role acme-prod-addon-external-dns: may change DNS records in arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ, not only in the env's zone",
    );
  });

  test('a disabled add-on gets no role, and a role left behind is a problem', () => {
    const without: ClusterSpec = { ...prod, disabledAddOns: ['cluster-autoscaler'] };
    const json = cloudOf(without);
    expect(Object.keys(json.resource!.aws_iam_role)).not.toContain('addon_role_cluster-autoscaler');
    expect(cloudProblems(json, without, appsOf(without))).toEqual([]);
    expect(cloudProblems(cloudOf(prod), without, appsOf(without))).toContainEqual('add-on cluster-autoscaler: is disabled but still has a role');
  });
});

/**
 * Each rule fails when the property it guards is broken. The controls are the AWS Foundational Security
 * Best Practices ones this layer touches; the rest guard the node group and data separation.
 */
const BROKEN: ReadonlyArray<readonly [string, TerraformJson, string]> = [
  [
    'S3.1/S3.8: one Block Public Access setting off',
    broken((r) => {
      r.aws_s3_bucket_public_access_block['app_data_shop_public_access_block'].block_public_policy = false;
    }),
    'bucket acme-prod-shop-data: [S3.1/S3.8] public access is not blocked by all four Block Public Access settings',
  ],
  [
    'S3.1/S3.8: no Block Public Access at all',
    broken((r) => {
      delete r.aws_s3_bucket_public_access_block['backup_offsite_public_access_block'];
    }),
    'bucket acme-prod-backup-offsite: [S3.1/S3.8] public access is not blocked by all four Block Public Access settings',
  ],
  [
    'S3.5: no TLS-only statement',
    broken((r) => {
      const p = r.aws_s3_bucket_policy['app_data_legacy-site_policy'];
      setPolicy(p, { ...policyOf(p), Statement: policyOf(p).Statement.filter((s: Json) => s.Sid !== 'DenyInsecureTransport') });
    }),
    'bucket acme-prod-legacy-site-data: [S3.5] has no bucket policy that denies requests without TLS',
  ],
  [
    'S3.5: TLS-only for the bucket but not its objects',
    broken((r) => {
      const p = r.aws_s3_bucket_policy['backup_near_policy'];
      const policy = policyOf(p);
      policy.Statement[0].Resource = policy.Statement[0].Resource.slice(0, 1);
      setPolicy(p, policy);
    }),
    'bucket acme-prod-backup: [S3.5] has no bucket policy that denies requests without TLS',
  ],
  [
    'S3.17: an app bucket on SSE-S3',
    broken((r) => {
      r.aws_s3_bucket_server_side_encryption_configuration['app_data_shop_encryption'].rule[0].apply_server_side_encryption_by_default = {
        sse_algorithm: 'AES256',
      };
    }),
    'bucket acme-prod-shop-data: [S3.17] is not encrypted with a KMS key (SSE-KMS)',
  ],
  [
    'S3.14: versioning suspended',
    broken((r) => {
      r.aws_s3_bucket_versioning['app_data_backoffice_versioning'].versioning_configuration.status = 'Suspended';
    }),
    'bucket acme-prod-backoffice-data: [S3.14] versioning is not enabled',
  ],
  [
    'S3.13: no multipart abort',
    broken((r) => {
      rule(r, 'app_data_shop_lifecycle', 'abort-incomplete-multipart-uploads').status = 'Disabled';
    }),
    'bucket acme-prod-shop-data: [S3.13] no lifecycle rule aborts incomplete multipart uploads',
  ],
  [
    'S3.13: noncurrent versions kept forever',
    broken((r) => {
      const config = r.aws_s3_bucket_lifecycle_configuration['backup_near_lifecycle'];
      config.rule = config.rule.filter((x: Json) => x.id !== 'expire-noncurrent-versions');
    }),
    'bucket acme-prod-backup: [S3.13] no lifecycle rule expires noncurrent versions',
  ],
  [
    'S3.9: no access logging',
    broken((r) => {
      delete r.aws_s3_bucket_logging['app_data_shop_access_logs'];
    }),
    'bucket acme-prod-shop-data: [S3.9] server access logging is off',
  ],
  [
    'S3.9: logging across regions',
    broken((r) => {
      r.aws_s3_bucket_logging['backup_offsite_access_logs'].target_bucket = '${aws_s3_bucket.access_logs_near.id}';
    }),
    'bucket acme-prod-backup-offsite: [S3.9] logs to a bucket in another region, which S3 does not deliver to',
  ],
  [
    'S3.12: ACLs back on',
    broken((r) => {
      r.aws_s3_bucket_ownership_controls['app_data_shop_ownership'].rule.object_ownership = 'ObjectWriter';
    }),
    'bucket acme-prod-shop-data: [S3.12] object ownership is not BucketOwnerEnforced: ACLs are still in use',
  ],
  [
    'a bucket Terraform may destroy',
    broken((r) => {
      delete r.aws_s3_bucket['app_data_shop'].lifecycle;
    }),
    'bucket acme-prod-shop-data: lifecycle.prevent_destroy is not true: Terraform could destroy its data',
  ],
  [
    'a bucket with force_destroy',
    broken((r) => {
      r.aws_s3_bucket['backup_offsite'].force_destroy = true;
    }),
    'bucket acme-prod-backup-offsite: force_destroy is on: Terraform would delete its objects with it',
  ],
  [
    'S3.7: no replication',
    broken((r) => {
      delete r.aws_s3_bucket_replication_configuration;
    }),
    '[S3.7] backup vault: the near bucket does not replicate',
  ],
  [
    'S3.7: delete markers not replicated',
    broken((r) => {
      r.aws_s3_bucket_replication_configuration['backup_replication'].rule[0].delete_marker_replication.status = 'Disabled';
    }),
    '[S3.7] backup vault: delete markers do not replicate, so the offsite copy drifts from the restic repositories',
  ],
  [
    'S3.7: the offsite bucket in the home region',
    broken((r) => {
      delete r.aws_s3_bucket['backup_offsite'].provider;
    }),
    '[S3.7] backup vault: the offsite bucket is in eu-central-1, not in the offsite region eu-west-1',
  ],
  [
    'S3.15: no Object Lock on the offsite bucket',
    broken((r) => {
      r.aws_s3_bucket['backup_offsite'].object_lock_enabled = false;
    }),
    '[S3.15] backup vault: the offsite bucket has no Object Lock',
  ],
  [
    'S3.15: no default retention',
    broken((r) => {
      delete r.aws_s3_bucket_object_lock_configuration;
    }),
    '[S3.15] backup vault: the offsite bucket has no default Object Lock retention',
  ],
  [
    'S3.15: a retention other than the spec',
    broken((r) => {
      r.aws_s3_bucket_object_lock_configuration['backup_offsite_object_lock'].rule.default_retention.mode = 'GOVERNANCE';
    }),
    '[S3.15] backup vault: Object Lock is GOVERNANCE for 30 days, the spec says COMPLIANCE for 30',
  ],
  [
    'EKS.1: endpoint open to the internet',
    broken((r) => {
      r.aws_eks_cluster.cluster.vpc_config.public_access_cidrs = ['0.0.0.0/0'];
    }),
    'EKS cluster acme-prod: [EKS.1] the API endpoint is public to the whole internet',
  ],
  [
    'EKS.1: public endpoint without an allowlist',
    broken((r) => {
      delete r.aws_eks_cluster.cluster.vpc_config.public_access_cidrs;
    }),
    'EKS cluster acme-prod: [EKS.1] the API endpoint is public to the whole internet',
  ],
  [
    'EKS.3: secrets not encrypted',
    broken((r) => {
      delete r.aws_eks_cluster.cluster.encryption_config;
    }),
    'EKS cluster acme-prod: [EKS.3] Kubernetes secrets are not encrypted with a KMS key',
  ],
  [
    'EKS.8: audit log off',
    broken((r) => {
      r.aws_eks_cluster.cluster.enabled_cluster_log_types = ['api', 'authenticator'];
    }),
    'EKS cluster acme-prod: [EKS.8] control-plane logs are off for audit, controllerManager, scheduler',
  ],
  [
    'an EKS add-on missing',
    broken((r) => {
      for (const [k, a] of Object.entries(r.aws_eks_addon as Record<string, Json>))
        if (a.addon_name === 'aws-mountpoint-s3-csi-driver') delete r.aws_eks_addon[k];
    }),
    'EKS cluster acme-prod: the EKS add-on aws-mountpoint-s3-csi-driver is missing',
  ],
  [
    'a zone without a node',
    broken((r) => {
      first(r, 'aws_eks_node_group').scaling_config.min_size = 0;
    }),
    'has a minimum of 0 nodes: a zone could be left without one',
  ],
  [
    'fewer than 3 nodes in all',
    broken((r) => {
      for (const g of Object.values(r.aws_eks_node_group as Record<string, Json>)) g.scaling_config.min_size = 1;
      first(r, 'aws_eks_node_group').scaling_config.min_size = 0;
    }),
    'nodes: the node groups have a minimum of 2 nodes together, fewer than 3',
  ],
  [
    'nodes in two zones',
    broken((r) => {
      const [third] = Object.keys(r.aws_eks_node_group).filter((k) => r.aws_eks_node_group[k].subnet_ids[0].includes('Network_Private2'));
      delete r.aws_eks_node_group[third];
    }),
    'nodes: the node groups spread over 2 availability zones, not 3',
  ],
  [
    'nodes in a public subnet',
    broken((r) => {
      first(r, 'aws_eks_node_group').subnet_ids = ['${aws_subnet.Network_Public2_11F1573E.id}'];
    }),
    'subnet Network_Public2_11F1573E is public (routed to the internet gateway)',
  ],
  [
    'nodes that reach S3 through NAT: no gateway endpoint',
    broken((r) => {
      delete r.aws_vpc_endpoint['Network_S3Endpoint_635CABAC'];
    }),
    'subnet Network_Private0_90286E04 reaches S3 through NAT, which bills every GB: no S3 gateway endpoint on its route table',
  ],
  [
    'a node subnet whose route table the S3 gateway endpoint leaves out',
    broken((r) => {
      const endpoint = r.aws_vpc_endpoint['Network_S3Endpoint_635CABAC'];
      endpoint.route_table_ids = endpoint.route_table_ids.slice(0, 2);
    }),
    'subnet Network_Private2_74EF3D2E reaches S3 through NAT, which bills every GB: no S3 gateway endpoint on its route table',
  ],
  [
    'an S3 endpoint that is an interface, not a gateway',
    broken((r) => {
      r.aws_vpc_endpoint['Network_S3Endpoint_635CABAC'].vpc_endpoint_type = 'Interface';
    }),
    'subnet Network_Private1_905F40B7 reaches S3 through NAT, which bills every GB: no S3 gateway endpoint on its route table',
  ],
  [
    'EC2.15: a subnet hands out public IPs',
    broken((r) => {
      r.aws_subnet['Network_Private0_90286E04'].map_public_ip_on_launch = true;
    }),
    '[EC2.15] subnet Network_Private0_90286E04 assigns public IPs on launch',
  ],
  [
    'EC2.8: IMDSv1 allowed',
    broken((r) => {
      first(r, 'aws_launch_template').metadata_options.http_tokens = 'optional';
    }),
    '[EC2.8] IMDSv2 is not required',
  ],
  [
    'an IMDS hop limit pods can cross',
    broken((r) => {
      first(r, 'aws_launch_template').metadata_options.http_put_response_hop_limit = 2;
    }),
    'the IMDS hop limit is 2, not 1',
  ],
  [
    'unencrypted node volumes',
    broken((r) => {
      first(r, 'aws_launch_template').block_device_mappings[0].ebs.encrypted = 'false';
    }),
    '[EC2.7] node volumes are not encrypted',
  ],
  [
    'nodes without user data',
    broken((r) => {
      delete first(r, 'aws_launch_template').user_data;
    }),
    'has no user data: no podPidsLimit bounds a pod',
  ],
  [
    'user data that is a bare NodeConfig, not MIME multipart',
    broken((r) => {
      first(r, 'aws_launch_template').user_data = base64(nodeConfig('podPidsLimit: 4096'));
    }),
    'user data is not a MIME multipart document (Content-Type ""), which EKS cannot merge its own part into',
  ],
  ...(
    [
      ['no podPidsLimit', 'maxPods: 20', '"unset"'],
      ['podPidsLimit -1 (no limit)', 'podPidsLimit: -1', '-1'],
      ['podPidsLimit 0', 'podPidsLimit: 0', '0'],
      ['a podPidsLimit above 32768', 'podPidsLimit: 100000', '100000'],
      ['a podPidsLimit that is no number', 'podPidsLimit: "4096"', '"4096"'],
    ] as const
  ).map(
    ([what, setting, shown]) =>
      [
        `nodes whose user data sets ${what}`,
        broken((r) => {
          first(r, 'aws_launch_template').user_data = base64(multipart(nodeConfig(setting)));
        }),
        `its user data sets podPidsLimit ${shown}, not a whole number from 1 to 32768`,
      ] as const,
  ),
  [
    'a NodeConfig part later in the user data that lifts the limit',
    broken((r) => {
      first(r, 'aws_launch_template').user_data = base64(multipart(nodeConfig('podPidsLimit: 4096'), nodeConfig('podPidsLimit: -1')));
    }),
    'its user data sets podPidsLimit -1',
  ],
  [
    'a node group whose image does not run nodeadm',
    broken((r) => {
      first(r, 'aws_eks_node_group').ami_type = 'BOTTLEROCKET_x86_64';
    }),
    "its AMI type BOTTLEROCKET_x86_64 does not read nodeadm's NodeConfig",
  ],
  [
    "an app role that reaches another app's bucket",
    broken((r) => {
      editPolicy(r, 'apps_role_policy', (statements) => {
        statements[1].Resource = '${aws_s3_bucket.app_data_backoffice.arn}/*';
      });
    }),
    'app shop: its app role acme-prod-apps reaches arn:aws:s3:::acme-prod-backoffice-data/*, beyond its own bucket',
  ],
  [
    "an app role that names a bucket outright reaches it from a namespace that is no app's too",
    broken((r) => {
      editPolicy(r, 'apps_role_policy', (statements) => {
        statements[1].Resource = 'arn:aws:s3:::acme-prod-backoffice-data/*';
      });
    }),
    "role acme-prod-apps: in a namespace that is no app's reaches arn:aws:s3:::acme-prod-backoffice-data/*, beyond its own bucket",
  ],
  [
    'an app role that reaches its own backup prefix',
    broken((r) => {
      editPolicy(r, 'apps_role_policy', (statements) => {
        statements.push({
          Sid: 'Extra',
          Effect: 'Allow',
          Action: 's3:DeleteObject',
          Resource: '${aws_s3_bucket.backup_near.arn}/$${aws:PrincipalTag/kubernetes-namespace}/*',
        });
      });
    }),
    'app shop: its app role acme-prod-apps reaches the backup bucket (arn:aws:s3:::acme-prod-backup/shop/*): only its backup job roles may',
  ],
  [
    'an app role that may use the backup key',
    broken((r) => {
      editPolicy(r, 'apps_role_policy', (statements) => {
        statements.push({ Sid: 'Extra', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '${aws_kms_key.backup_near_key.arn}' });
      });
    }),
    'app backoffice: its app role acme-prod-apps may use the backup key',
  ],
  [
    'a role bound to another ServiceAccount',
    broken((r) => {
      r.aws_eks_pod_identity_association['app_pod_identity_shop'].service_account = 'default';
    }),
    "role acme-prod-apps: is associated with shop/default, which is no running app's ServiceAccount",
  ],
  [
    'a role with a loose trust policy',
    broken((r) => {
      const role = r.aws_iam_role['apps_role'];
      const trust = JSON.parse(role.assume_role_policy);
      delete trust.Statement[0].Condition;
      role.assume_role_policy = JSON.stringify(trust);
    }),
    "app shop: its app role acme-prod-apps trusts more than Pod Identity under the cluster's name and a ServiceAccount",
  ],
  [
    'a second bucket for one app',
    broken((r) => {
      r.aws_s3_bucket['copy'] = { ...r.aws_s3_bucket['app_data_shop'] };
    }),
    'app shop: has 2 buckets named acme-prod-shop-data, not 1',
  ],
  [
    'an app without a role',
    broken((r) => {
      delete r.aws_eks_pod_identity_association['app_pod_identity_legacy-site'];
    }),
    'app legacy-site: legacy-site/legacy-site has the roles [] through Pod Identity, not exactly acme-prod-apps, the app role of its storage',
  ],
  [
    'no DNS zone for the cluster domain',
    broken((r) => {
      delete r.aws_route53_zone;
    }),
    'DNS: 0 Route53 zones for the cluster domain example.com, not 1',
  ],
  [
    'a DNS zone Terraform may destroy',
    broken((r) => {
      delete r.aws_route53_zone['dns_zone'].lifecycle;
    }),
    'DNS zone example.com: lifecycle.prevent_destroy is not true',
  ],
  [
    'a DNS zone whose name servers are not an output',
    broken((_r, json) => {
      delete json.output;
    }),
    'DNS zone example.com: its name servers are no output, so no one can delegate the domain to it',
  ],
  [
    'an add-on role bound to another ServiceAccount',
    broken((r) => {
      r.aws_eks_pod_identity_association['addon_pod_identity_external-dns'].service_account = 'default';
    }),
    'add-on external-dns: its role is bound to external-dns/default, not external-dns/external-dns',
  ],
  [
    'an add-on role bound to another namespace',
    broken((r) => {
      r.aws_eks_pod_identity_association['addon_pod_identity_cluster-autoscaler'].namespace = 'kube-system';
    }),
    'add-on cluster-autoscaler: its role is bound to kube-system/cluster-autoscaler, not cluster-autoscaler/cluster-autoscaler',
  ],
  [
    'an add-on role trusted by any pod',
    broken((r) => {
      const role = r.aws_iam_role['addon_role_external-secrets'];
      const trust = JSON.parse(role.assume_role_policy);
      delete trust.Statement[0].Condition;
      role.assume_role_policy = JSON.stringify(trust);
    }),
    'add-on external-secrets: its role trusts more than Pod Identity for external-secrets/external-secrets',
  ],
  [
    'an add-on without its role',
    broken((r) => {
      delete r.aws_iam_role['addon_role_external-secrets'];
    }),
    'add-on external-secrets: has 0 roles named acme-prod-addon-external-secrets, not 1',
  ],
  [
    'external-dns may change every hosted zone',
    broken((r) => {
      editPolicy(r, 'addon_role_external-dns_policy', (statements) => {
        statements[0].Resource = ['arn:aws:route53:::hostedzone/*'];
      });
    }),
    "role acme-prod-addon-external-dns: may change DNS records in arn:aws:route53:::hostedzone/*, not only in the env's zone",
  ],
  [
    'cert-manager may change any record of the zone',
    broken((r) => {
      editPolicy(r, 'addon_role_cert-manager_policy', (statements) => {
        delete statements[0].Condition;
      });
    }),
    'role acme-prod-addon-cert-manager: may change DNS records other than the TXT record _acme-challenge.example.com (ForAllValues:StringEquals on the record types and names)',
  ],
  [
    "cert-manager may change another name's TXT record",
    broken((r) => {
      editPolicy(r, 'addon_role_cert-manager_policy', (statements) => {
        statements[0].Condition['ForAllValues:StringEquals']['route53:ChangeResourceRecordSetsNormalizedRecordNames'] = ['_acme-challenge.shop.example.com'];
      });
    }),
    'role acme-prod-addon-cert-manager: may change DNS records other than the TXT record _acme-challenge.example.com (ForAllValues:StringEquals on the record types and names)',
  ],
  [
    'cert-manager may change every hosted zone',
    broken((r) => {
      editPolicy(r, 'addon_role_cert-manager_policy', (statements) => {
        statements[0].Resource = 'arn:aws:route53:::hostedzone/*';
      });
    }),
    "role acme-prod-addon-cert-manager: may change DNS records in arn:aws:route53:::hostedzone/*, not only in the env's zone",
  ],
  [
    'an app role with wildcard Route53 rights',
    broken((r) => {
      editPolicy(r, 'apps_role_policy', (statements) => {
        statements.push({ Sid: 'Extra', Effect: 'Allow', Action: 'route53:*', Resource: '*' });
      });
    }),
    'role acme-prod-apps: may change DNS records; only external-dns and cert-manager may',
  ],
  [
    'the secrets role reading beyond its env',
    broken((r) => {
      editPolicy(r, 'addon_role_external-secrets_policy', (statements) => {
        statements[0].Resource = 'arn:aws:secretsmanager:eu-central-1:${data.aws_caller_identity.Account.account_id}:secret:webapps/*';
      });
    }),
    "role acme-prod-addon-external-secrets: may read secrets in arn:aws:secretsmanager:eu-central-1:${data.aws_caller_identity.Account.account_id}:secret:webapps/*, beyond the env's prefix webapps/prod/",
  ],
  [
    "the prod secrets role reading staging's secrets",
    broken((r) => {
      editPolicy(r, 'addon_role_external-secrets_policy', (statements) => {
        statements[0].Resource = 'arn:aws:secretsmanager:eu-central-1:${data.aws_caller_identity.Account.account_id}:secret:webapps/staging/*';
      });
    }),
    "beyond the env's prefix webapps/prod/",
  ],
  [
    'an app role that reads secrets',
    broken((r) => {
      editPolicy(r, 'apps_role_policy', (statements) => {
        statements.push({
          Sid: 'Extra',
          Effect: 'Allow',
          Action: 'secretsmanager:Get*',
          Resource: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:webapps/prod/*',
        });
      });
    }),
    'role acme-prod-apps: may read secrets; only the External Secrets Operator may',
  ],
  [
    'the secrets role that may write secrets',
    broken((r) => {
      editPolicy(r, 'addon_role_external-secrets_policy', (statements) => {
        statements[0].Action.push('secretsmanager:PutSecretValue');
      });
    }),
    'role acme-prod-addon-external-secrets: may write or delete secrets',
  ],
  [
    'the autoscaler scaling groups it does not own',
    broken((r) => {
      editPolicy(r, 'addon_role_cluster-autoscaler_policy', (statements) => {
        delete statements.find((s) => s.Sid === 'ScaleOwnNodeGroups').Condition;
      });
    }),
    'role acme-prod-addon-cluster-autoscaler: may scale Auto Scaling groups not tagged k8s.io/cluster-autoscaler/acme-prod=owned',
  ],
  [
    "the autoscaler scaling another cluster's groups",
    broken((r) => {
      editPolicy(r, 'addon_role_cluster-autoscaler_policy', (statements) => {
        statements.find((s) => s.Sid === 'ScaleOwnNodeGroups').Condition = {
          StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/acme-staging': 'owned' },
        };
      });
    }),
    'role acme-prod-addon-cluster-autoscaler: may scale Auto Scaling groups not tagged k8s.io/cluster-autoscaler/acme-prod=owned',
  ],
];

/** prod with shop on GeeseFS: the real apps all use Mountpoint, so the input is changed as test/data-path.test.ts does. */
const shop = APPS.find((a) => a.name === 'shop')!;
const geesefsApps = appsOf(prod).map((a) => (a.name === 'shop' ? resolveApp({ ...shop, storage: { ...shop.storage!, driver: 'geesefs' } }, prod) : a));
const geesefs = (): Json => JSON.parse(JSON.stringify(synthCloud(prod, geesefsApps).json));
/** The GeeseFS prod JSON, changed by one edit. */
function brokenGeesefs(edit: (r: Json, json: Json) => void): TerraformJson {
  const json = geesefs();
  edit(json.resource, json);
  return json;
}
const editUserPolicy = (r: Json, edit: (statements: Json[]) => void) => {
  const policy = policyOf(r.aws_iam_user_policy['geesefs_user_shop_policy']);
  edit(policy.Statement);
  setPolicy(r.aws_iam_user_policy['geesefs_user_shop_policy'], policy);
};

/** The GeeseFS user is one more principal of the app: it reaches only the app's bucket, and Terraform holds no key of it. */
const BROKEN_GEESEFS: ReadonlyArray<readonly [string, TerraformJson, string]> = [
  [
    "a GeeseFS user that reaches another app's bucket",
    brokenGeesefs((r) => {
      editUserPolicy(r, (statements) => {
        statements[1].Resource = '${aws_s3_bucket.app_data_backoffice.arn}/*';
      });
    }),
    'app shop: its GeeseFS user reaches arn:aws:s3:::acme-prod-backoffice-data/*, beyond its own bucket',
  ],
  [
    'a GeeseFS user that reaches its own backup prefix',
    brokenGeesefs((r) => {
      editUserPolicy(r, (statements) => {
        statements.push({ Sid: 'Extra', Effect: 'Allow', Action: 's3:GetObject', Resource: '${aws_s3_bucket.backup_near.arn}/shop/*' });
      });
    }),
    'app shop: its GeeseFS user reaches the backup bucket (arn:aws:s3:::acme-prod-backup/shop/*): only its backup job roles may',
  ],
  [
    'a GeeseFS user that may use the backup key',
    brokenGeesefs((r) => {
      editUserPolicy(r, (statements) => {
        statements.push({ Sid: 'Extra', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '${aws_kms_key.backup_near_key.arn}' });
      });
    }),
    'app shop: its GeeseFS user may use the backup key',
  ],
  [
    'a GeeseFS user with a NotResource grant',
    brokenGeesefs((r) => {
      editUserPolicy(r, (statements) => {
        statements.push({ Sid: 'Extra', Effect: 'Allow', Action: 's3:GetObject', NotResource: '${aws_s3_bucket.app_data_shop.arn}/*' });
      });
    }),
    'app shop: its GeeseFS user has an Allow statement with NotAction or NotResource (Extra)',
  ],
  [
    'a GeeseFS user that reads secrets',
    brokenGeesefs((r) => {
      editUserPolicy(r, (statements) => {
        statements.push({ Sid: 'Extra', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' });
      });
    }),
    'IAM user acme-prod-shop-geesefs: may read secrets; only the External Secrets Operator may',
  ],
  [
    'a GeeseFS user with a managed policy',
    brokenGeesefs((r) => {
      r.aws_iam_user_policy_attachment = {
        extra: { user: '${aws_iam_user.geesefs_user_shop.name}', policy_arn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' },
      };
    }),
    'app shop: its GeeseFS user has a managed policy attached; it may only have its own inline policy',
  ],
  [
    'a GeeseFS user without force_destroy, which Terraform could not delete with the key an operator made',
    brokenGeesefs((r) => {
      delete r.aws_iam_user.geesefs_user_shop.force_destroy;
    }),
    'app shop: its GeeseFS user has no force_destroy: Terraform could not delete it once an operator has made its access key (DeleteConflict: must delete access keys first)',
  ],
  [
    'an access key made by Terraform',
    brokenGeesefs((r) => {
      r.aws_iam_access_key = { geesefs_key_shop: { user: '${aws_iam_user.geesefs_user_shop.name}' } };
    }),
    'access key geesefs_key_shop (user ${aws_iam_user.geesefs_user_shop.name}): Terraform would keep its secret in the state',
  ],
  [
    'a GeeseFS app without its user',
    brokenGeesefs((r) => {
      delete r.aws_iam_user;
    }),
    'app shop: mounts its bucket with GeeseFS but has 0 IAM users named acme-prod-shop-geesefs, not 1: k8s-csi-s3 needs its static key',
  ],
  [
    'an IAM user no app owns',
    brokenGeesefs((r) => {
      r.aws_iam_user['stray'] = { name: 'acme-prod-admin' };
    }),
    'IAM user acme-prod-admin: no app in the data ledger owns it; the stack makes IAM users only for GeeseFS apps',
  ],
];

describe('a GeeseFS app gets an IAM user that the rules hold to its own bucket', () => {
  test('the GeeseFS stack passes every cloud rule', () => {
    expect(cloudProblems(geesefs(), prod, geesefsApps)).toEqual([]);
  });
  test('a user left behind when the app goes back to Mountpoint is a problem, and so are its deletes and the role that deleted for GeeseFS', () => {
    expect(cloudProblems(geesefs(), prod, appsOf(prod))).toEqual([
      'app shop: shop/shop has the roles [acme-prod-apps-deleting] through Pod Identity, not exactly acme-prod-apps, the app role of its storage',
      'app shop: has an IAM user acme-prod-shop-geesefs but storage.driver is "mountpoint-s3": only GeeseFS needs static keys',
      "role acme-prod-apps-deleting in namespace shop: may delete objects in its live bucket acme-prod-shop-data, but the app's storage does not delete (Mountpoint without storage.allowDelete)",
      "IAM user acme-prod-shop-geesefs: may delete objects in the live bucket acme-prod-shop-data; only the app's own role (where its storage deletes) and its restore role may",
    ]);
  });
  test.each(BROKEN_GEESEFS)('%s', (_case, json, expected) => {
    expect(cloudProblems(json, prod, geesefsApps)).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });
});

describe('every cloud rule can fail', () => {
  test('the table covers every FSBP control of the issue', () => {
    const ids = BROKEN.map(([name]) => name.split(':')[0]);
    for (const control of ['S3.1/S3.8', 'S3.5', 'S3.17', 'S3.14', 'S3.13', 'S3.7', 'S3.15', 'S3.9', 'EKS.1', 'EKS.3', 'EKS.8']) {
      expect(ids).toContain(control);
    }
  });

  test.each(BROKEN)('%s', (_case, json, expected) => {
    expect(cloudProblems(json, prod, appsOf(prod))).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });
});

const ADMIN_ROLE = prod.access.people['ops-lead'].iamRoleArn;
const entryOf = (r: Json, person: string): Json => r.aws_eks_access_entry[accessEntryAddressOf(person)];

/** Who may reach the Kubernetes API: each case breaks one property, and the rule names exactly that. */
const BROKEN_ACCESS: ReadonlyArray<readonly [string, TerraformJson, readonly string[]]> = [
  [
    'an aws-auth ConfigMap next to the access entries',
    broken((r) => {
      r.aws_eks_cluster.cluster.access_config.authentication_mode = 'API_AND_CONFIG_MAP';
    }),
    ['EKS cluster acme-prod: authentication mode is API_AND_CONFIG_MAP, not API: an aws-auth ConfigMap could grant what the access entries do not show'],
  ],
  [
    'cluster-admin for whoever creates the cluster',
    broken((r) => {
      r.aws_eks_cluster.cluster.access_config.bootstrap_cluster_creator_admin_permissions = true;
    }),
    ['EKS cluster acme-prod: bootstrap_cluster_creator_admin_permissions is not false: the creator would get cluster-admin outside Terraform and access.md'],
  ],
  [
    "the creator's admin left to the provider's default",
    broken((r) => {
      delete r.aws_eks_cluster.cluster.access_config;
    }),
    [
      'EKS cluster acme-prod: authentication mode is undefined, not API: an aws-auth ConfigMap could grant what the access entries do not show',
      'EKS cluster acme-prod: bootstrap_cluster_creator_admin_permissions is not false: the creator would get cluster-admin outside Terraform and access.md',
    ],
  ],
  [
    'an access policy association',
    broken((r) => {
      r.aws_eks_access_policy_association = {
        admin: {
          cluster_name: '${aws_eks_cluster.cluster.name}',
          principal_arn: ADMIN_ROLE,
          policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
          access_scope: { type: 'cluster' },
        },
      };
    }),
    [
      `EKS access policy association admin: grants arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy to ${ADMIN_ROLE}; rights come only from the Kubernetes RBAC in the YAML`,
    ],
  ],
  [
    'an entry in system:masters',
    broken((r) => {
      entryOf(r, 'ops-lead').kubernetes_groups = ['system:masters', 'webapps:platform-admins'];
    }),
    [
      `EKS access entry access_entry_ops-lead: puts ${ADMIN_ROLE} in the reserved group system:masters`,
      'person ops-lead: their access entry puts them in system:masters, webapps:platform-admins, the access model in webapps:platform-admins',
    ],
  ],
  [
    'an entry of another type',
    broken((r) => {
      entryOf(r, 'dev-shop').type = 'EC2_LINUX';
    }),
    ['EKS access entry access_entry_dev-shop: is of type EC2_LINUX, not STANDARD'],
  ],
  [
    'an entry in a group the model does not give',
    broken((r) => {
      entryOf(r, 'dev-shop').kubernetes_groups.push('webapps:backoffice:developers');
    }),
    ['person dev-shop: their access entry puts them in webapps:backoffice:developers, webapps:shop:developers, the access model in webapps:shop:developers'],
  ],
  [
    'an entry for another role',
    broken((r) => {
      entryOf(r, 'agency-web').principal_arn = 'arn:aws:iam::444455556666:role/Contractor';
    }),
    [`person agency-web: their access entry is for arn:aws:iam::444455556666:role/Contractor, not their role ${prod.access.people['agency-web'].iamRoleArn}`],
  ],
  [
    'a person without an entry',
    broken((r) => {
      delete r.aws_eks_access_entry[accessEntryAddressOf('agency-web')];
    }),
    ['person agency-web: has no EKS access entry access_entry_agency-web'],
  ],
  [
    'an entry for no one of the model',
    broken((r) => {
      r.aws_eks_access_entry.access_entry_stranger = { ...entryOf(r, 'dev-shop'), principal_arn: 'arn:aws:iam::444455556666:role/Stranger' };
    }),
    ['EKS access entry access_entry_stranger: arn:aws:iam::444455556666:role/Stranger is no person of the access model'],
  ],
  [
    'two entries for one role',
    broken((r) => {
      r.aws_eks_access_entry.access_entry_twin = { ...entryOf(r, 'ops-lead') };
    }),
    [
      `EKS access entries access_entry_ops-lead, access_entry_twin: 2 entries for one IAM role ${ADMIN_ROLE}`,
      `EKS access entry access_entry_twin: ${ADMIN_ROLE} is no person of the access model`,
    ],
  ],
  [
    'an entry for another cluster',
    broken((r) => {
      entryOf(r, 'ops-lead').cluster_name = 'acme-staging';
    }),
    ["EKS access entry access_entry_ops-lead: opens cluster acme-staging, not this stack's"],
  ],
];

describe('the access entry rules', () => {
  test.each(CLUSTERS.map((c) => [c.env, c] as const))('pass on the real %s stack', (_env, cluster) => {
    expect(accessEntryProblems(cloudOf(cluster), cluster)).toEqual([]);
  });

  test.each(BROKEN_ACCESS)('fail on %s', (_case, json, expected) => {
    expect(accessEntryProblems(json, prod)).toEqual(expected);
    expect(cloudProblems(json, prod, appsOf(prod))).toEqual(expect.arrayContaining([...expected]));
  });
});
