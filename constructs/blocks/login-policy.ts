import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../model/cluster-spec';
import { OIDC_LOGOUT_PATH } from '../model/gateway-login';
import { platformSecretKeyOf } from '../model/naming';
import { StoreSecret } from './store-secret';

export interface LoginPolicyProps {
  /** The HTTPRoute it guards; the SecurityPolicy takes its name. */
  readonly route: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly cluster: Pick<ClusterSpec, 'env' | 'internalAccess'>;
}

/** The Secret, in the guarded route's namespace, that holds the login's OIDC client secret or htpasswd. */
export const LOGIN_SECRET = 'gateway-login';

/**
 * The staff login in front of one route: an Envoy Gateway SecurityPolicy with OIDC (or basic auth) and
 * the client-IP allowlist of the cluster's `internalAccess`, and the ExternalSecret that fills its
 * client secret (or htpasswd) from the shared store key. No redirectURL: each host of the route gets its own
 * callback, and the logout path is the login's own, below `/oauth2/` (model/gateway-login.ts says why).
 */
export class LoginPolicy extends Construct {
  constructor(scope: Construct, id: string, props: LoginPolicyProps) {
    super(scope, id);
    const { route, namespace, cluster } = props;
    const labels = { ...props.labels };
    const access = cluster.internalAccess;
    const storeKey = access.oidc?.clientSecret ?? access.basicAuthSecret!;
    new StoreSecret(this, 'Secret', {
      name: LOGIN_SECRET,
      namespace,
      labels,
      data: [{ secretKey: access.oidc ? 'client-secret' : '.htpasswd', key: platformSecretKeyOf(cluster.env, storeKey) }],
    });
    const login = access.oidc
      ? {
          oidc: {
            provider: { issuer: access.oidc.issuer },
            clientID: access.oidc.clientId,
            clientSecret: { name: LOGIN_SECRET },
            logoutPath: OIDC_LOGOUT_PATH,
          },
        }
      : { basicAuth: { users: { name: LOGIN_SECRET } } };
    const allowlist = access.allowedCidrs?.length
      ? { authorization: { defaultAction: 'Deny', rules: [{ name: 'staff-networks', action: 'Allow', principal: { clientCIDRs: [...access.allowedCidrs] } }] } }
      : {};
    new ApiObject(this, 'Resource', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'SecurityPolicy',
      metadata: { name: route, namespace, labels },
      spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: route }], ...login, ...allowlist },
    });
  }
}
