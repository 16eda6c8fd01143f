import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as tar from 'tar';
import { stringify } from 'yaml';
import { HELM_CHART_LAYER } from '../scripts/lib/chart-download';
import { readChartFixture } from '../scripts/lib/chart-fixture';
import type { ChartUpstream } from '../scripts/lib/chart-upstreams';
import { chartValuesProblems } from '../scripts/lib/chart-values';
import { refreshChartFixture, refreshCli } from '../scripts/lib/refresh-charts';
import { emptyReads, scanTemplate } from '../scripts/lib/template-values';
import { formatPath, parsePath } from '../scripts/lib/values-path';
import { REPO_ROOT, scopedTempDirs } from './support';

const tempDir = scopedTempDirs();

/** What the scanner finds in one template: the paths read, and the free-form maps with how. */
function scan(text: string, prefix: string[] = []): { reads: string[]; freeForm: Record<string, string[]> } {
  const into = emptyReads();
  scanTemplate('templates/t.yaml', text, into, prefix);
  return { reads: [...into.reads.keys()].sort(), freeForm: Object.fromEntries([...into.freeForm].map(([p, f]) => [p, [...f.how]])) };
}

describe('the template scanner finds every values path a template reads', () => {
  test.each([
    ['a plain read', '{{ .Values.image.tag }}', ['image.tag']],
    ['$ and trim markers', '{{- $.Values.a.b -}}', ['a.b']],
    ['inside with: the dot is the map', '{{- with .Values.pdb }}{{ .minAvailable }}{{ end }}', ['pdb', 'pdb.minAvailable']],
    ['else of with: the dot is back', '{{ with .Values.a }}{{ .x }}{{ else }}{{ .Values.b }}{{ end }}', ['a', 'a.x', 'b']],
    ['a variable', '{{ $kube := .Values.config.kube }}{{ $kube.watch.type }}', ['config.kube', 'config.kube.watch.type']],
    [
      'index and dig with literal keys',
      '{{ index .Values.extraArgs "leader-elect" }}{{ index .Values.podLabels "example.com/team" }}{{ dig "a" "b" 0 .Values.config }}',
      ['config', 'config.a.b', 'extraArgs', 'extraArgs.leader-elect', 'podLabels', 'podLabels["example.com/team"]'],
    ],
    ['default and required', '{{ default .Chart.Name .Values.nameOverride }}{{ required "x" .Values.clusterName }}', ['clusterName', 'nameOverride']],
    ['a parenthesised pipeline with a field after it', '{{ (.Values.a).b }}', ['a', 'a.b']],
    ['a helper given the root by name', '{{ define "x" }}{{ .context.Values.global.compat }}{{ end }}', ['global.compat']],
    ['define: the dot is the root', '{{ define "x" }}{{ .Values.inHelper }}{{ end }}{{ with .Values.m }}{{ .k }}{{ end }}', ['inHelper', 'm', 'm.k']],
    ['comments and strings are not reads', '{{/* .Values.no */}}{{ printf ".Values.no" }}', []],
    ['a range over a list: its items are not map keys', '{{ range .Values.hosts }}{{ .name }}{{ end }}', ['hosts']],
  ])('%s', (_name, text, reads) => {
    expect(scan(text).reads).toEqual(reads);
  });

  test.each([
    ['toYaml of a map', '{{ toYaml .Values.podAnnotations | nindent 8 }}', { podAnnotations: ['toYaml'] }],
    ['piped into toYaml', '{{ .Values.resources | toYaml }}', { resources: ['toYaml'] }],
    ['toYaml of the dot inside with', '{{- with .Values.nodeSelector }}{{ toYaml . }}{{ end }}', { nodeSelector: ['toYaml'] }],
    ['a range with a key', '{{ range $key, $value := .Values.extraArgs }}--{{ $key }}{{ end }}', { extraArgs: ['range $key, $value'] }],
    [
      'the value of a tplvalues.render include',
      '{{ include "common.tplvalues.render" (dict "value" .Values.extraEnv "context" $) }}',
      { extraEnv: ['common.tplvalues.render'] },
    ],
    ['tpl of toYaml', '{{ tpl (toYaml .Values.config) . }}', { config: ['toYaml'] }],
    ['the whole values tree is never free-form', '{{ toYaml .Values }}', {}],
    ['a condition is not free-form', '{{ if .Values.podLabels }}x{{ end }}', {}],
  ])('free-form: %s', (_name, text, freeForm) => {
    expect(scan(text).freeForm).toEqual(freeForm);
  });

  test("a subchart's reads sit under its key in the parent's values, except its globals", () => {
    expect(scan('{{ .Values.nameOverride }}{{ .Values.global.kubeVersion }}', ['crds']).reads).toEqual(['crds.nameOverride', 'global.kubeVersion']);
  });
});

test('a values path with dotted keys reads back as the same keys', () => {
  const keys = ['podAnnotations', 'fluentbit.io/exclude', 'a"b', 'plain-key'];
  expect(formatPath(keys)).toBe('podAnnotations["fluentbit.io/exclude"]["a\\"b"].plain-key');
  expect(parsePath(formatPath(keys))).toEqual(keys);
});

/** A small chart written by the test: Chart.yaml, values.yaml and templates reading .Values. */
function writeChart(dir: string, name: string, version: string, extra: Record<string, string> = {}): string {
  const files: Record<string, string> = {
    'Chart.yaml': stringify({ apiVersion: 'v2', name, version }),
    'values.yaml': '# the defaults, kept byte for byte\nreplicas: 1\npodAnnotations: {}\nconfig:\n  level: info\n',
    'templates/deployment.yaml':
      'replicas: {{ .Values.replicas }}\n{{- with .Values.podAnnotations }}\nannotations: {{ toYaml . | nindent 2 }}\n{{- end }}\nlevel: {{ .Values.config.level }}\n',
    'templates/_helpers.tpl': '{{- define "x.name" -}}{{ default .Chart.Name .Values.nameOverride }}{{- end }}\n',
    ...extra,
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const upstream: ChartUpstream = { repository: 'https://github.com/example/demo', path: 'charts/demo', tagOf: (v) => `demo-${v}` };
const quiet = { log: () => undefined, error: () => undefined };

describe('npm run charts:refresh -- <chart> --from <folder>', () => {
  test('the real command writes a fixture from a chart folder: defaults byte for byte, template reads, free-form maps, provenance', () => {
    const chart = writeChart(path.join(tempDir('chart'), 'metrics-server'), 'metrics-server', '3.13.0');
    const out = tempDir('fixtures');
    const commit = 'a'.repeat(40);
    const run = spawnSync('npx', ['tsx', 'scripts/refresh-chart-fixtures.ts', 'metrics-server', '--from', chart, '--commit', commit, '--out', out], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('metrics-server 3.13.0: wrote chart.json, template-values.json, values.yaml');
    const dir = path.join(out, 'metrics-server');
    expect(fs.readdirSync(dir).sort()).toEqual(['chart.json', 'template-values.json', 'values.yaml']);
    expect(fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8')).toBe(fs.readFileSync(path.join(chart, 'values.yaml'), 'utf8'));
    const fixture = readChartFixture(out, 'metrics-server')!;
    expect(fixture.templateReads).toEqual({
      'config.level': ['templates/deployment.yaml'],
      nameOverride: ['templates/_helpers.tpl'],
      podAnnotations: ['templates/deployment.yaml'],
      replicas: ['templates/deployment.yaml'],
    });
    expect(fixture.provenance).toMatchObject({
      chart: 'metrics-server',
      version: '3.13.0',
      helmRepository: 'https://kubernetes-sigs.github.io/metrics-server/',
      repository: 'https://github.com/kubernetes-sigs/metrics-server',
      tag: 'metrics-server-helm-chart-3.13.0',
      path: 'charts/metrics-server',
      commit,
      source: { kind: 'folder' },
      schema: null,
      freeForm: [{ path: 'podAnnotations', templates: ['templates/deployment.yaml'], how: ['toYaml'] }],
    });
  });

  test('a packaged .tgz is read too, with its sha256; a shipped schema is copied', async () => {
    const root = tempDir('pkg');
    writeChart(path.join(root, 'demo'), 'demo', '1.2.3', { 'values.schema.json': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"object"}\n' });
    const tgz = path.join(root, 'demo-1.2.3.tgz');
    tar.c({ gzip: true, file: tgz, cwd: root, sync: true }, ['demo']);
    const out = tempDir('fixtures');
    const result = await refreshChartFixture({
      chart: 'demo',
      from: tgz,
      outDir: out,
      pins: [pin('https://charts.example.com')],
      upstreams: { demo: upstream },
      today: '2025-01-02',
    });
    expect(result.files).toEqual(['chart.json', 'template-values.json', 'values.schema.json', 'values.yaml']);
    expect(result.provenance).toMatchObject({
      source: { kind: 'package', sha256: sha256(fs.readFileSync(tgz)) },
      schema: 'http://json-schema.org/draft-07/schema#',
      retrieved: '2025-01-02',
      commit: null,
    });
  });

  test("a values.tmpl.yaml is filled in as the release fills it, and the folder's placeholder version is accepted", async () => {
    const chart = writeChart(tempDir('gw'), 'demo', 'v0.0.0-latest', { 'values.tmpl.yaml': 'image: ${Image}\npolicy: $Policy\n' });
    fs.rmSync(path.join(chart, 'values.yaml'));
    const filling: ChartUpstream = {
      ...upstream,
      versionSetAtRelease: true,
      valuesTemplate: { file: 'values.tmpl.yaml', variables: (v) => ({ Image: `example/demo:${v}`, Policy: 'IfNotPresent' }), source: 'Makefile' },
    };
    const out = tempDir('fixtures');
    await refreshChartFixture({ chart: 'demo', from: chart, outDir: out, pins: [pin('oci://example.com/charts', 'v1.2.3')], upstreams: { demo: filling } });
    expect(fs.readFileSync(path.join(out, 'demo', 'values.yaml'), 'utf8')).toBe('image: example/demo:v1.2.3\npolicy: IfNotPresent\n');
    expect(readChartFixture(out, 'demo')!.provenance.valuesFilledFrom).toEqual({
      file: 'values.tmpl.yaml',
      variables: { Image: 'example/demo:v1.2.3', Policy: 'IfNotPresent' },
      source: 'Makefile',
    });
  });

  test("a subchart's defaults and reads are kept under its key, and the check knows them", async () => {
    const chart = writeChart(tempDir('parent'), 'demo', '1.2.3', {
      'charts/crds/Chart.yaml': stringify({ apiVersion: 'v2', name: 'crds', version: '1.2.3' }),
      'charts/crds/values.yaml': 'keep: true\n',
      'charts/crds/templates/crds.yaml': '{{ if .Values.keep }}{{ .Values.global.kubeVersion }}{{ end }}\n',
    });
    const out = tempDir('fixtures');
    const result = await refreshChartFixture({
      chart: 'demo',
      from: chart,
      outDir: out,
      pins: [pin('https://charts.example.com')],
      upstreams: { demo: upstream },
    });
    expect(result.files).toContain('subcharts/crds/values.yaml');
    const fixture = readChartFixture(out, 'demo')!;
    expect(fixture.provenance.subcharts).toEqual([{ key: 'crds', chart: 'crds', version: '1.2.3' }]);
    expect(fixture.templateReads['crds.keep']).toEqual(['charts/crds/templates/crds.yaml']);
    const release = { name: 'demo', chart: 'demo', version: '1.2.3' };
    expect(chartValuesProblems({ ...release, values: { crds: { keep: false } } }, fixture)).toEqual([]);
    expect(chartValuesProblems({ ...release, values: { crds: { kep: false } } }, fixture)).toEqual([
      expect.stringContaining('values path "crds.kep" is not a key the chart knows'),
    ]);
  });

  test.each([
    ['a version other than the pin', ['demo', '--from', 'FOLDER'], '2.0.0', 'the chart read is version 2.0.0, but the add-ons pin demo 1.2.3'],
    ['a chart that is not pinned', ['nginx', '--from', 'FOLDER'], '1.2.3', '"nginx" is not a pinned chart (pinned: demo)'],
    ['a folder that does not exist', ['demo', '--from', '/nonexistent/chart'], '1.2.3', '--from /nonexistent/chart: no such file or folder'],
    ['a bad commit', ['demo', '--from', 'FOLDER', '--commit', 'abc'], '1.2.3', '--commit "abc": must be 40 hex digits'],
    ['no chart named', ['--from', 'FOLDER'], '1.2.3', 'name exactly one chart; usage: npm run charts:refresh -- <chart>'],
  ])('%s: one line, exit code 2, nothing written', async (_name, args, version, message) => {
    const chart = writeChart(tempDir('bad'), 'demo', version);
    const out = tempDir('fixtures');
    const errors: string[] = [];
    const code = await refreshCli(
      args.map((a) => (a === 'FOLDER' ? chart : a)),
      { pins: [pin('https://charts.example.com')], upstreams: { demo: upstream } },
      { ...quiet, error: (text) => errors.push(text) },
    );
    expect(code).toBe(2);
    expect(errors).toEqual([expect.stringContaining(`charts:refresh failed, nothing written: ${message}`)]);
    expect(fs.readdirSync(out)).toEqual([]);
  });
});

describe('npm run charts:refresh -- <chart> downloads the pinned package (here from a loopback server)', () => {
  let server: http.Server;
  let base: string;
  const routes = new Map<string, (req: http.IncomingMessage) => { status: number; body: Buffer | string; headers?: Record<string, string> }>();
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const route = routes.get((req.url ?? '').split('?')[0]);
      const answer = route ? route(req) : { status: 404, body: 'not found' };
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  beforeEach(() => routes.clear());

  const packaged = (): Buffer => {
    const root = tempDir('pkg');
    writeChart(path.join(root, 'demo'), 'demo', '1.2.3');
    tar.c({ gzip: true, file: path.join(root, 'demo.tgz'), cwd: root, sync: true }, ['demo']);
    return fs.readFileSync(path.join(root, 'demo.tgz'));
  };

  test('from a Helm repository: index.yaml, the entry URL resolved against the repository, the digest checked', async () => {
    const tgz = packaged();
    const index = {
      apiVersion: 'v1',
      entries: {
        demo: [
          { version: '1.2.2', urls: ['old.tgz'] },
          { version: '1.2.3', urls: ['demo-1.2.3.tgz'], digest: sha256(tgz) },
        ],
      },
    };
    routes.set('/charts/index.yaml', () => ({ status: 200, body: stringify(index) }));
    routes.set('/charts/demo-1.2.3.tgz', () => ({ status: 200, body: tgz }));
    const out = tempDir('fixtures');
    const result = await refreshChartFixture({ chart: 'demo', outDir: out, pins: [pin(`http://${base}/charts`)], upstreams: { demo: upstream } });
    expect(result.provenance.source).toEqual({ kind: 'package', url: `http://${base}/charts/demo-1.2.3.tgz`, sha256: sha256(tgz) });
    expect(readChartFixture(out, 'demo')!.templateReads.replicas).toEqual(['templates/deployment.yaml']);
  });

  test('a package whose digest is not the published one is refused', async () => {
    routes.set('/charts/index.yaml', () => ({
      status: 200,
      body: stringify({ entries: { demo: [{ version: '1.2.3', urls: ['demo-1.2.3.tgz'], digest: '0'.repeat(64) }] } }),
    }));
    routes.set('/charts/demo-1.2.3.tgz', () => ({ status: 200, body: packaged() }));
    const errors: string[] = [];
    const code = await refreshCli(
      ['demo', '--out', tempDir('fixtures')],
      { pins: [pin(`http://${base}/charts`)], upstreams: { demo: upstream } },
      { ...quiet, error: (t) => errors.push(t) },
    );
    expect(code).toBe(2);
    expect(errors).toEqual([expect.stringMatching(/demo-1\.2\.3\.tgz: sha256 [0-9a-f]{64} is not the published digest 0{64}$/)]);
  });

  test('from an OCI registry: an anonymous token, the manifest, the Helm chart layer, its digest checked', async () => {
    const tgz = packaged();
    const digest = `sha256:${sha256(tgz)}`;
    const authorized = (req: http.IncomingMessage): boolean => req.headers.authorization === 'Bearer t0ken';
    const challenge = { 'www-authenticate': `Bearer realm="http://${base}/token",service="test-registry"` };
    routes.set('/token', (req) => {
      const query = new URL(req.url ?? '', 'http://x').searchParams;
      const ok = query.get('scope') === 'repository:charts/demo:pull' && query.get('service') === 'test-registry';
      return { status: ok ? 200 : 400, body: JSON.stringify({ token: 't0ken' }) };
    });
    routes.set('/v2/charts/demo/manifests/1.2.3', (req) =>
      authorized(req)
        ? { status: 200, body: JSON.stringify({ schemaVersion: 2, layers: [{ mediaType: HELM_CHART_LAYER, digest, size: tgz.length }] }) }
        : { status: 401, body: '', headers: challenge },
    );
    routes.set(`/v2/charts/demo/blobs/${digest}`, (req) => (authorized(req) ? { status: 200, body: tgz } : { status: 401, body: '', headers: challenge }));
    const result = await refreshChartFixture({
      chart: 'demo',
      outDir: tempDir('fixtures'),
      pins: [pin(`oci://${base}/charts`)],
      upstreams: { demo: upstream },
    });
    expect(result.provenance.source).toEqual({ kind: 'package', url: `http://${base}/v2/charts/demo/blobs/${digest}`, sha256: sha256(tgz) });
  });

  test('without the network the command says it needs one, or --from', async () => {
    const errors: string[] = [];
    const offline = async (): Promise<Response> => {
      throw new TypeError('fetch failed');
    };
    const code = await refreshCli(
      ['demo'],
      { pins: [pin('https://charts.example.com')], upstreams: { demo: upstream }, fetchFn: offline },
      { ...quiet, error: (t) => errors.push(t) },
    );
    expect(code).toBe(2);
    expect(errors).toEqual([
      "charts:refresh failed, nothing written: https://charts.example.com/index.yaml: fetch failed; this command needs the network: run it on a developer's machine or in CI, or use --from",
    ]);
  });
});

function pin(repository: string, version = '1.2.3'): { repository: string; chart: string; version: string } {
  return { repository, chart: 'demo', version };
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
