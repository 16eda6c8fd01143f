import { gatewayLayoutOf, type GatewayLayout, type GatewayLedger, type HostOwner } from '../model/gateway-layout';
import { namespaceOf } from '../model/naming';
import type { ResolvedApp } from '../model/resolve';
import type { AddOnContext, PlatformEndpoint } from './add-on';

/** Every host of the cluster and the namespace that may serve it: the apps' hosts, then the platform's endpoints. */
export const hostOwnersOf = (apps: readonly ResolvedApp[], endpoints: readonly PlatformEndpoint[]): HostOwner[] => [
  ...apps.flatMap((app) => app.hosts.map((host) => ({ host, namespace: namespaceOf(app.name) }))),
  ...endpoints.map((e) => ({ host: e.host, namespace: e.namespace, platform: true })),
];

/** The cluster's Gateway layout: the one synth computed from the ledger, or else one computed afresh. */
export const clusterGatewaysOf = (ctx: AddOnContext, ledger?: GatewayLedger): GatewayLayout =>
  ctx.gateways ?? gatewayLayoutOf(ctx.cluster, hostOwnersOf(ctx.apps, ctx.endpoints ?? []), ledger);
