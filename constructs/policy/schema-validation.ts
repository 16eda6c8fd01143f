import { describe, type KubeObject } from '../synth/kube-object';

interface Validatable { validate(): void }
type ModelClass = new (data: object) => Validatable;

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

function modelOf(apiVersion: string, kind: string): ModelClass | undefined {
  const key = `${apiVersion}/${kind}`;
  if (!modelCache.has(key)) {
    let model: ModelClass | undefined;
    try {
      model = (require(modelModuleOf(apiVersion)) as Record<string, ModelClass>)[kind];
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
