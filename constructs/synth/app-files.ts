import { WebApp } from '../app/web-app';
import { appFileOfEnv, appLayersOf, tenantFileOf } from '../gitops/app-layers';
import { FluxAppsTenantAccess } from '../gitops/flux-apps-identity';
import type { ClusterSpec } from '../model/cluster-spec';
import type { GatewayLayout } from '../model/gateway-layout';
import type { OutputFile } from '../model/kube-object';
import type { ResolvedApp } from '../model/resolve';
import { synthChart } from './chart-synth';

// Its own module, apart from build-cluster.ts: the worker thread that builds a share of the apps loads only
// what their charts need, not the cluster's rules, reports and network model.

/** An app's two files: its part of the platform layer, and its part of the apps layer. */
export interface AppFiles {
  readonly tenant: OutputFile;
  readonly apps: OutputFile;
}

export const appFilesOfEach = (env: string, apps: readonly ResolvedApp[], cluster: ClusterSpec, gateways: GatewayLayout): AppFiles[] =>
  apps.map((app) => appFilesOf(env, app, cluster, gateways));

/**
 * One app's two files: its WebApp describes everything; the platform layer gets its namespace, volumes,
 * fences and RBAC, with the Role that lets the flux-apps account apply exactly the rest, the apps layer.
 */
function appFilesOf(env: string, app: ResolvedApp, cluster: ClusterSpec, gateways: GatewayLayout): AppFiles {
  const layers = appLayersOf(synthChart((scope) => new WebApp(scope, app.name, { app, cluster, gateways })));
  const access = synthChart((scope) => new FluxAppsTenantAccess(scope, `${app.name}-flux-apps`, { app: app.name, appObjects: layers.apps }));
  return {
    tenant: { path: tenantFileOf(env, app.name), objects: [...layers.platform, ...access] },
    apps: { path: appFileOfEnv(env, app.name), objects: layers.apps },
  };
}
