/*
 * Who sent a release dispatch. A dispatch is a plain POST that any holder of a dispatch credential can
 * send with any `app`, and that credential is shared by every app repository. So app-pipeline.yml sends
 * a GitHub Actions OIDC token with it, and release.yml applies the release only when that token, signed
 * by GitHub, says it was minted by our app-pipeline.yml running for the app's own repository (its spec's
 * `releasedFrom`), on that app's release branch or a `v*` tag, for a push or a run started by hand.
 * The claims are GitHub's (docs.github.com/en/actions/reference/security/oidc, "OIDC token claims"):
 * `repository` (owner/name), `ref` (refs/heads/<branch>), `event_name`, and `job_workflow_ref`, which for a
 * job of a reusable workflow names that workflow (`<owner>/<repo>/<path>@<ref>`), not its caller's.
 */
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AppSpec } from '../../constructs/model/app-spec';
import { releaseRefOf } from '../../constructs/model/released-from';

/** GitHub Actions' OIDC issuer, and the keys it signs with (the jwks_uri of its openid-configuration). */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
export const GITHUB_ACTIONS_JWKS = `${GITHUB_ACTIONS_ISSUER}/.well-known/jwks`;

/**
 * The audience app-pipeline.yml asks for: this GitOps repository's URL, lower-cased (the caller may spell the
 * name in another case, and the audience is compared exactly). A token minted for anything else
 * (AWS's `sts.amazonaws.com`, the owner's default audience) is refused, so none can be replayed here.
 */
export const releaseAudienceOf = (gitopsRepository: string): string => `https://github.com/${gitopsRepository.toLowerCase()}`;
/** What the token's `job_workflow_ref` must start with: our pipeline, at whatever commit the app repo pins. */
export const pipelineWorkflowPrefixOf = (gitopsRepository: string): string => `${gitopsRepository}/.github/workflows/app-pipeline.yml@`;
/**
 * Besides the branch, a release may come from a pushed `v*` tag: the example callers build on those, and the
 * ECR trust policy admits them (docs/app-pipeline.md).
 */
export const RELEASE_TAG_PREFIX = 'refs/tags/v';
/** The events a release may come from: a push to the branch or of a tag, or a run of it started by hand. */
export const RELEASE_EVENTS: readonly string[] = ['push', 'workflow_dispatch'];
/** How far the runners' clocks may differ from GitHub's. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** A dispatch whose sender is not the app's pipeline; the message says which check failed and what to change. */
export class ReleaseCallerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseCallerError';
  }
}

export interface ReleaseRequest {
  readonly app: string;
  /** `owner/name` of this GitOps repository (GITHUB_REPOSITORY in release.yml). */
  readonly gitopsRepository: string;
}

/** The pipeline run that sent the dispatch, as its token says. */
export interface ReleaseCaller {
  readonly repository: string;
  readonly ref: string;
  readonly workflow: string;
}

const sameName = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/** Checks the dispatch's token against the app's spec; throws ReleaseCallerError when it may not release the app. */
export async function verifyReleaseCaller(
  token: string,
  request: ReleaseRequest,
  apps: readonly AppSpec[],
  keys: JWTVerifyGetKey,
  now?: Date,
): Promise<ReleaseCaller> {
  const spec = apps.find((a) => a.name === request.app);
  if (!spec) throw new ReleaseCallerError(`app "${request.app}" is not in apps/index.ts`);
  const source = spec.releasedFrom;
  if (!source) {
    throw new ReleaseCallerError(
      `apps/${request.app}.ts has no releasedFrom, so no pipeline may release app "${request.app}": name its repository there ` +
        '(releasedFrom: { repository: "<owner>/<name>" }), or release it by hand (Actions → release)',
    );
  }
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, keys, {
      issuer: GITHUB_ACTIONS_ISSUER,
      audience: releaseAudienceOf(request.gitopsRepository),
      algorithms: ['RS256'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp', 'iat', 'repository', 'ref', 'event_name', 'job_workflow_ref'],
      ...(now ? { currentDate: now } : {}),
    }));
  } catch (error) {
    if (error instanceof errors.JOSEError)
      throw new ReleaseCallerError(`the dispatch's id_token is not a GitHub Actions OIDC token for ${request.gitopsRepository}: ${error.message}`);
    // Anything else comes from fetching the keys (a refused connection, a failed DNS lookup): the token is unchecked.
    throw new ReleaseCallerError(`could not check the dispatch's id_token against GitHub's keys: ${(error as Error).message}; re-run the release`);
  }
  const mismatch = (claim: string, value: unknown, wanted: string) =>
    new ReleaseCallerError(
      `the dispatch for app "${request.app}" came from ${claim} ${JSON.stringify(value)}, but apps/${request.app}.ts allows only ${wanted}`,
    );
  if (!sameName(claims.repository, source.repository)) throw mismatch('repository', claims.repository, `releasedFrom.repository "${source.repository}"`);
  const ref = String(claims.ref);
  if (ref !== releaseRefOf(source) && !ref.startsWith(RELEASE_TAG_PREFIX))
    throw mismatch('ref', claims.ref, `"${releaseRefOf(source)}" (releasedFrom.branch) or a tag "${RELEASE_TAG_PREFIX}*"`);
  if (!RELEASE_EVENTS.includes(claims.event_name as string)) throw mismatch('event', claims.event_name, `the events ${RELEASE_EVENTS.join(', ')}`);
  const workflow = String(claims.job_workflow_ref);
  const prefix = pipelineWorkflowPrefixOf(request.gitopsRepository);
  if (!workflow.toLowerCase().startsWith(prefix.toLowerCase())) throw mismatch('workflow', workflow, `${prefix}<ref>, the shared pipeline`);
  return { repository: String(claims.repository), ref, workflow };
}
