export interface ImageRef {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Splits `repo[:tag][@sha256:…]`; undefined when it is not a valid reference. */
export function parseImage(ref: string): ImageRef | undefined {
  const [nameAndTag, digest, extra] = ref.split('@');
  if (extra !== undefined || (digest !== undefined && !DIGEST.test(digest))) return undefined;
  const lastSlash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.indexOf(':', lastSlash + 1);
  const repository = colon === -1 ? nameAndTag : nameAndTag.slice(0, colon);
  const tag = colon === -1 ? undefined : nameAndTag.slice(colon + 1);
  if (!REPOSITORY.test(repository) || (tag !== undefined && !TAG.test(tag))) return undefined;
  return { repository, tag, digest };
}

/** Pinned: it has a digest, or a tag that is not `latest`. */
export const isPinned = (image: ImageRef): boolean => image.digest !== undefined || (image.tag !== undefined && image.tag !== 'latest');

/** A repository without tag or digest, e.g. `ghcr.io/acme-web/shop`. */
export const isRepository = (text: string): boolean => REPOSITORY.test(text);
/** `sha256:` and 64 lower-case hex digits. */
export const isDigest = (text: string): boolean => DIGEST.test(text);
/** A valid tag (`latest` is valid here; whether it may be used is the caller's rule). */
export const isTag = (text: string): boolean => TAG.test(text);
