import type { CloudCluster } from '../../model/cloud-input';
import { addonMajorOf, EKS_ADDON_VERSIONS_FILE, eksAddonPinsOf, EXACT_ADDON_VERSION, MOUNTPOINT_MIN_MAJOR } from '../../cloud/eks-addon-versions';
import type { EksAddonName } from '../../cloud/eks-addon-versions';
import { parsePolicy, resourcesOf, type TerraformJson } from '../../cloud/terraform-json';
import { NETWORK_POLICY_ENFORCING_MODES } from '../../cloud/vpc-cni-config';

/**
 * The EKS add-ons, read from the Terraform JSON: every one at an exact version (never left to EKS), the one
 * pinned for the cluster's Kubernetes version; the Mountpoint S3 CSI driver at v2 or later, which our
 * volumes need; and the VPC CNI enforcing NetworkPolicies, without which every default-deny is void.
 */
export function eksAddonProblems(json: TerraformJson, cluster: CloudCluster): string[] {
  const problems: string[] = [];
  const pins = eksAddonPinsOf(cluster.kubernetesVersion);
  if (!pins) problems.push(`EKS add-ons: no versions are pinned for Kubernetes ${cluster.kubernetesVersion} in ${EKS_ADDON_VERSIONS_FILE}`);

  for (const [address, addon] of resourcesOf(json, 'aws_eks_addon')) {
    const name = String(addon.addon_name ?? address);
    const say = (problem: string) => problems.push(`EKS add-on ${name}: ${problem}`);
    const version: unknown = addon.addon_version;

    if (typeof version !== 'string' || !EXACT_ADDON_VERSION.test(version)) {
      say(
        `addon_version is ${JSON.stringify(version)}, not an exact version like v1.21.1-eksbuild.7: EKS would choose one, and what runs would show in no diff`,
      );
    } else {
      const pin = pins?.[name as EksAddonName];
      if (pins && !pin) say(`has no pin in ${EKS_ADDON_VERSIONS_FILE}`);
      if (pin && pin.version !== version)
        say(`runs ${version}, but ${EKS_ADDON_VERSIONS_FILE} pins ${pin.version} for Kubernetes ${cluster.kubernetesVersion}`);
      if (name === 'aws-mountpoint-s3-csi-driver' && addonMajorOf(version)! < MOUNTPOINT_MIN_MAJOR) {
        say(`is ${version}: app volumes mount with the pod's own credentials (authenticationSource: pod), which needs v${MOUNTPOINT_MIN_MAJOR} or later`);
      }
    }
    if (name === 'vpc-cni') problems.push(...networkPolicyProblems(addon.configuration_values).map((p) => `EKS add-on vpc-cni: ${p}`));
  }
  return problems;
}

/** Why a vpc-cni configuration would not enforce NetworkPolicies, or would stop the CNI. */
function networkPolicyProblems(configurationValues: unknown): string[] {
  const config = parsePolicy(configurationValues);
  if (config === null || typeof config !== 'object') {
    return ['configuration_values is not a JSON object: the CNI does not enforce NetworkPolicies (enableNetworkPolicy is "false" by default)'];
  }
  const problems: string[] = [];
  if (config.enableNetworkPolicy !== 'true') {
    problems.push(`enableNetworkPolicy is ${JSON.stringify(config.enableNetworkPolicy)}, not "true": no NetworkPolicy is enforced, every default-deny is void`);
  }
  if (config.nodeAgent?.enabled === false || config.nodeAgent?.enabled === 'false') {
    problems.push('nodeAgent.enabled is false: without the network policy agent nothing enforces the policies');
  }
  const mode: unknown = config.env?.NETWORK_POLICY_ENFORCING_MODE;
  if (!(NETWORK_POLICY_ENFORCING_MODES as readonly unknown[]).includes(mode)) {
    problems.push(
      `env.NETWORK_POLICY_ENFORCING_MODE is ${JSON.stringify(mode)}, not one of ${NETWORK_POLICY_ENFORCING_MODES.map((m) => `"${m}"`).join(', ')}: name the mode (vpc-cni-config.ts says which and why); a value the CNI does not know stops it on every node`,
    );
  }
  return problems;
}
