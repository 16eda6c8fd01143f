import { ApiObject } from 'cdk8s';
import type { IHTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { Construct } from 'constructs';
import type { EdgeSpec } from '../model/app-spec';
import type { GatewayPlacements } from '../model/gateway-layout';
import { GATEWAY } from '../model/naming';
import { parseQuantity } from '../model/quantity';
import { contentLengthAbove } from './content-length-pattern';
import { LoginPolicy, type LoginPolicyProps } from './login-policy';

export interface HttpsRouteProps {
  /** Names the HTTPRoute and its policies. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly hosts: readonly string[];
  /** The ClusterIP Service the Gateway sends requests to, and its port. */
  readonly backend: { readonly service: string; readonly port: number };
  /** The rate limit, body cap and request timeout the Gateway enforces. */
  readonly edge: Required<EdgeSpec>;
  /** Where the cluster serves each host (model/gateway-layout.ts). */
  readonly gateways: GatewayPlacements;
  /** Set for what only staff may reach: the staff login of internal apps, on each of its hosts. */
  readonly login?: { readonly cluster: LoginPolicyProps['cluster']; readonly groups?: LoginPolicyProps['groups'] };
}

/** The listeners a route attaches to for its hosts, each once: a shared listener serves several of them. */
export const parentRefsOf = (hosts: readonly string[], gateways: GatewayPlacements): { gateway: string; listener: string }[] => {
  const refs = hosts.map((host) => {
    const placement = gateways.placements.get(host);
    if (!placement) throw new Error(`host ${host} has no place on a Gateway`);
    return { gateway: placement.gateway, listener: placement.listener };
  });
  return refs.filter((r, i) => refs.findIndex((o) => o.gateway === r.gateway && o.listener === r.listener) === i);
};

/**
 * Tells browsers to use HTTPS only for this host, for a year, once they have seen it. Never with
 * includeSubDomains: that pins every name below the host to HTTPS with a trusted certificate, with no
 * click-through (RFC 6797 §8.4, §12.1), and the platform does not serve them all so. Prod's apex
 * `example.com` sits above staging's `*.staging.example.com`, whose Let's Encrypt staging certificates
 * browsers do not trust, and a custom domain's other names are its owner's. The edge rules refuse it.
 */
export const HSTS = 'max-age=31536000';

/**
 * A site on the shared Gateway, written once for apps and platform UIs alike: an HTTPRoute on the HTTPS
 * listener of each of its hosts (the shared one or its own; never the HTTP listener, which only
 * redirects), with HSTS and a request timeout, and a 413 for a body announced above the cap; a
 * BackendTrafficPolicy with the rate limit; and, where only staff may enter, the login. Its hostnames are its hosts, the only ones the route host
 * guard lets its namespace serve.
 */
export class HttpsRoute extends Construct {
  constructor(scope: Construct, id: string, props: HttpsRouteProps) {
    super(scope, id);
    const { name, namespace, labels, edge } = props;
    const maxBody = Math.floor(parseQuantity(edge.maxBodySize)!);
    const tooLarge = `${name}-body-too-large`;
    const hsts = { type: 'ResponseHeaderModifier' as const, responseHeaderModifier: { set: [{ name: 'Strict-Transport-Security', value: HSTS }] } };
    const spec: IHTTPRoute['spec'] = {
      parentRefs: parentRefsOf(props.hosts, props.gateways).map(({ gateway, listener }) => ({
        group: 'gateway.networking.k8s.io',
        kind: 'Gateway',
        name: gateway,
        namespace: GATEWAY.namespace,
        sectionName: listener,
      })),
      hostnames: [...props.hosts],
      rules: [
        // A body announced above the cap gets 413 before a byte of it is read: more header matches win over the
        // rule below (Gateway API's precedence; v1.5.1 internal/gatewayapi/sort.go). Not Envoy Gateway's
        // `requestBuffer`: its buffer filter holds each whole body in the proxy's memory (v1.5.1 internal/xds/
        // translator/request_buffer.go), the heap is 80% of the proxy's 1Gi (internal/infrastructure/kubernetes/
        // proxy/resource.go), and at 98% of it the overload manager refuses requests for every host
        // (internal/xds/bootstrap/bootstrap.yaml.tpl): some 80 slow 10 MiB uploads to one app did it. Envoy's
        // stream reset action would not help: Envoy 1.35 accounts only HTTP/2 streams, and the shared listener
        // speaks HTTP/1.1. Streamed, a body holds at most its connection's buffer (64 KiB: the ClientTrafficPolicy's
        // connection.bufferLimit, platform/client-limits.ts). A body without Content-Length (chunked) is not capped here: the app's is.
        {
          matches: [
            { path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'RegularExpression', name: 'content-length', value: contentLengthAbove(maxBody) }] },
          ],
          filters: [hsts, { type: 'ExtensionRef', extensionRef: { group: 'gateway.envoyproxy.io', kind: 'HTTPRouteFilter', name: tooLarge } }],
        },
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          filters: [hsts],
          backendRefs: [{ name: props.backend.service, port: props.backend.port }],
          timeouts: { request: `${edge.timeoutSeconds}s` },
        },
      ],
    };
    new ApiObject(this, 'Resource', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name, namespace, labels: { ...labels } },
      spec,
    });
    new ApiObject(this, 'Traffic', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: { name, namespace, labels: { ...labels } },
      spec: {
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name }],
        // One token bucket per xDS route, and Envoy Gateway makes one xDS route per hostname (and rule match), so
        // the limit holds per host, per Envoy replica, for all clients together. v1.5.1: internal/gatewayapi/route.go
        // processHTTPRouteParentRefListener (perHostRoutes); internal/xds/translator/local_ratelimit.go patchRoute
        // (the bucket in each route's typed_per_filter_config); internal/gatewayapi/backendtrafficpolicy.go
        // buildLocalRateLimit (a rule without clientSelectors is that default bucket).
        rateLimit: { type: 'Local', local: { rules: [{ limit: { requests: edge.requestsPerSecond, unit: 'Second' } }] } },
      },
    });
    new ApiObject(this, 'BodyTooLarge', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'HTTPRouteFilter',
      metadata: { name: tooLarge, namespace, labels: { ...labels } },
      spec: {
        directResponse: {
          statusCode: 413,
          contentType: 'text/plain',
          body: { type: 'Inline', inline: `Request body larger than ${edge.maxBodySize}.\n` },
        },
      },
    });
    if (props.login) new LoginPolicy(this, 'Login', { route: name, namespace, labels, ...props.login });
  }
}
