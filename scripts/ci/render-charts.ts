/*
 * npx tsx scripts/ci/render-charts.ts --env <env> --out <dir> [--charts-from <dir>] [--only <name>,...]
 *
 * Renders every HelmRelease of dist/<env> with the real `helm template`, at its pinned chart version and
 * with its values, applies its kustomize post-renderers with `kubectl kustomize`, puts namespaced objects
 * without a namespace into the release's namespace (as Helm does on install), and writes one file per
 * HelmRelease: <out>/<name>.yaml. `--charts-from <dir>` takes chart <name> from the folder <dir>/<name>
 * (its Chart.yaml must carry the pinned version) instead of its repository: for a machine without network;
 * `--only` renders just the HelmReleases named.
 * Needs helm and kubectl on PATH. Exit 2 on bad input or a failed render.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { CLUSTERS } from '../../clusters';
import { parseRendered, RenderedInputError } from '../../constructs/rules/rendered-check';
import type { KubeObject } from '../../constructs/model/kube-object';
import {
  clusterScopedKindsOf,
  helmTemplateArgs,
  kustomizationOf,
  ReleaseError,
  releasesToRender,
  withReleaseNamespace,
  type ReleaseToRender,
} from './helm-releases';
import { CommandLineError, readCommandLine, showUsage } from '../lib/command-line';

const USAGE = 'usage: npx tsx scripts/ci/render-charts.ts --env <env> --out <dir> [--charts-from <dir>] [--only <name>,...]';
const ROOT = path.resolve(__dirname, '..', '..');

class RenderError extends Error {}

function yamlFilesBelow(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? yamlFilesBelow(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []))
    .sort();
}

function run(command: string, args: readonly string[], what: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw new RenderError(`${what}: cannot run ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new RenderError(`${what}: ${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr.trim()}`);
  return result.stdout;
}

function localChart(chartsFrom: string, r: ReleaseToRender): string {
  const dir = path.join(chartsFrom, r.chart);
  const file = path.join(dir, 'Chart.yaml');
  if (!fs.existsSync(file)) throw new RenderError(`HelmRelease ${r.name}: --charts-from has no chart "${r.chart}" (${file} is missing)`);
  const version = String(parse(fs.readFileSync(file, 'utf8'))?.version);
  if (version !== r.version) throw new RenderError(`HelmRelease ${r.name}: ${file} is version ${version}, the HelmRelease pins ${r.version}`);
  return dir;
}

function render(r: ReleaseToRender, kubeVersion: string, chartsFrom: string | undefined): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `render-${r.name}-`));
  try {
    const values = path.join(work, 'values.yaml');
    fs.writeFileSync(values, stringify(r.values));
    const args = helmTemplateArgs(r, values, kubeVersion, chartsFrom ? localChart(chartsFrom, r) : undefined);
    let text = run('helm', args, `HelmRelease ${r.name}`);
    r.postRenderers.forEach((postRenderer, i) => {
      const dir = path.join(work, `post-render-${i}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'rendered.yaml'), text);
      fs.writeFileSync(path.join(dir, 'kustomization.yaml'), stringify(kustomizationOf(postRenderer, 'rendered.yaml')));
      text = run('kubectl', ['kustomize', dir], `HelmRelease ${r.name}, spec.postRenderers[${i}]`);
    });
    return text;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function main(argv: readonly string[]): number {
  const line = readCommandLine(argv, { env: { type: 'string' }, out: { type: 'string' }, 'charts-from': { type: 'string' }, only: { type: 'string' } }, USAGE);
  if (line.help) return showUsage(console, USAGE);
  const { values } = line;
  const cluster = CLUSTERS.find((c) => c.env === values.env);
  if (!cluster || !values.out) throw new RenderError(`${cluster ? 'give --out' : `--env ${JSON.stringify(values.env)} is not an env`}; ${USAGE}`);
  const dist = path.join(ROOT, 'dist', cluster.env);
  const objects: KubeObject[] = yamlFilesBelow(dist).flatMap((f) => parseRendered(path.relative(ROOT, f), fs.readFileSync(f, 'utf8')).map((o) => o.object));
  const only = values.only?.split(',');
  const releases = releasesToRender(objects).filter((r) => !only || only.includes(r.name));
  if (releases.length === 0) throw new RenderError(`dist/${cluster.env} holds no HelmRelease${only ? ` named ${only.join(', ')}` : ''}: nothing to render`);
  const kubeVersion = `v${cluster.kubernetesVersion}.0`;
  const rendered = releases.map((r) => ({ r, text: render(r, kubeVersion, values['charts-from']) }));
  const renderedObjects = rendered.flatMap(({ r, text }) => parseRendered(r.name, text).map((o) => o.object));
  const clusterScoped = clusterScopedKindsOf([...objects, ...renderedObjects]);
  fs.mkdirSync(values.out, { recursive: true });
  for (const { r, text } of rendered) {
    const header = `# HelmRelease ${r.name}: chart ${r.chart} ${r.version} from ${r.repository}, release ${r.releaseName} in namespace ${r.namespace}\n`;
    fs.writeFileSync(path.join(values.out, `${r.name}.yaml`), header + withReleaseNamespace(text, r.namespace, clusterScoped));
    console.log(
      `${cluster.env}: ${r.name}: ${r.chart} ${r.version}, ${parseRendered(r.name, text).length} objects${r.postRenderers.length ? `, ${r.postRenderers.length} post-renderer(s)` : ''}`,
    );
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  const known = error instanceof RenderError || error instanceof ReleaseError || error instanceof RenderedInputError || error instanceof CommandLineError;
  if (!known) throw error;
  console.error(`render-charts: ${(error as Error).message}`);
  process.exitCode = 2;
}
