import { SynthError } from './constructs/model/spec-error';
import { synthCacheOf } from './constructs/synth/synth-cache';
import { loadSpecs, SpecLoadError } from './constructs/synth/load-specs';
import { recoverOutput } from './constructs/synth/output-leftovers';
import { readFluxShardLedgers, readGatewayLedgers } from './constructs/synth/ledger-io';
import { readReleases } from './constructs/synth/releases-io';
import { envsOf, formatSummary, requestedEnvs, synthesizeEnvs, UsageError } from './constructs/synth/synth-envs';
import { OutputWriteError } from './constructs/synth/write-output';
import { WorkerEndedError } from './constructs/synth/in-worker';
import { CommandLineError, readCommandLine, showUsage } from './scripts/lib/command-line';

// npm run synth [-- --env <env>]: every env, or only the named ones (the others' files stay as they are).
const USAGE = 'usage: npm run synth -- [--env <env>]... (only the envs named; every env without --env)';

function synth(named: readonly string[] | undefined): void {
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
      releases: readReleases(__dirname, read),
      gatewayLedgers: readGatewayLedgers(__dirname, read),
      fluxShardLedgers: readFluxShardLedgers(__dirname, read),
      cache: synthCacheOf(__dirname),
    };
    const report = synthesizeEnvs(__dirname, input, envs);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`${formatSummary(report.summary)} (${report.files.length} files in ${ms.toFixed(0)} ms)`);
    for (const warning of report.warnings) console.warn(`synth warning: ${warning}`);
  } catch (error) {
    process.exitCode = error instanceof UsageError ? 2 : 1;
    if (error instanceof UsageError) console.error(`synth: ${error.message}; nothing written`);
    else if (error instanceof OutputWriteError && error.replaced) console.error(`synth: ${error.message}`);
    else if (error instanceof SynthError || error instanceof SpecLoadError || error instanceof OutputWriteError || error instanceof WorkerEndedError) {
      console.error(`synth failed, nothing written: ${error.message}`);
    } else throw error;
  }
}

try {
  const commandLine = readCommandLine(process.argv.slice(2), { env: { type: 'string', multiple: true } }, USAGE);
  if (commandLine.help) showUsage(console, USAGE);
  else synth(commandLine.values.env);
} catch (error) {
  if (!(error instanceof CommandLineError)) throw error;
  console.error(`synth: ${error.message}; nothing written`);
  process.exitCode = 2;
}
