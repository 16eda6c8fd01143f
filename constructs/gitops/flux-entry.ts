import { ApiObject, Chart } from 'cdk8s';
import type { IKustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../model/cluster-spec';
import { FLUX_NAMESPACE, FLUX_SOURCE } from '../model/naming';

/** The Flux paths of one env, relative to the repo root, as Flux's Kustomizations name them. */
export const fluxPathsOf = (env: string) => ({
  'platform-controllers': `./dist/${env}/platform-controllers`,
  'platform-configs': `./dist/${env}/platform-configs`,
  apps: `./dist/${env}/apps`,
});

export interface FluxEntryProps {
  readonly cluster: ClusterSpec;
}

/**
 * What `flux bootstrap --path=clusters/<env>` finds: one Kustomization per layer of dist/<env>/. The
 * controllers (and their CRDs) first, then the resources they read, then the apps, each layer waiting
 * for the one before to be healthy.
 */
export class FluxEntry extends Chart {
  constructor(scope: Construct, id: string, props: FluxEntryProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const paths = fluxPathsOf(props.cluster.env);
    const layer = (name: keyof typeof paths, dependsOn: string[]) => {
      const spec: IKustomization['spec'] = {
        interval: '10m',
        retryInterval: '1m',
        timeout: '10m',
        path: paths[name],
        prune: true,
        wait: true,
        sourceRef: { kind: 'GitRepository', name: FLUX_SOURCE },
        ...(dependsOn.length > 0 ? { dependsOn: dependsOn.map((d) => ({ name: d })) } : {}),
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
    layer('apps', ['platform-configs']);
  }
}
