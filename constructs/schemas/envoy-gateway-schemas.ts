/**
 * Hand-written schemas for the Envoy Gateway CRDs we emit (gateway.envoyproxy.io/v1alpha1), which no
 * kubernetes-models package covers.
 */
import { anyObject, arr, bool, int, map, obj, QUANTITY, resource, str, type Schema } from './crd-schema';

const DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

const targetRefs = arr(obj({ group: str(), kind: str(), name: str(), sectionName: str() }, ['group', 'kind', 'name']), 1);
const secretRef = obj({ name: str(), namespace: str(), kind: str(), group: str() }, ['name']);

export const ENVOY_GATEWAY_SCHEMAS: Record<string, Schema> = {
  BackendTrafficPolicy: resource(
    obj(
      {
        targetRefs,
        rateLimit: obj(
          {
            type: str({ enum: ['Local', 'Global'] }),
            local: obj({
              rules: arr(
                obj({ limit: obj({ requests: int(1), unit: str({ enum: ['Second', 'Minute', 'Hour', 'Day'] }) }, ['requests', 'unit']) }, ['limit']),
                1,
              ),
            }),
          },
          ['type'],
        ),
        requestBuffer: obj({ limit: str({ pattern: QUANTITY }) }, ['limit']),
        timeout: obj({ http: obj({ requestTimeout: str({ pattern: DURATION }), connectionIdleTimeout: str({ pattern: DURATION }) }) }),
      },
      ['targetRefs'],
    ),
  ),
  // charts/gateway-helm/crds/generated/gateway.envoyproxy.io_httproutefilters.yaml (v1.5.1): the direct response only.
  HTTPRouteFilter: resource(
    obj({
      directResponse: obj({
        contentType: str(),
        statusCode: int(),
        body: obj({ type: str({ enum: ['Inline', 'ValueRef'] }), inline: str() }, ['type']),
      }),
    }),
  ),
  SecurityPolicy: resource(
    obj(
      {
        targetRefs,
        oidc: obj(
          {
            provider: obj({ issuer: str({ pattern: /^https:\/\// }) }, ['issuer']),
            clientID: str(),
            clientSecret: secretRef,
            redirectURL: str({ pattern: /^https:\/\// }),
            logoutPath: str({ pattern: /^\// }),
            cookieNames: obj({ accessToken: str(), idToken: str() }),
            // v1.5.1 api/v1alpha1/oidc_types.go RefreshToken (*bool, default false).
            refreshToken: bool,
          },
          ['provider', 'clientID', 'clientSecret'],
        ),
        basicAuth: obj({ users: secretRef }, ['users']),
        // v1.5.1 gateway.envoyproxy.io_securitypolicies.yaml, spec.jwt: the fields a login that checks groups uses
        // (its MaxLength 253 and MaxItems bounds are validation/edge-validation.ts's, which this subset cannot say).
        jwt: obj(
          {
            optional: bool,
            providers: arr(
              obj(
                {
                  name: str({ pattern: /^.+$/ }),
                  issuer: str(),
                  audiences: arr(str()),
                  remoteJWKS: obj({ uri: str({ pattern: /^https?:\/\/.+/ }) }, ['uri']),
                  extractFrom: obj({ cookies: arr(str()), headers: arr(obj({ name: str(), valuePrefix: str() }, ['name'])), params: arr(str()) }),
                },
                // The CRD's CEL rule wants remoteJWKS or localJWKS; we emit only remoteJWKS.
                ['name', 'remoteJWKS'],
              ),
              1,
            ),
          },
          ['providers'],
        ),
        authorization: obj({
          defaultAction: str({ enum: ['Allow', 'Deny'] }),
          rules: arr(
            obj(
              {
                name: str(),
                action: str({ enum: ['Allow', 'Deny'] }),
                principal: obj({
                  clientCIDRs: arr(str({ pattern: /^[0-9a-f.:]+\/[0-9]{1,3}$/ }), 1),
                  jwt: obj(
                    {
                      provider: str({ pattern: /^.+$/ }),
                      claims: arr(
                        obj({ name: str({ pattern: /^.+$/ }), valueType: str({ enum: ['String', 'StringArray'] }), values: arr(str(), 1) }, ['name', 'values']),
                        1,
                      ),
                    },
                    ['provider', 'claims'],
                  ),
                }),
              },
              ['action', 'principal'],
            ),
          ),
        }),
      },
      ['targetRefs'],
    ),
  ),
  ClientTrafficPolicy: resource(
    obj(
      {
        targetRefs,
        tls: obj({ minVersion: str({ enum: ['Auto', '1.0', '1.1', '1.2', '1.3'] }), maxVersion: str({ enum: ['Auto', '1.0', '1.1', '1.2', '1.3'] }) }),
        timeout: obj({ http: obj({ requestReceivedTimeout: str({ pattern: DURATION }), idleTimeout: str({ pattern: DURATION }) }) }),
        headers: obj({ withUnderscoresAction: str({ enum: ['Allow', 'RejectRequest', 'DropHeader'] }) }),
        connection: obj({ bufferLimit: str({ pattern: QUANTITY }) }),
      },
      ['targetRefs'],
    ),
  ),
  EnvoyProxy: resource(
    obj({
      provider: obj(
        {
          type: str({ enum: ['Kubernetes'] }),
          kubernetes: obj({
            envoyService: obj({
              type: str({ enum: ['ClusterIP', 'LoadBalancer', 'NodePort'] }),
              externalTrafficPolicy: str({ enum: ['Local', 'Cluster'] }),
              annotations: map(str()),
            }),
            // api/v1alpha1/shared_types.go at v1.5.1: KubernetesDeploymentSpec, KubernetesPodSpec, KubernetesContainerSpec,
            // KubernetesHorizontalPodAutoscalerSpec and KubernetesPodDisruptionBudgetSpec (one of the two bounds).
            envoyDeployment: obj({
              replicas: int(1),
              patch: obj({ type: str({ enum: ['StrategicMerge', 'JSONMerge'] }), value: { type: 'object' } }, ['value']),
              pod: obj({
                annotations: map(str()),
                labels: map(str()),
                securityContext: anyObject,
                affinity: anyObject,
                tolerations: arr(anyObject),
                nodeSelector: map(str()),
                topologySpreadConstraints: arr(anyObject),
              }),
              container: obj({ image: str(), resources: anyObject, securityContext: anyObject, env: arr(anyObject) }),
            }),
            envoyHpa: obj({ minReplicas: int(1), maxReplicas: int(1), metrics: arr(anyObject), behavior: anyObject }, ['maxReplicas']),
            // IntOrString upstream; we write whole numbers only.
            envoyPDB: obj({ minAvailable: int(0), maxUnavailable: int(0) }),
          }),
        },
        ['type'],
      ),
      // api/v1alpha1/envoyproxy_types.go at v1.5.1: ProxyBootstrap (a YAML string for Merge and Replace).
      bootstrap: obj({ type: str({ enum: ['Merge', 'Replace', 'JSONPatch'] }), value: str(), jsonPatches: arr(anyObject) }),
      // api/v1alpha1/envoyproxy_types.go at v1.5.1: EnvoyProxySpec.MergeGateways.
      mergeGateways: bool,
      telemetry: obj({
        accessLog: obj({
          settings: arr(
            obj(
              {
                format: obj({ type: str({ enum: ['Text', 'JSON'] }), text: str(), json: map(str()) }, ['type']),
                sinks: arr(obj({ type: str({ enum: ['File', 'OpenTelemetry', 'ALS'] }), file: obj({ path: str() }, ['path']) }, ['type']), 1),
              },
              ['sinks'],
            ),
          ),
        }),
      }),
    }),
  ),
};

/**
 * Gateway API's BackendTLSPolicy v1alpha3, which the kubernetes-models package (v1alpha2 only) lacks: after
 * the CRD that Envoy Gateway v1.5.1 installs (charts/gateway-helm/crds/gatewayapi-crds.yaml, Gateway API
 * v1.3.0 experimental): targetRefs and validation, its CA references local to the namespace.
 */
const GROUP = /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KIND = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const localRef = obj({ group: str({ pattern: GROUP }), kind: str({ pattern: KIND }), name: str() }, ['group', 'kind', 'name']);

export const GATEWAY_API_ALPHA_SCHEMAS: Record<string, Schema> = {
  BackendTLSPolicy: resource(
    obj(
      {
        targetRefs: arr(obj({ group: str({ pattern: GROUP }), kind: str({ pattern: KIND }), name: str(), sectionName: str() }, ['group', 'kind', 'name']), 1),
        validation: obj(
          {
            caCertificateRefs: arr(localRef),
            wellKnownCACertificates: str({ enum: ['System'] }),
            hostname: str({ pattern: HOSTNAME }),
            subjectAltNames: arr(obj({ type: str({ enum: ['Hostname', 'URI'] }), hostname: str(), uri: str() }, ['type'])),
          },
          ['hostname'],
        ),
        options: map(str()),
      },
      ['targetRefs', 'validation'],
    ),
  ),
};
