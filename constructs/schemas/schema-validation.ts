import { describe, type KubeObject } from '../model/kube-object';

import { checkSchema, type Schema } from './crd-schema';
import { ECK_SCHEMAS } from './eck-schemas';
import { ENVOY_GATEWAY_SCHEMAS, GATEWAY_API_ALPHA_SCHEMAS } from './envoy-gateway-schemas';

/** CRDs without a kubernetes-models package, by apiVersion and kind. */
const HAND_WRITTEN_SCHEMAS: Record<string, Record<string, Schema>> = {
  'gateway.envoyproxy.io/v1alpha1': ENVOY_GATEWAY_SCHEMAS,
  'gateway.networking.k8s.io/v1alpha3': GATEWAY_API_ALPHA_SCHEMAS,
  ...ECK_SCHEMAS,
};

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: object) => Validatable;

/**
 * GA versions whose schema the CommonJS kubernetes-models packages (the ones that load on Node 20) know
 * only by their last beta. Each GA version is its beta with deprecated fields removed, and we emit none
 * of those, so the beta schema checks every field we write.
 */
const SCHEMA_VERSION_OF: Record<string, string> = {
  'helm.toolkit.fluxcd.io/v2': 'helm.toolkit.fluxcd.io/v2beta2',
  'source.toolkit.fluxcd.io/v1/HelmRepository': 'source.toolkit.fluxcd.io/v1beta2',
  'source.toolkit.fluxcd.io/v1/OCIRepository': 'source.toolkit.fluxcd.io/v1beta2',
  'external-secrets.io/v1': 'external-secrets.io/v1beta1',
};

/** The kubernetes-models package that holds the schema of an API group. */
function modelModuleOf(apiVersion: string): string {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (group === 'gateway.networking.k8s.io') return `@kubernetes-models/gateway-api/${apiVersion}`;
  if (group.endsWith('.toolkit.fluxcd.io')) return `@kubernetes-models/flux-cd/${apiVersion}`;
  if (group.endsWith('cert-manager.io')) return `@kubernetes-models/cert-manager/${apiVersion}`;
  if (group.endsWith('external-secrets.io')) return `@kubernetes-models/external-secrets/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

const modelCache = new Map<string, ModelClass | undefined>();

/**
 * The model of one kind, loaded lazily: its own module (`<version module>/<Kind>`) when the package has
 * one, which loads that kind's schemas only; else the version's index, which loads every kind of it.
 */
function loadModel(versionModule: string, kind: string): ModelClass | undefined {
  /* eslint-disable @typescript-eslint/no-require-imports */
  try {
    return (require(`${versionModule}/${kind}`) as Record<string, ModelClass>)[kind];
  } catch {
    return (require(versionModule) as Record<string, ModelClass>)[kind];
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}

function modelOf(apiVersion: string, kind: string): ModelClass | undefined {
  const key = `${apiVersion}/${kind}`;
  if (!modelCache.has(key)) {
    let model: ModelClass | undefined;
    const schemaVersion = SCHEMA_VERSION_OF[key] ?? SCHEMA_VERSION_OF[apiVersion] ?? apiVersion;
    try {
      const Beta = loadModel(modelModuleOf(schemaVersion), kind);
      // The beta model checks apiVersion too: validate a copy that carries the beta's.
      model =
        Beta && schemaVersion !== apiVersion
          ? class {
              constructor(private readonly data: object) {}
              validate() {
                new Beta({ ...this.data, apiVersion: schemaVersion }).validate();
              }
            }
          : Beta;
    } catch {
      model = undefined;
    }
    modelCache.set(key, model);
  }
  return modelCache.get(key);
}

/**
 * Checks each object against its upstream OpenAPI schema (the kubernetes-models packages). An object
 * with no known schema is a problem too: nothing reaches the cluster unchecked.
 */
export function schemaProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  for (const obj of objects) {
    const handWritten = HAND_WRITTEN_SCHEMAS[obj.apiVersion]?.[obj.kind];
    if (handWritten) {
      problems.push(...checkSchema(obj, handWritten).map((p) => `${describe(obj)}: ${p}`));
      continue;
    }
    const model = modelOf(obj.apiVersion, obj.kind);
    if (!model) {
      problems.push(`${describe(obj)}: no schema known for ${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    try {
      new model(obj).validate();
    } catch (error) {
      problems.push(`${describe(obj)}: ${(error as Error).message}`);
    }
  }
  return problems;
}
