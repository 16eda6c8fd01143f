import { APPS } from './apps';
import { CLUSTERS } from './clusters';
import { SynthError } from './constructs/policy/spec-error';
import { synthesize } from './constructs/synth/pipeline';

const started = process.hrtime.bigint();
try {
  const files = synthesize(__dirname, { clusters: CLUSTERS, apps: APPS });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`synth: ${CLUSTERS.length} clusters, ${APPS.length} apps, ${files.length} files in ${ms.toFixed(0)} ms`);
} catch (error) {
  console.error(error instanceof SynthError ? `synth failed, dist/ left untouched: ${error.message}` : error);
  process.exitCode = 1;
}
