import type { KubeObject, OutputFile } from '../model/kube-object';
import { NAMESPACE_RULES, OBJECT_RULES } from '../rules/output-rules';
import { verdictsOf, type Verdicts } from '../rules/object-verdicts';
import { schemaProblemsOf } from '../schemas/schema-validation';
import type { AppFiles } from './app-files';
import { renderAfresh } from './render';

// Apart from app-files.ts: the worker thread loads the schemas and rules only once it has sent the files.

export const objectsOfAppFiles = (files: readonly AppFiles[]): KubeObject[] => files.flatMap((f) => [...(f.tenant.objects ?? []), ...(f.apps.objects ?? [])]);

/** The apps' files, each app's two in turn. */
export const outputFilesOfAppFiles = (files: readonly AppFiles[]): OutputFile[] => files.flatMap((f) => [f.tenant, f.apps]);

/** The verdicts of the checks that judge one object at a time, alone or within its namespace, on the apps' files' objects. */
export const verdictsOfAppFiles = (files: readonly AppFiles[]): Verdicts =>
  verdictsOf(objectsOfAppFiles(files), { schema: schemaProblemsOf, ...OBJECT_RULES }, NAMESPACE_RULES);

/** What the thread that built the apps' files goes on to make of them: their objects' verdicts, and each file's bytes (outputFilesOfAppFiles' order). */
export interface CheckedAppFiles {
  readonly verdicts: Verdicts;
  readonly texts: readonly string[];
}

export const checkedAndRenderedAppFiles = (files: readonly AppFiles[]): CheckedAppFiles => ({
  verdicts: verdictsOfAppFiles(files),
  // Afresh: where the job ran on this thread (no worker), render() would ask this very follow-up for the bytes.
  texts: outputFilesOfAppFiles(files).map(renderAfresh),
});
