import { ApiObject } from 'cdk8s';
import type { IHTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { Construct } from 'constructs';
import type { GatewayLayout } from '../model/gateway-layout';
import { GATEWAY, labelsOf, namespaceOf, serviceOf } from '../model/naming';
import type { ResolvedApp } from '../model/resolve';
import { SERVICE_PORT } from '../model/naming';

export interface RouteProps {
  readonly app: ResolvedApp;
  /** Where the cluster serves each host (model/gateway-layout.ts). */
  readonly gateways: GatewayLayout;
}

/** The listeners a route attaches to for its hosts, each once: a shared listener serves several of them. */
export const parentRefsOf = (hosts: readonly string[], gateways: GatewayLayout): { gateway: string; listener: string }[] => {
  const refs = hosts.map((host) => {
    const placement = gateways.placements.get(host);
    if (!placement) throw new Error(`host ${host} has no place on a Gateway`);
    return { gateway: placement.gateway, listener: placement.listener };
  });
  return refs.filter((r, i) => refs.findIndex((o) => o.gateway === r.gateway && o.listener === r.listener) === i);
};

/** Tells browsers to use HTTPS only, for a year, once they have seen the site. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * The app's HTTPRoute. It attaches to the HTTPS listener of each of its hosts by name, the shared one or
 * its own (never to the HTTP listener, which only redirects), so every host the app serves is served
 * over TLS; its hostnames are its hosts, the only ones the route host guard lets its namespace serve.
 */
export class Route extends Construct {
  constructor(scope: Construct, id: string, props: RouteProps) {
    super(scope, id);
    const { app } = props;
    const spec: IHTTPRoute['spec'] = {
      parentRefs: parentRefsOf(app.hosts, props.gateways).map(({ gateway, listener }) => ({
        group: 'gateway.networking.k8s.io',
        kind: 'Gateway',
        name: gateway,
        namespace: GATEWAY.namespace,
        sectionName: listener,
      })),
      hostnames: [...app.hosts],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          filters: [
            {
              type: 'ResponseHeaderModifier',
              responseHeaderModifier: { set: [{ name: 'Strict-Transport-Security', value: HSTS }] },
            },
          ],
          backendRefs: [{ name: serviceOf(app.name), port: SERVICE_PORT }],
          timeouts: { request: `${app.edge.timeoutSeconds}s` },
        },
      ],
    };
    new ApiObject(this, 'Resource', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: app.name, namespace: namespaceOf(app.name), labels: labelsOf(app.name) },
      spec,
    });
  }
}
