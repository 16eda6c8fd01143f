import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../model/cluster-spec';
import { labelsOf, namespaceOf } from '../model/naming';
import type { ResolvedApp } from '../model/resolve';
import { LoginPolicy } from '../blocks/login-policy';

export interface EdgePolicyProps {
  readonly app: ResolvedApp;
  readonly cluster: ClusterSpec;
}

/**
 * What the Gateway enforces in front of one app: a rate limit and a body-size cap on its route (a
 * BackendTrafficPolicy), and for internal apps the staff login (LoginPolicy).
 */
export class EdgePolicy extends Construct {
  constructor(scope: Construct, id: string, props: EdgePolicyProps) {
    super(scope, id);
    const { app, cluster } = props;
    const namespace = namespaceOf(app.name);
    const labels = labelsOf(app.name);
    const targetRefs = [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: app.name }];

    new ApiObject(this, 'Traffic', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: { name: app.name, namespace, labels },
      spec: {
        targetRefs,
        rateLimit: { type: 'Local', local: { rules: [{ limit: { requests: app.edge.requestsPerSecond, unit: 'Second' } }] } },
        requestBuffer: { limit: app.edge.maxBodySize },
      },
    });
    if (app.exposure === 'internal') {
      new LoginPolicy(this, 'Login', { route: app.name, namespace, labels, host: app.hosts[0], cluster });
    }
  }
}
