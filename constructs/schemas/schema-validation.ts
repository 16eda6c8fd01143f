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
/** A kubernetes-models class: its constructor sets apiVersion and kind, and the data given over them. */
type ModelClass = (new (data: object) => Validatable) & { readonly prototype: Validatable; readonly apiVersion?: string; readonly kind?: string };

/** The model of a kind, and the apiVersion it knows the kind by. */
interface SchemaModel {
  readonly Model: ModelClass;
  readonly schemaVersion: string;
}

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

const modelCache = new Map<string, SchemaModel | undefined>();

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

export function modelOf(apiVersion: string, kind: string): SchemaModel | undefined {
  const key = `${apiVersion}/${kind}`;
  if (!modelCache.has(key)) {
    let found: SchemaModel | undefined;
    const schemaVersion = SCHEMA_VERSION_OF[key] ?? SCHEMA_VERSION_OF[apiVersion] ?? apiVersion;
    try {
      const Model = loadModel(modelModuleOf(schemaVersion), kind);
      found = Model && { Model, schemaVersion };
    } catch {
      found = undefined;
    }
    modelCache.set(key, found);
  }
  return modelCache.get(key);
}

/**
 * The model instance whose validate() checks `data`. The constructor deep-copies its data to drop
 * undefined values (setDefinedProps in @kubernetes-models/base 5.0.1 dist/model.js, and in the base the
 * gateway-api package bundles), which took a quarter of schema validation at 1,000 apps. Synthesized
 * objects hold no undefined value, so such data is validated as it is: the same own properties, in the
 * same order, on the same prototype (test/schema-validation.test.ts compares the two on every object).
 */
export function modelInstanceOf(Model: ModelClass, data: object): Validatable {
  if (Model.apiVersion === undefined || Model.kind === undefined || holdsUndefined(data)) return new Model(data);
  return Object.assign(Object.create(Model.prototype) as Validatable, { apiVersion: Model.apiVersion, kind: Model.kind }, data);
}

/** Whether a property anywhere in value (through objects and arrays) is undefined. */
function holdsUndefined(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(holdsUndefined);
  for (const key of Object.keys(value)) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner === undefined || holdsUndefined(inner)) return true;
  }
  return false;
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
    const found = modelOf(obj.apiVersion, obj.kind);
    if (!found) {
      problems.push(`${describe(obj)}: no schema known for ${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    try {
      // A beta model checks apiVersion too: validate a copy that carries the beta's.
      const data = found.schemaVersion === obj.apiVersion ? obj : { ...obj, apiVersion: found.schemaVersion };
      modelInstanceOf(found.Model, data).validate();
    } catch (error) {
      problems.push(`${describe(obj)}: ${(error as Error).message}`);
    }
  }
  return problems;
}
