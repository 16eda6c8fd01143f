/**
 * A pinned chart's fixture under test/fixtures/charts/<chart>/: its default values as the package
 * carries them (values.yaml, byte for byte), its values.schema.json where it ships one, the values
 * paths its templates read (template-values.json, path → template files) and chart.json: where it came
 * from and which maps are free-form. `npm run charts:refresh` writes it; the values check reads it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { ChartTree } from './chart-archive';
import type { ChartUpstream } from './chart-upstreams';
import { emptyReads, isTemplateFile, scanTemplate, type TemplateReads } from './template-values';

export const CHART_FIXTURES_DIR = path.join('test', 'fixtures', 'charts');
export const REFRESH_COMMAND = 'npm run charts:refresh --';

/** A map the chart passes through whole, so any child key is accepted; `how` names the template construct. */
export interface FreeFormMap {
  readonly path: string;
  readonly templates: readonly string[];
  readonly how: readonly string[];
}

export interface ChartProvenance {
  readonly chart: string;
  readonly version: string;
  /** Where Flux pulls the chart from (the add-on's repository). */
  readonly helmRepository: string;
  /** The upstream source repository, the tag of this version, the chart's folder and the tag's commit. */
  readonly repository: string;
  readonly tag: string;
  readonly path: string;
  readonly commit: string | null;
  /** The day the fixture was written (YYYY-MM-DD). */
  readonly retrieved: string;
  /** What was read: the published package (its URL where downloaded, and its sha256) or a chart folder. */
  readonly source: { readonly kind: 'package' | 'folder'; readonly url?: string; readonly sha256?: string };
  readonly packaging?: string;
  readonly valuesFilledFrom?: { readonly file: string; readonly variables: Readonly<Record<string, string>>; readonly source: string };
  /** The `$schema` of values.schema.json; null when the chart ships no schema. */
  readonly schema: string | null;
  readonly subcharts: readonly { readonly key: string; readonly chart: string; readonly version: string }[];
  readonly freeForm: readonly FreeFormMap[];
}

export interface ChartFixture {
  readonly provenance: ChartProvenance;
  /** values.yaml, parsed as Helm parses it (YAML 1.1). */
  readonly defaults: Record<string, unknown>;
  readonly schema?: Record<string, unknown>;
  /** Values path → the template files that read it. */
  readonly templateReads: Readonly<Record<string, readonly string[]>>;
  /** Subcharts' own defaults, by their key in this chart's values. */
  readonly subchartDefaults: Readonly<Record<string, unknown>>;
}

export class FixtureError extends Error {}

export interface FixtureInput {
  readonly tree: ChartTree;
  readonly chart: string;
  readonly version: string;
  readonly helmRepository: string;
  readonly upstream: ChartUpstream;
  readonly commit: string | null;
  readonly retrieved: string;
  readonly source: ChartProvenance['source'];
}

/** The fixture's files (relative path → content) for one chart read from its package or folder. */
export function fixtureFiles(input: FixtureInput): Map<string, Buffer> {
  const { tree, chart, version, upstream } = input;
  if (tree.meta.name !== chart) throw new FixtureError(`the chart read is named "${tree.meta.name}", not "${chart}"`);
  if (tree.meta.version !== version && !upstream.versionSetAtRelease) {
    throw new FixtureError(`the chart read is version ${tree.meta.version}, but the add-ons pin ${chart} ${version}`);
  }
  const { values, filled } = defaultValues(tree, upstream, version);
  parseValues(values.toString('utf8'), `${chart} values.yaml`);
  const schemaFile = tree.files.get('values.schema.json');
  const schema = schemaFile === undefined ? undefined : parseJson(schemaFile, `${chart} values.schema.json`);
  const reads = readsOf(tree);
  const provenance: ChartProvenance = {
    chart,
    version,
    helmRepository: input.helmRepository,
    repository: upstream.repository,
    tag: upstream.tagOf(version),
    path: upstream.path,
    commit: input.commit,
    retrieved: input.retrieved,
    source: input.source,
    ...(upstream.packaging ? { packaging: upstream.packaging } : {}),
    ...(filled ? { valuesFilledFrom: filled } : {}),
    schema: schema === undefined ? null : typeof schema.$schema === 'string' ? schema.$schema : 'none declared',
    subcharts: [...tree.subcharts].map(([key, sub]) => ({ key, chart: sub.meta.name, version: sub.meta.version })),
    freeForm: [...reads.freeForm]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([p, { files, how }]) => ({ path: p, templates: [...files].sort(), how: [...how].sort() })),
  };
  const files = new Map<string, Buffer>([
    ['chart.json', json(provenance)],
    ['values.yaml', values],
    ['template-values.json', json(Object.fromEntries([...reads.reads].sort(([a], [b]) => a.localeCompare(b)).map(([p, f]) => [p, [...f].sort()])))],
  ]);
  if (schemaFile !== undefined) files.set('values.schema.json', schemaFile);
  for (const [key, sub] of tree.subcharts) {
    const subValues = sub.files.get('values.yaml');
    if (subValues !== undefined) files.set(`subcharts/${key}/values.yaml`, subValues);
  }
  return files;
}

function defaultValues(tree: ChartTree, upstream: ChartUpstream, version: string): { values: Buffer; filled?: ChartProvenance['valuesFilledFrom'] } {
  const values = tree.files.get('values.yaml');
  const template = upstream.valuesTemplate;
  if (values !== undefined || template === undefined) {
    if (values === undefined) throw new FixtureError(`the chart ${tree.meta.name} has no values.yaml`);
    return { values };
  }
  const text = tree.files.get(template.file)?.toString('utf8');
  if (text === undefined) throw new FixtureError(`the chart ${tree.meta.name} has neither values.yaml nor ${template.file}`);
  const variables = template.variables(version);
  const filled = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_whole, braced?: string, bare?: string) => {
    const name = braced ?? bare!;
    if (!(name in variables))
      throw new FixtureError(`${template.file} uses \${${name}}, which the release does not set (known: ${Object.keys(variables).join(', ')})`);
    return variables[name];
  });
  return { values: Buffer.from(filled), filled: { file: template.file, variables, source: template.source } };
}

function readsOf(tree: ChartTree, prefix: readonly string[] = [], into: TemplateReads = emptyReads(), base = ''): TemplateReads {
  for (const [rel, content] of tree.files) if (isTemplateFile(rel)) scanTemplate(`${base}${rel}`, content.toString('utf8'), into, prefix);
  for (const [key, sub] of tree.subcharts) readsOf(sub, [...prefix, key], into, `${base}charts/${key}/`);
  return into;
}

const json = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

function parseJson(content: Buffer, label: string): Record<string, unknown> {
  try {
    return JSON.parse(content.toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new FixtureError(`${label}: not JSON (${(error as Error).message})`);
  }
}

/** values.yaml as Helm reads it: sigs.k8s.io/yaml on go-yaml v2, so YAML 1.1 (`on`, `yes` are booleans). */
export function parseValues(text: string, label: string): Record<string, unknown> {
  try {
    const parsed: unknown = parse(text, { version: '1.1' });
    return (parsed ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new FixtureError(`${label}: not YAML (${(error as Error).message})`);
  }
}

/** Writes the files into <outDir>/<chart>/, replacing the old fixture whole. */
export function writeFixture(outDir: string, chart: string, files: ReadonlyMap<string, Buffer>): string {
  const target = path.join(outDir, chart);
  const staging = `${target}.refresh-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  for (const [rel, content] of files) {
    fs.mkdirSync(path.dirname(path.join(staging, rel)), { recursive: true });
    fs.writeFileSync(path.join(staging, rel), content);
  }
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(staging, target);
  return target;
}

/** The fixture of a chart, or undefined when there is none. */
export function readChartFixture(fixturesDir: string, chart: string): ChartFixture | undefined {
  const dir = path.join(fixturesDir, chart);
  if (!fs.existsSync(path.join(dir, 'chart.json'))) return undefined;
  const read = (rel: string): Buffer | undefined => (fs.existsSync(path.join(dir, rel)) ? fs.readFileSync(path.join(dir, rel)) : undefined);
  const provenance = parseJson(read('chart.json')!, `${dir}/chart.json`) as unknown as ChartProvenance;
  const schema = read('values.schema.json');
  const subchartDefaults = Object.fromEntries(
    provenance.subcharts.flatMap(({ key }) => {
      const text = read(`subcharts/${key}/values.yaml`);
      return text === undefined ? [] : [[key, parseValues(text.toString('utf8'), `${dir}/subcharts/${key}/values.yaml`)]];
    }),
  );
  return {
    provenance,
    defaults: parseValues(read('values.yaml')?.toString('utf8') ?? '', `${dir}/values.yaml`),
    ...(schema ? { schema: parseJson(schema, `${dir}/values.schema.json`) } : {}),
    templateReads: parseJson(read('template-values.json') ?? Buffer.from('{}'), `${dir}/template-values.json`) as Record<string, string[]>,
    subchartDefaults,
  };
}
