/*
 * The paths Envoy Gateway's OIDC login answers itself, and the callback each host gets. Read at
 * envoyproxy/gateway@v1.5.1 (Envoy v1.35.3, api/v1alpha1/shared_types.go DefaultEnvoyProxyImage):
 * - internal/xds/translator/oidc.go: the oauth2 filter's RedirectPathMatcher and SignoutPath are exact
 *   path matches. Envoy answers both itself; the request never reaches the app. On the sign-out path it
 *   clears its own cookies and redirects to `/` of the same host (envoyproxy/envoy
 *   source/extensions/filters/http/oauth2/filter.cc, signOutUser); Envoy Gateway v1.5.1 hands Envoy no
 *   end-session endpoint, so the IdP's session stays and the next visit may log in again without a prompt.
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
