/*
 * RELEASE_ID_TOKEN=<jwt> APP=<app> GITHUB_REPOSITORY=<owner/name> npx tsx scripts/ci/verify-release-caller.ts
 *
 * Run by release.yml on a dispatch, before anything else: exits 0 when the dispatch's OIDC token shows
 * that the app's own pipeline sent it (scripts/lib/release-caller.ts), 1 with the reason otherwise. The
 * token comes in the environment, never in an argument (argv is readable by every process on the runner).
 */
import { createRemoteJWKSet } from 'jose';
import { APPS } from '../../apps';
import { CommandLineError, readCommandLine, showUsage } from '../lib/command-line';
import { GITHUB_ACTIONS_JWKS, ReleaseCallerError, verifyReleaseCaller } from '../lib/release-caller';

const USAGE = 'usage: npx tsx scripts/ci/verify-release-caller.ts (with RELEASE_ID_TOKEN, APP and GITHUB_REPOSITORY set)';

async function main(argv: readonly string[]): Promise<number> {
  if (readCommandLine(argv, {}, USAGE).help) return showUsage(console, USAGE);
  const missing = ['RELEASE_ID_TOKEN', 'APP', 'GITHUB_REPOSITORY'].filter((name) => !process.env[name]);
  if (missing.length > 0) throw new ReleaseCallerError(`${missing.join(', ')} not set; ${USAGE}`);
  const request = { app: process.env.APP!, gitopsRepository: process.env.GITHUB_REPOSITORY! };
  const caller = await verifyReleaseCaller(process.env.RELEASE_ID_TOKEN!, request, APPS, createRemoteJWKSet(new URL(GITHUB_ACTIONS_JWKS)));
  console.log(`release of ${request.app} sent by ${caller.repository} (${caller.ref}) through ${caller.workflow}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      if (error instanceof CommandLineError) {
        console.error(`verify-release-caller: ${error.message}`);
        process.exitCode = 2;
      } else if (error instanceof ReleaseCallerError) {
        console.error(`::error::${error.message}`);
        process.exitCode = 1;
      } else throw error;
    },
  );
}
