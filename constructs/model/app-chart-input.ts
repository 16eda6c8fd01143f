import type { ClusterSpec } from './cluster-spec';
import type { GatewayLayout, GatewayPlacements } from './gateway-layout';
import type { ResolvedApp } from './resolve';

/**
 * What an app's charts read of its cluster: its own access settings, no other app's. So adding, changing or
 * removing one app leaves every other app's input, and with it that app's files, as they are; the synth
 * keeps each app's files between runs by this input (synth/synth-cache.ts).
 */
export interface AppClusterView extends Pick<ClusterSpec, 'name' | 'env' | 'region' | 'internalAccess'> {
  readonly access: { readonly apps?: ClusterSpec['access']['apps'] };
}

/** Everything one app's files are built from, and nothing else (plain data: it crosses threads and keys the cache). */
export interface AppChartInput {
  /** The app as this cluster runs it (overrides applied, input already validated). */
  readonly app: ResolvedApp;
  readonly cluster: AppClusterView;
  /** Where the Gateways serve the app's own hosts. */
  readonly gateways: GatewayPlacements;
  /** The Flux shard whose Kustomizations apply the app's files (flux-shards.ts). */
  readonly fluxShard: number;
}

export function appChartInputOf(app: ResolvedApp, cluster: ClusterSpec, gateways: GatewayLayout, fluxShard = 0): AppChartInput {
  const ownAccess = cluster.access.apps?.[app.name];
  return {
    app,
    cluster: {
      name: cluster.name,
      env: cluster.env,
      region: cluster.region,
      internalAccess: cluster.internalAccess,
      access: ownAccess ? { apps: { [app.name]: ownAccess } } : {},
    },
    gateways: { placements: new Map(app.hosts.flatMap((host) => (gateways.placements.has(host) ? [[host, gateways.placements.get(host)!] as const] : []))) },
    fluxShard,
  };
}
