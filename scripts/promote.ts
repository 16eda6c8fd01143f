/** `npm run promote -- --app <app>`: gives prod the version staging runs, re-synthesizes and prints the rendered change. See README, "Releases". */
import * as path from 'node:path';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { promoteCli } from './lib/commands';

process.exitCode = promoteCli(process.argv.slice(2), { root: path.resolve(__dirname, '..'), clusters: CLUSTERS, apps: APPS }, console);
