import { describe, type KubeObject } from '../model/kube-object';
import { problemsOfEach } from '../rules/object-verdicts';

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
/** A kubernetes-models class: its prototype's validate() checks `this` against the kind's schema. */
interface ModelClass {
  readonly prototype: Validatable;
  readonly apiVersion: string;
  readonly kind: string;
}
/** Throws, with the schema's problems as its message, when data does not match. */
type Validate = (data: object) => void;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Whether an undefined field hides anywhere in value; JSON has none. */
function hasUndefined(value: unknown): boolean {
  if (Array.isArray(value)) {
    for (const item of value) if (hasUndefined(item)) return true;
  } else if (isPlainObject(value)) {
    for (const key in value) if (value[key] === undefined || hasUndefined(value[key])) return true;
  }
  return false;
}

/** value without its undefined fields, at every depth, as @kubernetes-models/base copies it (model.js filterUndefinedValues). */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => [key, withoutUndefined(item)]),
  );
}

/**
 * `new Model(data).validate()`, without the constructor's deep copy of data, which was a third of the
 * schema check's time. A model instance holds data's fields over its own apiVersion and kind, undefined
 * ones dropped at every depth; validate() reads `this` only, and the schema validators never write to
 * it, so an instance may share data's objects when nothing in them is undefined.
 */
const validatorOf =
  (Model: ModelClass): Validate =>
  (data) => {
    const fields = { apiVersion: Model.apiVersion, kind: Model.kind, ...data };
    (Object.assign(Object.create(Model.prototype), hasUndefined(fields) ? withoutUndefined(fields) : fields) as Validatable).validate();
  };

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

const validatorCache = new Map<string, Validate | undefined>();

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

function validatorOfKind(apiVersion: string, kind: string): Validate | undefined {
  const key = `${apiVersion}/${kind}`;
  if (!validatorCache.has(key)) {
    let validate: Validate | undefined;
    const schemaVersion = SCHEMA_VERSION_OF[key] ?? SCHEMA_VERSION_OF[apiVersion] ?? apiVersion;
    try {
      const Beta = loadModel(modelModuleOf(schemaVersion), kind);
      const validateAsBeta = Beta && validatorOf(Beta);
      // The beta model checks apiVersion too: validate a copy that carries the beta's.
      validate = validateAsBeta && schemaVersion !== apiVersion ? (data) => validateAsBeta({ ...data, apiVersion: schemaVersion }) : validateAsBeta;
    } catch {
      validate = undefined;
    }
    validatorCache.set(key, validate);
  }
  return validatorCache.get(key);
}

/** One object's problems against its upstream OpenAPI schema; having no known schema is one too. */
export function schemaProblemsOf(obj: KubeObject): string[] {
  const handWritten = HAND_WRITTEN_SCHEMAS[obj.apiVersion]?.[obj.kind];
  if (handWritten) return checkSchema(obj, handWritten).map((p) => `${describe(obj)}: ${p}`);
  const validate = validatorOfKind(obj.apiVersion, obj.kind);
  if (!validate) return [`${describe(obj)}: no schema known for ${obj.apiVersion} ${obj.kind}`];
  try {
    validate(obj);
    return [];
  } catch (error) {
    return [`${describe(obj)}: ${(error as Error).message}`];
  }
}

/**
 * Checks each object against its upstream OpenAPI schema (the kubernetes-models packages). An object
 * with no known schema is a problem too: nothing reaches the cluster unchecked. Objects checked where
 * they were built are not checked again (rules/object-verdicts.ts).
 */
export const schemaProblems = (objects: readonly KubeObject[]): string[] => problemsOfEach('schema', schemaProblemsOf, objects);
