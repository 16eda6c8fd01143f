import { spawnSync } from 'node:child_process';
import { ENVOY_PROXY_IMAGE } from '../constructs/platform/envoy-proxy-runtime';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RESTIC_IMAGE } from '../constructs/app/backup-jobs';
import { SETUP_IMAGE } from '../constructs/logging/elasticsearch-setup';
import { AWS_CLI_IMAGE } from '../constructs/platform/backup-lock-renewal';
import { eckDefaults } from '../constructs/platform/eck';

/*
 * renovate-config-validator is too heavy to install here. Instead this proves what matters most: each
 * regex manager, applied the way Renovate applies it (every matchString as a global RegExp over each file
 * its managerFilePatterns select, fields from named groups or templates), finds every pinned chart, image
 * and version in the code, with the right datasource, and misses none.
 */

const ROOT = path.join(__dirname, '..');

interface CustomManager {
  readonly customType: string;
  readonly description?: string;
  readonly managerFilePatterns: readonly string[];
  readonly matchStrings: readonly string[];
  readonly matchStringsStrategy?: string;
  readonly [template: `${string}Template`]: string | undefined;
}
interface PackageRule {
  readonly description?: string;
  readonly matchManagers?: readonly string[];
  readonly matchDepTypes?: readonly string[];
  readonly matchUpdateTypes?: readonly string[];
  readonly automerge?: boolean;
  readonly groupName?: string;
  readonly matchPackageNames?: readonly string[];
  readonly versioning?: string;
}
interface RenovateConfig {
  readonly extends: readonly string[];
  readonly schedule: readonly string[];
  readonly automerge?: boolean;
  readonly customManagers: readonly CustomManager[];
  readonly packageRules: readonly PackageRule[];
}

const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'renovate.json'), 'utf8')) as RenovateConfig;

/** The fields a Renovate regex manager fills, from a named group or from `<field>Template`. */
const FIELDS = ['depName', 'packageName', 'currentValue', 'currentDigest', 'datasource', 'versioning', 'extractVersion', 'registryUrl', 'depType'] as const;
type Dep = Partial<Record<(typeof FIELDS)[number], string>> & { file: string; at: [number, number] };

/** The subset of Handlebars the config uses: `{{{name}}}` and `{{name}}`; anything else fails the test. */
function render(template: string, groups: Record<string, string>): string {
  return template.replace(/\{\{\{?\s*([^}]*?)\s*\}?\}\}/g, (_, expr: string) => {
    if (!/^[A-Za-z]\w*$/.test(expr)) throw new Error(`template helper not supported by this test: {{${expr}}}`);
    if (groups[expr] === undefined) throw new Error(`template names group "${expr}", which the matchString does not capture`);
    return groups[expr];
  });
}

/** Renovate's managerFilePatterns: `/regex/` (the form this config uses) against repo-relative paths. */
function patternOf(pattern: string): RegExp {
  const m = /^\/(.*)\/([a-z]*)$/.exec(pattern);
  if (!m) throw new Error(`managerFilePatterns entry ${pattern} is a glob; this config uses /regex/ patterns only`);
  return new RegExp(m[1], m[2]);
}

function repoFiles(): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      if (['node_modules', '.git', 'dist', '.scratch'].includes(entry.name) || entry.name.startsWith('.dist-')) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk('');
  return out.sort();
}
const FILES = repoFiles();

const filesOf = (manager: CustomManager) => FILES.filter((f) => manager.managerFilePatterns.some((p) => patternOf(p).test(f)));

/** One manager over one file's text, as Renovate's regex manager (matchStringsStrategy "any") does. */
function extract(manager: CustomManager, file: string, text: string): Dep[] {
  const deps: Dep[] = [];
  for (const matchString of manager.matchStrings) {
    for (const m of text.matchAll(new RegExp(matchString, 'g'))) {
      const groups = Object.fromEntries(Object.entries(m.groups ?? {}).filter(([, v]) => v !== undefined)) as Record<string, string>;
      const dep: Dep = { file, at: [m.index ?? 0, (m.index ?? 0) + m[0].length] };
      for (const field of FIELDS) {
        const template = manager[`${field}Template`];
        if (template) dep[field] = render(template, groups);
        else if (groups[field]) dep[field] = groups[field];
      }
      deps.push(dep);
    }
  }
  return deps;
}

const readFile = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const extractAll = (read: (file: string) => string = readFile): Dep[] =>
  config.customManagers.flatMap((manager) => filesOf(manager).flatMap((file) => extract(manager, file, read(file))));
const summary = (deps: readonly Dep[]) =>
  deps
    .map(({ file, depName, datasource, currentValue, registryUrl, currentDigest }) => ({
      file,
      depName,
      datasource,
      currentValue,
      ...(registryUrl ? { registryUrl } : {}),
      ...(currentDigest ? { currentDigest } : {}),
    }))
    .sort((a, b) => `${a.file} ${a.depName}`.localeCompare(`${b.file} ${b.depName}`));

// What the code pins, read from the code itself (not from the regexes under test).

interface ChartSource {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}
const PLATFORM_FILES = FILES.filter((f) => /^constructs\/platform\/[^/]+\.ts$/.test(f));

function pinnedCharts(): Array<{ file: string; chart: ChartSource }> {
  const found: Array<{ file: string; chart: ChartSource }> = [];
  for (const file of PLATFORM_FILES) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(ROOT, file)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      const chart = (value as { chart?: Partial<ChartSource> } | null)?.chart;
      if (name.endsWith('Defaults') && chart?.repository && chart.chart && chart.version) found.push({ file, chart: chart as ChartSource });
    }
  }
  return found;
}

function expectedChartDep({ file, chart }: { file: string; chart: ChartSource }) {
  return chart.repository.startsWith('oci://')
    ? { file, depName: `${chart.repository.slice('oci://'.length)}/${chart.chart}`, datasource: 'docker', currentValue: chart.version }
    : { file, depName: chart.chart, datasource: 'helm', currentValue: chart.version, registryUrl: chart.repository };
}

/** Any quoted image reference with a registry host in constructs/ (a pinned image, wherever it is). */
const IMAGE_LITERAL = /['"]((?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?\/[a-z0-9._/-]+:[A-Za-z0-9_][A-Za-z0-9_.-]*(?:@sha256:[a-f0-9]{64})?)['"]/g;
const CONSTRUCT_FILES = FILES.filter((f) => /^constructs\/.+\.ts$/.test(f));

function expectedImageDep(file: string, ref: string) {
  const [name, digest] = ref.split('@');
  const colon = name.lastIndexOf(':');
  return { file, depName: name.slice(0, colon), datasource: 'docker', currentValue: name.slice(colon + 1), ...(digest ? { currentDigest: digest } : {}) };
}

const fileOfExport = (needle: string) => {
  const file = CONSTRUCT_FILES.find((f) => readFile(f).includes(needle));
  if (!file) throw new Error(`no file in constructs/ contains ${needle}`);
  return file;
};

describe('renovate.json: the regex managers find every pin', () => {
  const deps = extractAll();

  test('every custom manager is a regex manager that selects files and finds something', () => {
    for (const manager of config.customManagers) {
      expect(manager.customType).toBe('regex');
      expect(manager.matchStringsStrategy ?? 'any').toBe('any');
      expect(filesOf(manager).length).toBeGreaterThan(0);
      expect(filesOf(manager).flatMap((f) => extract(manager, f, readFile(f))).length).toBeGreaterThan(0);
    }
  });

  test('every found dependency has a name, a datasource and a current value', () => {
    for (const dep of deps) {
      expect(dep.depName).toMatch(/\S/);
      expect(['helm', 'docker']).toContain(dep.datasource);
      // A variant's prefix (`distroless-v1.35.13`) or a release's dated tag (`trixie-20260406-slim`) only where a
      // packageRule gives it a regex versioning of its own that reads it.
      const variant = /^[a-z]+-(?:v\d+\.\d+\.\d+|\d{8}-slim)$/.test(dep.currentValue ?? '');
      if (variant) {
        const rule = config.packageRules.find((r) => r.matchPackageNames?.includes(dep.depName ?? '') && String(r.versioning).startsWith('regex:'));
        expect(rule).toBeDefined();
        expect(dep.currentValue).toMatch(new RegExp(String(rule!.versioning).slice('regex:'.length)));
      } else expect(dep.currentValue).toMatch(/^v?\d+\.\d+\.\d+$/);
    }
  });

  test('every pinned Helm chart in the add-on defaults is found, with its repository as registryUrl (OCI: docker datasource)', () => {
    const charts = pinnedCharts();
    expect(charts.length).toBeGreaterThanOrEqual(10);
    // The AWS CLI image of the lock renewal job is a pinned image (the last test), not a chart.
    const notCharts: string[] = ['docker.elastic.co/elasticsearch/elasticsearch', AWS_CLI_IMAGE.split(':')[0], ENVOY_PROXY_IMAGE.split(':')[0]];
    const found = summary(deps.filter((d) => PLATFORM_FILES.includes(d.file) && !notCharts.includes(d.depName ?? '')));
    expect(found).toEqual(summary(charts.map((c) => ({ ...expectedChartDep(c), at: [0, 0] as [number, number] }))));
    expect(found).toContainEqual({
      file: 'constructs/platform/envoy-gateway.ts',
      depName: 'docker.io/envoyproxy/gateway-helm',
      datasource: 'docker',
      currentValue: 'v1.5.1',
    });
    expect(found).toContainEqual({
      file: 'constructs/platform/cert-manager.ts',
      depName: 'cert-manager',
      datasource: 'helm',
      currentValue: 'v1.18.2',
      registryUrl: 'https://charts.jetstack.io',
    });
  });

  test("no `version: '…'` in constructs/platform/*.ts is missed: each is a found chart or an API version", () => {
    const chartSpans = deps.filter((d) => d.datasource === 'helm' || d.depName === 'docker.io/envoyproxy/gateway-helm');
    let versions = 0;
    const missed: string[] = [];
    for (const file of PLATFORM_FILES) {
      const text = readFile(file);
      for (const m of text.matchAll(/\bversion:\s*['"]/g)) {
        versions += 1;
        const index = m.index ?? 0;
        if (chartSpans.some((d) => d.file === file && d.at[0] <= index && index < d.at[1])) continue;
        const line = text.slice(text.lastIndexOf('\n', index) + 1, text.indexOf('\n', index));
        // The (group, version, resource) of a Kubernetes API, e.g. in the admission policies: not a pin.
        if (/group:\s*['"][^'"]*['"],\s*version:\s*['"]v\d+(?:(?:alpha|beta)\d+)?['"],\s*resource:/.test(line)) continue;
        missed.push(`${file}: ${line.trim()}`);
      }
    }
    expect(missed).toEqual([]);
    expect(chartSpans.length).toBe(pinnedCharts().length);
    expect(versions).toBeGreaterThan(chartSpans.length); // the API versions exist and were told apart
  });

  test('every pinned image in constructs/ is found with the docker datasource (RESTIC_IMAGE, SETUP_IMAGE and any other)', () => {
    const literals = CONSTRUCT_FILES.flatMap((file) => [...readFile(file).matchAll(IMAGE_LITERAL)].map((m) => expectedImageDep(file, m[1])));
    expect(literals).toContainEqual(expectedImageDep(fileOfExport('export const RESTIC_IMAGE'), RESTIC_IMAGE));
    expect(literals).toContainEqual(expectedImageDep(fileOfExport('export const SETUP_IMAGE'), SETUP_IMAGE));
    const images = summary(
      deps.filter(
        (d) => d.datasource === 'docker' && d.depName !== 'docker.io/envoyproxy/gateway-helm' && d.depName !== 'docker.elastic.co/elasticsearch/elasticsearch',
      ),
    );
    expect(images).toEqual(summary(literals.map((l) => ({ ...l, at: [0, 0] as [number, number] }))));
    expect(images).toContainEqual({
      file: 'constructs/app/backup-jobs.ts',
      depName: 'docker.io/restic/restic',
      datasource: 'docker',
      currentValue: RESTIC_IMAGE.split(':')[1],
    });
  });

  test("ECK's Elasticsearch stackVersion is found as the elasticsearch image", () => {
    expect(summary(deps.filter((d) => d.depName === 'docker.elastic.co/elasticsearch/elasticsearch'))).toEqual([
      {
        file: 'constructs/platform/eck.ts',
        depName: 'docker.elastic.co/elasticsearch/elasticsearch',
        datasource: 'docker',
        currentValue: eckDefaults.stackVersion,
      },
    ]);
  });

  test('the managers still find the same pins after Prettier reformats the files (double quotes, wrapped objects)', () => {
    // The files that hold pins (the others have nothing to find, formatted or not).
    const files = [...new Set([...PLATFORM_FILES, ...deps.map((d) => d.file)])];
    const optionSets = [{}, { singleQuote: true }, { printWidth: 160 }];
    // Prettier 3 loads its plugins by dynamic import, which jest's VM lacks: format in one child process,
    // with the given options only (no repo config).
    const script = `
      const prettier = require('prettier');
      const { files, optionSets } = JSON.parse(require('fs').readFileSync(0, 'utf8'));
      Promise.all(optionSets.map((o) => Promise.all(files.map(([name, text]) => prettier.format(text, { ...o, parser: 'typescript' }).then((t) => [name, t])))))
        .then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });`;
    const run = spawnSync(process.execPath, ['-e', script], {
      cwd: ROOT,
      input: JSON.stringify({ files: files.map((f) => [f, readFile(f)]), optionSets }),
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`prettier failed: ${run.error ?? run.stderr}`);
    const results = JSON.parse(run.stdout) as Array<Array<[string, string]>>;
    expect(results).toHaveLength(optionSets.length);
    for (const [i, result] of results.entries()) {
      const formatted = new Map(result);
      // Prettier really moved things: with its defaults, no single-quoted one-line chart literal is left.
      if (i === 0) expect([...formatted.values()].join('\n')).not.toMatch(/repository: '[^']+', chart: '/);
      expect(summary(extractAll((f) => formatted.get(f) ?? readFile(f)))).toEqual(summary(deps));
    }
  });

  test('the matchStrings are RE2-compatible (no lookaround, no backreferences) and capture only fields or template inputs', () => {
    for (const manager of config.customManagers) {
      const templates = FIELDS.map((f) => manager[`${f}Template`] ?? '').join(' ');
      for (const matchString of manager.matchStrings) {
        expect(matchString).not.toMatch(/\(\?<?[=!]/);
        expect(matchString).not.toMatch(/\\[1-9]|\\k</);
        for (const [, group] of matchString.matchAll(/\(\?<([A-Za-z]\w*)>/g)) {
          const used = (FIELDS as readonly string[]).includes(group) || templates.includes(`{{{${group}}}}`) || templates.includes(`{{${group}}}`);
          expect({ group, used }).toEqual({ group, used: true });
        }
        expect(matchString).toMatch(/\(\?<currentValue>/);
      }
      expect(manager.datasourceTemplate).toMatch(/^(helm|docker)$/);
    }
  });

  test('the test itself catches a manager that misses a pin', () => {
    const [helm] = config.customManagers;
    const text =
      'chart: { repository: \'https://charts.example.io\', chart: \'demo\', version: \'1.2.3\' }\nchart: { repository: "https://x.io", chart: "y", version: "4.5.6" }';
    expect(extract(helm, 'x.ts', text).map((d) => d.currentValue)).toEqual(['1.2.3', '4.5.6']);
    const singleQuoteOnly: CustomManager = {
      ...helm,
      matchStrings: ["repository: '(?<registryUrl>[^']+)', chart: '(?<depName>[^']+)', version: '(?<currentValue>[^']+)'"],
    };
    expect(extract(singleQuoteOnly, 'x.ts', text).map((d) => d.currentValue)).toEqual(['1.2.3']);
    expect(() => render('{{{missing}}}', {})).toThrow(/does not capture/);
  });
});

describe('renovate.json: policy', () => {
  test('npm dependencies are pinned to exact versions, and Renovate keeps them so', () => {
    const pkg = JSON.parse(readFile('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const ranges = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(([, v]) => !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v));
    expect(ranges).toEqual([]);
    expect(config.extends).toContain(':pinAllExceptPeerDependencies');
  });

  test('GitHub Actions stay pinned to digests with their version comments', () => {
    expect(config.extends).toContain('helpers:pinGitHubActionDigestsToSemver');
  });

  test('runs weekly (one window, one weekday)', () => {
    expect(config.schedule).toHaveLength(1);
    const fields = config.schedule[0].split(/\s+/);
    expect(fields).toHaveLength(5);
    expect(fields[4]).toMatch(/^[0-6]$/);
    expect(fields.slice(2, 4)).toEqual(['*', '*']);
  });

  test('only patch updates of devDependencies merge themselves', () => {
    expect(config.automerge).toBe(false);
    const automerging = config.packageRules.filter((r) => r.automerge === true);
    expect(automerging).toHaveLength(1);
    expect(automerging[0]).toMatchObject({ matchManagers: ['npm'], matchDepTypes: ['devDependencies'], matchUpdateTypes: ['patch'] });
  });
});
