import * as kplus from 'cdk8s-plus-28';
import { IntOrString } from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { GATEWAY_PROXY_NAMESPACE, GATEWAY_PROXY_POD_LABELS, labelsOf, namespaceOf, selectorLabelsOf } from '../model/naming';
import { NAMESPACE_NAME_LABEL } from '../model/network-ranges';
import { clusterDnsEgress, podIdentityAgentEgress, publicHttpsEgress, publicSmtpEgress } from '../blocks/egress-rules';
import type { ResolvedApp } from '../model/resolve';

export interface NetworkPoliciesProps {
  readonly app: ResolvedApp;
}

/**
 * Default-deny for the app's namespace, then one policy per workload that selects it by its name label
 * and lists both directions: here the app's pods (traffic in from the Gateway's proxies on the app port;
 * DNS out, its private services (database, cache) on their ports, and, only if the spec asks, HTTPS (with
 * the Pod Identity agent, for its bucket's S3 API) or SMTP submission out to the internet); the backup
 * jobs' policy sits with the jobs.
 */
export class NetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    const { app } = props;
    const namespace = namespaceOf(app.name);
    const labels = labelsOf(app.name);
    const appPods = { matchLabels: selectorLabelsOf(app.name) };
    const policy = (name: string, spec: kplus.k8s.NetworkPolicySpec) =>
      new kplus.k8s.KubeNetworkPolicy(this, name, { metadata: { name, namespace, labels }, spec });

    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // The app's own pods, by their name label: in from the Gateway's proxies on its port; out to DNS, its
    // private services and, only if the spec asks, HTTPS or SMTP submission on the internet.
    policy(app.name, {
      podSelector: appPods,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: GATEWAY_PROXY_NAMESPACE } },
              podSelector: { matchLabels: { ...GATEWAY_PROXY_POD_LABELS } },
            },
          ],
          ports: [{ protocol: 'TCP', port: IntOrString.fromNumber(app.port) }],
        },
      ],
      egress: [
        clusterDnsEgress(),
        ...privateServiceEgress(app),
        // S3's addresses are public: with HTTPS out, the app reaches its bucket through the S3 API, with its role's credentials.
        ...(app.outboundHttps ? [publicHttpsEgress(), podIdentityAgentEgress()] : []),
        ...(app.outboundSmtp ? [publicSmtpEgress()] : []),
      ],
    });
  }
}

/** One egress rule per private service of the app: its ranges, its one port. */
export const privateServiceEgress = (app: ResolvedApp): kplus.k8s.NetworkPolicyEgressRule[] =>
  app.privateServices.map((service) => ({
    to: service.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
    ports: [{ protocol: 'TCP', port: IntOrString.fromNumber(service.port) }],
  }));
