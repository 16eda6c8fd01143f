/**
 * Prod runs only what ran in staging (PROVING_ENV): a version that becomes prod's current one is a version
 * staging ran (its current one or in its history), under the tag staging recorded for it, and not one staging
 * rolled back from. `npm run release` refuses such an image at once (scripts/lib/release.ts); synth holds
 * every change of a releases file to the same rule (checkInput), so that a hand edit, or a prod pull request
 * merged after staging rolled back from its version, fails CI as well. Both ask unprovenReason below.
 *
 * The rule judges a change: the releases files against those the change starts from (the base: the base
 * branch in CI, the last commit locally, the files on disk for a command). What an env ran before stays
 * allowed whatever its proving env did since, or the rule would refuse states no one can avoid:
 * - the version prod runs, unchanged: staging may since have rolled back from it (then roll prod back too),
 *   or released 5 newer versions, so that it left staging's history (HISTORY_LIMIT);
 * - a rollback in prod, or the undo of one: a version in prod's own history before the change;
 * - an app that only prod runs, as long as its version does not change (a new version has nothing to have
 *   run in; the release command refuses it as well).
 */
import type { AppSpec } from '../model/app-spec';
import { describeVersion, PROVING_ENV, releasesFileOf, sameVersion, type AppRelease, type Releases, type ReleaseVersion } from '../model/releases';
import { SpecProblem, SynthError } from '../model/spec-error';
import { appReleaseProblems } from './release-validation';

/** A version on its way into `env`, and what its proving env's releases file holds of the app. */
export interface ProvingRecord {
  /** The env the version goes to, e.g. prod. */
  readonly env: string;
  readonly app: string;
  /** The app's imageRepository, to spell the image with the tag the proving env ran. */
  readonly repository: string;
  /** PROVING_ENV[env], e.g. staging. */
  readonly proving: string;
  /** The app's entry in the proving env's releases file, if it has one. */
  readonly entry: AppRelease | undefined;
}

/**
 * Why `version` may not become the app's version in `record.env`, with the way through the proving env;
 * undefined when the proving env ran it under that tag and did not roll back from it.
 */
export function unprovenReason(record: ProvingRecord, version: ReleaseVersion): string | undefined {
  const { env, app, repository, proving, entry } = record;
  const file = releasesFileOf(proving);
  const promote = `npm run promote -- --app ${app}`;
  const ran = entry ? [entry.current, ...entry.history].filter((v) => v.digest === version.digest) : [];
  if (ran.length === 0) {
    return (
      `the digest ${version.digest} of ${app} never ran in ${proving}: it is neither ${proving}'s current version nor in its history (${file}); ` +
      `release it to ${proving} first, then promote it: ${promote}`
    );
  }
  const same = ran.find((v) => v.tag === version.tag);
  if (same === undefined) {
    const tags = [...new Set(ran.map((v) => v.tag))];
    return (
      `${proving} ran the digest ${version.digest} of ${app} as ${tags.map((t) => `tag ${t}`).join(', ')}, not ${version.tag} (${file}): ` +
      `name the tag ${proving} ran, ${repository}:${tags[0]}@${version.digest}, or promote it: ${promote}`
    );
  }
  if (same.rolledBack === true) {
    return (
      `${proving} rolled back from ${describeVersion(same)} (${file}, history marks it rolledBack): ` +
      `a version ${proving} rolled back from never reaches ${env}; release a fixed version to ${proving}, then promote it: ${promote}`
    );
  }
  return undefined;
}

/** Throws one SynthError listing every problem of provenReleaseProblems. */
export function validateProvenReleases(apps: readonly AppSpec[], releases: Releases, base: Releases): void {
  const problems = provenReleaseProblems(apps, releases, base);
  if (problems.length > 0) throw new SynthError(problems, 'a version reaches prod that did not run in staging');
}

/**
 * Every app of an env with a proving env whose current version is new in this change (neither the env's
 * current version nor in its history in `base`) and that its proving env did not run, or rolled back from.
 * An env or proving env whose releases file is not in `releases` (a synth of some envs only) is not judged;
 * an entry that validateReleases refuses is left to it.
 */
export function provenReleaseProblems(apps: readonly AppSpec[], releases: Releases, base: Releases): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const [env, proving] of Object.entries(PROVING_ENV)) {
    const entries = appsOf(releases[env]);
    const provingEntries = appsOf(releases[proving]);
    if (entries === undefined || provingEntries === undefined) continue;
    const before = appsOf(base[env]) ?? {};
    const file = releasesFileOf(env);
    for (const app of Object.keys(entries).sort()) {
      const entry = entries[app];
      const spec = apps.find((a) => a.name === app);
      if (spec === undefined || !isObject(entry) || ranBefore(before[app], entry.current)) continue;
      const at = { file, env, app };
      if (appReleaseProblems(entry, at).length > 0) continue;
      const provingEntry = provingEntries[app];
      if (provingEntry !== undefined && appReleaseProblems(provingEntry, {}).length > 0) continue;
      const { current } = entry as unknown as AppRelease;
      const why = unprovenReason({ env, app, repository: spec.imageRepository, proving, entry: provingEntry as AppRelease | undefined }, current);
      if (why === undefined) continue;
      problems.push(
        new SpecProblem(
          at,
          'current',
          { tag: current.tag, digest: current.digest },
          `is new in ${env} (neither its current version nor in its history before this change), and ${env} runs only what ran in ${proving}: ${why}`,
        ),
      );
    }
  }
  return problems;
}

/** Whether the env ran `version` before the change: its current version then, or in its history (a rollback). */
function ranBefore(entry: unknown, version: unknown): boolean {
  if (!isObject(entry) || !isVersion(version)) return false;
  const known = [entry.current, ...(Array.isArray(entry.history) ? entry.history : [])];
  return known.some((v) => isVersion(v) && sameVersion(v, version));
}

const appsOf = (file: unknown): Readonly<Record<string, unknown>> | undefined => (isObject(file) && isObject(file.apps) ? file.apps : undefined);
const isVersion = (value: unknown): value is ReleaseVersion => isObject(value) && typeof value.tag === 'string' && typeof value.digest === 'string';
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
