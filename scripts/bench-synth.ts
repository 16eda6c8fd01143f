/**
 * npm run bench [-- 250 500 1000] [--runs 3] [--with-test]
 *
 * Prints figures and the targets of issue 17, met or missed (tests never time). In one run:
 *  1. `npm run synth` of the shipped repo (every env, every add-on, the Terraform), in a temp copy,
 *     against a hello world run the way `cdk8s init typescript-app` sets it up: one chart with a
 *     Deployment and a Service (cdk8s-plus), `cdk8s synth` with `app: npx ts-node main.ts`. Wall time,
 *     peak RSS and the ratio.
 *  2. The whole synth (validate, build, check, write) of ONE generated cluster with N apps, each N in a
 *     process of its own: wall time, time in process, peak RSS. The apps are copies of the real ones,
 *     each with one host under the cluster's domain.
 *     Each starts in a fresh folder, with nothing kept (constructs/synth/synth-cache.ts).
 *  3. The largest cluster's synth again over the output and cache of one earlier synth of it: everything
 *     kept, nothing changed; then with one app more, and one fewer, each over a copy of that output and cache.
 *  4. The diff (`npm run diff`: build in memory, read the tree on disk, compare) of the largest cluster
 *     against its own output with one app changed, in a process of its own: with what the earlier synth
 *     kept, and with nothing kept (SYNTH_CACHE=off).
 *  5. With --with-test, `npm test` (slow).
 * Each figure is the median of --runs runs, after one warm-up run of each command. Peak RSS is that of
 * the largest process of the command (/usr/bin/time -v, or else each Node process's own maxRSS).
 *
 * The generated cluster is like staging with a node pool large enough for its apps at rest and for their quotas; its first
 * 100 apps also serve a custom domain of their own, so the Gateways hold the wildcard listener, 100
 * own listeners and :80 (issue 17's bar), behind one NLB.
 */
import { generatedAccessOf } from './lib/generated-access';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import type { AppSpec } from '../constructs/model/app-spec';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { releasesFileOf } from '../constructs/model/releases';
import { formatDiffText } from '../constructs/synth/output-diff';
import { buildAll, type SynthInput } from '../constructs/synth/pipeline';
import { SYNTH_CACHE_DIR, synthCacheOf } from '../constructs/synth/synth-cache';
import { readReleasesFile } from '../constructs/synth/releases-io';
import { readFluxShardLedgers, readGatewayLedgers } from '../constructs/synth/ledger-io';
import { writeOutput } from '../constructs/synth/write-output';
import { CommandLineError, readCommandLine, showUsage } from './lib/command-line';
import { renderedDiff } from './lib/commands';
import { copyRepo, REPO_ROOT, synthNodeFlags } from './repo-copy';

const DEFAULT_COUNTS = [250, 500, 1000];
/** Apps that also serve a custom domain, each with a listener and certificate of its own. */
const CUSTOM_DOMAINS = 100;
const TIME = '/usr/bin/time';
const MiB = 1024;

/** One cluster like staging (its name `bench`), running `count` synthetic apps copied from the real ones, each with a host under its domain. */
export function scaledInput(count: number): SynthInput {
  const base = CLUSTERS[0];
  const customDomainOf = (i: number) => `customer-${i}.com`;
  const apps: AppSpec[] = Array.from({ length: count }, (_, i) => {
    const template = APPS[i % APPS.length];
    const name = `${template.name}-${i}`;
    return { ...template, name, hosts: { [base.env]: [`${name}.${base.domain}`, ...(i < CUSTOM_DOMAINS ? [`www.${customDomainOf(i)}`] : [])] } };
  });
  const names = apps.map((a) => a.name);
  const cluster: ClusterSpec = {
    ...base,
    name: 'bench',
    extraHostDomains: Array.from({ length: Math.min(count, CUSTOM_DOMAINS) }, (_, i) => customDomainOf(i)),
    // Nodes enough for every app at its scaling.min with the platform (constructs/validation/cluster-capacity.ts),
    // and for each app's quota at its max replicas.
    nodePool: { ...base.nodePool, instanceTypes: ['m7i.xlarge'], max: 120 },
    apps: Object.fromEntries(names.map((n) => [n, {}])),
    appData: Object.fromEntries(names.map((n) => [n, 'live' as const])),
    access: generatedAccessOf(base.access, apps),
  };
  // Each synthetic app runs its template's current release.
  const released = readReleasesFile(REPO_ROOT, base.env).apps;
  const releases = { [base.env]: { apps: Object.fromEntries(apps.map((a, i) => [a.name, released[APPS[i % APPS.length].name]])) } };
  return { clusters: [cluster], apps, releases };
}

/** The releases file of the generated apps, where readReleases() looks for it under root. */
function writeReleases(root: string, input: SynthInput): void {
  for (const [env, file] of Object.entries(input.releases)) {
    fs.mkdirSync(path.join(root, 'clusters', env), { recursive: true });
    fs.writeFileSync(path.join(root, releasesFileOf(env)), `${JSON.stringify(file, null, 2)}\n`);
  }
}

/**
 * The child: the synth of one cluster of N synthetic apps into `root` (a temp dir unless given); prints
 * one JSON line. With `keep`, root stays, with the releases file, for the diff child.
 */
function child(count: number, keep?: string): void {
  const input = scaledInput(count);
  const root = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  try {
    const started = process.hrtime.bigint();
    // As `npm run synth` (main.ts): the ledgers an earlier run left keep each app's Gateway and Flux shard;
    // without them an app's arrival moved later apps to other shards, and their files were built again.
    const envs = input.clusters.map((c) => c.env);
    const ledgers = keep ? { gatewayLedgers: readGatewayLedgers(root, envs), fluxShardLedgers: readFluxShardLedgers(root, envs) } : {};
    const files = buildAll({ ...input, ...ledgers, cache: synthCacheOf(root) });
    writeOutput(root, files);
    const synthMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (keep) writeReleases(root, input);
    const objects = files.reduce((n, f) => n + (f.objects?.length ?? 0), 0);
    console.log(JSON.stringify({ count, files: files.length, objects, synthMs }));
  } finally {
    if (!keep) fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The diff child: what `npm run diff` does (scripts/lib/commands.ts, renderedDiff), for the cluster of N
 * apps with one app's replicas changed, against the output the synth child left in root.
 */
function diffChild(count: number, root: string): void {
  const input = scaledInput(count);
  const [cluster] = input.clusters;
  const changed = Object.keys(cluster.apps)[0];
  const clusters = [{ ...cluster, apps: { ...cluster.apps, [changed]: { scaling: { min: 2, max: 3 } } } }];
  const started = process.hrtime.bigint();
  const { diffs } = renderedDiff({ root, clusters, apps: input.apps });
  const text = formatDiffText(diffs);
  const diffMs = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(JSON.stringify({ count, changed: diffs.reduce((n, d) => n + d.changed.length, 0), lines: text.split('\n').length, diffMs }));
}

interface Measured {
  readonly wallMs: number;
  readonly rssKiB: number;
  readonly stdout: string;
  readonly status: number | null;
}

/** Runs a command to its end: its wall time, and the peak RSS of its largest process. Throws if it fails. */
function measure(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}, allowFailure = false): Measured {
  const useTime = fs.existsSync(TIME);
  const probeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rss-'));
  const probe = path.join(probeDir, 'probe.js');
  // Without /usr/bin/time: every Node process of the command writes its own peak RSS when it exits.
  fs.writeFileSync(
    probe,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(probeDir)} + '/rss-' + process.pid, String(process.resourceUsage().maxRSS)));\n`,
  );
  const fullEnv = { ...process.env, ...env, ...(useTime ? {} : { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probe}`.trim() }) };
  const [bin, argv] = useTime ? [TIME, ['-f', '__bench_rss_kib %M', cmd, ...args]] : [cmd, [...args]];
  const started = process.hrtime.bigint();
  const run = spawnSync(bin, argv, { cwd, env: fullEnv, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  try {
    if (run.status !== 0 && !allowFailure)
      throw new Error(`bench: ${cmd} ${args.join(' ')} failed (exit ${run.status}) in ${cwd}:\n${run.stderr}\n${run.stdout}`);
    const rssKiB = useTime
      ? Number(/__bench_rss_kib (\d+)/.exec(run.stderr)?.[1] ?? NaN)
      : Math.max(
          ...fs
            .readdirSync(probeDir)
            .filter((f) => f.startsWith('rss-'))
            .map((f) => Number(fs.readFileSync(path.join(probeDir, f), 'utf8'))),
        );
    return { wallMs, rssKiB, stdout: run.stdout, status: run.status };
  } finally {
    fs.rmSync(probeDir, { recursive: true, force: true });
  }
}

/**
 * What Flux's kustomize-controller can give the builds, from its v1.9.4 sources (the version flux2 v2.9.4,
 * FLUX_VERSION in constructs/gitops/flux-install.ts, installs): config/manager/deployment.yaml limits it to
 * 1 CPU and 1 GiB, and main.go's `--concurrent` flag defaults to 4 reconciles at once (as in v1.6.1).
 */
const KUSTOMIZE_CONTROLLER = { cpus: 1, memoryMiB: 1024, concurrent: 4 };

/**
 * What Flux's kustomize-controller does first on each Kustomization: a kustomize build of its path
 * (constructs/model/flux-shards.ts). Timed with the kustomize kubectl embeds, on every path: a push to git
 * gives every Kustomization a new revision, so each one builds again.
 */
function fluxBuildFigure(envDir: string, count: number): string {
  const paths = fs
    .readdirSync(envDir)
    .filter((d) => fs.existsSync(path.join(envDir, d, 'kustomization.yaml')))
    .map((d) => {
      const yaml = (dir: string): string[] =>
        fs
          .readdirSync(dir, { withFileTypes: true })
          .flatMap((e) => (e.isDirectory() ? yaml(path.join(dir, e.name)) : e.name.endsWith('.yaml') ? [path.join(dir, e.name)] : []));
      const objects = yaml(path.join(envDir, d)).reduce((n, f) => n + (fs.readFileSync(f, 'utf8').match(/^kind: /gm)?.length ?? 0), 0);
      return { dir: d, objects };
    });
  const largest = paths.reduce((a, b) => (b.objects > a.objects ? b : a));
  const head = `Flux at ${count} apps: ${paths.length} Kustomizations; the largest path, ${largest.dir}/ (${largest.objects} objects, the kustomization.yaml files included)`;
  if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error) return `${head}: builds not timed, kubectl is not installed.`;
  const builds = paths.map((p) => ({ ...p, ...measure('kubectl', ['kustomize', path.join(envDir, p.dir)], envDir) }));
  const big = builds.find((b) => b.dir === largest.dir)!;
  const totalMs = builds.reduce((sum, b) => sum + b.wallMs, 0);
  const heaviest = builds
    .map((b) => b.rssKiB)
    .sort((a, b) => b - a)
    .slice(0, KUSTOMIZE_CONTROLLER.concurrent);
  const atOnceMiB = heaviest.reduce((sum, kib) => sum + kib, 0) / 1024;
  return (
    `${head}, builds with \`kubectl kustomize\` in ${s(big.wallMs)} s, peak RSS ${mib(big.rssKiB)} MiB (one layer of every app: 1,402 s at 1,000 apps). ` +
    `A push rebuilds all ${builds.length}: ${s(totalMs)} s one after another, so at least ${s(totalMs / KUSTOMIZE_CONTROLLER.cpus)} s ` +
    `of kustomize-controller's ${KUSTOMIZE_CONTROLLER.cpus} CPU; its ${KUSTOMIZE_CONTROLLER.concurrent} heaviest builds at once take at most ` +
    `${atOnceMiB.toFixed(0)} MiB (the sum of their peaks, each with kubectl's own ~45 MiB), against its ${KUSTOMIZE_CONTROLLER.memoryMiB} MiB.`
  );
}

/** One warm-up run (caches, page cache), then `runs` runs; the median wall time and RSS. */
function medianOf(runs: number, run: () => Measured): Measured {
  run();
  const results = Array.from({ length: runs }, run);
  const mid = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const last = results[results.length - 1];
  return { wallMs: mid(results.map((r) => r.wallMs)), rssKiB: mid(results.map((r) => r.rssKiB)), stdout: last.stdout, status: last.status };
}

/** The hello world of `cdk8s init typescript-app`, in a temp dir, with this repo's node_modules linked. */
function helloWorld(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hello-'));
  const template = path.join(REPO_ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app');
  fs.copyFileSync(path.join(template, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'language: typescript\napp: npx ts-node main.ts\n');
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'hello', version: '1.0.0', private: true, scripts: { synth: 'cdk8s synth' } }, null, 2)}\n`,
  );
  fs.writeFileSync(
    path.join(dir, 'main.ts'),
    `import { Construct } from 'constructs';
import { App, Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

export class MyChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = { }) {
    super(scope, id, props);
    const deployment = new kplus.Deployment(this, 'web', {
      containers: [{ image: 'nginxdemos/hello:0.4', portNumber: 8080 }],
    });
    deployment.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
  }
}

const app = new App();
new MyChart(app, 'hello');
app.synth();
`,
  );
  return dir;
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const s = (ms: number): string => (ms / 1000).toFixed(2);
const mib = (kib: number): string => (kib / MiB).toFixed(0);

const USAGE = 'usage: npm run bench -- [<app count> ...] [--runs <n>] [--with-test] (counts 250 500 1000 and 3 runs when none is given)';

/** The bench's own command line; the --child and --diff modes below are its children's. */
function benchOptionsOf(argv: readonly string[]): { runs: number; counts: number[]; withTest: boolean } | 'help' {
  const line = readCommandLine(argv, { runs: { type: 'string' }, 'with-test': { type: 'boolean' } }, USAGE, { positionals: true });
  if (line.help) return 'help';
  const wholeNumber = (text: string, what: string): number => {
    if (!/^[1-9][0-9]*$/.test(text)) throw new CommandLineError(`${what} ${JSON.stringify(text)}: must be a whole number from 1; ${USAGE}`);
    return Number(text);
  };
  return {
    runs: line.values.runs === undefined ? 3 : wholeNumber(line.values.runs, '--runs'),
    counts: line.positionals.map((count) => wholeNumber(count, 'app count')),
    withTest: line.values['with-test'] === true,
  };
}

function main({ runs, counts, withTest }: { runs: number; counts: number[]; withTest: boolean }): void {
  // The children start as `npm run synth` does, so that the figures are those of the command users run.
  const nodeFlags = synthNodeFlags(REPO_ROOT);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const lines: string[] = [];
  const say = (line = '') => {
    lines.push(line);
    console.log(line);
  };
  try {
    const repo = copyRepo(REPO_ROOT, path.join(temp, 'repo'));
    const hello = helloWorld();
    // No upgrade check: it asks the npm registry over the network, which would only slow the baseline down.
    const base = medianOf(runs, () => measure(npm, ['run', 'synth'], hello, { CDK8S_CHECK_UPGRADE: 'false' }));
    // From scratch, as a fresh clone's first run: nothing kept, and what it keeps written.
    const shipped = medianOf(runs, () => {
      fs.rmSync(path.join(repo, SYNTH_CACHE_DIR), { recursive: true, force: true });
      return measure(npm, ['run', 'synth'], repo);
    });
    fs.rmSync(hello, { recursive: true, force: true });
    const apps = new Set(CLUSTERS.flatMap((c) => Object.keys(c.apps))).size;
    const summary = shipped.stdout.trim().split('\n').pop() ?? '';

    say(
      `Synth benchmark, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), ` +
        `load ${os.loadavg()[0].toFixed(1)} at the start; median of ${runs} run${runs === 1 ? '' : 's'} after a warm-up.`,
    );
    say();
    say('| command | wall | peak RSS |');
    say('|---|---:|---:|');
    say(`| hello world: \`cdk8s synth\`, \`app: npx ts-node main.ts\`, 1 chart (Deployment + Service) | ${s(base.wallMs)} s | ${mib(base.rssKiB)} MiB |`);
    say(
      `| this repo: \`npm run synth\`, ${CLUSTERS.length} clusters, ${apps} apps, every add-on, Terraform, nothing kept | ${s(shipped.wallMs)} s | ${mib(shipped.rssKiB)} MiB |`,
    );
    say(`| ratio, repo / hello world | ${(shipped.wallMs / base.wallMs).toFixed(2)}× | ${(shipped.rssKiB / base.rssKiB).toFixed(2)}× |`);
    say();

    const scaled = (counts.length > 0 ? counts : DEFAULT_COUNTS).map((count) => {
      let last: { objects: number; synthMs: number } | undefined;
      const synthMs: number[] = [];
      const m = medianOf(runs, () => {
        const r = measure(process.execPath, [...nodeFlags, path.join('scripts', 'bench-synth.ts'), '--child', String(count)], REPO_ROOT);
        last = JSON.parse(r.stdout.trim().split('\n').pop()!);
        synthMs.push(last!.synthMs);
        return r;
      });
      const synth = synthMs.slice(1).sort((a, b) => a - b)[Math.floor(runs / 2)];
      return { count, objects: last!.objects, wallMs: m.wallMs, synthMs: synth, rssKiB: m.rssKiB };
    });
    say(
      `One cluster (staging's settings, every add-on, the Terraform), N apps copied from the real ones, each with a host under the cluster's domain, the first ${CUSTOM_DOMAINS} also a custom domain:`,
    );
    say();
    say('| apps | objects | wall (process) | synth (in process) | synth per app | peak RSS |');
    say('|---:|---:|---:|---:|---:|---:|');
    for (const r of scaled) {
      say(`| ${r.count} | ${r.objects} | ${s(r.wallMs)} s | ${s(r.synthMs)} s | ${(r.synthMs / r.count).toFixed(1)} ms | ${mib(r.rssKiB)} MiB |`);
    }
    say();
    say();

    // Kept apps and Terraform (constructs/synth/synth-cache.ts): the runs above each start in a fresh folder, with
    // nothing kept. These run again over the output and cache of one earlier synth of the same apps.
    const largest = scaled.reduce((a, b) => (b.count > a.count ? b : a));
    const childArgs = (...args: string[]) => [...nodeFlags, path.join('scripts', 'bench-synth.ts'), ...args];
    const keptRoot = fs.mkdtempSync(path.join(temp, 'kept-'));
    measure(process.execPath, childArgs('--child', String(largest.count), '--keep', keptRoot), REPO_ROOT);
    let keptSynthMs = 0;
    const kept = medianOf(runs, () => {
      const r = measure(process.execPath, childArgs('--child', String(largest.count), '--keep', keptRoot), REPO_ROOT);
      keptSynthMs = JSON.parse(r.stdout.trim().split('\n').pop()!).synthMs;
      return r;
    });
    say(
      `The ${largest.count}-app synth again, every app kept from the synth before (nothing changed): ` +
        `${s(kept.wallMs)} s wall (${s(keptSynthMs)} s in the last run's process), peak RSS ${mib(kept.rssKiB)} MiB.`,
    );
    say();
    say(fluxBuildFigure(path.join(keptRoot, 'dist', CLUSTERS[0].env), largest.count));
    say();
    // One app more, or one fewer, than the kept synth: each run over a copy of its output and cache, taken before
    // the diff runs below keep their changed app.
    const oneChanged = (count: number) => {
      let synthMs = 0;
      const m = medianOf(runs, () => {
        const root = fs.mkdtempSync(path.join(temp, 'one-changed-'));
        fs.cpSync(keptRoot, root, { recursive: true });
        try {
          const r = measure(process.execPath, childArgs('--child', String(count), '--keep', root), REPO_ROOT);
          synthMs = JSON.parse(r.stdout.trim().split('\n').pop()!).synthMs;
          return r;
        } finally {
          fs.rmSync(root, { recursive: true, force: true });
        }
      });
      return { ...m, synthMs };
    };
    const added = oneChanged(largest.count + 1);
    const removed = oneChanged(largest.count - 1);
    say(
      `One app added to the ${largest.count}, every other app kept (its files and the Terraform are built): ` +
        `${s(added.wallMs)} s wall (${s(added.synthMs)} s in the last run's process), peak RSS ${mib(added.rssKiB)} MiB; ` +
        `one app removed: ${s(removed.wallMs)} s wall (${s(removed.synthMs)} s), peak RSS ${mib(removed.rssKiB)} MiB.`,
    );
    say();
    const diffOf = (env: NodeJS.ProcessEnv) => {
      let info: { changed: number; diffMs: number } | undefined;
      const m = medianOf(runs, () => {
        const r = measure(process.execPath, childArgs('--diff', String(largest.count), keptRoot), REPO_ROOT, env);
        info = JSON.parse(r.stdout.trim().split('\n').pop()!);
        return r;
      });
      return { ...m, ...info! };
    };
    const diff = diffOf({});
    const coldDiff = diffOf({ SYNTH_CACHE: 'off' });
    say(
      `Diff (\`npm run diff\` of the ${largest.count}-app cluster, one app's scaling changed: ${diff.changed} changed entries), ` +
        `the other apps kept from the synth before: ${s(diff.wallMs)} s wall (${s(diff.diffMs)} s in process), peak RSS ${mib(diff.rssKiB)} MiB; ` +
        `with nothing kept (SYNTH_CACHE=off): ${s(coldDiff.wallMs)} s wall (${s(coldDiff.diffMs)} s in process), peak RSS ${mib(coldDiff.rssKiB)} MiB.`,
    );
    say();

    let testMs: number | undefined;
    if (withTest) {
      const test = measure(npm, ['test', '--silent'], REPO_ROOT, { CI: '' }, true);
      testMs = test.wallMs;
      say(`\`npm test\`: ${s(testMs)} s, peak RSS ${mib(test.rssKiB)} MiB${test.status === 0 ? '' : `, exit ${test.status} (tests failed)`}.`);
      say();
    }

    const ratio = shipped.wallMs / base.wallMs;
    const at = (n: number) => scaled.find((r) => r.count === n);
    const [t250, t1000] = [at(250), at(1000)];
    const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
    say('Targets (issue 17):');
    say(`- shipped synth ≤ 1.0× the hello world: ${ratio.toFixed(2)}×, ${verdict(ratio <= 1)}.`);
    if (t1000) {
      const fast = t1000.wallMs <= 5_000;
      const small = t1000.rssKiB <= 512 * MiB;
      const withinTarget = (m: Measured) => m.wallMs <= 5_000 && m.rssKiB <= 512 * MiB;
      const keptFast = withinTarget(kept);
      say(
        `- 1,000 apps in one cluster ≤ 5 s wall and ≤ 512 MiB: from scratch ${s(t1000.wallMs)} s wall (${s(t1000.synthMs)} s synth), ${mib(t1000.rssKiB)} MiB, ${verdict(fast && small)}; ` +
          `every app kept ${s(kept.wallMs)} s wall, ${mib(kept.rssKiB)} MiB, ${verdict(keptFast)}; ` +
          `one app added ${s(added.wallMs)} s, ${mib(added.rssKiB)} MiB, ${verdict(withinTarget(added))}; ` +
          `one removed ${s(removed.wallMs)} s, ${mib(removed.rssKiB)} MiB, ${verdict(withinTarget(removed))}.`,
      );
      say(
        `- \`npm run diff\` at 1,000 apps ≤ 5 s: ${s(diff.wallMs)} s wall with the other apps kept, ${verdict(diff.wallMs <= 5_000)}; ` +
          `${s(coldDiff.wallMs)} s with nothing kept, ${verdict(coldDiff.wallMs <= 5_000)}.`,
      );
    } else {
      say('- 1,000 apps and the diff at 1,000: not measured (run with 1000 among the counts).');
    }
    if (t250 && t1000) {
      const linear = t1000.synthMs / t250.synthMs;
      say(
        `- t(1000)/t(250) ≤ 4.2: ${linear.toFixed(2)} in process (${(t1000.wallMs / t250.wallMs).toFixed(2)} with process start), ${verdict(linear <= 4.2)}.`,
      );
    } else {
      say('- t(1000)/t(250): not measured (run with 250 and 1000 among the counts).');
    }
    say(
      testMs === undefined
        ? '- npm test ≤ 60 s: not measured (add --with-test; it is slow).'
        : `- npm test ≤ 60 s: ${s(testMs)} s, ${verdict(testMs <= 60_000)}.`,
    );
    say();
    say(`The shipped synth printed: ${summary}`);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') child(Number(args[1]), args[2] === '--keep' ? args[3] : undefined);
  else if (args[0] === '--diff') diffChild(Number(args[1]), args[2]);
  else {
    try {
      const options = benchOptionsOf(args);
      if (options === 'help') showUsage(console, USAGE);
      else main(options);
    } catch (error) {
      if (!(error instanceof CommandLineError)) throw error;
      console.error(`bench: ${error.message}`);
      process.exitCode = 2;
    }
  }
}
