import type { KubeObject } from '../model/kube-object';

/*
 * The checks that judge each object on its own (its schema, and the rules that read nothing else) can run
 * on the thread that built the object: synth/build-cluster.ts has the worker thread that builds the last
 * apps' files judge their objects while the main thread goes on. Their verdicts are kept here, and each
 * check's pass over all the objects reads them instead of judging those objects again: the same
 * problems, in the same order, as if it had judged them itself.
 */

/** A check that judges one object on its own: its problems with it. */
export type ObjectCheck = (obj: KubeObject) => string[];

/** One object's verdict: its problems, or the message of the error the check threw; none when it passed. */
type Verdict = readonly string[] | { readonly threw: string };

/** What each check found in some objects, by the object's index among them. */
export type Verdicts = Readonly<Record<string, Readonly<Record<number, Verdict>>>>;

/** Runs every check on every object, for the verdicts to be read elsewhere (plain data: they cross threads). */
export function verdictsOf(objects: readonly KubeObject[], checks: Readonly<Record<string, ObjectCheck>>): Verdicts {
  const verdicts: Record<string, Record<number, Verdict>> = {};
  for (const [name, check] of Object.entries(checks)) {
    const found: Record<number, Verdict> = {};
    objects.forEach((obj, i) => {
      try {
        const problems = check(obj);
        if (problems.length > 0) found[i] = problems;
      } catch (error) {
        found[i] = { threw: String((error as Error)?.message ?? error) };
      }
    });
    verdicts[name] = found;
  }
  return verdicts;
}

/** The objects judged elsewhere, each with its index and the verdicts, read once they are needed. By identity: an object never changes once built. */
const judgedElsewhere = new WeakMap<KubeObject, { readonly index: number; readonly verdicts: () => Verdicts }>();

/** Records that verdicts() gives what the checks found in objects (verdictsOf), so that they are not judged again. */
export function rememberVerdicts(objects: readonly KubeObject[], verdicts: () => Verdicts): void {
  objects.forEach((obj, index) => judgedElsewhere.set(obj, { index, verdicts }));
}

/** The check's problems with each object, in order: for an object judged elsewhere, what it found there. */
export function problemsOfEach(name: string, check: ObjectCheck, objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  for (const obj of objects) {
    const known = judgedElsewhere.get(obj);
    const found = known && known.verdicts()[name];
    if (!found) {
      problems.push(...check(obj));
      continue;
    }
    const verdict = found[known.index];
    if (verdict && 'threw' in verdict) throw new Error(verdict.threw);
    if (verdict) problems.push(...verdict);
  }
  return problems;
}
