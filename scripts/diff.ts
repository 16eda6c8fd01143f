/** `npm run diff -- [--ref <git ref>] [--markdown] [--exit-code]`: renders every cluster in memory and prints what changes against the last commit (HEAD), or the files at another git ref; its first line says which. */
import * as path from 'node:path';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { diffCli } from './lib/commands';

process.exitCode = diffCli(process.argv.slice(2), { root: path.resolve(__dirname, '..'), clusters: CLUSTERS, apps: APPS }, console);
