import { APPS } from './apps';
import { CLUSTERS } from './clusters';
import { SynthError } from './constructs/policy/spec-error';
import { readGatewayLedgers } from './constructs/synth/gateway-ledger-io';
import { readReleases } from './constructs/synth/releases-io';
import { describeWithFiles } from './constructs/synth/source-files';
import { envsOf, formatSummary, parseSynthArgs, synthesizeEnvs, UsageError } from './constructs/synth/synth-envs';

// npm run synth [-- --env <env>]: every env, or only the named ones (the others' files stay as they are).
const started = process.hrtime.bigint();
try {
  const envs = parseSynthArgs(process.argv.slice(2), CLUSTERS);
  const read = envs ?? envsOf(CLUSTERS);
  const input = { clusters: CLUSTERS, apps: APPS, releases: readReleases(__dirname, read), gatewayLedgers: readGatewayLedgers(__dirname, read) };
  const report = synthesizeEnvs(__dirname, input, envs);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`${formatSummary(report.summary)} (${report.files.length} files in ${ms.toFixed(0)} ms)`);
  for (const warning of report.warnings) console.warn(`synth warning: ${warning}`);
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`synth: ${error.message}; nothing written`);
    process.exitCode = 2;
  } else {
    console.error(error instanceof SynthError ? `synth failed, nothing written: ${describeWithFiles(error, CLUSTERS)}` : error);
    process.exitCode = 1;
  }
}
