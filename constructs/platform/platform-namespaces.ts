import { FLUX_NAMESPACE } from '../model/naming';

/** The namespaces Kubernetes keeps for itself; no app may take a name starting with "kube-". */
export const KUBERNETES_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

/** Namespaces that Kubernetes, Flux and the EKS add-ons make themselves (the Flux add-ons' come from their declarations). */
export const SYSTEM_NAMESPACES: Readonly<Record<string, string>> = {
  default: "Kubernetes' default namespace",
  [FLUX_NAMESPACE]: "Flux's namespace",
  // aws-mountpoint-s3-csi-driver v2.7.0, charts/aws-mountpoint-s3-csi-driver/values.yaml: mountpointPod.namespace.
  'mount-s3': "the namespace of the Mountpoint for S3 CSI driver's mount pods",
  'amazon-guardduty': "the namespace of GuardDuty's runtime agent (EKS add-on aws-guardduty-agent)",
};

/**
 * Every namespace the platform may run in: Kubernetes', the system's, and those of the add-ons given. Called with
 * every add-on a cluster can have (default-add-ons.ts platformNamespaces), not only those it has: some come with
 * the apps that need them, and the list must not change when an app comes or goes.
 */
export function platformNamespacesOf(addOns: readonly { readonly namespace: string }[]): string[] {
  const all = [...KUBERNETES_NAMESPACES, ...Object.keys(SYSTEM_NAMESPACES), ...addOns.map((a) => a.namespace)];
  return [...new Set(all)].sort();
}
