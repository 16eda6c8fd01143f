/**
 * Where each platform add-on that calls AWS runs, and as which ServiceAccount. Its HelmRelease
 * (constructs/platform/) installs exactly this, and its Pod Identity role (constructs/cloud/) trusts exactly
 * this; both read it here, so the Terraform side needs none of the add-ons' chart code.
 */
export interface AwsAddOnAccount {
  readonly namespace: string;
  readonly serviceAccount: string;
}

export const EXTERNAL_DNS_ACCOUNT: AwsAddOnAccount = { namespace: 'external-dns', serviceAccount: 'external-dns' };
export const EXTERNAL_SECRETS_ACCOUNT: AwsAddOnAccount = { namespace: 'external-secrets', serviceAccount: 'external-secrets' };
export const CLUSTER_AUTOSCALER_ACCOUNT: AwsAddOnAccount = { namespace: 'cluster-autoscaler', serviceAccount: 'cluster-autoscaler' };
export const CERT_MANAGER_ACCOUNT: AwsAddOnAccount = { namespace: 'cert-manager', serviceAccount: 'cert-manager' };
