import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { labelsOf, namespaceOf, SERVICE_PORT, serviceOf } from '../model/naming';
import type { AppChartInput, AppClusterView } from '../model/app-chart-input';
import type { GatewayPlacements } from '../model/gateway-layout';
import { loginGroupsOf } from '../model/gateway-login';
import type { ResolvedApp } from '../model/resolve';
import { AppAccess } from './app-access';
import { AppSecrets } from './app-secrets';
import { AppStorage } from './app-storage';
import { BackupJobs } from './backup-jobs';
import { Isolation } from './isolation';
import { NetworkPolicies } from './network-policies';
import { HttpsRoute, type HttpsRouteProps } from '../blocks/https-route';
import { Workload } from './workload';

/** The app, what it reads of its cluster, and where the Gateways serve its hosts (its routes attach there). */
export type WebAppProps = AppChartInput;

/** Everything one web app needs in one cluster, in the app's own namespace (its bucket's PV aside). */
export class WebApp extends Chart {
  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id, { namespace: namespaceOf(props.app.name), disableResourceNameHashes: true });
    const { app, cluster } = props;
    new Isolation(this, 'Isolation', { app });
    new AppSecrets(this, 'Secrets', { app, cluster });
    const storage = app.storage && new AppStorage(this, 'Storage', { app: { ...app, storage: app.storage }, cluster });
    new Workload(this, 'Workload', { app, env: cluster.env, dataVolume: storage?.volume });
    // Every app is backed up; without storage, its jobs mount its bucket through volumes of their own.
    new BackupJobs(this, 'Backup', { app, cluster, dataVolume: storage?.volume });
    new NetworkPolicies(this, 'NetworkPolicies', { app });
    new HttpsRoute(this, 'Route', appRouteProps(app, cluster, props.gateways));
    new AppAccess(this, 'Access', { app: app.name, cluster });
  }
}

/** The app's site on the Gateway: its hosts, its Service, its edge settings, and the staff login where it is internal. */
export const appRouteProps = (app: ResolvedApp, cluster: AppClusterView, gateways: GatewayPlacements): HttpsRouteProps => ({
  name: app.name,
  namespace: namespaceOf(app.name),
  labels: labelsOf(app.name),
  hosts: app.hosts,
  backend: { service: serviceOf(app.name), port: SERVICE_PORT },
  edge: app.edge,
  gateways,
  ...(app.exposure === 'internal' ? { login: { cluster, groups: loginGroupsOf(cluster, app.name) } } : {}),
});
