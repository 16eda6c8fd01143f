import { S3Backend, type TerraformStack } from 'cdktf';
import type { TerraformStateSpec } from '../model/cluster-spec';
import { stateKeyOf } from '../model/naming';

/**
 * S3-native state locking (`use_lockfile`) came in Terraform 1.10 as experimental and is generally available
 * from 1.11 (its changelog); DynamoDB locking is deprecated.
 */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.11.0';

/**
 * Keeps the stack's state in S3, encrypted, locked with a lock file next to it. The state bucket is
 * created once by hand (or by a bootstrap stack), never by the stack whose state it holds.
 */
export function useStateBackend(stack: TerraformStack, clusterName: string, state: Required<TerraformStateSpec>): S3Backend {
  const backend = new S3Backend(stack, { bucket: state.bucket, key: stateKeyOf(clusterName), region: state.region, encrypt: true });
  backend.addOverride('use_lockfile', true);
  stack.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
  return backend;
}
