import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { SpecProblem, SynthError } from '../constructs/model/spec-error';
import { APP_FILES_JOB, APP_FILES_SCHEMA_JOB, appFilesOfEach, schemaProblemsOfAppFiles, SYNTH_CLOUD_JOB } from '../constructs/synth/build-cluster';
import { clusterAppsOf } from '../constructs/model/resolve';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { clusterGatewaysOf } from '../constructs/platform/cluster-gateways';
import { platformEndpointsOf } from '../constructs/platform/internal-endpoint';
import { startInWorker, startInWorkerWithFollowUp } from '../constructs/synth/in-worker';
import type { KubeObject } from '../constructs/model/kube-object';
import { rememberSchemaProblems, schemaProblems } from '../constructs/schemas/schema-validation';
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
  const there = startInWorker<ReturnType<typeof synthCloud>>(SYNTH_CLOUD_JOB, [cluster, apps], 'worker').result();
  expect(there.text).toBe(synthCloud(cluster, apps).text);
});

test("the apps' files built on a worker thread are the ones built here, Gateway layout (a Map) included, and so are their schema problems", () => {
  const cluster = FIXTURE_CLUSTERS[0];
  const apps = clusterAppsOf(cluster, FIXTURE_INPUT.apps, (name) => FIXTURE_INPUT.releases[cluster.env].apps[name].current);
  expect(apps.length).toBeGreaterThan(1);
  const endpoints = platformEndpointsOf({ cluster, apps }, addOnsOf({ cluster, apps }));
  const gateways = clusterGatewaysOf({ cluster, apps, endpoints }, FIXTURE_INPUT.gatewayLedgers?.[cluster.env]);
  const pending = startInWorkerWithFollowUp<ReturnType<typeof appFilesOfEach>, string[][]>(
    APP_FILES_JOB,
    APP_FILES_SCHEMA_JOB,
    [cluster.env, apps, cluster, gateways],
    'worker',
  );
  const there = pending.result();
  expect(there).toEqual(appFilesOfEach(cluster.env, apps, cluster, gateways));
  const objects = there.flatMap((f) => [...f.tenant.objects!, ...f.apps.objects!]);
  expect(pending.followUp()).toHaveLength(objects.length);
  expect(pending.followUp()).toEqual(schemaProblemsOfAppFiles(there));
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

test('objects schema-checked on the worker thread that built them are reported as if checked here, with the same texts, in order', () => {
  const pending = startInWorkerWithFollowUp<KubeObject[], string[][]>(
    { module: JOBS, name: 'someObjects' },
    { module: require.resolve('../constructs/schemas/schema-validation'), name: 'schemaProblemsOfEach' },
    [],
    'worker',
  );
  const builtThere = pending.result();
  let answered = 0;
  rememberSchemaProblems(builtThere, () => {
    answered++;
    return pending.followUp();
  });
  const builtHere: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'here', namespace: 'shop' }, spec: { type: 'Nowhere' } };
  const objects = [builtHere, ...builtThere, builtHere];
  const problems = schemaProblems(objects);
  expect(answered).toBeGreaterThan(0);
  // Copies have identities of their own: they are checked here. Each object's problems are its own.
  expect(problems).toEqual(schemaProblems(structuredClone(objects)));
  expect(objects.map((o) => schemaProblems([o]))).toEqual(objects.map((o) => schemaProblems([structuredClone(o)])));
  expect(problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual(['Service shop/here', 'Service shop/bad-port', 'Widget unknown', 'Service shop/here']);
  expect(problems[1]).toMatch(/^Service shop\/bad-port: data\/spec\/ports\/0\/port must be integer/);
  expect(problems[2]).toBe('Widget unknown: no schema known for example.io/v1 Widget');
});

test('a job whose module does not load, or whose result cannot be copied, answers with the error at once', () => {
  expect(() => startInWorker({ module: path.join(__dirname, 'fixtures', 'worker-jobs', 'missing.ts'), name: 'sumOf' }, [], 'worker').result()).toThrow(
    /Cannot find module/,
  );
  expect(() => startInWorker({ module: JOBS, name: 'aFunction' }, [], 'worker').result()).toThrow(/could not be cloned/);
});
