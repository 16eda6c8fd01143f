import type { CloudCluster } from '../../model/cloud-input';
import { regionOf, resourcesOf, type Json, type TerraformJson } from '../../cloud/terraform-json';

/**
 * The largest key policy KMS takes: 32 KiB (KMS API Reference, PutKeyPolicy, Policy: "The policy size limit is
 * 32 KiB (32768 bytes)"; CreateKey's Policy the same). Terraform's apply of a larger one fails.
 */
export const KEY_POLICY_MAX_BYTES = 32_768;

/** An account id as AWS writes it: 12 digits. */
const ACCOUNT_ID = '123456789012';
/** A key id as AWS writes it: a UUID. */
const KEY_ID = '00000000-0000-0000-0000-000000000000';

/**
 * A key policy's text as KMS gets it, its Terraform references resolved at the length AWS gives them: the
 * account id 12 digits, a role or user ARN `arn:aws:iam::<account>:role/<path><name>` with the name and path the
 * JSON gives, a key ARN `arn:aws:kms:<region>:<account>:key/<uuid>`, a bucket ARN `arn:aws:s3:::<name>`. A
 * reference it does not know keeps its own length.
 */
export function resolvedPolicyText(json: TerraformJson, text: string, region: string): string {
  const named = (type: string, address: string): Json => json.resource?.[type]?.[address] ?? {};
  const iamArn = (kind: 'role' | 'user', address: string): string => {
    const p = named(`aws_iam_${kind}`, address);
    return `arn:aws:iam::${ACCOUNT_ID}:${kind}${typeof p.path === 'string' ? p.path : '/'}${p.name ?? address}`;
  };
  return text
    .replace(/\$\{data\.aws_caller_identity\.[A-Za-z0-9_-]+\.account_id\}/g, ACCOUNT_ID)
    .replace(/\$\{aws_iam_(role|user)\.([A-Za-z0-9_-]+)\.arn\}/g, (_ref, kind: 'role' | 'user', address: string) => iamArn(kind, address))
    .replace(/\$\{aws_kms_key\.([A-Za-z0-9_-]+)\.arn\}/g, (_ref, address: string) => {
      const keyRegion = regionOf(json, named('aws_kms_key', address).provider) ?? region;
      return `arn:aws:kms:${keyRegion}:${ACCOUNT_ID}:key/${KEY_ID}`;
    })
    .replace(/\$\{aws_s3_bucket\.([A-Za-z0-9_-]+)\.arn\}/g, (_ref, address: string) => `arn:aws:s3:::${named('aws_s3_bucket', address).bucket ?? address}`);
}

/** The bytes of each key's policy as KMS gets it (resolvedPolicyText), by the key's address. */
export const keyPolicySizesOf = (json: TerraformJson, region: string): [address: string, bytes: number][] =>
  resourcesOf(json, 'aws_kms_key').map(([address, key]) => [
    address,
    typeof key.policy === 'string' ? Buffer.byteLength(resolvedPolicyText(json, key.policy, region), 'utf8') : 0,
  ]);

/** No key policy passes what KMS takes, its references resolved: a larger one stops `terraform apply`. */
export function keyPolicySizeProblems(json: TerraformJson, cluster: Pick<CloudCluster, 'name' | 'region'>): string[] {
  return keyPolicySizesOf(json, cluster.region)
    .filter(([, bytes]) => bytes > KEY_POLICY_MAX_BYTES)
    .map(
      ([address, bytes]) =>
        `KMS key ${address} of cluster ${cluster.name}: its key policy is ${bytes.toLocaleString('en-US')} bytes with its references resolved, ` +
        `over KMS's limit of ${KEY_POLICY_MAX_BYTES.toLocaleString('en-US')} (PutKeyPolicy): terraform apply would fail; ` +
        'name the principals of a use by one pattern (encryption-key.ts, allowNamedLikeThroughS3), not one ARN each',
    );
}
