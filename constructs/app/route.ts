import { ApiObject } from 'cdk8s';
import type { IHTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { Construct } from 'constructs';
import { GATEWAY, httpsListenerOf, labelsOf, namespaceOf, serviceOf } from '../model/naming';
import type { ResolvedApp } from '../model/resolve';
import { SERVICE_PORT } from './workload';

export interface RouteProps {
  readonly app: ResolvedApp;
}

/** Tells browsers to use HTTPS only, for a year, once they have seen the site. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * The app's HTTPRoute on the shared Gateway. It attaches to each host's HTTPS listener by name (never
 * to the HTTP listener, which only redirects), so every host the app serves is served over TLS.
 */
export class Route extends Construct {
  constructor(scope: Construct, id: string, props: RouteProps) {
    super(scope, id);
    const { app } = props;
    const spec: IHTTPRoute['spec'] = {
      parentRefs: app.hosts.map((host) => ({
        group: 'gateway.networking.k8s.io',
        kind: 'Gateway',
        name: GATEWAY.name,
        namespace: GATEWAY.namespace,
        sectionName: httpsListenerOf(host),
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
