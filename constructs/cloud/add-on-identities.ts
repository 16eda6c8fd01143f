import { CERT_MANAGER_ACCOUNT, CLUSTER_AUTOSCALER_ACCOUNT, EXTERNAL_DNS_ACCOUNT, EXTERNAL_SECRETS_ACCOUNT } from '../model/aws-add-on-accounts';

/** The platform add-ons that call AWS, each through a Pod Identity role of its own. */
export type AwsAddOn = 'external-dns' | 'external-secrets' | 'cluster-autoscaler' | 'cert-manager';

/** Who one add-on is in the cluster: the ServiceAccount its Helm chart creates, and where. */
export interface AddOnIdentity {
  /** The add-on's name, which is also its HelmRelease's name. */
  readonly addOn: AwsAddOn;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Where the chart's values hold `{ create, name }` of that ServiceAccount. */
  readonly serviceAccountValues: readonly string[];
}

/** Shared with the add-on files (model/aws-add-on-accounts.ts), so the role is bound to exactly what the HelmRelease installs. */
export const ADD_ON_IDENTITIES: readonly AddOnIdentity[] = [
  { addOn: 'external-dns', ...EXTERNAL_DNS_ACCOUNT, serviceAccountValues: ['serviceAccount'] },
  { addOn: 'external-secrets', ...EXTERNAL_SECRETS_ACCOUNT, serviceAccountValues: ['serviceAccount'] },
  { addOn: 'cluster-autoscaler', ...CLUSTER_AUTOSCALER_ACCOUNT, serviceAccountValues: ['rbac', 'serviceAccount'] },
  { addOn: 'cert-manager', ...CERT_MANAGER_ACCOUNT, serviceAccountValues: ['serviceAccount'] },
];

/** The role of one add-on in one cluster. Not an app role: those end in `-app` or `-backup`. */
export const addOnRoleOf = (cluster: string, addOn: AwsAddOn): string => `${cluster}-addon-${addOn}`;
/** The Terraform addresses of an add-on's role, its policy and its Pod Identity association. */
export const addOnRoleAddressOf = (addOn: AwsAddOn): string => `addon_role_${addOn}`;
export const addOnPodIdentityAddressOf = (addOn: AwsAddOn): string => `addon_pod_identity_${addOn}`;
