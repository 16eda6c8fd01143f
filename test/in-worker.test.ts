import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { threadId } from 'node:worker_threads';
import { SpecProblem, SynthError } from '../constructs/model/spec-error';
import { appFilesOfEach } from '../constructs/synth/app-files';
import { verdictsOfAppFiles, type CheckedAppFiles } from '../constructs/synth/app-file-checks';
import { appChartInputOf } from '../constructs/model/app-chart-input';
import { rememberRendered, render, renderAfresh } from '../constructs/synth/render';
import { APP_FILES_CHECKS_JOB, APP_FILES_JOB, SYNTH_CLOUD_JOB } from '../constructs/synth/kept-or-built';
import { clusterAppsOf } from '../constructs/model/resolve';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { clusterGatewaysOf } from '../constructs/platform/cluster-gateways';
import { platformEndpointsOf } from '../constructs/platform/internal-endpoint';
import { startInWorker, startInWorkerWithFollowUp } from '../constructs/synth/in-worker';
import type { KubeObject } from '../constructs/model/kube-object';
import { schemaProblems } from '../constructs/schemas/schema-validation';
import { rememberVerdicts, type Verdicts } from '../constructs/rules/object-verdicts';
import { NAMESPACE_RULES, OBJECT_RULES, outputProblems } from '../constructs/rules/output-rules';
import { synthCloud } from '../constructs/synth/synth-cloud';
import { FIXTURE_CLUSTERS, FIXTURE_INPUT, fixtureCloudAppsOf } from './support';

// The synth builds the Terraform side on a worker thread (constructs/synth/in-worker.ts). These run jobs on
// a real worker thread, with our TypeScript loaded there by tsx, and hold the answers to the in-process ones.
const JOBS = path.join(__dirname, 'fixtures', 'worker-jobs', 'jobs.ts');

test('a job runs on another thread and its result comes back', () => {
  const pending = startInWorker<{ sum: number; threadId: number }>({ module: JOBS, name: 'sumOf' }, [[1, 2, 3]], 'worker');
  const answer = pending.result();
  expect(answer.sum).toBe(6);
  expect(answer.threadId).not.toBe(threadId);
  expect(pending.result()).toEqual(answer);
});

test('a SynthError comes back as a SynthError, its problems and heading unchanged', () => {
  const problemsOf = (where: 'worker' | 'here') => {
    try {
      startInWorker({ module: JOBS, name: 'refuse' }, ['shop'], where).result();
    } catch (error) {
      return error;
    }
    throw new Error('no error');
  };
  const [there, here] = [problemsOf('worker'), problemsOf('here')] as SynthError[];
  expect(there).toBeInstanceOf(SynthError);
  expect(there.problems[0]).toBeInstanceOf(SpecProblem);
  expect(there.message).toBe(here.message);
  expect(there.heading).toBe('cloud policy rules failed');
});

test('any other error comes back with its message', () => {
  expect(() => startInWorker({ module: JOBS, name: 'crash' }, [], 'worker').result()).toThrow('something broke');
});

test("the cluster's Terraform built on a worker thread is the one built here", () => {
  const cluster = FIXTURE_CLUSTERS[0];
  const apps = fixtureCloudAppsOf(cluster);
  const there = startInWorker<string>(SYNTH_CLOUD_JOB, [cluster, apps], 'worker').result();
  expect(there).toBe(synthCloud(cluster, apps).text);
  // One byte per character, as its cache entry (v8.serialize) and the copy between threads hold it: not two.
  expect(v8.serialize(there).length).toBeLessThan(there.length + 16);
});

test("the apps' files built on a worker thread are the ones built here, their hosts' placements (a Map) included, and so are their verdicts and bytes", () => {
  const cluster = FIXTURE_CLUSTERS[0];
  const apps = clusterAppsOf(cluster, FIXTURE_INPUT.apps, (name) => FIXTURE_INPUT.releases[cluster.env].apps[name].current);
  expect(apps.length).toBeGreaterThan(1);
  const endpoints = platformEndpointsOf({ cluster, apps }, addOnsOf({ cluster, apps }));
  const gateways = clusterGatewaysOf({ cluster, apps, endpoints }, FIXTURE_INPUT.gatewayLedgers?.[cluster.env]);
  const inputs = apps.map((app) => appChartInputOf(app, cluster, gateways));
  const pending = startInWorkerWithFollowUp<ReturnType<typeof appFilesOfEach>, CheckedAppFiles[]>(APP_FILES_JOB, APP_FILES_CHECKS_JOB, [inputs], 'worker');
  const there = pending.result();
  expect(there).toEqual(appFilesOfEach(inputs));
  const checked = pending.followUp();
  expect(checked).toHaveLength(apps.length);
  expect(Object.keys(checked[0].verdicts)).toEqual(['schema', ...Object.keys(OBJECT_RULES), ...Object.keys(NAMESPACE_RULES)]);
  expect(checked.map((c) => c.verdicts)).toEqual(there.map(verdictsOfAppFiles));
  expect(checked.map((c) => c.texts)).toEqual(there.map((files) => [render(files.tenant), render(files.apps)]));
  // What render() gives for a file rendered there, once remembered, is those bytes.
  rememberRendered([there[0].tenant], () => [`${checked[0].texts[0]}# rendered there\n`]);
  expect(render(there[0].tenant)).toMatch(/# rendered there\n$/);
});

test("the apps' files checked and rendered on this thread (no worker) are rendered afresh, not read back from the follow-up being computed", () => {
  const cluster = FIXTURE_CLUSTERS[0];
  const apps = clusterAppsOf(cluster, FIXTURE_INPUT.apps, (name) => FIXTURE_INPUT.releases[cluster.env].apps[name].current);
  const gateways = clusterGatewaysOf({ cluster, apps, endpoints: platformEndpointsOf({ cluster, apps }, addOnsOf({ cluster, apps })) });
  const inputs = apps.map((app) => appChartInputOf(app, cluster, gateways));
  const pending = startInWorkerWithFollowUp<ReturnType<typeof appFilesOfEach>, CheckedAppFiles[]>(APP_FILES_JOB, APP_FILES_CHECKS_JOB, [inputs], 'here');
  const files = pending.result().flatMap((f) => [f.tenant, f.apps]);
  // As synth does: remembered before the follow-up has run, which then renders these very files.
  rememberRendered(files, () => pending.followUp().flatMap((c) => c.texts));
  expect(pending.followUp().flatMap((c) => c.texts)).toEqual(files.map(renderAfresh));
  expect(files.map(render)).toEqual(files.map(renderAfresh));
});

test('a follow-up runs on the thread of its job, with its result, here as on a worker thread', () => {
  for (const where of ['worker', 'here'] as const) {
    const pending = startInWorkerWithFollowUp<{ sum: number; threadId: number }, { doubled: number; threadId: number }>(
      { module: JOBS, name: 'sumOf' },
      { module: JOBS, name: 'doubledSum' },
      [[1, 2, 3]],
      where,
    );
    const followUp = pending.followUp();
    expect(followUp.doubled).toBe(12);
    expect(followUp.threadId).toBe(pending.result().threadId);
    expect(followUp.threadId === threadId).toBe(where === 'here');
  }
});

test("a job that fails has no follow-up: it answers with the job's error; a follow-up that fails answers with its own", () => {
  const failing = startInWorkerWithFollowUp({ module: JOBS, name: 'crash' }, { module: JOBS, name: 'doubledSum' }, [], 'worker');
  expect(() => failing.followUp()).toThrow('something broke');
  expect(() => failing.result()).toThrow('something broke');
  const failingFollowUp = startInWorkerWithFollowUp({ module: JOBS, name: 'sumOf' }, { module: JOBS, name: 'aFunction' }, [[1]], 'worker');
  expect(failingFollowUp.result()).toMatchObject({ sum: 1 });
  expect(() => failingFollowUp.followUp()).toThrow(/could not be cloned/);
});

// Where /proc tells the worker's thread (Linux), its end is seen at once; elsewhere the wait runs to its
// timeout. The waiting thread blocks, so Jest's own timeout could not end it: it runs in a child process
// that is given 60 s.
(fs.existsSync('/proc/thread-self') ? test : test.skip)(
  'a worker thread that ends without answering (out of memory, or process.exit in a job) answers with that, at once, not after the timeout',
  () => {
    const script = `
      const { startInWorker, startInWorkerWithFollowUp } = require('./constructs/synth/in-worker');
      const jobs = ${JSON.stringify(JOBS)};
      const errorOf = (f) => { try { return 'answered ' + JSON.stringify(f()); } catch (e) { return e.constructor.name + ': ' + e.message; } };
      console.log(errorOf(() => startInWorker({ module: jobs, name: 'endThread' }, [], 'worker').result()));
      const pending = startInWorkerWithFollowUp({ module: jobs, name: 'sumOf' }, { module: jobs, name: 'endThread' }, [[1]], 'worker');
      console.log(errorOf(() => pending.result().sum));
      console.log(errorOf(() => pending.followUp()));`;
    const run = spawnSync(process.execPath, ['--require', './scripts/lib/load-ts.cjs', '-e', script], {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.signal).toBeNull();
    const ended = (job: string) =>
      `WorkerEndedError: the worker thread running ${job} ended without answering: it ran out of memory, or was stopped (SYNTH_WORKERS=0 runs it on this thread)`;
    expect(run.stdout.trim().split('\n')).toEqual([ended('endThread'), 'answered 1', ended('endThread')]);
  },
);

// A job may ask for smaller semi-spaces than the process's (constructs/synth/worker-semi-space.ts). V8 reads
// the flag when it makes a heap, so this runs in a child process whose command line sets it to 32 MiB, as
// package.json's commands do. Each heap's size limit tells the semi-spaces it was made with: each must be
// that of a process started with those semi-spaces (V8 counts them in the limit, with the old generation's,
// which Node sizes alike for the main thread and for a worker from the machine's memory).
test("a job's worker thread gets the semi-spaces it asks for; the next worker, and this thread, keep the process's", () => {
  const nodeWith = (semiSpaceMb: number, script: string) =>
    spawnSync(process.execPath, [`--max-semi-space-size=${semiSpaceMb}`, '--require', './scripts/lib/load-ts.cjs', '-e', script], {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
      timeout: 60_000,
    });
  const limitMbOf = (semiSpaceMb: number) =>
    Number(nodeWith(semiSpaceMb, "console.log(require('node:v8').getHeapStatistics().heap_size_limit / 2 ** 20)").stdout);
  const run = nodeWith(
    32,
    `
    const v8 = require('node:v8');
    const { startInWorker } = require('./constructs/synth/in-worker');
    const jobs = ${JSON.stringify(JOBS)};
    const small = startInWorker({ module: jobs, name: 'heapSizeLimitMb', semiSpaceMb: 4 }, [], 'worker');
    const usual = startInWorker({ module: jobs, name: 'heapSizeLimitMb' }, [], 'worker');
    const here = v8.getHeapStatistics().heap_size_limit / 2 ** 20;
    console.log(JSON.stringify({ small: small.result(), usual: usual.result(), here }));`,
  );
  expect(run.stderr).toBe('');
  const [with4, with32] = [limitMbOf(4), limitMbOf(32)];
  expect(with4).toBeLessThan(with32);
  expect(JSON.parse(run.stdout)).toEqual({ small: with4, usual: with32, here: with32 });
});

/** Objects built, and judged, on a worker thread by the jobs of fixtures/worker-jobs: their verdicts are remembered here. */
function judgedOnAWorker(name: string): { objects: KubeObject[]; answered: () => number; verdicts: () => Verdicts } {
  const pending = startInWorkerWithFollowUp<KubeObject[], Verdicts>({ module: JOBS, name }, { module: JOBS, name: 'verdictsOfObjects' }, [], 'worker');
  const objects = pending.result();
  let answered = 0;
  rememberVerdicts(objects, () => {
    answered++;
    return pending.followUp();
  });
  return { objects, answered: () => answered, verdicts: () => pending.followUp() };
}

// Copies have identities of their own: they are judged here.
const copied = <T>(value: T): T => structuredClone(value);

test('objects schema-checked on the worker thread that built them are reported as if checked here, with the same texts, in order', () => {
  const there = judgedOnAWorker('someObjects');
  const builtHere: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'here', namespace: 'shop' }, spec: { type: 'Nowhere' } };
  const objects = [builtHere, ...there.objects, builtHere];
  const problems = schemaProblems(objects);
  expect(there.answered()).toBeGreaterThan(0);
  expect(problems).toEqual(schemaProblems(copied(objects)));
  // Each object's problems are its own.
  expect(objects.map((o) => schemaProblems([o]))).toEqual(objects.map((o) => schemaProblems([copied(o)])));
  expect(problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual(['Service shop/here', 'Service shop/bad-port', 'Widget unknown', 'Service shop/here']);
  expect(problems[1]).toMatch(/^Service shop\/bad-port: data\/spec\/ports\/0\/port must be integer/);
  expect(problems[2]).toBe('Widget unknown: no schema known for example.io/v1 Widget');
});

test('objects judged by the per-object rules on the worker thread that built them fail them as if judged here; a rule that trips over one trips here too', () => {
  const cluster = FIXTURE_CLUSTERS[0];
  const there = judgedOnAWorker('podsToJudge');
  const [publicService, barePod, oddPod] = there.objects;
  const objects = [copied(barePod), publicService, barePod];
  const problems = outputProblems(objects, cluster);
  expect(there.answered()).toBeGreaterThan(0);
  expect(problems).toEqual(outputProblems(copied(objects), cluster));
  expect(objects.map((o) => outputProblems([o], cluster))).toEqual(objects.map((o) => outputProblems([copied(o)], cluster)));
  for (const expected of [
    'Pod shop/bare container app: runAsNonRoot is not true',
    'Service shop/public: type LoadBalancer is public; only the shared Gateway may be',
    'Pod shop/bare: has no label app.kubernetes.io/name',
  ])
    expect(problems.filter((p) => p === expected)).toHaveLength(expected.startsWith('Service') ? 1 : 2);
  const trippedHere = (() => {
    try {
      return outputProblems([copied(oddPod)], cluster);
    } catch (error) {
      return (error as Error).message;
    }
  })();
  expect(trippedHere).toMatch(/not iterable/);
  expect(() => outputProblems([oddPod], cluster)).toThrow(trippedHere as string);
});

test('scanner checks judged on the worker thread that built a whole namespace fail as if judged here, in order; a namespace with objects built here is judged here', () => {
  const cluster = FIXTURE_CLUSTERS[0];
  const there = judgedOnAWorker('aNamespace');
  const [namespace, service, pod] = there.objects;
  const dangling = 'Service shop/web: kube-linter dangling-service: its selector matches no pod in its namespace';
  const scannerOf = (problems: string[]) => problems.filter((p) => / (kube-linter|kube-score|polaris) /.test(p));
  const problems = outputProblems(there.objects, cluster);
  expect(there.answered()).toBeGreaterThan(0);
  expect(problems).toEqual(outputProblems(copied(there.objects), cluster));
  expect(scannerOf(problems)).toContain(dangling);
  expect(Object.values(there.verdicts().scanner).flat()).toContain(dangling);
  expect(scannerOf(problems).indexOf(dangling)).toBeLessThan(scannerOf(problems).findIndex((p) => p.startsWith('Pod shop/other')));
  // A pod built here that the Service selects: the verdict found on the worker no longer holds, and is not read.
  const webPod: KubeObject = { ...copied(pod), metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } } };
  for (const objects of [
    [namespace, service, pod, webPod],
    [webPod, service, pod],
    // The same objects in another order: rules may take the first match, so they are judged here.
    [pod, service],
  ]) {
    const found = outputProblems(objects, cluster);
    expect(found).toEqual(outputProblems(copied(objects), cluster));
    if (objects.includes(webPod)) expect(found).not.toContain(dangling);
  }
});

test('a job whose module does not load, or whose result cannot be copied, answers with the error at once', () => {
  expect(() => startInWorker({ module: path.join(__dirname, 'fixtures', 'worker-jobs', 'missing.ts'), name: 'sumOf' }, [], 'worker').result()).toThrow(
    /Cannot find module/,
  );
  expect(() => startInWorker({ module: JOBS, name: 'aFunction' }, [], 'worker').result()).toThrow(/could not be cloned/);
});
