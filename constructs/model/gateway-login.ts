import { ANY_SIGNED_IN, type AppAccessSpec } from './access-spec';
import type { InternalAccessSpec } from './cluster-spec';
/*
 * The paths Envoy Gateway's OIDC login answers itself, and the callback each host gets. Read at
 * envoyproxy/gateway@v1.5.1 (its default Envoy is v1.35.3, api/v1alpha1/shared_types.go DefaultEnvoyProxyImage;
 * ours is a later 1.35 patch release, platform/envoy-proxy-runtime.ts):
 * - internal/xds/translator/oidc.go: the oauth2 filter's RedirectPathMatcher and SignoutPath are exact
 *   path matches. Envoy answers both itself; the request never reaches the app. On the sign-out path it
 *   clears its own cookies (envoyproxy/envoy source/extensions/filters/http/oauth2/filter.cc, signOutUser).
 *   Envoy Gateway v1.5.1 takes the IdP's `end_session_endpoint` from its discovery document, or the
 *   provider's own field (internal/gatewayapi/securitypolicy.go, buildOIDCProvider), and hands it to the
 *   filter (oidc.go: EndSessionEndpoint), which then sends the browser there to end the IdP's session too;
 *   an IdP that advertises none keeps its session, and the next visit may log in again without a prompt.
 *   Envoy Gateway's default logout path is `/logout`, which is Kibana's own: `${serverBasePath}/logout`
 *   (elastic/kibana x-pack/platform/plugins/shared/security/public/plugin.tsx getLogoutUrl, read in the 9.x
 *   layout; the v9.1.0 tag is too large to fetch here), with no base path (platform/eck.ts sets none). There
 *   it ended the Gateway's login and never Kibana's session.
 * - internal/gatewayapi/securitypolicy.go buildOIDC: one redirectURL per SecurityPolicy; unset, it is
 *   `%REQ(x-forwarded-proto)%://%REQ(:authority)%/oauth2/callback`, the host the browser asked for. The
 *   login's cookies are host-only (no cookieDomain, api/v1alpha1/oidc_types.go), so a fixed redirectURL
 *   on a route with several hosts logs the browser in on the first host only, and every other loops.
 * - internal/xds/translator/listener.go: use_remote_address is on and no hop is trusted (no clientIPDetection
 *   in our ClientTrafficPolicy), so Envoy sets x-forwarded-proto from the connection itself
 *   (source/common/http/conn_manager_utility.cc): `https` on the HTTPS listeners, the only ones routes attach to.
 */

/** The paths the login keeps for itself: an app must serve nothing below it. */
export const OIDC_PATH_PREFIX = '/oauth2/';
export const OIDC_CALLBACK_PATH = `${OIDC_PATH_PREFIX}callback`;
/** Ends the Gateway's login only (its cookies), never the app's own session. */
export const OIDC_LOGOUT_PATH = `${OIDC_PATH_PREFIX}logout`;
/** Envoy Gateway's logout path where a SecurityPolicy sets none (securitypolicy.go defaultLogoutPath): one that apps serve. */
export const DEFAULT_OIDC_LOGOUT_PATH = '/logout';

/** Where the IdP sends the browser back after the login on `host`: the SecurityPolicy's redirectURL, else that host's own callback. */
export const oidcCallbackOf = (oidc: { readonly redirectURL?: string }, host: string): string => oidc.redirectURL ?? `https://${host}${OIDC_CALLBACK_PATH}`;

/*
 * Who may pass the login: the groups in the ID token, checked at the Gateway. Read at envoyproxy/gateway@v1.5.1
 * (Envoy v1.35.3):
 * - api/v1alpha1/oidc_types.go: the oauth2 filter keeps the ID token in a cookie named `IdToken-<suffix>`;
 *   internal/gatewayapi/securitypolicy.go buildOIDC makes the suffix from the policy's UID (utils.Digest32),
 *   which git does not know and a re-created policy changes, so `cookieNames.idToken` names it here
 *   (internal/xds/translator/oidc.go applies CookieNameOverrides.IDToken to the filter's cookie_names).
 * - Envoy v1.35 stores the token cookies encrypted with the HMAC secret (envoyproxy/envoy#39059); the oauth2
 *   filter decrypts them into the request's Cookie header before anything else runs (decodeHeaders,
 *   decryptAndUpdateOAuthTokenCookies), and keeps the ID and access token cookies on the request (#40228
 *   removes only its flow cookies). So a JWT provider of the same SecurityPolicy reads the plain ID token;
 *   one on a route without this OIDC login would see ciphertext (envoyproxy/gateway#6816; v1.6 adds
 *   `disableTokenEncryption` for that case, which v1.5.1 does not have and we do not need).
 * - internal/xds/translator/httpfilters.go newOrderedHTTPFilter: oauth2 (order 6) runs before jwt_authn (7),
 *   and RBAC, which enforces `authorization`, runs last of the three (301). On the very first request, with
 *   no login cookies, the oauth2 filter redirects to the IdP and stops the chain: jwt_authn and RBAC never
 *   see it. Its callback and logout paths it answers itself. Every later request carries the cookies.
 * - api/v1alpha1/jwt_types.go and internal/xds/translator/jwt.go: `extractFrom.cookies` becomes the provider's
 *   from_cookies (no header or query default then); `remoteJWKS.uri` becomes a cluster of its own built from
 *   the URI's host and port (url2Cluster), TLS against the proxy's system trust bundle, which the proxies,
 *   not the controller, call: their egress must reach that host. The provider's name is the key of its
 *   payload in the dynamic metadata (payload_in_metadata). `optional` unset: a missing or invalid token is a 401.
 *   internal/gatewayapi/securitypolicy.go validateJWTProvider: the name must be a qualified name, unique.
 * - api/v1alpha1/authorization_types.go and internal/xds/translator/authorization.go buildRBACPerRoute: a rule's
 *   principal ANDs its kinds (clientCIDRs AND jwt); a claim's values are ORed; `valueType: StringArray`
 *   matches when any element of the claim's array equals one of them (ListMatcher one_of), a string claim
 *   never matches then. A dot in a claim name walks into nested objects. At most 16 values per claim
 *   (kubebuilder MaxItems). Unmatched requests get `defaultAction`, Deny unless set. The principal's
 *   `jwt.provider` must name a provider of the same SecurityPolicy.
 * - internal/gatewayapi/securitypolicy.go validateSecurityPolicy refuses OIDC with JWT only with
 *   `passThroughAuthHeader` and no header extractor; OIDC, JWT and authorization otherwise combine in one
 *   policy, each translated on its own (translateSecurityPolicyForRoute).
 * - The ID token's lifetime (envoyproxy/envoy source/extensions/filters/http/oauth2/filter.cc, read on main:
 *   the v1.35.3 tag is too large to fetch here): the IdToken cookie's Max-Age is the token's own `exp`, and
 *   the login's HMAC covers the ID token, so when the cookie lapses the login renews the tokens (next point)
 *   or, failing that, sends the browser through the IdP again, rather than showing jwt_authn an expired token.
 * - The session's length. api/v1alpha1/oidc_types.go: `refreshToken` defaults to false
 *   (internal/gatewayapi/securitypolicy.go defaultRefreshToken); internal/xds/translator/oidc.go makes it the
 *   filter's use_refresh_token. Without it, once the access token expires (Keycloak: 5 minutes) every request is
 *   a 302 to the IdP: a page load comes back silently while the IdP session lasts, but a fetch/XHR cannot follow
 *   it and a form POST loses its body. With it (blocks/login-policy.ts sets it), the filter swaps the refresh
 *   token for new tokens in the request itself and sets the new cookies on its response; the refresh answer's
 *   ID token replaces the cookie's (filter.cc onRefreshAccessTokenSuccess, updateTokens), so the groups checked
 *   are at most one access-token lifetime old. No `offline_access` scope and no other field: the refresh token
 *   the code flow returns is the IdP session's (Keycloak: it lapses with the SSO session, idle 30 min, at most
 *   10 h by default), so signing out at the IdP, or being disabled there, ends the login at the next refresh.
 *   `defaultRefreshTokenTTL` (one week) is only the cookie's lifetime where the refresh token carries no exp.
 * Envoy v1.35 source read through envoyproxy/envoy#39059, #40228 and the filter on main, as above; the
 * Envoy Gateway files at the tag itself.
 */

/** The name of the ID token cookie of every OIDC login, which the JWT provider reads (cookieNames.idToken). */
export const ID_TOKEN_COOKIE = 'IdToken-staff-login';
/** The JWT provider of a login that checks groups: the key of the token's claims in the proxies' metadata. */
export const LOGIN_JWT_PROVIDER = 'staff-idp';
/** The claim that lists a person's groups where the cluster names none. */
export const DEFAULT_GROUPS_CLAIM = 'groups';
/** Envoy Gateway v1.5.1 takes at most 16 values per JWT claim in an authorization rule (authorization_types.go). */
export const MAX_LOGIN_GROUPS = 16;

/** Who may pass one internal app's OIDC login: the IdP groups (admins' first), or every person the IdP signs in. */
export type LoginGroups = readonly string[] | typeof ANY_SIGNED_IN;

/**
 * The groups let through the login of `app` in a cluster with OIDC: the admins' groups and the app's own,
 * each once; `'any-signed-in'` where the app says so, or says nothing and no admin group is set (the
 * platform endpoints, and what validation refuses for apps); unset for basic auth, which has no groups.
 */
export function loginGroupsOf(
  cluster: { readonly internalAccess: Pick<InternalAccessSpec, 'oidc'>; readonly access: { readonly apps?: Readonly<Record<string, AppAccessSpec>> } },
  app: string | undefined,
): LoginGroups | undefined {
  const oidc = cluster.internalAccess.oidc;
  if (!oidc) return undefined;
  const own = app === undefined ? undefined : cluster.access.apps?.[app]?.loginGroups;
  if (own === ANY_SIGNED_IN || own === undefined) return ANY_SIGNED_IN;
  return [...new Set([...(oidc.adminGroups ?? []), ...own])];
}

/**
 * The host whose JWKS the proxies fetch: the cluster's `internalAccess.oidc.jwksUri`, while some internal app
 * it runs lets only some groups in (else no SecurityPolicy has a JWT provider and nothing calls it).
 */
export function jwksHostOf(
  cluster: Parameters<typeof loginGroupsOf>[0],
  apps: readonly { readonly name: string; readonly exposure: 'public' | 'internal' }[],
): string | undefined {
  const uri = cluster.internalAccess.oidc?.jwksUri;
  if (uri === undefined || !apps.some((a) => a.exposure === 'internal' && Array.isArray(loginGroupsOf(cluster, a.name)))) return undefined;
  return URL.canParse(uri) ? new URL(uri).hostname : uri;
}
