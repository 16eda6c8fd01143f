import type { AppSpec } from '../model/app-spec';
import { clusterFileOf, type ClusterSpec } from '../model/cluster-spec';
import { isDigest, isTag } from '../model/image';
import {
  describeVersion,
  HISTORY_LIMIT,
  placeholderReason,
  PROVING_ENV,
  releasesFileOf,
  sameVersion,
  type Releases,
  type ReleaseVersion,
} from '../model/releases';
import { SpecProblem, SynthError } from '../model/spec-error';

type Where = SpecProblem['where'];

/**
 * Checks every env's releases file against the clusters: each app a cluster runs has a release, and
 * every version in the file is a valid tag (not `latest`) with a well-formed digest. Throws one
 * SynthError listing every problem.
 */
export function validateReleases(clusters: readonly ClusterSpec[], apps: readonly AppSpec[], releases: Releases): void {
  const problems = releaseProblems(clusters, apps, releases);
  if (problems.length > 0) throw new SynthError(problems, 'invalid releases');
}

export function releaseProblems(clusters: readonly ClusterSpec[], apps: readonly AppSpec[], releases: Releases): SpecProblem[] {
  const known = new Set(apps.map((a) => a.name));
  const problems: SpecProblem[] = [];
  for (const env of [...new Set(clusters.map((c) => c.env))]) {
    const file = releasesFileOf(env);
    const data = releases[env] as unknown;
    if (!isObject(data) || !isObject(data.apps)) {
      problems.push(new SpecProblem({ file, env }, 'apps', isObject(data) ? data.apps : data, 'must be an object with one entry per app the env runs'));
      continue;
    }
    const entries = data.apps;
    const running = [...new Set(clusters.filter((c) => c.env === env).flatMap((c) => Object.keys(c.apps)))].filter((n) => known.has(n)).sort();
    for (const app of running) {
      if (entries[app] === undefined) {
        problems.push(
          new SpecProblem(
            { file, env, app },
            `apps.${app}`,
            undefined,
            `is missing: the env runs this app, so it needs a release; ${missingReleaseAdvice(env, app, apps, releases)}`,
          ),
        );
      }
    }
    for (const app of Object.keys(entries).sort()) {
      if (!known.has(app)) {
        problems.push(new SpecProblem({ file, env, app }, `apps.${app}`, app, `is not an app in apps/ (known: ${[...known].sort().join(', ')})`));
        continue;
      }
      problems.push(...appReleaseProblems(entries[app], { file, env, app }));
    }
  }
  return problems;
}

/**
 * How an env that runs the app gets its first release. Where the env runs only what ran in another
 * (prod after staging), that is a promotion of the other env's real release; while there is none, the
 * app cannot be in the env yet, since release and promote both refuse it.
 */
function missingReleaseAdvice(env: string, app: string, apps: readonly AppSpec[], releases: Releases): string {
  const releaseIn = (target: string) => `npm run release -- --env ${target} --app ${app} --image <repository>:<tag>@sha256:<digest>`;
  const proving = PROVING_ENV[env];
  if (proving === undefined) return `add one with ${releaseIn(env)}`;
  const promote = `npm run promote -- --app ${app}`;
  const provingEntry = (releases[proving]?.apps as Readonly<Record<string, unknown>> | undefined)?.[app];
  const proven = isObject(provingEntry) ? provingEntry.current : undefined;
  const repository = apps.find((a) => a.name === app)!.imageRepository;
  if (versionProblems(proven, {}, 'current').length === 0 && placeholderReason(repository, proven as ReleaseVersion) === undefined) {
    return `${env} runs only what ran in ${proving}: give it the version ${proving} runs with ${promote}`;
  }
  const clusterFile = clusterFileOf(env);
  return (
    `${env} runs only what ran in ${proving}, and ${releasesFileOf(proving)} holds no real release of it yet, so release and promote both refuse it here. ` +
    `Take it out of ${clusterFile} (apps, and appData and access.apps where they name it), release it to ${proving} (${releaseIn(proving)}), ` +
    `then name it in ${clusterFile} again and run ${promote}`
  );
}

/** The problems of one app's entry: its current version and its history. */
export function appReleaseProblems(entry: unknown, at: Where): SpecProblem[] {
  if (!isObject(entry)) return [new SpecProblem(at, 'release', entry, 'must be an object { current, history }')];
  const problems = versionProblems(entry.current, at, 'current');
  if (!Array.isArray(entry.history)) return [...problems, new SpecProblem(at, 'history', entry.history, 'must be a list of previous versions (may be empty)')];
  if (entry.history.length > HISTORY_LIMIT) problems.push(new SpecProblem(at, 'history', entry.history.length, `keeps at most ${HISTORY_LIMIT} versions`));
  entry.history.forEach((version, i) => problems.push(...versionProblems(version, at, `history[${i}]`)));
  problems.push(...markProblems(entry.current, entry.history, at));
  if (problems.length === 0) problems.push(...repeatProblems(entry.current as ReleaseVersion, entry.history as ReleaseVersion[], at));
  return problems;
}

/**
 * `rolledBack` marks a history entry the env rolled back from (`npm run release --rollback` writes it), and
 * only `true` is written. The current version never carries it: it is what the env runs.
 */
function markProblems(current: unknown, history: readonly unknown[], at: Where): SpecProblem[] {
  const problems: SpecProblem[] = [];
  if (isObject(current) && 'rolledBack' in current) {
    problems.push(
      new SpecProblem(at, 'current.rolledBack', current.rolledBack, 'marks only a history entry (a version the env rolled back from), never the current one'),
    );
  }
  history.forEach((version, i) => {
    if (isObject(version) && 'rolledBack' in version && version.rolledBack !== true) {
      problems.push(new SpecProblem(at, `history[${i}].rolledBack`, version.rolledBack, 'must be true when present: the env rolled back from this version'));
    }
  });
  return problems;
}

/**
 * The history holds the versions before `current`, each once (what `npm run release` writes): a history
 * that holds the current version, or one version twice, was edited by hand, and a rollback to it would
 * change nothing or skip a step.
 */
function repeatProblems(current: ReleaseVersion, history: readonly ReleaseVersion[], at: Where): SpecProblem[] {
  const problems: SpecProblem[] = [];
  history.forEach((version, i) => {
    const value = { tag: version.tag, digest: version.digest };
    if (sameVersion(version, current)) {
      problems.push(
        new SpecProblem(at, `history[${i}]`, value, `is the current version ${describeVersion(current)}: history holds only the versions before it`),
      );
      return;
    }
    const first = history.findIndex((v) => sameVersion(v, version));
    if (first < i) problems.push(new SpecProblem(at, `history[${i}]`, value, `repeats history[${first}]: each previous version is kept once`));
  });
  return problems;
}

/** A version is a tag other than `latest` plus a `sha256:` digest of 64 lower-case hex digits. */
export function versionProblems(version: unknown, at: Where, field: string): SpecProblem[] {
  if (!isObject(version)) return [new SpecProblem(at, field, version, 'must be an object { tag, digest }')];
  const problems: SpecProblem[] = [];
  const { tag, digest } = version;
  if (typeof tag !== 'string' || !isTag(tag)) problems.push(new SpecProblem(at, `${field}.tag`, tag, 'is not a valid image tag'));
  else if (tag === 'latest') problems.push(new SpecProblem(at, `${field}.tag`, tag, 'must not be "latest": name the version'));
  if (typeof digest !== 'string' || !isDigest(digest)) {
    problems.push(new SpecProblem(at, `${field}.digest`, digest, 'must be "sha256:" followed by 64 lower-case hex digits'));
  }
  return problems;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
