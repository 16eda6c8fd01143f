import type * as kplus from 'cdk8s-plus-28';
import { IntOrString } from 'cdk8s-plus-28/lib/imports/k8s';
import { CLUSTER_DNS, NAMESPACE_NAME_LABEL, NON_PUBLIC_RANGES, POD_IDENTITY_AGENT, SMTP_SUBMISSION_PORTS } from '../model/network-ranges';

/** Out to the cluster's DNS (CoreDNS in kube-system), on 53 over UDP and TCP. */
export const clusterDnsEgress = (): kplus.k8s.NetworkPolicyEgressRule => ({
  to: [
    {
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: CLUSTER_DNS.namespace } },
      podSelector: { matchLabels: { ...CLUSTER_DNS.podLabels } },
    },
  ],
  ports: ['UDP', 'TCP'].map((protocol) => ({ protocol, port: IntOrString.fromNumber(CLUSTER_DNS.port) })),
});

/** Out to HTTPS at any public address: never the VPC, the nodes' link-local services or other private ranges. */
export const publicHttpsEgress = (): kplus.k8s.NetworkPolicyEgressRule => ({
  to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...NON_PUBLIC_RANGES] } }],
  ports: [{ protocol: 'TCP', port: IntOrString.fromNumber(443) }],
});

/** Out to a mail relay's SMTP submission ports at any public address, as publicHttpsEgress is for HTTPS. */
export const publicSmtpEgress = (): kplus.k8s.NetworkPolicyEgressRule => ({
  to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...NON_PUBLIC_RANGES] } }],
  ports: SMTP_SUBMISSION_PORTS.map((port) => ({ protocol: 'TCP', port: IntOrString.fromNumber(port) })),
});

/** Out to the EKS Pod Identity agent on the node: the credentials of the pod's own role. */
export const podIdentityAgentEgress = (): kplus.k8s.NetworkPolicyEgressRule => ({
  to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }],
  ports: [{ protocol: 'TCP', port: IntOrString.fromNumber(POD_IDENTITY_AGENT.port) }],
});

/**
 * What a pod that reads and writes a bucket with its Pod Identity role needs out: DNS, S3 on 443 (any public
 * address, as S3's are, through the NAT or a gateway endpoint alike) and the Pod Identity agent.
 */
export const bucketClientEgress = (): kplus.k8s.NetworkPolicyEgressRule[] => [clusterDnsEgress(), publicHttpsEgress(), podIdentityAgentEgress()];
