import { ApiObject, Chart } from 'cdk8s';
import type { IKustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../model/cluster-spec';
import { appsLayerOf, tenantsLayerOf } from '../model/flux-shards';
import { FLUX_NAMESPACE, FLUX_SOURCE } from '../model/naming';
import { FLUX_APPS_ACCOUNT, FluxAppsIdentity } from './flux-apps-identity';

/** The Flux paths of one env, relative to the repo root, by the Kustomization that applies each; then each further app shard's two. */
export const fluxPathsOf = (env: string, shards: readonly number[] = [0]): Record<string, string> => {
  const layers = ['platform-controllers', 'platform-configs', 'platform-credentials', 'platform-setup', 'platform-services', 'apps'];
  for (const shard of shards.filter((s) => s > 0)) layers.push(tenantsLayerOf(shard), appsLayerOf(shard));
  return Object.fromEntries(layers.map((layer) => [layer, `./dist/${env}/${layer}`]));
};

export interface FluxEntryProps {
  readonly cluster: ClusterSpec;
  /** The app shards that hold an app (flux-shards.ts). @default only shard 0 */
  readonly shards?: readonly number[];
}

/**
 * What `flux bootstrap --path=clusters/<env>` finds: one Kustomization per layer of dist/<env>/. The
 * controllers (and their CRDs, and every app's namespace, fences and RBAC) first, then the resources they
 * read, then the one-shot setup on those resources; then, side by side, the services that run on them
 * and the apps. Each layer waits for the ones it depends on to be healthy. The credentials the outside
 * world issues come after the resources they name, and nothing waits for them.
 */
export class FluxEntry extends Chart {
  constructor(scope: Construct, id: string, props: FluxEntryProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const shards = props.shards ?? [0];
    const paths = fluxPathsOf(props.cluster.env, shards);
    new FluxAppsIdentity(this, 'AppsIdentity');
    const layer = (name: string, dependsOn: string[], serviceAccountName?: string, options: Partial<IKustomization['spec']> = {}) => {
      const spec: IKustomization['spec'] = {
        interval: '10m',
        retryInterval: '1m',
        timeout: '10m',
        path: paths[name],
        prune: true,
        wait: true,
        sourceRef: { kind: 'GitRepository', name: FLUX_SOURCE },
        ...(dependsOn.length > 0 ? { dependsOn: dependsOn.map((d) => ({ name: d })) } : {}),
        ...(serviceAccountName ? { serviceAccountName } : {}),
        ...options,
      };
      new ApiObject(this, name, {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name, namespace: FLUX_NAMESPACE },
        spec,
      });
    };
    layer('platform-controllers', []);
    layer('platform-configs', ['platform-controllers']);
    // What the outside world issues (certificates, people's passwords) may stay not ready for days: no
    // layer depends on this one, so that holds up no release, and Flux reports it as not ready meanwhile.
    layer('platform-credentials', ['platform-configs']);
    // One-shot Jobs (Elasticsearch's templates): `force` recreates a Job whose template changed, which
    // an apply cannot; Flux waits until it has run, up to its deadline, before the services start.
    layer('platform-setup', ['platform-configs'], undefined, { force: true, timeout: '30m' });
    layer('platform-services', ['platform-setup']);
    // The platform layers apply as Flux itself; the apps only as the restricted account, once the
    // controllers layer has made their namespaces and granted that account its rights in each.
    layer('apps', ['platform-controllers', 'platform-configs'], FLUX_APPS_ACCOUNT);
    // Each further shard: its tenants as Flux once the controllers run, then its apps as flux-apps.
    for (const shard of shards.filter((s) => s > 0)) {
      layer(tenantsLayerOf(shard), ['platform-controllers']);
      layer(appsLayerOf(shard), [tenantsLayerOf(shard), 'platform-configs'], FLUX_APPS_ACCOUNT);
    }
  }
}
