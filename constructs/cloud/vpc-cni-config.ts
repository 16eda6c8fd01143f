/* The VPC CNI add-on's configuration values: it enforces NetworkPolicies. Keys and value types are those of
   the add-on's configuration (EKS user guide, "Restrict Pod network traffic with Kubernetes network
   policies": `{"enableNetworkPolicy": "true"}`, strings, not booleans) and of the chart it renders
   (aws/amazon-vpc-cni-k8s, tag v1.21.1, charts/aws-vpc-cni/values.yaml: `enableNetworkPolicy`,
   `env.NETWORK_POLICY_ENFORCING_MODE`, `nodeAgent.*`). `enableNetworkPolicy` starts the node agent with
   `--enable-network-policy=true` (templates/daemonset.yaml); the agent container itself is on by default
   (`nodeAgent.enabled: true`), and its conntrack cleanup keeps the chart's 300 s. */

/**
 * The two modes the CNI accepts (any case). Any other value stops ipamd at start, so no node gets pod networking
 * (amazon-vpc-cni-k8s v1.21.1, pkg/ipamd/ipamd.go, getNetworkPolicyMode; aws-network-policy-agent v1.3.1, pkg/utils/utils.go).
 */
export const NETWORK_POLICY_ENFORCING_MODES = ['standard', 'strict'] as const;
export type NetworkPolicyEnforcingMode = (typeof NETWORK_POLICY_ENFORCING_MODES)[number];

/**
 * `standard`, for now. In `strict` mode a pod starts with deny-all and stays so while no NetworkPolicy selects
 * it (aws-network-policy-agent v1.3.1, controllers/policyendpoints_controller.go and pkg/rpc/rpc_handler.go:
 * DEFAULT_DENY when no policy applies), which closes the seconds in which a new pod runs unfiltered. But
 * this repo writes no NetworkPolicies for kube-system (CoreDNS, the EBS CSI controller) or flux-system:
 * under strict mode those pods would reach nothing and be reached by nothing, so DNS and GitOps would stop
 * (mount-s3, where Mountpoint's pods run, has its own: constructs/platform/mountpoint-network-policies.ts).
 * In `standard` mode a pod is filtered as soon as the
 * agent has programmed its policies; a new replica whose policies the node already knows gets them at
 * creation (rpc_handler.go), and every namespace this repo deploys into has a namespace-wide default-deny.
 * Switch to `strict` once every namespace that runs pods has policies that select them (issue 13, point 4).
 */
export const NETWORK_POLICY_ENFORCING_MODE: NetworkPolicyEnforcingMode = 'standard';

/** The vpc-cni add-on's `configuration_values`, before JSON encoding. */
export const VPC_CNI_CONFIGURATION = {
  enableNetworkPolicy: 'true',
  env: { NETWORK_POLICY_ENFORCING_MODE },
} as const;
