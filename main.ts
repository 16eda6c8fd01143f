import { SynthError } from './constructs/model/spec-error';
import { synthCacheOf } from './constructs/synth/synth-cache';
import { loadSpecs, SpecLoadError } from './constructs/synth/load-specs';
import { recoverOutput } from './constructs/synth/output-leftovers';
import { readFluxShardLedgers, readGatewayLedgers } from './constructs/synth/ledger-io';
import { envsToRead, readBaseReleases, readReleases } from './constructs/synth/releases-io';
import { RefError } from './constructs/synth/output-tree';
import { envsOf, formatSummary, requestedEnvs, synthesizeEnvs, UsageError } from './constructs/synth/synth-envs';
import { OutputWriteError } from './constructs/synth/write-output';
import { WorkerEndedError } from './constructs/synth/in-worker';
import { CommandLineError, readCommandLine, showUsage } from './scripts/lib/command-line';

// npm run synth [-- --env <env>] [--base <git ref>]: every env, or only the named ones (the others' files stay
// as they are). A version new in prod since the base (HEAD, or --base: CI names the branch a PR merges into)
// must have run in staging (constructs/validation/proven-releases.ts).
const USAGE =
  'usage: npm run synth -- [--env <env>]... [--base <git ref>] (only the envs named; every env without --env. ' +
  'A version new in prod since the releases files at --base, default HEAD, must have run in staging)';

function synth(named: readonly string[] | undefined, base: string | undefined): void {
  const started = process.hrtime.bigint();
  // What an earlier synth, killed mid-way, left is put right first, whether or not this one gets to write.
  for (const failure of recoverOutput(__dirname)) console.error(`warning: an earlier synth's leftover stays: ${failure}`);
  try {
    const { apps, clusters } = loadSpecs(__dirname);
    const envs = requestedEnvs(named, clusters);
    const read = envs ?? envsOf(clusters);
    const input = {
      clusters,
      apps,
      releases: readReleases(__dirname, envsToRead(read)),
      baseReleases: readBaseReleases(__dirname, envsToRead(read), base),
      gatewayLedgers: readGatewayLedgers(__dirname, read),
      fluxShardLedgers: readFluxShardLedgers(__dirname, read),
      cache: synthCacheOf(__dirname),
    };
    const report = synthesizeEnvs(__dirname, input, envs);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`${formatSummary(report.summary)} (${report.files.length} files in ${ms.toFixed(0)} ms)`);
    for (const warning of report.warnings) console.warn(`synth warning: ${warning}`);
  } catch (error) {
    process.exitCode = error instanceof UsageError || error instanceof RefError ? 2 : 1;
    if (error instanceof UsageError || error instanceof RefError) console.error(`synth: ${error.message}; nothing written`);
    else if (error instanceof OutputWriteError && error.replaced) console.error(`synth: ${error.message}`);
    else if (error instanceof SynthError || error instanceof SpecLoadError || error instanceof OutputWriteError || error instanceof WorkerEndedError) {
      console.error(`synth failed, nothing written: ${error.message}`);
    } else throw error;
  }
}

try {
  const commandLine = readCommandLine(process.argv.slice(2), { env: { type: 'string', multiple: true }, base: { type: 'string' } }, USAGE);
  if (commandLine.help) showUsage(console, USAGE);
  else synth(commandLine.values.env, commandLine.values.base);
} catch (error) {
  if (!(error instanceof CommandLineError)) throw error;
  console.error(`synth: ${error.message}; nothing written`);
  process.exitCode = 2;
}
