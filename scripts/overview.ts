/* npm run overview: writes docs/overview/<env>.md from the specs (synth writes them too). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { overviewFile } from '../constructs/reports/overview-files';
import { validateInput } from '../constructs/validation/input-validation';
import { SynthError } from '../constructs/model/spec-error';
import { withSourceFiles } from '../constructs/synth/source-files';

const root = path.resolve(__dirname, '..');
try {
  validateInput(CLUSTERS, APPS);
  for (const cluster of CLUSTERS) {
    const file = overviewFile(cluster, APPS);
    const target = path.join(root, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(`${target}.tmp`, file.text!);
    fs.renameSync(`${target}.tmp`, target);
    console.log(`${cluster.env}: ${file.path}`);
  }
} catch (error) {
  if (!(error instanceof SynthError)) throw error;
  console.error(withSourceFiles(error, { clusters: CLUSTERS, apps: APPS }).message);
  process.exit(2);
}
