import { WebApp } from '../app/web-app';
import { appFileOfEnv, appLayersOf, tenantFileOf } from '../gitops/app-layers';
import { FluxAppsTenantAccess } from '../gitops/flux-apps-identity';
import type { AppChartInput } from '../model/app-chart-input';
import type { OutputFile } from '../model/kube-object';
import { synthChart } from './chart-synth';

// Its own module, apart from build-cluster.ts: the worker thread that builds a share of the apps loads only
// what their charts need, not the cluster's rules, reports and network model.

/** An app's two files: its part of the platform layer, and its part of the apps layer. */
export interface AppFiles {
  readonly tenant: OutputFile;
  readonly apps: OutputFile;
}

export const appFilesOfEach = (inputs: readonly AppChartInput[]): AppFiles[] => inputs.map(appFilesOf);

/**
 * One app's two files, made of its input alone: its WebApp describes everything; the platform layer gets
 * its namespace, volumes, fences and RBAC, with the Role that lets the flux-apps account apply exactly the
 * rest, the apps layer.
 */
export function appFilesOf(input: AppChartInput): AppFiles {
  const { app, cluster, fluxShard } = input;
  const layers = appLayersOf(synthChart((scope) => new WebApp(scope, app.name, input)));
  const access = synthChart((scope) => new FluxAppsTenantAccess(scope, `${app.name}-flux-apps`, { app: app.name, appObjects: layers.apps }));
  return {
    tenant: { path: tenantFileOf(cluster.env, app.name, fluxShard), objects: [...layers.platform, ...access] },
    apps: { path: appFileOfEnv(cluster.env, app.name, fluxShard), objects: layers.apps },
  };
}
