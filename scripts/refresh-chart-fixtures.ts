/* npm run charts:refresh -- <chart> [--from <chart folder or .tgz>] [--commit <sha>]: rewrites test/fixtures/charts/<chart>/ (scripts/lib/refresh-charts.ts). */
import { defaultAddOns } from '../constructs/platform/default-add-ons';
import { CHART_UPSTREAMS } from './lib/chart-upstreams';
import { refreshCli } from './lib/refresh-charts';

refreshCli(process.argv.slice(2), { pins: defaultAddOns().map((a) => a.chart), upstreams: CHART_UPSTREAMS }, console).then((code) => (process.exitCode = code));
