import type { KubeObject } from '../model/kube-object';
import { NAMESPACE_RULES, OBJECT_RULES } from '../rules/output-rules';
import { rememberVerdicts, verdictsOf, verdictsReusing, type KeyedVerdicts, type Verdicts } from '../rules/object-verdicts';
import { schemaProblemsOf } from '../schemas/schema-validation';
import type { AppFiles } from './app-files';
import { digestOf, rememberDigests, rememberRendered, renderAfresh } from './render';
import { writeEntries } from './synth-cache';

// Apart from app-files.ts: the worker thread loads the schemas and rules only once it has sent the files.

export const objectsOfAppFiles = (files: AppFiles): KubeObject[] => [...(files.tenant.objects ?? []), ...(files.apps.objects ?? [])];

/** The verdicts of the checks that judge one object at a time, alone or within its namespace, on these objects. */
export const verdictsOfObjects = (objects: readonly KubeObject[]): Verdicts =>
  verdictsOf(objects, { schema: schemaProblemsOf, ...OBJECT_RULES }, NAMESPACE_RULES);

/** verdictsOfObjects(), reading the one-object checks' verdicts of the objects an earlier batch judged, by their keys. */
export const verdictsOfObjectsReusing = (objects: readonly KubeObject[], keys: readonly string[], earlier: KeyedVerdicts | undefined): Verdicts =>
  verdictsReusing(objects, keys, earlier, { schema: schemaProblemsOf, ...OBJECT_RULES }, NAMESPACE_RULES);

/** verdictsOfObjects() of one app's objects. */
export const verdictsOfAppFiles = (files: AppFiles): Verdicts => verdictsOfObjects(objectsOfAppFiles(files));

/** What the thread that built an app's files goes on to make of them: its objects' verdicts, and its two files' bytes. */
export interface CheckedAppFiles {
  readonly verdicts: Verdicts;
  readonly texts: readonly [tenant: string, apps: string];
}

/**
 * What the cache keeps of an app: its files, their objects' verdicts, and the digest of each file's bytes,
 * not the bytes. A synth that reads the entry back renders the files only where the bytes on disk differ
 * (write-output.ts): at 1,000 apps the bytes were 60 of an entry's 110 MB, read back on every synth.
 */
export interface KeptAppFiles {
  readonly files: AppFiles;
  readonly verdicts: Verdicts;
  readonly digests: readonly [tenant: string, apps: string];
}

/** The cache entry of an app's files, checked and rendered. */
export const keptAppFilesOf = (files: AppFiles, checked: CheckedAppFiles): KeptAppFiles => ({
  files,
  verdicts: checked.verdicts,
  digests: [digestOf(checked.texts[0]), digestOf(checked.texts[1])],
});

/** Where the thread that checks and renders apps' files keeps them too: each app's cache entry, by name and key. */
export interface KeepThere {
  readonly cache: string;
  readonly folder: string;
  readonly entries: readonly { readonly name: string; readonly key: string }[];
}

export function checkedAndRenderedAppFiles(each: readonly AppFiles[], keep?: KeepThere): CheckedAppFiles[] {
  const checked = each.map((files): CheckedAppFiles => ({
    verdicts: verdictsOfAppFiles(files),
    // Afresh: where the job ran on this thread (no worker), render() would ask this very follow-up for the bytes.
    texts: [renderAfresh(files.tenant), renderAfresh(files.apps)],
  }));
  if (keep)
    writeEntries(
      keep.cache,
      keep.folder,
      keep.entries.map((e, i) => ({ ...e, made: () => keptAppFilesOf(each[i], checked[i]) })),
    );
  return checked;
}

/** Has the output checks and render() read, for an app's files, what checked() found and made elsewhere, instead of doing it again. */
export function rememberCheckedAndRendered(files: AppFiles, checked: () => CheckedAppFiles): void {
  rememberVerdicts(objectsOfAppFiles(files), () => checked().verdicts);
  rememberRendered([files.tenant, files.apps], () => checked().texts);
}

/** Has the output checks read a kept app's verdicts, and the writer its files' digests; its files are rendered only when asked for. */
export function rememberKept(kept: KeptAppFiles): void {
  rememberVerdicts(objectsOfAppFiles(kept.files), () => kept.verdicts);
  rememberDigests([kept.files.tenant, kept.files.apps], kept.digests);
}
