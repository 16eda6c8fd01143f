/**
 * Hand-written schemas for the Envoy Gateway CRDs we emit (gateway.envoyproxy.io/v1alpha1), which no
 * kubernetes-models package covers. They encode the upstream CRDs' shape for the fields we use:
 * required fields, types, enums, and no unknown fields, so a typo fails synth.
 */
type Schema =
  | { type: 'string'; enum?: readonly string[]; pattern?: RegExp }
  | { type: 'integer'; minimum?: number }
  | { type: 'boolean' }
  | { type: 'array'; items: Schema; minItems?: number }
  | { type: 'object'; properties?: Record<string, Schema>; required?: readonly string[]; additional?: Schema };

const str = (extra: Partial<{ enum: readonly string[]; pattern: RegExp }> = {}): Schema => ({ type: 'string', ...extra });
const int = (minimum?: number): Schema => ({ type: 'integer', minimum });
const obj = (properties: Record<string, Schema>, required: readonly string[] = []): Schema => ({ type: 'object', properties, required });
const arr = (items: Schema, minItems = 0): Schema => ({ type: 'array', items, minItems });
const map = (values: Schema): Schema => ({ type: 'object', additional: values });
const DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|k|M|G)?$/;

const targetRefs = arr(obj({ group: str(), kind: str(), name: str(), sectionName: str() }, ['group', 'kind', 'name']), 1);
const secretRef = obj({ name: str(), namespace: str(), kind: str(), group: str() }, ['name']);
const metadata = obj({ name: str(), namespace: str(), labels: map(str()), annotations: map(str()) }, ['name']);
const resource = (spec: Schema): Schema => obj({ apiVersion: str(), kind: str(), metadata, spec }, ['apiVersion', 'kind', 'metadata', 'spec']);

export const ENVOY_GATEWAY_SCHEMAS: Record<string, Schema> = {
  BackendTrafficPolicy: resource(obj({
    targetRefs,
    rateLimit: obj({
      type: str({ enum: ['Local', 'Global'] }),
      local: obj({ rules: arr(obj({ limit: obj({ requests: int(1), unit: str({ enum: ['Second', 'Minute', 'Hour', 'Day'] }) }, ['requests', 'unit']) }, ['limit']), 1) }),
    }, ['type']),
    requestBuffer: obj({ limit: str({ pattern: QUANTITY }) }, ['limit']),
    timeout: obj({ http: obj({ requestTimeout: str({ pattern: DURATION }), connectionIdleTimeout: str({ pattern: DURATION }) }) }),
  }, ['targetRefs'])),
  SecurityPolicy: resource(obj({
    targetRefs,
    oidc: obj({
      provider: obj({ issuer: str({ pattern: /^https:\/\// }) }, ['issuer']),
      clientID: str(), clientSecret: secretRef, redirectURL: str({ pattern: /^https:\/\// }), logoutPath: str({ pattern: /^\// }),
    }, ['provider', 'clientID', 'clientSecret']),
    basicAuth: obj({ users: secretRef }, ['users']),
    authorization: obj({
      defaultAction: str({ enum: ['Allow', 'Deny'] }),
      rules: arr(obj({ name: str(), action: str({ enum: ['Allow', 'Deny'] }), principal: obj({ clientCIDRs: arr(str({ pattern: /^[0-9a-f.:]+\/[0-9]{1,3}$/ }), 1) }) }, ['action', 'principal'])),
    }),
  }, ['targetRefs'])),
  ClientTrafficPolicy: resource(obj({
    targetRefs,
    tls: obj({ minVersion: str({ enum: ['Auto', '1.0', '1.1', '1.2', '1.3'] }), maxVersion: str({ enum: ['Auto', '1.0', '1.1', '1.2', '1.3'] }) }),
    timeout: obj({ http: obj({ requestReceivedTimeout: str({ pattern: DURATION }), idleTimeout: str({ pattern: DURATION }) }) }),
    headers: obj({ withUnderscoresAction: str({ enum: ['Allow', 'RejectRequest', 'DropHeader'] }) }),
    connection: obj({ bufferLimit: str({ pattern: QUANTITY }) }),
  }, ['targetRefs'])),
  EnvoyProxy: resource(obj({
    provider: obj({
      type: str({ enum: ['Kubernetes'] }),
      kubernetes: obj({
        envoyService: obj({ type: str({ enum: ['ClusterIP', 'LoadBalancer', 'NodePort'] }), externalTrafficPolicy: str({ enum: ['Local', 'Cluster'] }), annotations: map(str()) }),
        envoyDeployment: obj({ replicas: int(1), patch: obj({ type: str({ enum: ['StrategicMerge', 'JSONMerge'] }), value: { type: 'object' } }, ['value']) }),
      }),
    }, ['type']),
  })),
};

/** Problems of one value against a schema, each with its JSON path. */
export function checkSchema(value: unknown, schema: Schema, path = ''): string[] {
  const at = path || '/';
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [`${at} must be string`];
      if (schema.enum && !schema.enum.includes(value)) return [`${at} must be one of ${schema.enum.join(', ')}`];
      if (schema.pattern && !schema.pattern.test(value)) return [`${at} must match ${schema.pattern}`];
      return [];
    case 'integer':
      if (!Number.isInteger(value)) return [`${at} must be integer`];
      return schema.minimum !== undefined && (value as number) < schema.minimum ? [`${at} must be >= ${schema.minimum}`] : [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at} must be boolean`];
    case 'array':
      if (!Array.isArray(value)) return [`${at} must be array`];
      if (value.length < (schema.minItems ?? 0)) return [`${at} must have at least ${schema.minItems} items`];
      return value.flatMap((item, i) => checkSchema(item, schema.items, `${path}/${i}`));
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at} must be object`];
      const record = value as Record<string, unknown>;
      const problems = (schema.required ?? []).filter((k) => record[k] === undefined).map((k) => `${at} must have required property '${k}'`);
      for (const [key, child] of Object.entries(record)) {
        const sub = schema.properties?.[key] ?? schema.additional;
        if (sub) problems.push(...checkSchema(child, sub, `${path}/${key}`));
        else if (schema.properties) problems.push(`${path}/${key} is not a known field`);
      }
      return problems;
    }
  }
}
