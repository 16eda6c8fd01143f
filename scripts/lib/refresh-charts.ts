/**
 * `npm run charts:refresh -- <chart> [--from <chart folder or .tgz>] [--commit <sha>] [--out <dir>]`:
 * writes the fixture of one pinned chart (chart-fixture.ts). Without --from it downloads the pinned
 * package (chart-download.ts); with --from it reads an unpacked chart folder or a package file.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { ChartSource } from '../../constructs/platform/add-on';
import { ChartReadError, readChart, readChartArchive, type ChartTree } from './chart-archive';
import { DownloadError, downloadChart, type Fetch } from './chart-download';
import { CHART_FIXTURES_DIR, fixtureFiles, FixtureError, REFRESH_COMMAND, writeFixture, type ChartProvenance } from './chart-fixture';
import type { ChartUpstream } from './chart-upstreams';
import { CommandLineError, readCommandLine, showUsage } from './command-line';

export const REFRESH_USAGE = `usage: ${REFRESH_COMMAND} <chart> [--from <chart folder or .tgz>] [--commit <sha of the tag>] [--out <fixtures dir>]`;

export interface RefreshOptions {
  readonly chart: string;
  readonly from?: string;
  readonly commit?: string;
  /** @default test/fixtures/charts */
  readonly outDir?: string;
  /** The pinned charts (the add-ons' chart sources). */
  readonly pins: readonly ChartSource[];
  readonly upstreams: Readonly<Record<string, ChartUpstream>>;
  /** YYYY-MM-DD. @default today */
  readonly today?: string;
  readonly fetchFn?: Fetch;
}

class UsageError extends Error {}

export async function refreshChartFixture(options: RefreshOptions): Promise<{ dir: string; files: string[]; provenance: ChartProvenance }> {
  const pinned = [...new Map(options.pins.map((p) => [p.chart, p])).values()];
  const pin = pinned.find((p) => p.chart === options.chart);
  if (!pin)
    throw new UsageError(
      `"${options.chart}" is not a pinned chart (pinned: ${pinned
        .map((p) => p.chart)
        .sort()
        .join(', ')})`,
    );
  const upstream = options.upstreams[pin.chart];
  if (!upstream) throw new UsageError(`chart "${pin.chart}" has no entry in scripts/lib/chart-upstreams.ts: add its repository, path and tag there`);
  if (options.commit !== undefined && !/^[0-9a-f]{40}$/.test(options.commit)) throw new UsageError(`--commit "${options.commit}": must be 40 hex digits`);
  const { tree, source } = await readSource(pin, options);
  const files = fixtureFiles({
    tree,
    chart: pin.chart,
    version: pin.version,
    helmRepository: pin.repository,
    upstream,
    commit: options.commit ?? null,
    retrieved: options.today ?? new Date().toISOString().slice(0, 10),
    source,
  });
  const dir = writeFixture(options.outDir ?? CHART_FIXTURES_DIR, pin.chart, files);
  return { dir, files: [...files.keys()].sort(), provenance: JSON.parse(files.get('chart.json')!.toString('utf8')) as ChartProvenance };
}

async function readSource(pin: ChartSource, options: RefreshOptions): Promise<{ tree: ChartTree; source: ChartProvenance['source'] }> {
  if (options.from !== undefined) {
    const tree = readChart(options.from);
    const isFile = fs.statSync(options.from).isFile();
    const sha256 = isFile ? createHash('sha256').update(fs.readFileSync(options.from)).digest('hex') : undefined;
    return { tree, source: { kind: isFile ? 'package' : 'folder', ...(sha256 ? { sha256 } : {}) } };
  }
  const downloaded = await downloadChart(pin, options.fetchFn);
  return { tree: readChartArchive(downloaded.tgz, downloaded.url), source: { kind: 'package', url: downloaded.url, sha256: downloaded.sha256 } };
}

/** The command line; returns the exit code (0 written or the usage shown, 2 bad input or nothing to read: nothing written). */
export async function refreshCli(
  argv: readonly string[],
  context: Omit<RefreshOptions, 'chart' | 'from' | 'commit' | 'outDir'>,
  out: { log(text: string): void; error(text: string): void },
): Promise<number> {
  try {
    const parsed = readCommandLine(argv, { from: { type: 'string' }, commit: { type: 'string' }, out: { type: 'string' } }, REFRESH_USAGE, {
      positionals: true,
    });
    if (parsed.help) return showUsage(out, REFRESH_USAGE);
    if (parsed.positionals.length !== 1) throw new CommandLineError(`name exactly one chart; ${REFRESH_USAGE}`);
    const { values } = parsed;
    const result = await refreshChartFixture({
      ...context,
      chart: parsed.positionals[0],
      ...(values.from !== undefined ? { from: values.from } : {}),
      ...(values.commit !== undefined ? { commit: values.commit } : {}),
      ...(values.out !== undefined ? { outDir: values.out } : {}),
    });
    const { provenance } = result;
    out.log(
      `${provenance.chart} ${provenance.version}: wrote ${result.files.join(', ')} to ${result.dir} ` +
        `(${provenance.freeForm.length} free-form maps, schema: ${provenance.schema ?? 'none shipped'})`,
    );
    return 0;
  } catch (error) {
    if (![UsageError, CommandLineError, ChartReadError, DownloadError, FixtureError].some((kind) => error instanceof kind)) throw error;
    out.error(`charts:refresh failed, nothing written: ${(error as Error).message}`);
    return 2;
  }
}
