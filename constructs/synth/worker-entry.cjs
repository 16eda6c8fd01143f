// The entry of a synth worker thread (constructs/synth/in-worker.ts). It loads TypeScript the way the
// parent does: with the modules the parent preloaded (`node --require ./scripts/lib/load-ts.cjs`, see
// package.json), or else, when the parent ran under the `tsx` command, whose ESM loader hooks a worker
// thread does not inherit on Node 20, with tsx's CommonJS hook.
const { workerData } = require('node:worker_threads');

// This thread's heap exists: the thread that made it may set the semi-space flag back (worker-semi-space.ts).
Atomics.store(workerData.heapMade, 0, 1);
Atomics.notify(workerData.heapMade, 0);

// The waiting thread looks for this thread in /proc/self/task, to know at once if it ends without answering.
try {
  Atomics.store(workerData.osThread, 0, Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()));
} catch {
  // No /proc (not Linux): the waiting thread has only its timeout.
}

try {
  for (const preload of workerData.preloads) require(preload);
  if (!require.extensions['.ts']) require('tsx/cjs');
  require(workerData.runner).runJob(workerData);
  // Its answers are posted: end the thread now, and free its heap, rather than when the waiting thread
  // reads them (the Terraform side's heap is some 300 MB at 1,000 apps, and lingered a second or two).
  // Posted messages stay readable after the thread ends.
  process.exit(0);
} catch (error) {
  // The job could not start (a module failed to load) or its answer could not be copied: answer with the
  // error, or the waiting thread would wait until its timeout.
  workerData.port.postMessage({ error: { message: String((error && error.message) || error), stack: error && error.stack } });
  Atomics.store(workerData.done, 0, 1);
  Atomics.notify(workerData.done, 0);
}
