import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import { terraformFileOf } from '../constructs/synth/terraform-file';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { buildAll, type SynthInput } from '../constructs/synth/pipeline';
import { FIXTURE_RELEASES, synthProblemsOf } from './support';

const cluster = (env: string) => CLUSTERS.find((c) => c.env === env)!;
/** The fixture input with one cluster changed. */
const withCluster = (env: string, patch: Partial<ClusterSpec>): SynthInput => ({
  clusters: CLUSTERS.map((c) => (c.env === env ? { ...c, ...patch } : c)),
  apps: APPS,
  releases: FIXTURE_RELEASES,
});
const STG = 'cluster "acme-staging"';
const PRD = 'cluster "acme-prod"';

const BAD_CLOUD_INPUTS: ReadonlyArray<readonly [string, SynthInput, string]> = [
  [
    'a Kubernetes version out of EKS standard support',
    withCluster('prod', { kubernetesVersion: '1.29' }),
    `${PRD}: field "kubernetesVersion" = "1.29": must be an EKS version in standard support: 1.34 or later`,
  ],
  [
    'a Kubernetes version whose EKS add-ons are not pinned',
    withCluster('prod', { kubernetesVersion: '1.99' }),
    `${PRD}: field "kubernetesVersion" = "1.99": has no EKS add-on versions pinned: add a table for it to EKS_ADDON_VERSIONS in constructs/cloud/eks-addon-versions.ts`,
  ],
  [
    'an API endpoint open to the internet',
    withCluster('prod', { adminCidrs: ['0.0.0.0/0'] }),
    `${PRD}: field "adminCidrs[0]" = "0.0.0.0/0": is wider than /16: it would open the Kubernetes API to much of the internet`,
  ],
  [
    'an admin CIDR that does not parse',
    withCluster('staging', { adminCidrs: ['203.0.113.7/24'] }),
    `${STG}: field "adminCidrs[0]" = "203.0.113.7/24": is not an IPv4 CIDR (a.b.c.d/n, no host bits set)`,
  ],
  [
    'a public VPC range',
    withCluster('prod', { network: { vpcCidr: '8.8.0.0/16' } }),
    `${PRD}: field "network.vpcCidr" = "8.8.0.0/16": must be a private (RFC 1918) /16, e.g. 10.10.0.0/16`,
  ],
  [
    'two zones',
    withCluster('prod', { network: { vpcCidr: '10.10.0.0/16', zones: ['eu-central-1a', 'eu-central-1b'] } }),
    `${PRD}: field "network.zones" = ["eu-central-1a","eu-central-1b"]: must name exactly three different availability zones`,
  ],
  [
    'a zone of another region',
    withCluster('prod', { network: { vpcCidr: '10.10.0.0/16', zones: ['eu-central-1a', 'eu-central-1b', 'eu-west-1c'] } }),
    `${PRD}: field "network.zones[2]" = "eu-west-1c": must be an availability zone of eu-central-1`,
  ],
  [
    'an unknown Object Lock mode',
    withCluster('prod', { backupVault: { objectLockMode: 'STRICT' as 'COMPLIANCE' } }),
    `${PRD}: field "backupVault.objectLockMode" = "STRICT": must be "GOVERNANCE" or "COMPLIANCE"`,
  ],
  [
    'a zero-day lock',
    withCluster('prod', { backupVault: { objectLockDays: 0 } }),
    `${PRD}: field "backupVault.objectLockDays" = 0: must be a whole number of days from 1 to 3650`,
  ],
  [
    'noncurrent versions expiring after half a day',
    withCluster('staging', { data: { noncurrentVersionDays: 0.5 } }),
    `${STG}: field "data.noncurrentVersionDays" = 0.5: must be a whole number of days from 1 to 3650`,
  ],
  [
    'x86 and Graviton nodes in one group',
    withCluster('staging', { nodePool: { ...cluster('staging').nodePool, instanceTypes: ['t3.large', 't4g.large'] } }),
    `${STG}: field "nodePool.instanceTypes" = ["t3.large","t4g.large"]: mixes x86_64 and arm64 (Graviton) types: one node group runs one image`,
  ],
  [
    'a state bucket that is no bucket name',
    withCluster('prod', { terraformState: { bucket: 'Terraform_State' } }),
    `${PRD}: field "terraformState.bucket" = "Terraform_State": must be an S3 bucket name`,
  ],
  [
    'an offsite region that is no region',
    withCluster('prod', { offsiteRegion: 'ireland' }),
    `${PRD}: field "offsiteRegion" = "ireland": must be an AWS region, e.g. eu-central-1`,
  ],
  [
    'a DNS zone for a domain the cluster does not serve',
    withCluster('staging', { extraHostZones: { 'example.net': 'Z0123456789ABCDEFGHIJ' } }),
    `${STG}: field "extraHostZones['example.net']" = "Z0123456789ABCDEFGHIJ": names a domain that is not in extraHostDomains (none): external-dns may write only to zones of domains the cluster serves`,
  ],
  [
    'a DNS zone id that is no zone id',
    withCluster('staging', { extraHostDomains: ['example.net'], extraHostZones: { 'example.net': '/hostedzone/Z0123456789' } }),
    `${STG}: field "extraHostZones['example.net']" = "/hostedzone/Z0123456789": must be a Route53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ (without "/hostedzone/")`,
  ],
];

describe('bad cloud input stops synth with a clear error', () => {
  test.each(BAD_CLOUD_INPUTS)('%s', (_case, input, expected) => {
    expect(synthProblemsOf(() => buildAll(input))).toContain(expected);
  });

  test('an extra host domain with a zone id is one more zone external-dns may write to; one without gets none', () => {
    const input = withCluster('prod', { extraHostDomains: ['example.net', 'example.org'], extraHostZones: { 'example.net': 'Z0123456789ABCDEFGHIJ' } });
    const terraform = JSON.parse(buildAll(input).find((f) => f.path === terraformFileOf('prod'))!.text!);
    const policy = JSON.parse(terraform.resource.aws_iam_role_policy['addon_role_external-dns_policy'].policy);
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === 'ChangeOwnZones').Resource).toEqual([
      '${aws_route53_zone.dns_zone.arn}',
      'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ',
    ]);
    expect(Object.keys(terraform.resource.aws_route53_zone)).toEqual(['dns_zone']);
  });

  test('the defaults are valid: a cluster that sets no cloud field still synthesizes', () => {
    const { adminCidrs: _a, network: _n, data: _d, backupVault: _b, terraformState: _t, ...bare } = cluster('staging');
    expect(() => buildAll({ clusters: [bare], apps: APPS, releases: FIXTURE_RELEASES })).not.toThrow();
  });
});
