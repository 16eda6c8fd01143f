import { stringify } from 'yaml';

/*
 * What the Gateway's proxies run, past Envoy Gateway's defaults, for the staff login of the internal apps
 * (SecurityPolicy `oidc`, which Envoy Gateway v1.5.1 builds as Envoy's oauth2 filter: internal/xds/translator/oidc.go).
 *
 * CVE-2026-47775 (GHSA-396h-jpq4-vc7p): a padding oracle in the oauth2 filter's AES-256-CBC decryption of
 * its session cookies. Envoy Gateway v1.5.1 runs Envoy v1.35.3 by default (api/v1alpha1/shared_types.go,
 * DefaultEnvoyProxyImage), from before the fix. The fix (1.35.13 in the 1.35 line; 1.36.9, 1.37.5, 1.38.3,
 * 1.39.0) adds AES-256-GCM behind two runtime guards whose defaults keep the vulnerable path
 * (envoyproxy/gateway#9830: `oauth2_use_gcm_encryption` false, `oauth2_legacy_cbc_decrypt_compat` true),
 * and Envoy Gateway sets both only from envoyproxy/gateway#9831 on (its bootstrap's global_config layer),
 * after v1.5.1. So the proxies run the 1.35 release with the fix, the minor line v1.5.1 is built against,
 * and their bootstrap gets one more runtime layer with both guards turned. Envoy's layered runtime lets a
 * later layer override an earlier one, and v1.5.1 merges a `Merge` bootstrap into its default with
 * proto.Merge, which appends to a list (internal/xds/bootstrap/util.go, mergeBootstrap), so the layer
 * comes after global_config. Sessions made before (CBC cookies) no longer validate: each person signs in
 * once more.
 */
export const ENVOY_PROXY_IMAGE = 'docker.io/envoyproxy/envoy:distroless-v1.35.13';

/** The runtime guards of the oauth2 filter's cookie encryption, turned to GCM only. */
export const OAUTH2_COOKIE_RUNTIME = {
  'envoy.reloadable_features.oauth2_use_gcm_encryption': true,
  'envoy.reloadable_features.oauth2_legacy_cbc_decrypt_compat': false,
} as const;

/** The name of the runtime layer the proxies' bootstrap gets. */
export const OAUTH2_COOKIE_LAYER = 'webapps-oauth2-cookies';

/** The EnvoyProxy's `bootstrap`: Envoy Gateway's default, with the runtime layer above appended. */
export const proxyBootstrap = () => ({
  type: 'Merge',
  value: stringify({ layered_runtime: { layers: [{ name: OAUTH2_COOKIE_LAYER, static_layer: { ...OAUTH2_COOKIE_RUNTIME } }] } }),
});
