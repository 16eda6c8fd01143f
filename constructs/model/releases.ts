/**
 * The version of each app that each env runs. The app file names the image repository; the env's
 * releases file (`clusters/<env>/releases.json`) names the tag and digest, and keeps the last few
 * versions so that a rollback needs no lookup elsewhere. `npm run release` and `npm run promote` edit
 * it; synth combines the two into the pinned image `repository:tag@sha256:…`.
 */
import { createHash } from 'node:crypto';

/** One released version of an app's image. */
export interface ReleaseVersion {
  /** The tag the version was built as, e.g. `3.8.2`; never `latest`. */
  readonly tag: string;
  /** The image digest, `sha256:` and 64 hex digits: what the cluster actually pulls. */
  readonly digest: string;
  /**
   * Only on a history entry: this env rolled back from the version (a rollback moved it from current
   * to the history). A version staging rolled back from never reaches prod (PROVING_ENV). Files written
   * before the mark existed have none, and read as versions no rollback left.
   */
  readonly rolledBack?: true;
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

/**
 * The env whose versions another env may run: prod runs only what ran in staging. Otherwise anyone who
 * can start a release (an app repo's dispatch included) could put an image into prod that no env ever ran.
 */
export const PROVING_ENV: Readonly<Record<string, string>> = { prod: 'staging' };

/** The image reference a Deployment pulls: the repository, the tag for people, the digest for the runtime. */
export const pinnedImageOf = (repository: string, version: ReleaseVersion): string => `${repository}:${version.tag}@${version.digest}`;

/** The tag `npm run new-app` gives a new app until its first real release. */
export const PLACEHOLDER_TAG = '0.0.0';

/** A version that names no real image: new-app's first version, whose digest is the sha256 of `<repository>:<tag>`. */
export const placeholderVersionOf = (repository: string): ReleaseVersion => ({
  tag: PLACEHOLDER_TAG,
  digest: `sha256:${createHash('sha256').update(`${repository}:${PLACEHOLDER_TAG}`).digest('hex')}`,
});

/**
 * The digests the shipped releases files were seeded with (their `$comment` says so): stand-ins, not
 * images a registry holds. Listed here because they follow no formula that could be recomputed.
 */
const SEEDED_PLACEHOLDER_DIGESTS: ReadonlySet<string> = new Set([
  'sha256:4cfa7b97d66d322a071f0d4f12cc8193513dd931cbeb2d38381497c289f13107',
  'sha256:082bf444dd9c9d9b06d117e61e5e0d0e7f30c043b3eb630bf56211d04b2879e1',
  'sha256:bcd31c79a6f149cf103dada904ae837cce5ea155f1c29e0bd98fe39a61359419',
]);

/** Why the version is a placeholder rather than a real image, or undefined when it names a real one. */
export function placeholderReason(repository: string, version: ReleaseVersion): string | undefined {
  if (version.tag === PLACEHOLDER_TAG) return `the tag ${PLACEHOLDER_TAG} is the placeholder npm run new-app writes`;
  if (version.digest === placeholderVersionOf(repository).digest) return 'its digest is the placeholder npm run new-app writes';
  if (SEEDED_PLACEHOLDER_DIGESTS.has(version.digest)) return 'its digest is one of the placeholders the releases files were seeded with';
  return undefined;
}

export const sameVersion = (a: ReleaseVersion, b: ReleaseVersion): boolean => a.tag === b.tag && a.digest === b.digest;

/** `3.8.2 (sha256:0123456789ab…)`: short enough for a summary line. */
export const describeVersion = (version: ReleaseVersion): string => `${version.tag} (${version.digest.slice(0, 19)}…)`;

/** How `advance` records the change. */
export interface AdvanceOptions {
  /** The change is a rollback: the version it leaves heads the history marked `rolledBack`. @default false */
  readonly rollback?: boolean;
  /** How many previous versions to keep. @default HISTORY_LIMIT */
  readonly limit?: number;
}

/**
 * The app's release after `next` is released: the old current moves to the front of the history (marked
 * `rolledBack` when the change is a rollback), any older copy of `next` leaves it (a rollback does not keep
 * the same version twice), capped at `limit`. The new current carries no mark: what the env runs now was
 * chosen, by a release or by a rollback to it.
 */
export function advance(release: AppRelease | undefined, next: ReleaseVersion, options: AdvanceOptions = {}): AppRelease {
  const { rollback = false, limit = HISTORY_LIMIT } = options;
  const current = versionOnly(next);
  if (!release) return { current, history: [] };
  const seen: ReleaseVersion[] = [current];
  const history: ReleaseVersion[] = [];
  for (const [i, version] of [release.current, ...release.history].entries()) {
    if (seen.some((v) => sameVersion(v, version))) continue;
    seen.push(version);
    // The old current (i = 0) is marked when this change rolls back from it; history keeps its marks.
    history.push(i === 0 && rollback ? { ...versionOnly(version), rolledBack: true } : version);
  }
  return { current, history: history.slice(0, limit) };
}

/** The version without its history mark: `{ tag, digest }`. */
const versionOnly = (version: ReleaseVersion): ReleaseVersion => ({ tag: version.tag, digest: version.digest });

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
  const version = (v: ReleaseVersion) => ({ tag: v.tag, digest: v.digest, ...(v.rolledBack === true ? { rolledBack: true } : {}) });
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
