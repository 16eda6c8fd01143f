/**
 * Which Flux Kustomizations apply each app: its shard. Pure data, computed once per cluster from its apps and
 * the committed ledger (clusters/<env>/flux-shards.json, written by synth).
 *
 * Why shards: kustomize-controller builds each Kustomization's path with kustomize, whose build time grows
 * much faster than the objects in it. `kubectl kustomize` (kustomize v5.5.0; kustomize-controller v1.9.4
 * pins kustomize/api v0.21.1, kustomize v5.8.1, whose api/resmap, api/resource, api/internal/accumulator and
 * api/krusty differ from v5.5.0's, tests aside, only by a nil check, an error message and one build annotation)
 * built the apps layer of the bench's synthetic apps, on the 2-vCPU VM, in:
 *   50 apps (500 objects) 1.2 s · 100 apps 3.8 s · 200 apps 19 s · 400 apps 111 s (one file: 145 s)
 *   · 1,000 apps (14,003 objects, 30 MB) 1,402 s and 972 MiB,
 * against the layer's 10-minute timeout and the controller's 1 GiB memory limit (upstream: kustomize
 * issue #5084, "Performance improvements for kustomize build", open). So one layer for every app stops
 * working on a real cluster long before 1,000 apps. Each shard holds at most FLUX_SHARD_APPS apps: its
 * tenants' Kustomization and its apps' Kustomization build in about a second. A shard is also the reach of
 * one app's failure: an object the API server refuses stops its whole Kustomization, so a bad release
 * holds up the apps of its shard, not the cluster's.
 *
 * Shard 0 is the layout this grew from: its tenants in the platform-controllers layer, its apps in the
 * `apps` layer. Shard n ≥ 1: `tenants-<n>` (applied as Flux) and `apps-<n>` (as flux-apps). An app keeps
 * its shard while it exists; a new app takes the first shard with room, so adding or removing an app never
 * moves another app to another Kustomization (a move would let the old one prune the app's objects). Where
 * no ledger is committed yet, the committed dist/ tells each app's shard (synth/ledger-io.ts): a cluster
 * synthesized before shards keeps every app in shard 0, past FLUX_SHARD_APPS too (overfullShardWarnings).
 */

/** The apps of one shard at most: kustomize builds a shard's layer (about 500 objects) in about a second. */
export const FLUX_SHARD_APPS = 50;
/** The file, beside the cluster spec, that keeps each app's shard. */
export const fluxShardsFileOf = (env: string): string => `clusters/${env}/flux-shards.json`;

/** App → its shard. */
export interface FluxShardLedger {
  readonly $comment?: string;
  readonly apps: Readonly<Record<string, number>>;
}
export const EMPTY_FLUX_SHARD_LEDGER: FluxShardLedger = { apps: {} };
export const FLUX_SHARD_LEDGER_COMMENT =
  'Written by synth, committed with dist/: the Flux shard of each app (constructs/model/flux-shards.ts). An app keeps its shard while it exists.';

/** The Kustomization that applies a shard's namespaces, fences and RBAC: shard 0's are in the controllers layer. */
export const tenantsLayerOf = (shard: number): string => (shard === 0 ? 'platform-controllers' : `tenants-${shard}`);
/** The Kustomization that applies a shard's apps. */
export const appsLayerOf = (shard: number): string => (shard === 0 ? 'apps' : `apps-${shard}`);
/** The shard whose apps a layer (a folder of dist/<env>/) holds; undefined for any other layer. */
export function shardOfAppsLayer(layer: string): number | undefined {
  const match = /^apps(?:-([1-9]\d*))?$/.exec(layer);
  return match ? Number(match[1] ?? 0) : undefined;
}

export interface FluxShards {
  /** App → shard, for every app of the cluster. */
  readonly shardOf: ReadonlyMap<string, number>;
  /** The shards that hold an app, in order; shard 0 always (its layers are the platform's own too). */
  readonly shards: readonly number[];
  /** What synth commits: every app's shard. */
  readonly ledger: FluxShardLedger;
}

/** Each app's shard: the ledger's where it names one, else the first shard with room, apps taken by name. */
export function fluxShardsOf(apps: readonly string[], previous: FluxShardLedger = EMPTY_FLUX_SHARD_LEDGER): FluxShards {
  const names = [...apps].sort();
  const shardOf = new Map<string, number>();
  const size: number[] = [];
  for (const name of names) {
    const kept = previous.apps[name];
    if (kept === undefined) continue;
    shardOf.set(name, kept);
    size[kept] = (size[kept] ?? 0) + 1;
  }
  for (const name of names) {
    if (shardOf.has(name)) continue;
    let shard = 0;
    while ((size[shard] ?? 0) >= FLUX_SHARD_APPS) shard++;
    shardOf.set(name, shard);
    size[shard] = (size[shard] ?? 0) + 1;
  }
  const shards = [...new Set([0, ...shardOf.values()])].sort((a, b) => a - b);
  const ledger = { $comment: FLUX_SHARD_LEDGER_COMMENT, apps: Object.fromEntries(names.map((n) => [n, shardOf.get(n)!])) };
  return { shardOf, shards, ledger };
}

/**
 * The shards that hold more than FLUX_SHARD_APPS apps, as warnings. Synth never fills a shard past it, but
 * a cluster synthesized before shards came in had every app in shard 0's layers; they stay there, since
 * moving one would let its old Kustomization prune it (its fences, RBAC and workloads; its namespace and
 * volumes carry prune: disabled) before the new one applies it.
 */
export function overfullShardWarnings(env: string, shards: FluxShards): string[] {
  const sizes = new Map<number, number>();
  for (const shard of shards.shardOf.values()) sizes.set(shard, (sizes.get(shard) ?? 0) + 1);
  return [...sizes]
    .filter(([, size]) => size > FLUX_SHARD_APPS)
    .sort(([a], [b]) => a - b)
    .map(
      ([shard, size]) =>
        `${fluxShardsFileOf(env)}: Flux shard ${shard} (Kustomizations ${tenantsLayerOf(shard)} and ${appsLayerOf(shard)}) holds ${size} apps, more than ${FLUX_SHARD_APPS}. ` +
        `Apps that Flux applied there before shards came in stay, so that none moves; new apps go to other shards, and it shrinks as its apps leave. ` +
        `kustomize builds its layers slower (100 apps about 4 s, 400 apps about 2 minutes, against a 10-minute timeout).`,
    );
}
