import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { SpecProblem, SynthError } from '../constructs/model/spec-error';
import { appFilesOfEach } from '../constructs/synth/app-files';
import { APP_FILES_JOB, SYNTH_CLOUD_JOB } from '../constructs/synth/build-cluster';
import { clusterAppsOf } from '../constructs/model/resolve';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { clusterGatewaysOf } from '../constructs/platform/cluster-gateways';
import { platformEndpointsOf } from '../constructs/platform/internal-endpoint';
import { startInWorker } from '../constructs/synth/in-worker';
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
});

test("the apps' files built on a worker thread are the ones built here, Gateway layout (a Map) included", () => {
  const cluster = FIXTURE_CLUSTERS[0];
  const apps = clusterAppsOf(cluster, FIXTURE_INPUT.apps, (name) => FIXTURE_INPUT.releases[cluster.env].apps[name].current);
  expect(apps.length).toBeGreaterThan(1);
  const endpoints = platformEndpointsOf({ cluster, apps }, addOnsOf({ cluster, apps }));
  const gateways = clusterGatewaysOf({ cluster, apps, endpoints }, FIXTURE_INPUT.gatewayLedgers?.[cluster.env]);
  const there = startInWorker(APP_FILES_JOB, [cluster.env, apps, cluster, gateways], 'worker').result();
  expect(there).toEqual(appFilesOfEach(cluster.env, apps, cluster, gateways));
});

test('a job whose module does not load, or whose result cannot be copied, answers with the error at once', () => {
  expect(() => startInWorker({ module: path.join(__dirname, 'fixtures', 'worker-jobs', 'missing.ts'), name: 'sumOf' }, [], 'worker').result()).toThrow(
    /Cannot find module/,
  );
  expect(() => startInWorker({ module: JOBS, name: 'aFunction' }, [], 'worker').result()).toThrow(/could not be cloned/);
});
