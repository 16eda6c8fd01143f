import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../model/cluster-spec';
import { DEFAULT_GROUPS_CLAIM, ID_TOKEN_COOKIE, LOGIN_JWT_PROVIDER, OIDC_LOGOUT_PATH, type LoginGroups } from '../model/gateway-login';
import { platformSecretKeyOf } from '../model/naming';
import { StoreSecret } from './store-secret';

export interface LoginPolicyProps {
  /** The HTTPRoute it guards; the SecurityPolicy takes its name. */
  readonly route: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly cluster: Pick<ClusterSpec, 'env' | 'internalAccess'>;
  /**
   * With OIDC: the IdP groups let through (model/gateway-login.ts loginGroupsOf), checked in the ID token,
   * or `'any-signed-in'`. Ignored with basic auth, which has no groups. @default 'any-signed-in'
   */
  readonly groups?: LoginGroups;
}

/** The Secret, in the guarded route's namespace, that holds the login's OIDC client secret or htpasswd. */
export const LOGIN_SECRET = 'gateway-login';

/**
 * The staff login in front of one route: an Envoy Gateway SecurityPolicy with OIDC (or basic auth) and
 * the client-IP allowlist of the cluster's `internalAccess`, and the ExternalSecret that fills its
 * client secret (or htpasswd) from the shared store key. No redirectURL: each host of the route gets its own
 * callback, and the logout path is the login's own, below `/oauth2/` (model/gateway-login.ts says why).
 * Where only some groups may pass, a JWT provider checks the ID token the login keeps in its cookie (issuer,
 * audience = our client, signature by the issuer's JWKS), and the one Allow rule asks for one of the groups
 * in its claim AND, if the cluster has an allowlist, a client address on it; everything else is denied.
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
    const oidc = access.oidc;
    const groups = oidc && Array.isArray(props.groups) ? (props.groups as readonly string[]) : undefined;
    const login = oidc
      ? {
          oidc: {
            provider: { issuer: oidc.issuer },
            clientID: oidc.clientId,
            clientSecret: { name: LOGIN_SECRET },
            logoutPath: OIDC_LOGOUT_PATH,
            // Renew the tokens with the IdP's refresh token when the access token expires (5 min on Keycloak by
            // default), in the request itself: otherwise each fetch/XHR or form POST after that is a 302 to the IdP
            // (model/gateway-login.ts, the session's length).
            refreshToken: true,
            // The name the JWT provider reads; otherwise a suffix of the policy's UID.
            ...(groups ? { cookieNames: { idToken: ID_TOKEN_COOKIE } } : {}),
          },
        }
      : { basicAuth: { users: { name: LOGIN_SECRET } } };
    // Validation refuses groups without a JWKS URI (validation/edge-validation.ts).
    const idToken =
      oidc && groups
        ? {
            jwt: {
              providers: [
                {
                  name: LOGIN_JWT_PROVIDER,
                  issuer: oidc.issuer,
                  audiences: [oidc.clientId],
                  remoteJWKS: { uri: oidc.jwksUri! },
                  extractFrom: { cookies: [ID_TOKEN_COOKIE] },
                },
              ],
            },
          }
        : {};
    const clientCIDRs = access.allowedCidrs?.length ? { clientCIDRs: [...access.allowedCidrs] } : {};
    const member = groups
      ? {
          jwt: {
            provider: LOGIN_JWT_PROVIDER,
            claims: [{ name: oidc!.groupsClaim ?? DEFAULT_GROUPS_CLAIM, valueType: 'StringArray', values: [...groups] }],
          },
        }
      : {};
    const rule = groups
      ? { name: 'staff-groups', action: 'Allow', principal: { ...clientCIDRs, ...member } }
      : { name: 'staff-networks', action: 'Allow', principal: clientCIDRs };
    const authorization = groups || access.allowedCidrs?.length ? { authorization: { defaultAction: 'Deny', rules: [rule] } } : {};
    new ApiObject(this, 'Resource', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'SecurityPolicy',
      metadata: { name: route, namespace, labels },
      spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: route }], ...login, ...idToken, ...authorization },
    });
  }
}
