/* npm run overview: writes docs/overview/<env>.md from the specs (synth writes them too). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { overviewFile } from '../constructs/reports/overview-files';
import { validateInput } from '../constructs/validation/input-validation';
import { SynthError } from '../constructs/model/spec-error';
import { withSourceFiles } from '../constructs/synth/source-files';
import { CommandLineError, readCommandLine, showUsage } from './lib/command-line';

const USAGE = 'usage: npm run overview (no options): writes docs/overview/<env>.md from the specs';
const root = path.resolve(__dirname, '..');

function main(argv: readonly string[]): number {
  if (readCommandLine(argv, {}, USAGE).help) return showUsage(console, USAGE);
  validateInput(CLUSTERS, APPS);
  for (const cluster of CLUSTERS) {
    const file = overviewFile(cluster, APPS);
    const target = path.join(root, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(`${target}.tmp`, file.text!);
    fs.renameSync(`${target}.tmp`, target);
    console.log(`${cluster.env}: ${file.path}`);
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (error instanceof CommandLineError) console.error(`overview: ${error.message}`);
  else if (error instanceof SynthError) console.error(withSourceFiles(error, { clusters: CLUSTERS, apps: APPS }).message);
  else throw error;
  process.exit(2);
}
