import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { certificateSecretOf, CLUSTER_ISSUER, GATEWAY, HTTP_LISTENER } from '../model/naming';
import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource } from './add-on';
import { PLATFORM_PRIORITY } from './priority-classes';

export const certManagerDefaults = {
  name: 'cert-manager',
  namespace: 'cert-manager',
  chart: { repository: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.18.2' } as ChartSource,
};
export type CertManagerProps = Partial<typeof certManagerDefaults>;

/**
 * cert-manager with Gateway API support, an ACME ClusterIssuer that solves HTTP-01 through the shared
 * Gateway's HTTP listener, and one explicit Certificate per app host and platform endpoint host.
 * Explicit Certificates rather than the Gateway annotation: they are checked against their schema at
 * synth time, reviewers see each one in the diff, and a certificate outlives a listener edit instead of
 * vanishing with it.
 */
export class CertManagerAddOn extends HelmAddOn<typeof certManagerDefaults> {
  /** Its Gateway API support needs the Gateway API CRDs, which Envoy Gateway's chart installs. */
  readonly dependsOn: readonly string[] = ['envoy-gateway'];
  readonly podSecurity = 'restricted' as const;
  // The API server calls its webhook (chart v1.18.2, values.yaml webhook.securePort: 10250). On the
  // internet: the ACME server, and each host's HTTP-01 self-check through the load balancer before ACME
  // validates. HTTP-01 only: no DNS-01, so no name server on 53.
  readonly network: AddOnNetwork = {
    ingressFromApiServer: [{ port: 10250, name: 'webhook' }],
    egressApiServer: true,
    egressInternet: [
      { port: 80, name: 'HTTP-01 self-check' },
      { port: 443, name: 'ACME' },
    ],
  };

  constructor(props: CertManagerProps = {}) {
    super(certManagerDefaults, props);
  }

  values(): Record<string, unknown> {
    return {
      crds: { enabled: true, keep: true },
      global: { priorityClassName: PLATFORM_PRIORITY },
      config: {
        apiVersion: 'controller.config.cert-manager.io/v1alpha1',
        kind: 'ControllerConfiguration',
        enableGatewayAPI: true,
      },
      podDisruptionBudget: { enabled: true },
    };
  }

  configure(scope: Construct, ctx: AddOnContext): void {
    const c = new Construct(scope, this.name);
    new ApiObject(c, 'Issuer', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: CLUSTER_ISSUER },
      spec: {
        acme: {
          server: ctx.cluster.acme.server,
          email: ctx.cluster.acme.email,
          privateKeySecretRef: { name: `${CLUSTER_ISSUER}-account-key` },
          solvers: [
            {
              http01: {
                gatewayHTTPRoute: {
                  parentRefs: [{ kind: 'Gateway', name: GATEWAY.name, namespace: GATEWAY.namespace, sectionName: HTTP_LISTENER }],
                },
              },
            },
          ],
        },
      },
    });
    const hosts = [...ctx.apps.flatMap((app) => app.hosts), ...(ctx.endpoints ?? []).map((e) => e.host)].sort();
    for (const host of hosts) {
      new ApiObject(c, `Certificate-${host}`, {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: certificateSecretOf(host), namespace: GATEWAY.namespace },
        spec: {
          secretName: certificateSecretOf(host),
          dnsNames: [host],
          issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: CLUSTER_ISSUER },
          privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
          renewBefore: '720h',
        },
      });
    }
  }
}
