/**
 * A Helm chart as its files, read from an unpacked folder or from a packaged `.tgz` (what `helm package`
 * writes: one top folder named after the chart). Subcharts under `charts/` are read too, folders and
 * `.tgz` alike. Archives are unpacked with the `tar` package into a temp folder, which is removed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tar from 'tar';
import { parse } from 'yaml';

export interface ChartTree {
  /** Chart.yaml, parsed. */
  readonly meta: { readonly name: string; readonly version: string; readonly dependencies?: readonly { name: string; alias?: string }[] };
  /** Every file below the chart's root by its relative path (`/` separators), subcharts excluded. */
  readonly files: ReadonlyMap<string, Buffer>;
  /** Subcharts (from `charts/`), by the key their values sit under in this chart's values (alias or name). */
  readonly subcharts: ReadonlyMap<string, ChartTree>;
}

export class ChartReadError extends Error {}

export function readChart(from: string): ChartTree {
  if (!fs.existsSync(from)) throw new ChartReadError(`--from ${from}: no such file or folder`);
  return fs.statSync(from).isDirectory() ? readChartFolder(from) : readChartArchive(fs.readFileSync(from), from);
}

export function readChartArchive(tgz: Buffer, label: string): ChartTree {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-'));
  try {
    const file = path.join(dir, 'chart.tgz');
    fs.writeFileSync(file, tgz);
    const out = path.join(dir, 'chart');
    fs.mkdirSync(out);
    try {
      tar.x({ file, cwd: out, sync: true, strict: true });
    } catch (error) {
      throw new ChartReadError(`${label}: not a chart archive (${(error as Error).message})`);
    }
    const tops = fs.readdirSync(out);
    if (tops.length !== 1 || !fs.statSync(path.join(out, tops[0])).isDirectory()) {
      throw new ChartReadError(`${label}: a chart archive holds one top folder, found ${JSON.stringify(tops)}`);
    }
    return readChartFolder(path.join(out, tops[0]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function readChartFolder(dir: string): ChartTree {
  const chartFile = path.join(dir, 'Chart.yaml');
  if (!fs.existsSync(chartFile)) throw new ChartReadError(`${dir}: no Chart.yaml, so not a chart folder`);
  const meta = parse(fs.readFileSync(chartFile, 'utf8')) as ChartTree['meta'];
  if (typeof meta?.name !== 'string') throw new ChartReadError(`${chartFile}: has no name`);
  const files = new Map<string, Buffer>();
  const subcharts = new Map<string, ChartTree>();
  const aliasOf = (name: string): string => meta.dependencies?.find((d) => d.name === name)?.alias ?? name;
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const full = path.join(dir, relPath);
      if (rel === 'charts' && entry.isDirectory()) {
        const sub = readChartFolder(full);
        subcharts.set(aliasOf(sub.meta.name), sub);
      } else if (rel === 'charts' && entry.name.endsWith('.tgz')) {
        const sub = readChartArchive(fs.readFileSync(full), full);
        subcharts.set(aliasOf(sub.meta.name), sub);
      } else if (entry.isDirectory()) {
        walk(relPath);
      } else if (entry.isFile()) {
        files.set(relPath, fs.readFileSync(full));
      }
    }
  };
  walk('');
  return { meta: { ...meta, version: String(meta.version) }, files, subcharts };
}
