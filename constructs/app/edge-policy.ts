import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../model/cluster-spec';
import { labelsOf, namespaceOf, platformSecretKeyOf, SECRET_STORE } from '../model/naming';
import type { ResolvedApp } from '../model/resolve';

export interface EdgePolicyProps {
  readonly app: ResolvedApp;
  readonly cluster: ClusterSpec;
}

/** The Secret, in an internal app's namespace, that holds the login's OIDC client secret or htpasswd. */
export const LOGIN_SECRET = 'gateway-login';
export const OIDC_CALLBACK_PATH = '/oauth2/callback';

/**
 * What the Gateway enforces in front of one app: a rate limit and a body-size cap on its route (a
 * BackendTrafficPolicy), and for internal apps a SecurityPolicy: OIDC login (or basic auth) and the
 * client-IP allowlist.
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
    if (app.exposure !== 'internal') return;

    const access = cluster.internalAccess;
    const storeKey = access.oidc?.clientSecret ?? access.basicAuthSecret!;
    new ApiObject(this, 'LoginSecret', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: LOGIN_SECRET, namespace, labels },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: SECRET_STORE },
        target: { name: LOGIN_SECRET, creationPolicy: 'Owner' },
        data: [{
          secretKey: access.oidc ? 'client-secret' : '.htpasswd',
          remoteRef: { key: platformSecretKeyOf(cluster.env, storeKey) },
        }],
      },
    });
    const login = access.oidc
      ? {
        oidc: {
          provider: { issuer: access.oidc.issuer },
          clientID: access.oidc.clientId,
          clientSecret: { name: LOGIN_SECRET },
          redirectURL: `https://${app.hosts[0]}${OIDC_CALLBACK_PATH}`,
          logoutPath: '/logout',
        },
      }
      : { basicAuth: { users: { name: LOGIN_SECRET } } };
    const allowlist = access.allowedCidrs?.length
      ? { authorization: { defaultAction: 'Deny', rules: [{ name: 'staff-networks', action: 'Allow', principal: { clientCIDRs: [...access.allowedCidrs] } }] } }
      : {};
    new ApiObject(this, 'Security', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'SecurityPolicy',
      metadata: { name: app.name, namespace, labels },
      spec: { targetRefs, ...login, ...allowlist },
    });
  }
}
