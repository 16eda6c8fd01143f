/** Address ranges and well-known ports the network policies name, in one place. */

/** RFC 1918 private space. */
export const PRIVATE_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
/** Private and link-local ranges (node metadata included) that traffic to the internet must never reach. */
export const NON_PUBLIC_RANGES: readonly string[] = [...PRIVATE_RANGES, '169.254.0.0/16', '100.64.0.0/10'];
/** SMTP submission: 587 with STARTTLS, 465 with TLS from the first byte. Port 25 stays closed (relay-to-relay, and AWS throttles it). */
export const SMTP_SUBMISSION_PORTS: readonly number[] = [587, 465];
/** The EKS Pod Identity agent on every node: the only way a pod gets AWS credentials. */
export const POD_IDENTITY_AGENT = { cidr: '169.254.170.23/32', port: 80 } as const;
/** The node's instance metadata endpoint: no pod may reach it (the launch template's hop limit of 1 guards it too). */
export const METADATA_ENDPOINT = { address: '169.254.169.254', port: 80 } as const;

/** The Kubernetes API's port, on its private endpoint and on the `kubernetes` Service. */
export const KUBERNETES_API_PORT = 443;
/**
 * The `kubernetes` Service's ClusterIP, the first address of the service range. The clusters set no
 * `serviceIpv4Cidr`, so EKS picks "either 10.100.0.0/16 or 172.20.0.0/16" (EKS API reference,
 * KubernetesNetworkConfigRequest.serviceIpv4Cidr); the policies name both, as either may be this cluster's.
 * For a pod that dials the Service, the CNI sees this address, not the API server's: it filters egress
 * on the pod's veth, before kube-proxy's DNAT (aws-network-policy-agent v1.3.1, pkg/ebpf/bpf_client.go:
 * the egress program attaches at the host veth's TC ingress hook, which runs before netfilter).
 */
export const KUBERNETES_SERVICE_IPS: readonly string[] = ['10.100.0.1/32', '172.20.0.1/32'];
/** The kubelet's API on every node (metrics-server reads it). */
export const KUBELET_PORT = 10250;

/** The cluster's DNS: CoreDNS pods of the EKS add-on, selected the way kube-dns always was. */
export const CLUSTER_DNS = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 } as const;
/** Every namespace carries its own name as this label (Kubernetes sets it). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
