import { appsLayerOf, tenantsLayerOf } from '../model/flux-shards';
import type { KubeObject } from '../model/kube-object';

/**
 * The kinds of an app that the platform layer owns: what is cluster-scoped or shared (the Namespace, the
 * bucket's PersistentVolume and its claim) and what fences the app in (NetworkPolicies, ResourceQuota,
 * LimitRange, and the RBAC in its namespace). Flux applies them with its own account before the apps
 * layer, so the account that applies the apps layer needs no right on any of them.
 */
export const PLATFORM_OWNED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'Role',
  'RoleBinding',
]);

export interface AppLayers {
  /** To dist/<env>/platform-controllers/tenants/<app>.yaml, applied as Flux. */
  readonly platform: readonly KubeObject[];
  /** To dist/<env>/apps/<app>.yaml, applied as the flux-apps account. */
  readonly apps: readonly KubeObject[];
}

/**
 * One app's objects, as its WebApp construct describes them all, split by kind into the two layers. The
 * split is by kind, not by which part made an object, so no part of an app can put a platform kind
 * into the apps layer.
 */
export function appLayersOf(objects: readonly KubeObject[]): AppLayers {
  return {
    platform: objects.filter((o) => PLATFORM_OWNED_KINDS.has(o.kind)),
    apps: objects.filter((o) => !PLATFORM_OWNED_KINDS.has(o.kind)),
  };
}

/** Where an app's platform part goes: a file of its own in its shard's tenants layer (flux-shards.ts). */
export const tenantFileOf = (env: string, app: string, shard = 0): string =>
  shard === 0 ? `dist/${env}/platform-controllers/tenants/${app}.yaml` : `dist/${env}/${tenantsLayerOf(shard)}/${app}.yaml`;
export const appFileOfEnv = (env: string, app: string, shard = 0): string => `dist/${env}/${appsLayerOf(shard)}/${app}.yaml`;
