import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { http01HostsOf, MAX_ROUTE_HOSTNAMES, SHARED_LISTENER } from '../model/gateway-layout';
import { APP_PART_OF_LABEL, GATEWAY, GATEWAY_PROXY_POD_LABELS, GATEWAY_PROXY_SERVICE, HTTP_LISTENER } from '../model/naming';
import { jwksHostOf } from '../model/gateway-login';
import { ACCESS_LOG_TELEMETRY } from '../logging/access-log-format';
import { hardenedContainer, restrictedPod, sized } from '../blocks/hardened-container';
import { topologySpreadOf } from '../model/topology-spread';
import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource, type AddOnKind } from './add-on';
import type { ChartWorkload } from './chart-workload';
import { clientLimitsOf, clientLimitsSpecOf } from './client-limits';
import type { WorkloadEgress } from './network-needs';
import { clusterGatewaysOf } from './cluster-gateways';
import { ENVOY_PROXY_IMAGE, proxyBootstrap } from './envoy-proxy-runtime';
import { PLATFORM_PRIORITY } from '../model/priority-names';
import type { KubeObject } from '../model/kube-object';
import { exemptionAnnotations } from '../model/scanner-exemptions';

/** The HTTP listener's redirect to HTTPS; the HTTP-01 hosts' redirects are `<this>-http01-<n>`. */
export const REDIRECT_ROUTE = 'redirect-to-https';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
/** A route rule that redirects to HTTPS and reaches no backend. */
export const redirectsToHttps = (rule: Json): boolean =>
  !rule.backendRefs?.length && (rule.filters ?? []).some((f: Json) => f.type === 'RequestRedirect' && f.requestRedirect?.scheme === 'https');
/** A route of the plain HTTP listener alone that only redirects to HTTPS: it names hosts to send them away, serving none. */
export const isHttpRedirect = (route: KubeObject): boolean =>
  ((route.spec as Json)?.parentRefs ?? []).length > 0 &&
  (route.spec as Json).parentRefs.every((p: Json) => p.sectionName === HTTP_LISTENER) &&
  ((route.spec as Json).rules ?? []).every(redirectsToHttps);

export const envoyGatewayDefaults = {
  name: 'envoy-gateway',
  namespace: GATEWAY.namespace,
  chart: { repository: 'oci://docker.io/envoyproxy', chart: 'gateway-helm', version: 'v1.5.1' } as ChartSource,
  /** The proxies scale on CPU between these; the lower bound keeps one per zone pair through a drain. */
  proxyReplicas: { min: 2, max: 6 },
};
export type EnvoyGatewayProps = Partial<typeof envoyGatewayDefaults>;

/** Envoy's listener ports inside the proxy pods (Envoy Gateway maps 80 and 443 onto them). */
export const PROXY_PORTS = [10080, 10443];
/** The proxies' Prometheus stats and the controller's metrics (see `network`): open to their own namespace only. */
export const GATEWAY_METRICS_PORT = 19001;
/** The controller's xDS server, which every proxy dials (v1.5.1 internal/xds/bootstrap/bootstrap.go: DefaultXdsServerPort, host `envoy-gateway`). */
export const XDS_PORT = 18000;
const PROXY_CONFIG = 'public-proxy';
/** Envoy Gateway's default for both proxy containers, with the uid it sets (DefaultSecurityContext, v1.5.1). */
const PROXY_CONTAINER_SECURITY = { ...hardenedContainer({ writableRoot: true }), privileged: false, runAsUser: 65532, runAsGroup: 65532 };
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const PROXIES_NOT_IN_OUTPUT = 'it selects the proxy pods, which Envoy Gateway creates from the EnvoyProxy in the cluster, not from this output';

/** An HTTPS listener on 443 that terminates TLS with one Secret and admits HTTPRoutes from the given namespaces. */
const httpsListener = (name: string, hostname: string, secret: string, namespaces: Record<string, unknown>) => ({
  name,
  protocol: 'HTTPS',
  port: 443,
  hostname,
  tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: secret }] },
  allowedRoutes: { namespaces, kinds: [{ kind: 'HTTPRoute' }] },
});

/**
 * Each workload's own egress (envoyproxy/gateway@v1.5.1). With an OIDC login, the controller fetches the
 * issuer's discovery document (internal/gatewayapi/securitypolicy.go fetchEndpointsFromIssuer, for the
 * token and authorization endpoints) and the proxies call the token endpoint the oauth2 filter names
 * (internal/xds/translator/oidc.go createOAuth2TokenEndpointCluster). Where a login checks groups, its
 * SecurityPolicy's JWT provider has `remoteJWKS`, which the proxies fetch themselves from the URI's host
 * and port (internal/xds/translator/jwt.go buildJWTAuthn, url2Cluster; validation keeps it on 443); the
 * controller never fetches it. Basic auth calls nothing, so without OIDC neither reaches the internet.
 * A NetworkPolicy cannot name a host: each call is the internet on its port, named for the review.
 */
const oidcCall = (ctx: AddOnContext, name: string) => (ctx.cluster.internalAccess.oidc ? [{ port: 443, name }] : []);
const jwksCall = (ctx: AddOnContext) => {
  const host = jwksHostOf(ctx.cluster, ctx.apps);
  return host === undefined ? [] : [{ port: 443, name: `OIDC JWKS ${host}` }];
};
/**
 * The proxies: the route backends (the apps, the platform endpoints, the HTTP-01 solver), the controller's
 * xDS (bootstrap.yaml.tpl's xds_cluster; the rate limit and Wasm ports 18001 and 18002 serve features we do
 * not use: local rate limits, no Wasm), the OIDC token endpoint and, where a login checks groups, the
 * issuer's JWKS. Access logs go to stdout (ACCESS_LOG_TELEMETRY): no sink to call. Not the Kubernetes API.
 */
export const proxyEgressOf = (ctx: AddOnContext): WorkloadEgress => ({
  egressToRouteBackends: true,
  egressToOwnNamespace: [{ workload: 'envoy-gateway', ports: [{ port: XDS_PORT, name: 'xDS' }] }],
  egressInternet: [...oidcCall(ctx, 'OIDC token endpoint'), ...jwksCall(ctx)],
});
/** The controller: the Kubernetes API (it watches the Gateway API and writes the proxies' objects) and the OIDC issuer; no backend. */
const controllerEgressOf = (ctx: AddOnContext): WorkloadEgress => ({ egressApiServer: true, egressInternet: oidcCall(ctx, 'OIDC issuer discovery') });

/**
 * Envoy Gateway and the cluster's Gateways (model/gateway-layout.ts, docs/gateway-layout.md), merged
 * onto one Envoy fleet behind the cluster's one public load balancer. The first Gateway has the HTTP
 * listener, which only redirects to HTTPS (ACME challenges excepted, which cert-manager routes by exact
 * path), and the listener the app hosts under the cluster's domain share (`*.<domain>`); every other
 * host has an HTTPS listener of its own, open only to its app's or endpoint's namespace, on the Gateway
 * the ledger keeps it on.
 *
 * Merged Gateways at v1.5.1 (api/v1alpha1/envoyproxy_types.go MergeGateways; internal/gatewayapi/validate.go
 * validateConflictedMergedListeners): every listener of the class must have its own protocol, hostname and
 * port, or the newer is Conflicted; so only the first Gateway listens on :80 and hostnames never repeat.
 * A ClientTrafficPolicy attached to a Gateway applies to that Gateway's listeners only, and one that would
 * also cover another Gateway's plain-HTTP listener on its port is refused (clienttrafficpolicy.go
 * validatePortOverlapForClientTrafficPolicy), so each Gateway has its own, with the same limits; a listener
 * whose apps take longer than those limits allow to send a request has one of its own (client-limits.ts).
 * The proxies' Deployment, HPA and PDB come from the one EnvoyProxy and cover the whole fleet.
 */
export class EnvoyGatewayAddOn extends HelmAddOn<typeof envoyGatewayDefaults> {
  readonly dependsOn: readonly AddOnKind[] = [];
  // The proxies take the load balancer's traffic, client addresses kept, so from anywhere. The API server
  // calls the controller's topology webhook (chart v1.5.1, templates/envoy-gateway-deployment.yaml: port
  // `webhook` 9443 while topologyInjector.enabled, its default). The controller fetches the OIDC issuer's
  // discovery document and the proxies call its token endpoint and its JWKS: the internet on 443, nothing else there.
  // This is the namespace's bound: each workload below declares its own egress within it (`egress`).
  // GATEWAY_METRICS_PORT (19001) stays within the namespace: it is the proxies' Prometheus stats (v1.5.1
  // internal/xds/bootstrap/bootstrap.go, EnvoyStatsPort) and the controller's metrics
  // (api/v1alpha1/envoygateway_types.go, GatewayMetricsPort), and nothing here scrapes them. The kubelet's
  // readiness probes (EnvoyReadinessPort 19003) and the NLB's health checks (the Service's
  // healthCheckNodePort, answered by kube-proxy on the node, as externalTrafficPolicy is Local) need no policy.
  readonly network: AddOnNetwork = {
    ingressFromAnywhere: [
      { port: PROXY_PORTS[0], name: 'proxy HTTP' },
      { port: PROXY_PORTS[1], name: 'proxy HTTPS' },
    ],
    ingressFromApiServer: [{ port: 9443, name: 'topology webhook' }],
    egressApiServer: true,
    egressToRouteBackends: true,
    egressInternet: [{ port: 443, name: 'OIDC issuer' }],
  };
  /** From the chart at its pinned version. */
  readonly clusterRights =
    'reads Secrets, Services, EndpointSlices, the Gateway API and its own policies in every namespace and writes their status; creates the proxies, their Service and their scaling only in its own namespace (templates/_rbac.tpl, infra-manager-rbac.yaml)';

  constructor(props: EnvoyGatewayProps = {}) {
    super(envoyGatewayDefaults, props);
  }

  values(): Record<string, unknown> {
    return {};
  }

  /**
   * Source: envoyproxy/gateway@v1.5.1 charts/gateway-helm (values.tmpl.yaml; templates/envoy-gateway-deployment.yaml,
   * envoy-gateway-poddisruptionbudget.yaml, certgen.yaml) and, for the proxies, internal/infrastructure/kubernetes/proxy
   * (resource.go: the containers and their default contexts; resource_provider.go: names and labels).
   */
  workloads(ctx: AddOnContext): ChartWorkload[] {
    const proxy = { ...this.proxyWorkload(), egress: proxyEgressOf(ctx) };
    return [
      {
        kind: 'Deployment',
        name: 'envoy-gateway',
        // Serves the proxies their configuration; they keep the last one while it is away.
        role: 'controller',
        podLabels: { 'control-plane': 'envoy-gateway', 'app.kubernetes.io/name': 'gateway-helm', 'app.kubernetes.io/instance': this.name },
        podSecurity: 'restricted',
        settings: {
          replicas: 2,
          podSecurityContext: restrictedPod(65532),
          // The chart's default context leaves the root writable; we keep that and add the rest.
          containers: { 'envoy-gateway': { securityContext: hardenedContainer({ writableRoot: true }), resources: sized('100m', '256Mi', '1024Mi') } },
          disruptionBudget: { minAvailable: 1 },
          priorityClassName: PLATFORM_PRIORITY,
          spread: true,
        },
        keys: {
          replicas: 'deployment.replicas',
          containers: { 'envoy-gateway': { securityContext: 'deployment.envoyGateway.securityContext', resources: 'deployment.envoyGateway.resources' } },
          // Rendered only for a whole number ≥ 1 (so never a percentage); the default is minAvailable 0.
          disruptionBudget: { path: 'podDisruptionBudget', defaultBound: 'minAvailable' },
          priorityClassName: 'deployment.priorityClassName',
          topologySpreadConstraints: 'deployment.pod.topologySpreadConstraints',
        },
        egress: controllerEgressOf(ctx),
        ports: [
          { port: XDS_PORT, purpose: 'serving' },
          { port: 9443, purpose: 'webhook' },
          { port: GATEWAY_METRICS_PORT, purpose: 'metrics' },
        ],
      },
      {
        kind: 'Job',
        name: 'envoy-gateway-gateway-helm-certgen',
        role: 'job',
        hook: true,
        podLabels: { app: 'certgen' },
        podSecurity: 'restricted',
        // Writes the control plane's certificates as Secrets and the topology webhook's caBundle
        // (internal/cmd/certgen.go@v1.5.1: client.New on the in-cluster config, CreateOrUpdateSecrets,
        // patchTopologyInjectorWebhook): the Kubernetes API and DNS, nothing else.
        egress: { egressApiServer: true },
        settings: {
          replicas: 1,
          // No pod-level key: the container's context carries non-root and seccomp.
          podSecurityContext: {},
          containers: {
            'envoy-gateway-certgen': {
              securityContext: { ...hardenedContainer(), runAsUser: 65532, runAsGroup: 65532 },
              resources: sized('10m', '32Mi', '64Mi'),
            },
          },
          priorityClassName: '',
        },
        exemptions: { priorityClassName: 'the chart has no key for it, and a Helm hook is not post-rendered; it runs for seconds at install and upgrade' },
        keys: {
          containers: { 'envoy-gateway-certgen': { securityContext: 'certgen.job.securityContext', resources: 'certgen.job.resources' } },
        },
      },
      proxy,
    ];
  }

  /** The Gateway's Envoy fleet, which Envoy Gateway renders from the EnvoyProxy below: our only way in. */
  private proxyWorkload(): ChartWorkload {
    return {
      kind: 'Deployment',
      // Merged Gateways: envoy-<gateway class>-<hash> (v1.5.1 internal/gatewayapi/translator.go InitIRs and IRKey:
      // the infra is named after the class; proxy/resource.go ExpectedResourceHashedName).
      name: `envoy-${GATEWAY.className}-`,
      role: 'data-plane',
      managedBy: `EnvoyProxy ${GATEWAY.namespace}/${PROXY_CONFIG}`,
      podLabels: { ...GATEWAY_PROXY_POD_LABELS },
      podSecurity: 'restricted',
      settings: {
        replicas: this.props.proxyReplicas,
        podSecurityContext: restrictedPod(65532),
        // Envoy writes its admin socket and the shutdown manager a marker file: the defaults keep both roots writable.
        containers: {
          envoy: { securityContext: PROXY_CONTAINER_SECURITY, resources: sized('200m', '512Mi', '1Gi') },
          'shutdown-manager': { securityContext: PROXY_CONTAINER_SECURITY, resources: sized('10m', '32Mi', '64Mi') },
        },
        disruptionBudget: { maxUnavailable: 1 },
        priorityClassName: PLATFORM_PRIORITY,
        spread: true,
      },
      ports: [
        ...PROXY_PORTS.map((port) => ({ port, purpose: 'serving' as const })),
        { port: GATEWAY_METRICS_PORT, purpose: 'metrics' },
        { port: 19003, purpose: 'health' },
      ],
    };
  }

  configure(scope: Construct, ctx: AddOnContext): void {
    const c = new Construct(scope, this.name);
    const namespace = this.namespace;
    const proxyConfig = PROXY_CONFIG;
    const proxy = this.proxyWorkload();
    const settings = proxy.settings;
    const replicas = settings.replicas as { min: number; max: number };
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
              // Read by the AWS cloud provider (kubernetes/cloud-provider-aws, pkg/providers/v1/aws.go), the one that
              // makes this NLB: no AWS Load Balancer Controller runs here. It has no scheme annotation (that one is
              // the controller's) and makes an internet-facing NLB unless `aws-load-balancer-internal` is set.
              annotations: {
                'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
                'service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled': 'true',
              },
            },
            envoyDeployment: {
              pod: { securityContext: settings.podSecurityContext, topologySpreadConstraints: topologySpreadOf(proxy.podLabels) },
              // Replaces the context of both containers (envoy and shutdown-manager).
              container: { image: ENVOY_PROXY_IMAGE, securityContext: PROXY_CONTAINER_SECURITY, resources: settings.containers.envoy.resources },
              // No field for these: the shutdown manager's resources and the priority class.
              patch: {
                type: 'StrategicMerge',
                value: {
                  spec: {
                    template: {
                      spec: {
                        priorityClassName: settings.priorityClassName,
                        containers: [{ name: 'shutdown-manager', resources: settings.containers['shutdown-manager'].resources }],
                      },
                    },
                  },
                },
              },
            },
            envoyHpa: {
              minReplicas: replicas.min,
              maxReplicas: replicas.max,
              metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
            },
            envoyPDB: settings.disruptionBudget,
          },
        },
        // The oauth2 filter's cookies in GCM only (envoy-proxy-runtime.ts).
        bootstrap: proxyBootstrap(),
        // Every Gateway of the class on this one fleet and its one NLB (docs/gateway-layout.md).
        mergeGateways: true,
        // Requests per app, 5xx rate and latency become visible in Kibana through this line.
        telemetry: ACCESS_LOG_TELEMETRY,
      },
    });
    // The fleet at a fixed name for clients inside the cluster (the certificate check). It selects on every label
    // the proxies' NetworkPolicy peers name, so the AWS network policy controller adds its ClusterIP to a client's
    // egress (aws/amazon-network-policy-controller-k8s v1.1.7, pkg/resolvers/endpoints.go getMatchingServiceClusterIPs).
    new ApiObject(c, 'InClusterService', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: GATEWAY_PROXY_SERVICE.name,
        namespace,
        labels: { 'app.kubernetes.io/name': GATEWAY_PROXY_SERVICE.name, 'app.kubernetes.io/part-of': 'platform' },
        annotations: exemptionAnnotations([
          { scanner: 'kube-score', check: 'service-targets-pod', reason: PROXIES_NOT_IN_OUTPUT },
          { scanner: 'kube-linter', check: 'dangling-service', reason: PROXIES_NOT_IN_OUTPUT },
        ]),
      },
      spec: {
        type: 'ClusterIP',
        selector: { ...GATEWAY_PROXY_POD_LABELS },
        ports: [{ name: 'https', protocol: 'TCP', port: GATEWAY_PROXY_SERVICE.port, targetPort: PROXY_PORTS[1] }],
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
    const layout = clusterGatewaysOf(ctx);
    const placements = [...layout.placements.values()];
    for (const shard of layout.shards) {
      const hostListeners = placements
        .filter((p) => p.gateway === shard.name && p.listener !== SHARED_LISTENER)
        .map((p) =>
          httpsListener(p.listener, p.host, p.certificateSecret, { from: 'Selector', selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: p.namespace } } }),
        )
        .sort((a, b) => a.name.localeCompare(b.name));
      const firstListeners = shard.first
        ? [
            { name: HTTP_LISTENER, protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'Same' } } },
            // Any app namespace may attach; the route host guard lets each serve only its own hosts.
            ...(layout.wildcard
              ? [
                  httpsListener(SHARED_LISTENER, layout.wildcard.hostname, layout.wildcard.secret, {
                    from: 'Selector',
                    selector: { matchLabels: { ...APP_PART_OF_LABEL } },
                  }),
                ]
              : []),
          ]
        : [];
      new ApiObject(c, shard.first ? 'Resource' : `Resource-${shard.name}`, {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: shard.name, namespace },
        spec: { gatewayClassName: GATEWAY.className, listeners: [...firstListeners, ...hostListeners] },
      });
    }
    // The HTTP listener redirects every request to HTTPS. Envoy Gateway builds one virtual host per route
    // hostname and Envoy picks the most specific domain (v1.5.1 internal/xds/translator/translator.go,
    // addRouteToRouteConfig): while an HTTP-01 challenge is open, cert-manager's route names its host
    // (pkg/issuer/acme/http/httproute.go@v1.18.2), and a redirect without hostnames would no longer reach
    // that host: every other path would get 404. So the HTTP-01 hosts are named again, 16 to a route; the
    // challenge's Exact path still wins over the redirect's PathPrefix (internal/gatewayapi/sort.go).
    const redirect = (id: string, name: string, hostnames?: readonly string[]) =>
      new ApiObject(c, id, {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name, namespace },
        spec: {
          parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: GATEWAY.name, sectionName: HTTP_LISTENER }],
          ...(hostnames ? { hostnames: [...hostnames] } : {}),
          rules: [
            {
              matches: [{ path: { type: 'PathPrefix', value: '/' } }],
              filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }],
            },
          ],
        },
      });
    redirect('Redirect', REDIRECT_ROUTE);
    const http01Hosts = http01HostsOf(layout);
    for (let i = 0; i * MAX_ROUTE_HOSTNAMES < http01Hosts.length; i++) {
      redirect(`Redirect-http01-${i}`, `${REDIRECT_ROUTE}-http01-${i}`, http01Hosts.slice(i * MAX_ROUTE_HOSTNAMES, (i + 1) * MAX_ROUTE_HOSTNAMES));
    }
    for (const limits of clientLimitsOf(layout, ctx.apps)) {
      new ApiObject(c, limits.id, {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'ClientTrafficPolicy',
        metadata: { name: limits.name, namespace },
        spec: clientLimitsSpecOf(limits),
      });
    }
  }
}
