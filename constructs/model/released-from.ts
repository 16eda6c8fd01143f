import type { ReleasedFromSpec } from './app-spec';

/** The branch an app's releases come from when its `releasedFrom` names none. */
export const DEFAULT_RELEASE_BRANCH = 'main';

/**
 * `owner/name` as GitHub allows them: an owner of letters, digits and single hyphens (at most 39), a
 * repository of letters, digits, `.`, `_` and `-` (at most 100), neither `.` nor `..`.
 */
const OWNER = /^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$/;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;
export const isGitHubRepository = (text: string): boolean => {
  const [owner, name, ...rest] = text.split('/');
  return rest.length === 0 && name !== undefined && OWNER.test(owner) && NAME.test(name) && name !== '.' && name !== '..';
};

/** A branch name git accepts (git check-ref-format), kept to the characters branch names use in practice. */
export const isBranchName = (text: string): boolean =>
  /^[A-Za-z0-9._/-]{1,200}$/.test(text) && !text.startsWith('refs/') && !/(^[/.-])|[/.]$|\.\.|\/\/|\/\.|\.lock$|\.lock\//.test(text);

/** The git ref a pipeline's OIDC token must name: the branch, fully qualified. */
export const releaseRefOf = (source: ReleasedFromSpec): string => `refs/heads/${source.branch ?? DEFAULT_RELEASE_BRANCH}`;
