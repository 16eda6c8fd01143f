/** `npm run preflight -- [--env <env>]`: every placeholder and prerequisite left before Terraform may run for the env (docs/bootstrap.md). */
import * as path from 'node:path';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { preflightCli } from './lib/preflight-cli';

process.exitCode = preflightCli(process.argv.slice(2), { root: path.resolve(__dirname, '..'), clusters: CLUSTERS, apps: APPS }, console);
