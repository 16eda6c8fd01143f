import { WebApp } from '../app/web-app';
import { FluxEntry } from '../gitops/flux-entry';
import type { AppSpec } from '../model/app-spec';
import type { ClusterSpec } from '../model/cluster-spec';
import { resolveApp } from '../model/resolve';
import { Platform } from '../platform/platform';
import { synthChart } from './chart-synth';
import type { OutputFile } from './kube-object';
import { kustomizationFor } from './render';

/** The file that points Flux at dist/<env>/; it sits beside the cluster spec. */
export const fluxEntryFileOf = (env: string): string => `clusters/${env}/flux-kustomizations.yaml`;

/** Every file of one cluster: its Flux entry point, the platform layer and one file per app. */
export function buildCluster(cluster: ClusterSpec, apps: readonly AppSpec[]): OutputFile[] {
  const env = cluster.env;
  const byName = new Map(apps.map((app) => [app.name, app]));
  const appNames = Object.keys(cluster.apps).sort();
  const appFiles = appNames.map((name): OutputFile => ({
    path: `dist/${env}/apps/${name}.yaml`,
    objects: synthChart((scope) => new WebApp(scope, name, { app: resolveApp(byName.get(name)!, cluster) })),
  }));
  return [
    { path: fluxEntryFileOf(env), objects: synthChart((scope) => new FluxEntry(scope, 'flux', { cluster })) },
    { path: `dist/${env}/platform/platform.yaml`, objects: synthChart((scope) => new Platform(scope, 'platform', { cluster })) },
    kustomizationFor(`dist/${env}/platform/kustomization.yaml`, ['platform.yaml']),
    ...appFiles,
    kustomizationFor(`dist/${env}/apps/kustomization.yaml`, appNames.map((name) => `${name}.yaml`)),
  ];
}
