/**
 * Checks a HelmRelease's values against its pinned chart's fixture (chart-fixture.ts): the fixture is of
 * the pinned version; every leaf path we set is a key the chart knows (in its defaults, its schema's
 * properties or its templates' reads, or below a map it passes through whole); and, where the chart
 * ships values.schema.json, our values merged over its defaults (as Helm merges them) validate
 * against it. Helm itself silently ignores an unknown key, which is why this runs in the tests.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import * as path from 'node:path';
import { CHART_FIXTURES_DIR, REFRESH_COMMAND, type ChartFixture } from './chart-fixture';
import { formatPath, isMap, keyPaths, leafPaths, parsePath } from './values-path';

/** What a HelmRelease asks of its chart. `spec.postRenderers` needs no values check and is not read. */
export interface ReleaseValues {
  readonly name: string;
  readonly chart: string;
  readonly version: string;
  readonly values: Record<string, unknown>;
}

/** A values path we set that the chart does not know, waived while the add-on is rewritten; says why. */
export interface KnownIssue {
  readonly release: string;
  readonly path: string;
  readonly reason: string;
}

/** The HelmRelease fields the check reads, from a synthesized object. */
export function releaseValuesOf(object: { metadata?: { name?: string }; spec?: unknown }): ReleaseValues {
  const spec = (object.spec ?? {}) as { chart?: { spec?: { chart?: string; version?: string } }; values?: Record<string, unknown> };
  return {
    name: object.metadata?.name ?? '',
    chart: spec.chart?.spec?.chart ?? '',
    version: spec.chart?.spec?.version ?? '',
    values: spec.values ?? {},
  };
}

/** The problems of one release; [] when its values fit its pinned chart. */
export function chartValuesProblems(release: ReleaseValues, fixture: ChartFixture | undefined, knownIssues: readonly KnownIssue[] = []): string[] {
  const where = `HelmRelease "${release.name}" (chart ${release.chart} ${release.version})`;
  const dir = path.join(CHART_FIXTURES_DIR, release.chart);
  const refresh = `run \`${REFRESH_COMMAND} ${release.chart}\``;
  if (fixture === undefined) return [`${where}: no fixture of this chart in ${dir}; ${refresh}`];
  if (fixture.provenance.version !== release.version) {
    return [`${where}: the chart is pinned at ${release.version} but its fixture in ${dir} is of ${fixture.provenance.version}; ${refresh}`];
  }
  const known = knowledgeOf(fixture);
  const waived = new Set(knownIssues.filter((k) => k.release === release.name).map((k) => k.path));
  const unknown = leafPaths(release.values)
    .filter((keys) => !known.accepts(keys) && !waived.has(formatPath(keys)))
    .map((keys) => {
      const text = formatPath(keys);
      return `${where}: values path "${text}" is not a key the chart knows (not in its defaults, its schema or its templates); nearest known key: "${known.nearest(text)}"`;
    });
  return [...unknown, ...schemaProblems(where, fixture, release.values)];
}

/** Our values over the chart's defaults, as Helm coalesces them: maps merge, anything else replaces, null deletes. */
export function mergeValues(defaults: Record<string, unknown>, ours: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(ours)) {
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(out[key])) out[key] = mergeValues(out[key] as Record<string, unknown>, value);
    else out[key] = value;
  }
  return out;
}

function schemaProblems(where: string, fixture: ChartFixture, values: Record<string, unknown>): string[] {
  if (fixture.schema === undefined) return [];
  const validate = validatorOf(fixture);
  if (validate(mergeValues(fixture.defaults, values))) return [];
  const errors = (validate.errors ?? []).slice(0, 8).map(describeError);
  return [`${where}: its values merged over the chart's defaults do not validate against values.schema.json: ${[...new Set(errors)].join('; ')}`];
}

const describeError = (e: ErrorObject): string =>
  `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` ("${(e.params as { additionalProperty: string }).additionalProperty}")` : ''}` +
  `${e.keyword === 'enum' ? ` (${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)})` : ''}`;

const validators = new WeakMap<ChartFixture, ValidateFunction>();

/** An Ajv of the schema's own draft; strict mode off, as Helm does not reject unknown keywords either. */
export function validatorOf(fixture: ChartFixture): ValidateFunction {
  const cached = validators.get(fixture);
  if (cached) return cached;
  const schema = fixture.schema!;
  const draft = typeof schema.$schema === 'string' ? schema.$schema : '';
  const options = { strict: false, allErrors: true };
  const ajv = draft.includes('2020-12') ? new Ajv2020(options) : draft.includes('2019-09') ? new Ajv2019(options) : new Ajv(options);
  if (draft !== '' && !/draft-07|draft-06|2019-09|2020-12/.test(draft)) {
    throw new Error(`${fixture.provenance.chart}: values.schema.json declares ${draft}, which this check does not support`);
  }
  const validate = ajv.compile(schema);
  validators.set(fixture, validate);
  return validate;
}

interface Knowledge {
  accepts(keys: readonly string[]): boolean;
  nearest(path: string): string;
}

const knowledge = new WeakMap<ChartFixture, Knowledge>();

function knowledgeOf(fixture: ChartFixture): Knowledge {
  const cached = knowledge.get(fixture);
  if (cached) return cached;
  const paths = [
    ...keyPaths(fixture.defaults),
    ...Object.keys(fixture.templateReads).map(parsePath),
    ...Object.entries(fixture.subchartDefaults).flatMap(([key, values]) => keyPaths(values, [key])),
    ...(fixture.schema ? schemaPaths(fixture.schema, fixture.schema) : []),
  ];
  const known = new Set(paths.flatMap((keys) => keys.map((_, i) => formatPath(keys.slice(0, i + 1)))));
  const freeForm = new Set(fixture.provenance.freeForm.map((f) => f.path));
  const result: Knowledge = {
    accepts: (keys) =>
      known.has(formatPath(keys)) ||
      keys.some((_, i) => i < keys.length - 1 && freeForm.has(formatPath(keys.slice(0, i + 1)))) ||
      (fixture.schema !== undefined && schemaAccepts(fixture.schema, fixture.schema, keys)),
    nearest: (text) => nearestOf(text, [...known, ...freeForm]),
  };
  knowledge.set(fixture, result);
  return result;
}

type Schema = Record<string, unknown>;

function resolve(root: Schema, node: unknown, seen = 0): Schema {
  if (!isMap(node)) return {};
  const ref = node.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/') || seen > 32) return node;
  const target = ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((at, key) => (isMap(at) ? at[key] : undefined), root);
  return resolve(root, { ...(target as Schema), ...Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$ref')) }, seen + 1);
}

const branches = (node: Schema): Schema[] => (['allOf', 'anyOf', 'oneOf'] as const).flatMap((k) => (Array.isArray(node[k]) ? (node[k] as Schema[]) : []));

/** Whether the schema names this path, or leaves the map above it open (additionalProperties, or an object with no properties). */
function schemaAccepts(root: Schema, at: unknown, keys: readonly string[], depth = 0): boolean {
  const node = resolve(root, at);
  if (keys.length === 0) return true;
  if (depth > 64) return false;
  if (branches(node).some((b) => schemaAccepts(root, b, keys, depth + 1))) return true;
  const [key, ...rest] = keys;
  const properties = isMap(node.properties) ? node.properties : undefined;
  if (properties && key in properties) return schemaAccepts(root, properties[key], rest, depth + 1);
  if (isMap(node.patternProperties)) {
    for (const [pattern, sub] of Object.entries(node.patternProperties))
      if (new RegExp(pattern, 'u').test(key)) return schemaAccepts(root, sub, rest, depth + 1);
  }
  if (node.additionalProperties === true) return true;
  if (isMap(node.additionalProperties))
    return schemaAccepts(root, node.additionalProperties, rest, depth + 1) || openObject(resolve(root, node.additionalProperties));
  return openObject(node) && node.additionalProperties === undefined && properties === undefined && branches(node).length === 0;
}

/** An object schema that names no keys: any child is allowed. */
const openObject = (node: Schema): boolean =>
  !isMap(node.properties) &&
  !isMap(node.patternProperties) &&
  node.additionalProperties !== false &&
  (node.type === undefined || node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object')));

/** Every property path the schema names, for the nearest-key hint. */
function schemaPaths(root: Schema, at: unknown, prefix: string[] = [], depth = 0): string[][] {
  if (depth > 12) return [];
  const node = resolve(root, at);
  const own = isMap(node.properties)
    ? Object.entries(node.properties).flatMap(([k, sub]) => [[...prefix, k], ...schemaPaths(root, sub, [...prefix, k], depth + 1)])
    : [];
  return [...own, ...branches(node).flatMap((b) => schemaPaths(root, b, prefix, depth + 1))];
}

function nearestOf(text: string, candidates: readonly string[]): string {
  let best = '';
  let bestDistance = Infinity;
  for (const candidate of [...new Set(candidates)].sort()) {
    const d = levenshtein(text, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}
