import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { bucketClientEgress } from '../blocks/egress-rules';
import { MOUNTPOINT_POD_LABEL_KEY, MOUNTPOINT_POD_NAMESPACE } from '../model/mountpoint-pods';

/**
 * mount-s3, where the Mountpoint for S3 CSI driver runs one Mountpoint pod per bucket volume and node. The
 * EKS add-on's chart makes the namespace and the driver makes the pods; each mounts one app's bucket with
 * that app's credentials, so, unfiltered, it could reach what the app may not: other apps' private
 * services, the nodes, the instance metadata endpoint, the whole internet.
 * Default-deny, then one policy for the Mountpoint pods: nothing in (they serve no port; the CSI node hands
 * them the FUSE device through a Unix socket in their `comm` emptyDir, which it reaches on the host); out,
 * what a bucket client needs: DNS, S3 on 443, and the Pod Identity agent, from which the driver has them
 * fetch the app's credentials.
 * Source: awslabs/mountpoint-s3-csi-driver v2.7.0 (a2d4b06): pkg/podmounter/mppod/creator.go (labels, no
 * ports, the comm emptyDir; no dnsPolicy nor hostNetwork, so CoreDNS answers them and the policies
 * apply), pkg/driver/node/credentialprovider/provider_pod.go and
 * charts/aws-mountpoint-s3-csi-driver/values.yaml (`eksPodIdentityAgent.containerCredentialsFullURI:
 * "http://169.254.170.23/v1/credentials"`). IMDS serves only node-level credentials and STS region
 * detection for IRSA (docs/CONFIGURATION.md), neither of which the apps use; the launch template's hop
 * limit of 1 closes it to pods anyway.
 */
export class MountpointNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const namespace = MOUNTPOINT_POD_NAMESPACE;
    const policy = (name: string, spec: kplus.k8s.NetworkPolicySpec) => new kplus.k8s.KubeNetworkPolicy(this, name, { metadata: { name, namespace }, spec });
    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // The label's value is the Mountpoint version, which changes with the add-on: select on the key alone.
    policy('mountpoint', {
      podSelector: { matchExpressions: [{ key: MOUNTPOINT_POD_LABEL_KEY, operator: 'Exists' }] },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: bucketClientEgress(),
    });
  }
}
