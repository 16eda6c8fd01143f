/**
 * `npm run release` and `npm run promote`, as functions of a repo root so that tests run them on a temp
 * copy. Each takes the repo's write lock, checks its input, then rebuilds every cluster in memory with the
 * new releases file, and only then writes: the releases file and dist/ are replaced together (each by
 * rename), or nothing is.
 */
import type { AppSpec } from '../../constructs/model/app-spec';
import type { ClusterSpec } from '../../constructs/model/cluster-spec';
import { isDigest, isTag } from '../../constructs/model/image';
import {
  advance,
  describeVersion,
  placeholderReason,
  PROVING_ENV,
  releasesFileOf,
  renderReleasesFile,
  sameVersion,
  withRelease,
  type AdvanceOptions,
  type AppRelease,
  type ReleaseVersion,
} from '../../constructs/model/releases';
import { appReleaseProblems, releaseProblems } from '../../constructs/validation/release-validation';
import { unprovenReason } from '../../constructs/validation/proven-releases';
import { SpecProblem, SynthError } from '../../constructs/model/spec-error';
import { diffOutputs, type ClusterDiff } from '../../constructs/synth/output-diff';
import { renderedTree, sourcesOf, treeOnDisk } from '../../constructs/synth/output-tree';
import { buildAll } from '../../constructs/synth/pipeline';
import { synthCacheOf } from '../../constructs/synth/synth-cache';
import { readFluxShardLedgers, readGatewayLedgers } from '../../constructs/synth/ledger-io';
import { readReleases } from '../../constructs/synth/releases-io';
import { writeOutput } from '../../constructs/synth/write-output';
import { withRepoLock, type LockOptions } from './repo-lock';

/** Where the commands work: a checkout (or a copy of one) and the specs it holds. */
export interface Repo {
  readonly root: string;
  readonly clusters: readonly ClusterSpec[];
  readonly apps: readonly AppSpec[];
  /** How the command waits for the repo's write lock. @default see LockOptions */
  readonly lock?: LockOptions;
}

/** A new image for one app in one env, or a rollback to the n-th previous version (1 = the newest). */
export type ReleaseRequest =
  { readonly env: string; readonly app: string; readonly image: string } | { readonly env: string; readonly app: string; readonly rollback: number };

export interface ReleaseOutcome {
  readonly env: string;
  readonly app: string;
  /** The releases file, relative to the root. */
  readonly file: string;
  readonly previous: ReleaseVersion | undefined;
  readonly release: AppRelease;
  /** False when the env already ran that version: nothing was written. */
  readonly written: boolean;
  /** The rendered change, per cluster. */
  readonly diff: readonly ClusterDiff[];
}

/** Bad input to a command: one problem, naming the file, env, app, field and value. Nothing was written. */
export class ReleaseError extends Error {
  constructor(readonly problem: SpecProblem) {
    super(problem.toString());
    this.name = 'ReleaseError';
  }
}

/** Releases an image, or rolls back, in one env. */
export function release(repo: Repo, request: ReleaseRequest): ReleaseOutcome {
  return withRepoLock(repo.root, 'release', () => releaseLocked(repo, request), repo.lock);
}

function releaseLocked(repo: Repo, request: ReleaseRequest): ReleaseOutcome {
  const { env, app } = request;
  const at = checkTarget(repo, env, app);
  const entry = readEntry(repo, env, app);
  checkEntry(entry, at);
  let next: ReleaseVersion;
  if ('image' in request) {
    next = parseRelease(request.image, specOf(repo, app).imageRepository, at);
    checkRanBefore(repo, env, app, next, request.image, at);
  } else {
    const history = entry?.history ?? [];
    if (history.length === 0) throw new ReleaseError(new SpecProblem(at, 'history', history, 'holds no previous version to roll back to'));
    const n = request.rollback;
    if (!Number.isInteger(n) || n < 1 || n > history.length) {
      throw new ReleaseError(new SpecProblem(at, '--to', n, `must be from 1 to ${history.length}: the versions in history, 1 is the newest`));
    }
    next = history[n - 1];
    const repository = specOf(repo, app).imageRepository;
    const placeholder = placeholderReason(repository, next);
    if (placeholder) {
      const real = history.findIndex((v, i) => i >= n && !placeholderReason(repository, v));
      throw new ReleaseError(
        new SpecProblem(
          at,
          `history[${n - 1}]`,
          { tag: next.tag, digest: next.digest },
          `is a placeholder, not a real image (${placeholder}): a rollback never deploys it` +
            (real === -1 ? '; history holds no real version further back' : `; --to ${real + 1} rolls back to ${describeVersion(history[real])}`),
        ),
      );
    }
  }
  return apply(repo, env, app, next, { rollback: !('image' in request) });
}

/**
 * A new image reaches prod only as a version that ran in staging (PROVING_ENV): the rule synth holds every
 * change of a releases file to (constructs/validation/proven-releases.ts), told here at once, on `--image`.
 */
function checkRanBefore(repo: Repo, env: string, app: string, next: ReleaseVersion, image: string, at: SpecProblem['where']): void {
  const proving = PROVING_ENV[env];
  if (proving === undefined) return;
  const why = unprovenReason({ env, app, repository: specOf(repo, app).imageRepository, proving, entry: readEntry(repo, proving, app) }, next);
  if (why !== undefined) throw new ReleaseError(new SpecProblem(at, '--image', image, why));
}

/** Copies the version `from` runs (staging) to `to` (prod), with the same checks as a release. */
export function promote(repo: Repo, request: { readonly app: string; readonly from?: string; readonly to?: string }): ReleaseOutcome {
  return withRepoLock(repo.root, 'promote', () => promoteLocked(repo, request), repo.lock);
}

function promoteLocked(repo: Repo, request: { readonly app: string; readonly from?: string; readonly to?: string }): ReleaseOutcome {
  const { app, from = 'staging', to = 'prod' } = request;
  const source = checkTarget(repo, from, app);
  checkTarget(repo, to, app);
  const entry = readEntry(repo, from, app);
  if (!entry) throw new ReleaseError(new SpecProblem(source, `apps.${app}`, undefined, `has no release in ${from} to promote`));
  const problems = appReleaseProblems(entry, source);
  if (problems.length > 0) throw new ReleaseError(problems[0]);
  const placeholder = placeholderReason(specOf(repo, app).imageRepository, entry.current);
  if (placeholder) {
    const { tag, digest } = entry.current;
    throw new ReleaseError(
      new SpecProblem(
        source,
        'current',
        { tag, digest },
        `is a placeholder, not a real image (${placeholder}): release a real image to ${from} first, then promote it`,
      ),
    );
  }
  return apply(repo, to, app, entry.current);
}

/** Where a command's problems are: the env's releases file, the env, the app. */
function checkTarget(repo: Repo, env: string, app: string): SpecProblem['where'] {
  const envs = [...new Set(repo.clusters.map((c) => c.env))];
  if (!envs.includes(env as ClusterSpec['env'])) throw new ReleaseError(new SpecProblem({}, '--env', env, `must be one of ${envs.join(', ')}`));
  const at = { file: releasesFileOf(env), env, app };
  const known = repo.apps.map((a) => a.name).sort();
  if (!known.includes(app)) throw new ReleaseError(new SpecProblem(at, '--app', app, `is not an app in apps/ (known: ${known.join(', ')})`));
  const clusters = repo.clusters.filter((c) => c.env === env);
  if (!clusters.some((c) => app in c.apps)) {
    const running = [...new Set(clusters.flatMap((c) => Object.keys(c.apps)))].sort();
    throw new ReleaseError(new SpecProblem(at, '--app', app, `is not run in ${env}: clusters/${env}/cluster.ts lists ${running.join(', ') || 'no apps'}`));
  }
  return at;
}

const specOf = (repo: Repo, app: string): AppSpec => repo.apps.find((a) => a.name === app)!;

function readEntry(repo: Repo, env: string, app: string): AppRelease | undefined {
  return readReleases(repo.root, [env])[env]?.apps?.[app];
}

/** Refuses a hand-edited entry that advance() would otherwise quietly repair (a repeated version drops out). */
function checkEntry(entry: AppRelease | undefined, at: SpecProblem['where']): void {
  if (entry === undefined) return;
  const problems = appReleaseProblems(entry, at);
  if (problems.length > 0) throw new SynthError(problems, 'invalid releases');
}

/** `<repository>:<tag>@sha256:<digest>`, with the app's own repository, a real tag and a well-formed digest. */
export function parseRelease(image: string, repository: string, at: SpecProblem['where']): ReleaseVersion {
  const fail = (problem: string) => new ReleaseError(new SpecProblem(at, '--image', image, problem));
  const form = '<repository>:<tag>@sha256:<64 hex digits>';
  const [name, digest, extra] = image.split('@');
  if (digest === undefined || extra !== undefined) throw fail(`must be ${form}: a release names its digest`);
  if (!isDigest(digest)) throw fail(`the digest "${digest}" must be "sha256:" followed by 64 lower-case hex digits`);
  const colon = name.indexOf(':', name.lastIndexOf('/') + 1);
  if (colon === -1) throw fail(`must be ${form}: a release names its tag`);
  const [repo, tag] = [name.slice(0, colon), name.slice(colon + 1)];
  if (repo !== repository) throw fail(`the repository "${repo}" is not the app's imageRepository "${repository}"`);
  if (!isTag(tag)) throw fail(`the tag "${tag}" is not a valid image tag`);
  if (tag === 'latest') throw fail('the tag must not be "latest": name the version');
  return { tag, digest };
}

/** Makes `next` the app's current version in env: rebuild everything in memory, then write it all at once. */
function apply(repo: Repo, env: string, app: string, next: ReleaseVersion, options: AdvanceOptions = {}): ReleaseOutcome {
  const releases = readReleases(
    repo.root,
    repo.clusters.map((c) => c.env),
  );
  const file = releasesFileOf(env);
  // This command leaves the other envs' releases files as they are, so their problems are told as of now:
  // advice to promote from staging must not count a staging release this refusal never writes.
  const elsewhere = releaseProblems(repo.clusters, repo.apps, releases).filter((p) => p.where.env !== env);
  if (elsewhere.length > 0) throw new SynthError(elsewhere, 'invalid releases');
  const entry = releases[env]?.apps?.[app];
  checkEntry(entry, { file, env, app });
  if (entry && sameVersion(entry.current, next)) {
    return { env, app, file, previous: entry.current, release: entry, written: false, diff: [] };
  }
  const updated = advance(entry, next, options);
  const releasesFile = withRelease(releases[env], app, updated);
  const gatewayLedgers = readGatewayLedgers(
    repo.root,
    repo.clusters.map((c) => c.env),
  );
  const files = buildAll({
    clusters: repo.clusters,
    apps: repo.apps,
    releases: { ...releases, [env]: releasesFile },
    // The change starts from the files on disk: synth holds prod's new version to what staging ran.
    baseReleases: releases,
    gatewayLedgers,
    fluxShardLedgers: readFluxShardLedgers(
      repo.root,
      repo.clusters.map((c) => c.env),
    ),
    cache: synthCacheOf(repo.root),
  });
  const before = treeOnDisk(
    repo.root,
    files.map((f) => f.path),
  );
  writeOutput(repo.root, [...files, { path: file, text: renderReleasesFile(releasesFile) }]);
  return {
    env,
    app,
    file,
    previous: entry?.current,
    release: updated,
    written: true,
    diff: diffOutputs(before, renderedTree(files, before), sourcesOf(files)),
  };
}
