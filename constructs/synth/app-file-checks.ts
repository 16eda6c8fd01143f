import type { KubeObject } from '../model/kube-object';
import { NAMESPACE_RULES, OBJECT_RULES } from '../rules/output-rules';
import { verdictsOf, type Verdicts } from '../rules/object-verdicts';
import { schemaProblemsOf } from '../schemas/schema-validation';
import type { AppFiles } from './app-files';

// Apart from app-files.ts: the worker thread loads the schemas and rules only once it has sent the files.

export const objectsOfAppFiles = (files: readonly AppFiles[]): KubeObject[] => files.flatMap((f) => [...(f.tenant.objects ?? []), ...(f.apps.objects ?? [])]);

/** The verdicts of the checks that judge one object at a time, alone or within its namespace, on the apps' files' objects. */
export const verdictsOfAppFiles = (files: readonly AppFiles[]): Verdicts =>
  verdictsOf(objectsOfAppFiles(files), { schema: schemaProblemsOf, ...OBJECT_RULES }, NAMESPACE_RULES);
