import type { KeyLike } from 'jose';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { AppSpec } from '../constructs/model/app-spec';
import { GITHUB_ACTIONS_ISSUER, pipelineWorkflowPrefixOf, releaseAudienceOf, ReleaseCallerError, verifyReleaseCaller } from '../scripts/lib/release-caller';
import { FIXTURE_APPS } from './support';

/*
 * A release dispatch is applied only with a GitHub Actions OIDC token of the app's own pipeline run. The
 * tokens here are signed as GitHub signs them (RS256, its issuer, a `kid` from the key set) with the
 * claims GitHub documents (docs.github.com/en/actions/reference/security/oidc), by a key made for the test.
 */

const GITOPS = 'acme-web/webapp-platform';
const base = FIXTURE_APPS[0];
const APP: AppSpec = { ...base, name: 'shop', releasedFrom: { repository: 'acme-web/shop' } };
const OTHER: AppSpec = { ...base, name: 'backoffice', releasedFrom: { repository: 'acme-web/backoffice', branch: 'release' } };
const UNLINKED: AppSpec = { ...base, name: 'legacy-site', releasedFrom: undefined };
const APPS = [APP, OTHER, UNLINKED];
const NOW = new Date('2026-12-02T12:00:00Z');
const at = (date: Date) => Math.floor(date.getTime() / 1000);

/** What GitHub puts in the token of app-pipeline.yml's release job, run for a push to shop's main. */
const SHOP_RUN: JWTPayload = {
  iss: GITHUB_ACTIONS_ISSUER,
  aud: releaseAudienceOf(GITOPS),
  sub: 'repo:acme-web/shop:ref:refs/heads/main',
  repository: 'acme-web/shop',
  repository_owner: 'acme-web',
  ref: 'refs/heads/main',
  ref_type: 'branch',
  event_name: 'push',
  workflow_ref: 'acme-web/shop/.github/workflows/build.yml@refs/heads/main',
  job_workflow_ref: `${pipelineWorkflowPrefixOf(GITOPS)}0123456789abcdef0123456789abcdef01234567`,
  iat: at(NOW) - 10,
  nbf: at(NOW) - 10,
  exp: at(NOW) + 290,
};

let signingKey: KeyLike;
let keys: ReturnType<typeof createLocalJWKSet>;
let strangerKey: KeyLike;

beforeAll(async () => {
  const github = await generateKeyPair('RS256');
  signingKey = github.privateKey;
  const jwk: JWK = { ...(await exportJWK(github.publicKey)), kid: 'github-1', alg: 'RS256', use: 'sig' };
  keys = createLocalJWKSet({ keys: [jwk] });
  strangerKey = (await generateKeyPair('RS256')).privateKey;
});

const tokenOf = (claims: JWTPayload, key: KeyLike = signingKey, alg = 'RS256') =>
  new SignJWT(claims).setProtectedHeader({ alg, kid: 'github-1', typ: 'JWT' }).sign(key);

const verify = async (claims: JWTPayload, app = 'shop', key?: KeyLike) =>
  verifyReleaseCaller(await tokenOf(claims, key), { app, gitopsRepository: GITOPS }, APPS, keys, NOW);

describe("a release dispatch comes from the app's own pipeline", () => {
  test("the app's repository, on its branch, through the shared pipeline, is accepted", async () => {
    await expect(verify(SHOP_RUN)).resolves.toEqual({
      repository: 'acme-web/shop',
      ref: 'refs/heads/main',
      workflow: SHOP_RUN.job_workflow_ref,
    });
    await expect(verify({ ...SHOP_RUN, event_name: 'workflow_dispatch' })).resolves.toBeDefined();
    // GitHub's names are case-insensitive.
    await expect(verify({ ...SHOP_RUN, repository: 'Acme-Web/Shop' })).resolves.toBeDefined();
  });

  test("another app's repository cannot release it", async () => {
    await expect(verify({ ...SHOP_RUN, repository: 'acme-web/backoffice' })).rejects.toThrow(
      'came from repository "acme-web/backoffice", but apps/shop.ts allows only releasedFrom.repository "acme-web/shop"',
    );
    // The shop pipeline's token, sent with app: backoffice.
    await expect(verify(SHOP_RUN, 'backoffice')).rejects.toThrow('apps/backoffice.ts allows only releasedFrom.repository "acme-web/backoffice"');
  });

  test('another branch, a pull request or a tag not named v* cannot release it; a v* tag can', async () => {
    for (const ref of ['refs/heads/feature', 'refs/pull/7/merge', 'refs/tags/1.0.0', 'refs/heads/v1'])
      await expect(verify({ ...SHOP_RUN, ref })).rejects.toThrow(
        `came from ref "${ref}", but apps/shop.ts allows only "refs/heads/main" (releasedFrom.branch) or a tag "refs/tags/v*"`,
      );
    await expect(verify({ ...SHOP_RUN, ref: 'refs/tags/v1.0.0', ref_type: 'tag' })).resolves.toMatchObject({ ref: 'refs/tags/v1.0.0' });
    await expect(verify({ ...SHOP_RUN, repository: 'acme-web/backoffice', ref: 'refs/heads/release' }, 'backoffice')).resolves.toBeDefined();
    await expect(verify({ ...SHOP_RUN, repository: 'acme-web/backoffice' }, 'backoffice')).rejects.toThrow('allows only "refs/heads/release"');
  });

  test("events other than a push or a run by hand are refused (pull_request_target runs with the base branch's ref)", async () => {
    for (const event_name of ['pull_request_target', 'workflow_run', 'schedule'])
      await expect(verify({ ...SHOP_RUN, event_name })).rejects.toThrow(`came from event "${event_name}"`);
  });

  test("a token minted outside the shared pipeline (the caller's own workflow, another repo's copy) is refused", async () => {
    for (const job_workflow_ref of [
      'acme-web/shop/.github/workflows/build.yml@refs/heads/main',
      'evil/webapp-platform/.github/workflows/app-pipeline.yml@refs/heads/main',
      'acme-web/webapp-platform/.github/workflows/release.yml@refs/heads/main',
    ])
      await expect(verify({ ...SHOP_RUN, job_workflow_ref })).rejects.toThrow(`came from workflow "${job_workflow_ref}"`);
  });

  test('a token that GitHub did not sign for this repository, or that expired, is refused', async () => {
    const refusals: Array<[JWTPayload, KeyLike | undefined, string]> = [
      [SHOP_RUN, strangerKey, 'signature verification failed'],
      [{ ...SHOP_RUN, aud: 'sts.amazonaws.com' }, undefined, 'unexpected "aud" claim value'],
      [{ ...SHOP_RUN, aud: 'https://github.com/acme-web' }, undefined, 'unexpected "aud" claim value'],
      [{ ...SHOP_RUN, iss: 'https://token.actions.example.com' }, undefined, 'unexpected "iss" claim value'],
      [{ ...SHOP_RUN, exp: at(NOW) - 60 }, undefined, '"exp" claim timestamp check failed'],
      [{ ...SHOP_RUN, job_workflow_ref: undefined }, undefined, 'missing required "job_workflow_ref" claim'],
    ];
    for (const [claims, key, reason] of refusals) {
      const refusal = verify(claims, 'shop', key);
      await expect(refusal).rejects.toThrow(ReleaseCallerError);
      await expect(refusal).rejects.toThrow(`not a GitHub Actions OIDC token for ${GITOPS}: ${reason}`);
    }
  });

  test('keys that cannot be read refuse the dispatch, saying so', async () => {
    const unreachable = async () => {
      throw new Error('getaddrinfo ENOTFOUND token.actions.githubusercontent.com');
    };
    await expect(verifyReleaseCaller(await tokenOf(SHOP_RUN), { app: 'shop', gitopsRepository: GITOPS }, APPS, unreachable, NOW)).rejects.toThrow(
      "could not check the dispatch's id_token against GitHub's keys: getaddrinfo ENOTFOUND token.actions.githubusercontent.com; re-run the release",
    );
  });

  test('an unsigned token is refused', async () => {
    const [, payload] = (await tokenOf(SHOP_RUN)).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'github-1' })).toString('base64url')}.${payload}.`;
    await expect(verifyReleaseCaller(none, { app: 'shop', gitopsRepository: GITOPS }, APPS, keys, NOW)).rejects.toThrow(ReleaseCallerError);
  });

  test('an app without releasedFrom, or not in apps/, is never released by a dispatch', async () => {
    await expect(verify({ ...SHOP_RUN, repository: 'acme-web/legacy-site' }, 'legacy-site')).rejects.toThrow(
      'apps/legacy-site.ts has no releasedFrom, so no pipeline may release app "legacy-site"',
    );
    await expect(verify(SHOP_RUN, 'nope')).rejects.toThrow('app "nope" is not in apps/index.ts');
  });
});
