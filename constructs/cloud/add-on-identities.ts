import { CERT_MANAGER_SERVICE_ACCOUNT, certManagerDefaults } from '../platform/cert-manager';
import { CLUSTER_AUTOSCALER_SERVICE_ACCOUNT, clusterAutoscalerDefaults } from '../platform/cluster-autoscaler';
import { EXTERNAL_DNS_SERVICE_ACCOUNT, externalDnsDefaults } from '../platform/external-dns';
import { EXTERNAL_SECRETS_SERVICE_ACCOUNT, externalSecretsDefaults } from '../platform/external-secrets';

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

/** Taken from the add-on files, so the role is bound to exactly what the HelmRelease installs. */
export const ADD_ON_IDENTITIES: readonly AddOnIdentity[] = [
  { addOn: 'external-dns', namespace: externalDnsDefaults.namespace, serviceAccount: EXTERNAL_DNS_SERVICE_ACCOUNT, serviceAccountValues: ['serviceAccount'] },
  {
    addOn: 'external-secrets',
    namespace: externalSecretsDefaults.namespace,
    serviceAccount: EXTERNAL_SECRETS_SERVICE_ACCOUNT,
    serviceAccountValues: ['serviceAccount'],
  },
  {
    addOn: 'cluster-autoscaler',
    namespace: clusterAutoscalerDefaults.namespace,
    serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
    serviceAccountValues: ['rbac', 'serviceAccount'],
  },
  { addOn: 'cert-manager', namespace: certManagerDefaults.namespace, serviceAccount: CERT_MANAGER_SERVICE_ACCOUNT, serviceAccountValues: ['serviceAccount'] },
];

/** The role of one add-on in one cluster. Not an app role: those end in `-app` or `-backup`. */
export const addOnRoleOf = (cluster: string, addOn: AwsAddOn): string => `${cluster}-addon-${addOn}`;
/** The Terraform addresses of an add-on's role, its policy and its Pod Identity association. */
export const addOnRoleAddressOf = (addOn: AwsAddOn): string => `addon_role_${addOn}`;
export const addOnPodIdentityAddressOf = (addOn: AwsAddOn): string => `addon_pod_identity_${addOn}`;
