import { EbsEncryptionByDefault } from '@cdktf/provider-aws/lib/ebs-encryption-by-default';
import { S3AccountPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-account-public-access-block';
import { Construct } from 'constructs';

/**
 * The account-wide settings every bucket and volume stands on: the account-level S3 Block Public Access
 * (FSBP S3.1), so that no bucket of the account can be made public whatever its own settings say, and EBS
 * encryption by default in the cluster's region (FSBP EC2.7), so that no volume is ever written in clear,
 * node volumes and EBS CSI volumes included. The default EBS key stays the AWS-managed `aws/ebs`: a
 * customer key there would have to be granted to the Auto Scaling service-linked role and to the EBS CSI
 * driver, for no gain in who can read a volume (only EC2, for the instance it is attached to).
 */
export class AccountGuardrails extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new S3AccountPublicAccessBlock(this, 'S3PublicAccessBlock', {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }).overrideLogicalId('account_public_access_block');
    new EbsEncryptionByDefault(this, 'EbsEncryption', { enabled: true }).overrideLogicalId('ebs_encryption_by_default');
  }
}
