import type { KubeObject } from '../model/kube-object';

/*
 * The checks that judge each object on its own (its schema, and the rules that read nothing else) can run
 * on the thread that built the object: synth/build-cluster.ts has the worker thread that builds the last
 * apps' files judge their objects while the main thread goes on. Their verdicts are kept here, and each
 * check's pass over all the objects reads them instead of judging those objects again: the same
 * problems, in the same order, as if it had judged them itself.
 * So can the checks that judge each object in the light of the other objects of its namespace, for the
 * namespaces whose objects were all built, and judged, on that thread (an app's namespace).
 */

/** A check that judges one object on its own: its problems with it. */
export type ObjectCheck = (obj: KubeObject) => string[];

/** A check that judges each object in the light of the other objects of its namespace, among these objects. */
export type NamespaceCheck = (objects: readonly KubeObject[]) => ObjectCheck;

/** One object's verdict: its problems, or the message of the error the check threw; none when it passed. */
type Verdict = readonly string[] | { readonly threw: string };

/** What each check found in some objects, by the object's index among them. */
export type Verdicts = Readonly<Record<string, Readonly<Record<number, Verdict>>>>;

/**
 * Runs every check on every object, for the verdicts to be read elsewhere (plain data: they cross threads).
 * The namespace checks see these objects only: their verdicts stand for the namespaces that have no other.
 */
export function verdictsOf(
  objects: readonly KubeObject[],
  checks: Readonly<Record<string, ObjectCheck>>,
  namespaceChecks: Readonly<Record<string, NamespaceCheck>> = {},
): Verdicts {
  const verdicts: Record<string, Record<number, Verdict>> = {};
  const all = { ...checks, ...Object.fromEntries(Object.entries(namespaceChecks).map(([name, over]) => [name, overThese(over, objects)])) };
  for (const [name, check] of Object.entries(all)) {
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

/** The namespace check over these objects; should reading them throw, a check that throws that on each object. */
function overThese(over: NamespaceCheck, objects: readonly KubeObject[]): ObjectCheck {
  try {
    return over(objects);
  } catch (error) {
    return () => {
      throw error;
    };
  }
}

/** What the checks found in a batch of objects, each object known by its key. */
export interface KeyedVerdicts {
  readonly keys: readonly string[];
  readonly verdicts: Verdicts;
}

/**
 * verdictsOf(), reading what the one-object checks found in an earlier batch for each object of the same key
 * (a key names an object's content and the code: one object's verdict is the same wherever it is judged).
 * The namespace checks judge every object again: their verdicts depend on the others.
 */
export function verdictsReusing(
  objects: readonly KubeObject[],
  keys: readonly string[],
  earlier: KeyedVerdicts | undefined,
  checks: Readonly<Record<string, ObjectCheck>>,
  namespaceChecks: Readonly<Record<string, NamespaceCheck>> = {},
): Verdicts {
  const earlierAt = new Map(earlier?.keys.map((key, i) => [key, i]));
  const fresh = objects.flatMap((_, i) => (earlierAt.has(keys[i]) ? [] : [i]));
  const freshAt = new Map(fresh.map((at, j) => [at, j]));
  const judged = verdictsOf(
    fresh.map((i) => objects[i]),
    checks,
  );
  const verdicts: Record<string, Record<number, Verdict>> = {};
  for (const name of Object.keys(checks)) {
    const found: Record<number, Verdict> = {};
    objects.forEach((_, i) => {
      const j = freshAt.get(i);
      const verdict = j === undefined ? earlier!.verdicts[name]?.[earlierAt.get(keys[i])!] : judged[name][j];
      if (verdict) found[i] = verdict;
    });
    verdicts[name] = found;
  }
  return { ...verdicts, ...verdictsOf(objects, {}, namespaceChecks) };
}

/** Objects judged together elsewhere, and what the checks found there. */
interface Batch {
  readonly objects: readonly KubeObject[];
  readonly verdicts: () => Verdicts;
}

/** The objects judged elsewhere, each with its index and batch, the verdicts read once they are needed. By identity: an object never changes once built. */
const judgedElsewhere = new WeakMap<KubeObject, { readonly index: number; readonly batch: Batch }>();

/** Records that verdicts() gives what the checks found in objects (verdictsOf), so that they are not judged again. */
export function rememberVerdicts(objects: readonly KubeObject[], verdicts: () => Verdicts): void {
  const batch: Batch = { objects, verdicts };
  objects.forEach((obj, index) => judgedElsewhere.set(obj, { index, batch }));
}

/** The check's verdict on an object judged elsewhere; undefined when it was not judged there. */
function verdictElsewhere(name: string, obj: KubeObject): { readonly problems: readonly string[] } | undefined {
  const known = judgedElsewhere.get(obj);
  const found = known && known.batch.verdicts()[name];
  if (!found) return undefined;
  const verdict = found[known.index];
  if (verdict && 'threw' in verdict) throw new Error(verdict.threw);
  return { problems: verdict ?? [] };
}

/** The check's problems with each object, in order: for an object judged elsewhere, what it found there. */
export function problemsOfEach(name: string, check: ObjectCheck, objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  for (const obj of objects) {
    const elsewhere = verdictElsewhere(name, obj);
    problems.push(...(elsewhere ? elsewhere.problems : check(obj)));
  }
  return problems;
}

/**
 * The namespace check's problems with each object, in order. An object judged elsewhere reads the verdict
 * found there only when its namespace there looked as it does here (rules may take the first match): the
 * namespace's objects here are those of one batch judged elsewhere, all of them and no others, in its order.
 */
export function problemsOfEachInNamespace(name: string, check: NamespaceCheck, objects: readonly KubeObject[]): string[] {
  const judgedWhole = namespacesJudgedWhole(objects);
  let here: ObjectCheck | undefined;
  const problems: string[] = [];
  for (const obj of objects) {
    const elsewhere = judgedWhole.has(obj.metadata.namespace) ? verdictElsewhere(name, obj) : undefined;
    problems.push(...(elsewhere ? elsewhere.problems : (here ??= check(objects))(obj)));
  }
  return problems;
}

/** The namespaces whose objects here are, all of them, no others and in the same order, those of one batch judged elsewhere. */
function namespacesJudgedWhole(objects: readonly KubeObject[]): Set<string | undefined> {
  // Per namespace: its one batch so far (null once it has objects of no batch, or of two), its objects' last index there, their count.
  const seen = new Map<string | undefined, { batch: Batch | null; last: number; count: number }>();
  for (const obj of objects) {
    const ns = obj.metadata.namespace;
    const known = judgedElsewhere.get(obj);
    const state = seen.get(ns);
    if (!state) seen.set(ns, { batch: known?.batch ?? null, last: known?.index ?? -1, count: 1 });
    else if (!known || state.batch !== known.batch || known.index <= state.last) state.batch = null;
    else Object.assign(state, { last: known.index, count: state.count + 1 });
  }
  const countsInBatch = new Map<Batch, Map<string | undefined, number>>();
  const whole = new Set<string | undefined>();
  for (const [ns, { batch, count }] of seen) {
    if (!batch) continue;
    let counts = countsInBatch.get(batch);
    if (!counts) {
      counts = new Map();
      for (const obj of batch.objects) counts.set(obj.metadata.namespace, (counts.get(obj.metadata.namespace) ?? 0) + 1);
      countsInBatch.set(batch, counts);
    }
    if (counts.get(ns) === count) whole.add(ns);
  }
  return whole;
}
