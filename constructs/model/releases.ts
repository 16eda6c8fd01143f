/**
 * The version of each app that each env runs. The app file names the image repository; the env's
 * releases file (`clusters/<env>/releases.json`) names the tag and digest, and keeps the last few
 * versions so that a rollback needs no lookup elsewhere. `npm run release` and `npm run promote` edit
 * it; synth combines the two into the pinned image `repository:tag@sha256:…`.
 */

/** One released version of an app's image. */
export interface ReleaseVersion {
  /** The tag the version was built as, e.g. `3.8.2`; never `latest`. */
  readonly tag: string;
  /** The image digest, `sha256:` and 64 hex digits: what the cluster actually pulls. */
  readonly digest: string;
}

/** An app's release in one env. */
export interface AppRelease {
  readonly current: ReleaseVersion;
  /** The versions before `current`, newest first, at most HISTORY_LIMIT. */
  readonly history: readonly ReleaseVersion[];
}

/** The contents of `clusters/<env>/releases.json`. */
export interface ReleasesFile {
  /** A note for people reading the file; ignored by synth. */
  readonly $comment?: string;
  /** By app name. */
  readonly apps: Readonly<Record<string, AppRelease>>;
}

/** Every env's releases file, by env. */
export type Releases = Readonly<Record<string, ReleasesFile>>;

/** How many previous versions each app keeps. */
export const HISTORY_LIMIT = 5;

export const RELEASES_COMMENT =
  'Generated and edited by `npm run release` and `npm run promote`; see README, "Releases". ' +
  'current is what the env runs, history the previous versions (newest first) that a rollback can return to.';

/** Where an env's releases live, relative to the repo root. */
export const releasesFileOf = (env: string): string => `clusters/${env}/releases.json`;

/** The image reference a Deployment pulls: the repository, the tag for people, the digest for the runtime. */
export const pinnedImageOf = (repository: string, version: ReleaseVersion): string => `${repository}:${version.tag}@${version.digest}`;

export const sameVersion = (a: ReleaseVersion, b: ReleaseVersion): boolean => a.tag === b.tag && a.digest === b.digest;

/** `3.8.2 (sha256:0123456789ab…)`: short enough for a summary line. */
export const describeVersion = (version: ReleaseVersion): string => `${version.tag} (${version.digest.slice(0, 19)}…)`;

/**
 * The app's release after `next` is released: the old current moves to the front of the history, any
 * older copy of `next` leaves it (a rollback does not keep the same version twice), capped at `limit`.
 */
export function advance(release: AppRelease | undefined, next: ReleaseVersion, limit = HISTORY_LIMIT): AppRelease {
  if (!release) return { current: next, history: [] };
  const seen: ReleaseVersion[] = [next];
  const history: ReleaseVersion[] = [];
  for (const version of [release.current, ...release.history]) {
    if (seen.some((v) => sameVersion(v, version))) continue;
    seen.push(version);
    history.push(version);
  }
  return { current: next, history: history.slice(0, limit) };
}

/** The file with one app's release replaced; apps stay sorted by name, so the file's diff is one entry. */
export function withRelease(file: ReleasesFile | undefined, app: string, release: AppRelease): ReleasesFile {
  const apps = { ...file?.apps, [app]: release };
  return {
    $comment: file?.$comment ?? RELEASES_COMMENT,
    apps: Object.fromEntries(
      Object.keys(apps)
        .sort()
        .map((name) => [name, apps[name]]),
    ),
  };
}

/** The file's bytes: 2-space JSON, keys in a fixed order, a final newline. */
export function renderReleasesFile(file: ReleasesFile): string {
  const version = (v: ReleaseVersion) => ({ tag: v.tag, digest: v.digest });
  const apps = Object.fromEntries(
    Object.keys(file.apps)
      .sort()
      .map((name) => {
        const release = file.apps[name];
        return [name, { current: version(release.current), history: release.history.map(version) }];
      }),
  );
  return `${JSON.stringify({ ...(file.$comment !== undefined ? { $comment: file.$comment } : {}), apps }, null, 2)}\n`;
}
