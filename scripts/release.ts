/** `npm run release -- --env <env> --app <app> (--image <repository>:<tag>@sha256:<digest> | --rollback | --to <n>)`: sets the version one env runs, re-synthesizes and prints the rendered change. See README, "Releases". */
import * as path from 'node:path';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { releaseCli } from './lib/commands';

process.exitCode = releaseCli(process.argv.slice(2), { root: path.resolve(__dirname, '..'), clusters: CLUSTERS, apps: APPS }, console);
