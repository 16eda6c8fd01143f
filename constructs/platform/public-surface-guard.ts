import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../model/cluster-spec';
import { GATEWAY, platformSecretKeyOf } from '../model/naming';

export interface GuardRule {
  readonly name: string;
  readonly resources: { readonly group: string; readonly version: string; readonly resource: string };
  /** CEL, true when the object is allowed. `object` is the object being created or updated. */
  readonly expression: string;
  readonly message: string;
}

const quote = (s: string) => JSON.stringify(s);

/** Shared-store keys a platform namespace may read, by namespace. */
export type PlatformStoreKeys = Readonly<Record<string, readonly string[]>>;

const NAMESPACED_STORE = "has(object.spec.secretStoreRef) && (!has(object.spec.secretStoreRef.kind) || object.spec.secretStoreRef.kind == 'SecretStore')";

/**
 * The rules the API server enforces on every write, hand-applied manifests included. `platformKeys`
 * lists, per platform namespace, the shared-store keys its add-ons read besides their own path.
 */
export function guardRulesOf(cluster: ClusterSpec, platformKeys: PlatformStoreKeys = {}): GuardRule[] {
  const domains = [cluster.domain, ...(cluster.extraHostDomains ?? [])];
  const underDomains = domains.map((d) => `h == ${quote(d)} || h.endsWith(${quote(`.${d}`)})`).join(' || ');
  const shared = [cluster.internalAccess.oidc?.clientSecret, cluster.internalAccess.basicAuthSecret]
    .filter((s): s is string => s !== undefined)
    .map((s) => quote(platformSecretKeyOf(cluster.env, s)));
  const allowedKey = [
    `d.remoteRef.key.startsWith(${quote(`webapps/${cluster.env}/`)} + object.metadata.namespace + '/')`,
    ...(shared.length > 0 ? [`d.remoteRef.key in [${shared.join(', ')}]`] : []),
    ...Object.entries(platformKeys)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([ns, keys]) => `(object.metadata.namespace == ${quote(ns)} && d.remoteRef.key in [${[...keys].sort().map(quote).join(', ')}])`),
  ].join(' || ');
  return [
    {
      name: 'public-services-only-at-the-gateway',
      resources: { group: '', version: 'v1', resource: 'services' },
      // The Envoy proxies' Service is the one LoadBalancer; no Service is a NodePort (cert-manager's HTTP-01
      // solver Service is ClusterIP: platform/cert-manager.ts).
      expression:
        `!has(object.spec.type) || object.spec.type != 'NodePort' && ` +
        `(object.spec.type != 'LoadBalancer' || object.metadata.namespace == ${quote(GATEWAY.namespace)})`,
      message: `Only the shared Gateway (namespace ${GATEWAY.namespace}) may have a LoadBalancer Service, and no Service may be a NodePort.`,
    },
    {
      name: 'route-hosts-in-cluster-domains',
      resources: { group: 'gateway.networking.k8s.io', version: 'v1', resource: 'httproutes' },
      expression: `!has(object.spec.hostnames) || object.spec.hostnames.all(h, ${underDomains})`,
      message: `HTTPRoute hostnames must be under ${domains.join(', ')}.`,
    },
    {
      name: 'external-secrets-own-keys-only',
      resources: { group: 'external-secrets.io', version: 'v1', resource: 'externalsecrets' },
      // A namespaced SecretStore can only be a Kubernetes-provider one (next rule); the shared store is AWS.
      // dataFrom and per-item sourceRef would bypass the key check, and the platform uses neither.
      expression:
        `!has(object.spec.dataFrom) && (!has(object.spec.data) || object.spec.data.all(d, !has(d.sourceRef)))` +
        ` && (${NAMESPACED_STORE} || !has(object.spec.data) || object.spec.data.all(d, ${allowedKey}))`,
      message: `An ExternalSecret may read only its own namespace's keys (webapps/${cluster.env}/<namespace>/…) from the shared store.`,
    },
    {
      name: 'namespaced-secret-stores-kubernetes-only',
      resources: { group: 'external-secrets.io', version: 'v1', resource: 'secretstores' },
      expression: 'has(object.spec.provider.kubernetes)',
      message: 'A namespaced SecretStore may only read Kubernetes Secrets; the AWS secret store is the shared ClusterSecretStore.',
    },
  ];
}

/**
 * ValidatingAdmissionPolicies (built into Kubernetes, no extra component) that keep the public surface
 * and secret separation in place even against a hand-applied manifest.
 */
export class PublicSurfaceGuard extends Construct {
  constructor(scope: Construct, id: string, cluster: ClusterSpec, platformKeys: PlatformStoreKeys = {}) {
    super(scope, id);
    for (const rule of guardRulesOf(cluster, platformKeys)) {
      new ApiObject(this, rule.name, {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: rule.name },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              {
                apiGroups: [rule.resources.group],
                apiVersions: [rule.resources.version],
                operations: ['CREATE', 'UPDATE'],
                resources: [rule.resources.resource],
              },
            ],
          },
          validations: [{ expression: rule.expression, message: rule.message }],
        },
      });
      new ApiObject(this, `${rule.name}-binding`, {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: rule.name },
        spec: { policyName: rule.name, validationActions: ['Deny'] },
      });
    }
  }
}
