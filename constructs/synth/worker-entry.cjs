// The entry of a synth worker thread (constructs/synth/in-worker.ts). Worker threads do not inherit tsx's
// loader hooks on Node 20, so the worker registers tsx's CommonJS hook itself before it loads our TypeScript.
const { workerData } = require('node:worker_threads');
const { register } = require('tsx/cjs/api');

register();
require(workerData.runner).runJob(workerData);
