/** `npm run retire -- <app> --reason "<why the data is kept>" [--date YYYY-MM-DD]`: see scripts/lib/retire.ts and docs/retire-an-app.md. */
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { retireCli } from './lib/retire-cli';
import { REPO_ROOT } from './repo-copy';

process.exitCode = retireCli(process.argv.slice(2), { root: REPO_ROOT, clusters: CLUSTERS, apps: APPS }, console);
