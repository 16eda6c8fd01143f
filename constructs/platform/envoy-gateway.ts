import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { certificateSecretOf, GATEWAY, HTTP_LISTENER, httpsListenerOf, namespaceOf } from '../model/naming';
import { ACCESS_LOG_TELEMETRY } from '../logging/access-log-format';
import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource } from './add-on';
import { PLATFORM_PRIORITY } from './priority-classes';

export const envoyGatewayDefaults = {
  name: 'envoy-gateway',
  namespace: GATEWAY.namespace,
  chart: { repository: 'oci://docker.io/envoyproxy', chart: 'gateway-helm', version: 'v1.5.1' } as ChartSource,
  proxyReplicas: 2,
};
export type EnvoyGatewayProps = Partial<typeof envoyGatewayDefaults>;

/** Envoy's listener ports inside the proxy pods (Envoy Gateway maps 80 and 443 onto them). */
export const PROXY_PORTS = [10080, 10443];
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * Envoy Gateway and the one shared Gateway: an HTTP listener that only redirects to HTTPS (ACME
 * challenges excepted, which cert-manager routes by exact path), and one HTTPS listener per app host
 * and per platform endpoint host, open only to that app's or endpoint's namespace. Its proxies sit
 * behind the cluster's one public load balancer.
 */
export class EnvoyGatewayAddOn extends HelmAddOn<typeof envoyGatewayDefaults> {
  readonly dependsOn: readonly string[] = [];
  readonly podSecurity = 'restricted' as const;
  // The proxies take the load balancer's traffic, client addresses kept, so from anywhere. The API server
  // calls the controller's topology webhook (chart v1.5.1, templates/envoy-gateway-deployment.yaml: port
  // `webhook` 9443 while topologyInjector.enabled, its default). The controller fetches the OIDC issuer's
  // discovery document and the proxies call its token endpoint: the internet on 443, nothing else there.
  readonly network: AddOnNetwork = {
    ingressFromAnywhere: [
      { port: PROXY_PORTS[0], name: 'proxy HTTP' },
      { port: PROXY_PORTS[1], name: 'proxy HTTPS' },
      { port: 19001, name: 'metrics' },
    ],
    ingressFromApiServer: [{ port: 9443, name: 'topology webhook' }],
    egressApiServer: true,
    egressToRouteBackends: true,
    egressInternet: [{ port: 443, name: 'OIDC issuer' }],
  };

  constructor(props: EnvoyGatewayProps = {}) {
    super(envoyGatewayDefaults, props);
  }

  values(): Record<string, unknown> {
    return { deployment: { replicas: 2, priorityClassName: PLATFORM_PRIORITY } };
  }

  configure(scope: Construct, ctx: AddOnContext): void {
    const c = new Construct(scope, this.name);
    const namespace = this.namespace;
    const proxyConfig = 'public-proxy';
    new ApiObject(c, 'Proxy', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'EnvoyProxy',
      metadata: { name: proxyConfig, namespace },
      spec: {
        provider: {
          type: 'Kubernetes',
          kubernetes: {
            envoyService: {
              type: 'LoadBalancer',
              // Local keeps the client's source IP, which the internal apps' IP allowlist needs.
              externalTrafficPolicy: 'Local',
              annotations: {
                'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
                'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
                'service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled': 'true',
              },
            },
            envoyDeployment: {
              replicas: this.props.proxyReplicas,
              patch: { type: 'StrategicMerge', value: { spec: { template: { spec: { priorityClassName: PLATFORM_PRIORITY } } } } },
            },
          },
        },
        // Requests per app, 5xx rate and latency become visible in Kibana through this line.
        telemetry: ACCESS_LOG_TELEMETRY,
      },
    });
    new ApiObject(c, 'Class', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: GATEWAY.className },
      spec: {
        controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
        parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: proxyConfig, namespace },
      },
    });
    const hostListeners = [...ctx.apps.flatMap((app) => app.hosts.map((host) => ({ host, namespace: namespaceOf(app.name) }))), ...(ctx.endpoints ?? [])]
      .map(({ host, namespace: routes }) => ({
        name: httpsListenerOf(host),
        protocol: 'HTTPS',
        port: 443,
        hostname: host,
        tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: certificateSecretOf(host) }] },
        allowedRoutes: {
          namespaces: { from: 'Selector', selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: routes } } },
          kinds: [{ kind: 'HTTPRoute' }],
        },
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    new ApiObject(c, 'Resource', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: GATEWAY.name, namespace },
      spec: {
        gatewayClassName: GATEWAY.className,
        listeners: [{ name: HTTP_LISTENER, protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'Same' } } }, ...hostListeners],
      },
    });
    new ApiObject(c, 'Redirect', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'redirect-to-https', namespace },
      spec: {
        parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: GATEWAY.name, sectionName: HTTP_LISTENER }],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }],
          },
        ],
      },
    });
    new ApiObject(c, 'ClientPolicy', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'ClientTrafficPolicy',
      metadata: { name: 'client-limits', namespace },
      spec: {
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: GATEWAY.name }],
        tls: { minVersion: '1.2' },
        timeout: { http: { requestReceivedTimeout: '60s', idleTimeout: '120s' } },
        headers: { withUnderscoresAction: 'RejectRequest' },
        connection: { bufferLimit: '64Ki' },
      },
    });
  }
}
