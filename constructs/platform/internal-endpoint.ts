import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { HttpsRoute } from '../blocks/https-route';
import type { ClusterSpec } from '../model/cluster-spec';
import type { GatewayLayout } from '../model/gateway-layout';
import { EXPOSURE_LABEL } from '../model/naming';
import { DEFAULT_EDGE } from '../model/resolve';
import type { AddOn, AddOnContext, PlatformEndpoint } from './add-on';

/** Every add-on's internal endpoints, by host. */
export function platformEndpointsOf(ctx: AddOnContext, addOns: readonly AddOn[]): PlatformEndpoint[] {
  return addOns.flatMap((addOn) => addOn.endpoints?.(ctx) ?? []).sort((a, b) => a.host.localeCompare(b.host));
}

/** The route's own exposure label is what the edge rules read: a platform namespace carries none. */
export const endpointLabelsOf = (endpoint: PlatformEndpoint): Record<string, string> => ({
  'app.kubernetes.io/name': endpoint.name,
  'app.kubernetes.io/part-of': 'platform',
  'app.kubernetes.io/managed-by': 'webapp-platform',
  [EXPOSURE_LABEL]: 'internal',
});

export interface InternalEndpointProps {
  readonly endpoint: PlatformEndpoint;
  readonly cluster: ClusterSpec;
  /** Where the cluster serves each host: the endpoint's own listener is there. */
  readonly gateways: GatewayLayout;
}

/**
 * A platform UI on the shared Gateway, treated as an internal app: an HTTPRoute on its host's HTTPS
 * listener only, with HSTS; the default rate limit and body cap; the staff login of internal apps; and,
 * where the UI serves HTTPS, a BackendTLSPolicy so the Gateway verifies its certificate.
 */
export class InternalEndpoint extends Construct {
  constructor(scope: Construct, id: string, props: InternalEndpointProps) {
    super(scope, id);
    const { endpoint, cluster } = props;
    const { name, namespace, host } = endpoint;
    const labels = endpointLabelsOf(endpoint);
    new HttpsRoute(this, 'Route', {
      name,
      namespace,
      labels,
      hosts: [host],
      backend: { service: endpoint.service, port: endpoint.port },
      edge: DEFAULT_EDGE,
      gateways: props.gateways,
      login: { cluster },
    });
    if (endpoint.backendTls) {
      // Gateway API's BackendTLSPolicy at the version Envoy Gateway v1.5.1 serves (its chart's CRDs: Gateway
      // API v1.3.0, experimental channel, v1alpha3). Envoy Gateway reads `ca.crt` of a Secret in the
      // policy's namespace (internal/gatewayapi/backendtlspolicy.go, getCaCertsFromCARefs).
      new ApiObject(this, 'BackendTls', {
        apiVersion: 'gateway.networking.k8s.io/v1alpha3',
        kind: 'BackendTLSPolicy',
        metadata: { name, namespace, labels },
        spec: {
          targetRefs: [{ group: '', kind: 'Service', name: endpoint.service }],
          validation: { caCertificateRefs: [{ group: '', kind: 'Secret', name: endpoint.backendTls.caSecret }], hostname: endpoint.backendTls.hostname },
        },
      });
    }
  }
}
