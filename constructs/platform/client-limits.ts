import type { GatewayLayout } from '../model/gateway-layout';
import { DEFAULT_EDGE, type ResolvedApp } from '../model/resolve';

/**
 * How long the Gateway waits to receive a whole request, unless a listener's apps ask for longer: the apps'
 * default timeout, so an app at its default needs nothing more. The platform endpoints keep that default.
 */
export const REQUEST_RECEIVED_FLOOR_SECONDS = DEFAULT_EDGE.timeoutSeconds;

/** One ClientTrafficPolicy: for a whole Gateway, or for one of its listeners, which it then takes over. */
export interface ClientLimits {
  /** Its construct id and its name, in the Gateways' namespace. */
  readonly id: string;
  readonly name: string;
  readonly gateway: string;
  /** Set for a listener's own policy. */
  readonly listener?: string;
  readonly requestReceivedSeconds: number;
}

/**
 * The client limits of the cluster's Gateways: one policy per Gateway with the floor (a merged Gateway's
 * policy covers its own listeners only), and one more for each listener whose apps' `edge.timeoutSeconds`
 * goes above it, waiting as long as the largest of them.
 *
 * Why per listener (envoyproxy/gateway@v1.5.1): requestReceivedTimeout bounds the reception of the complete
 * request (api/v1alpha1/timeout_types.go, HTTPClientTimeout), and an app's requestBuffer is Envoy's buffer
 * filter, which holds the whole body before anything goes upstream (internal/xds/translator/request_buffer.go):
 * an upload slower than it gets 408 whatever the route's timeout. It becomes the HTTP connection manager's
 * request_timeout of each HTTPS listener's own filter chain (internal/xds/translator/listener.go), so
 * listeners can differ. A policy with a sectionName is applied first, and the Gateway's policy then skips
 * that listener entirely, no field merged (internal/gatewayapi/clienttrafficpolicy.go,
 * ProcessClientTrafficPolicies): so a listener's policy repeats every limit. A custom domain's listener is its app's alone, so its policy follows that app only;
 * the shared listener's follows the largest timeout among the apps on it.
 */
export function clientLimitsOf(layout: GatewayLayout, apps: readonly ResolvedApp[]): ClientLimits[] {
  const gatewayWide = layout.shards.map((shard) => ({
    id: shard.first ? 'ClientPolicy' : `ClientPolicy-${shard.name}`,
    name: shard.first ? 'client-limits' : `client-limits-${shard.name}`,
    gateway: shard.name,
    requestReceivedSeconds: REQUEST_RECEIVED_FLOOR_SECONDS,
  }));
  const longest = new Map<string, { gateway: string; listener: string; seconds: number }>();
  for (const app of apps) {
    for (const host of app.hosts) {
      const placement = layout.placements.get(host);
      if (!placement || app.edge.timeoutSeconds <= REQUEST_RECEIVED_FLOOR_SECONDS) continue;
      const key = `${placement.gateway}/${placement.listener}`;
      const seconds = Math.max(app.edge.timeoutSeconds, longest.get(key)?.seconds ?? 0);
      longest.set(key, { gateway: placement.gateway, listener: placement.listener, seconds });
    }
  }
  const perListener = [...longest.values()]
    .sort((a, b) => a.listener.localeCompare(b.listener))
    .map(({ gateway, listener, seconds }) => ({
      id: `ClientPolicy-${listener}`,
      name: `client-limits-${listener}`,
      gateway,
      listener,
      requestReceivedSeconds: seconds,
    }));
  return [...gatewayWide, ...perListener];
}

/** The ClientTrafficPolicy's spec: TLS 1.2 and up, the receive and idle timeouts, no header with underscores, a 64 KiB buffer per connection. */
export const clientLimitsSpecOf = (limits: ClientLimits): Record<string, unknown> => ({
  targetRefs: [
    {
      group: 'gateway.networking.k8s.io',
      kind: 'Gateway',
      name: limits.gateway,
      ...(limits.listener ? { sectionName: limits.listener } : {}),
    },
  ],
  tls: { minVersion: '1.2' },
  timeout: { http: { requestReceivedTimeout: `${limits.requestReceivedSeconds}s`, idleTimeout: '120s' } },
  headers: { withUnderscoresAction: 'RejectRequest' },
  connection: { bufferLimit: '64Ki' },
});
