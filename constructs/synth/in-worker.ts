import * as path from 'node:path';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { SpecProblem, SynthError } from '../model/spec-error';

/** A result being computed, on a worker thread or here; result() waits for it, and throws what the job threw. */
export interface Pending<T> {
  result(): T;
}

/** What a job needs to find its function: an absolute module path and the name it exports. */
export interface JobFunction {
  readonly module: string;
  readonly name: string;
}

interface JobData extends JobFunction {
  readonly args: readonly unknown[];
  readonly port: MessagePort;
  /** Set to 1 by the worker once its answer is posted. */
  readonly done: Int32Array;
  readonly runner: string;
  /** The modules the parent preloaded with `--require`, tsx's own aside: how it loads TypeScript. */
  readonly preloads: readonly string[];
}

type Answer = { readonly value: unknown } | { readonly synthError: SerializedSynthError } | { readonly error: { message: string; stack?: string } };

interface SerializedSynthError {
  readonly heading: string;
  readonly problems: readonly (string | { where: SpecProblem['where']; field: string; value: unknown; problem: string })[];
}

/** Longer than any synth; only a worker that died without answering (it cannot throw past runJob) waits this long. */
const ANSWER_TIMEOUT_MS = 15 * 60_000;

/**
 * Starts fn(...args) on a worker thread, so that it runs on another core while this thread goes on; the
 * synth stays synchronous, since result() blocks until the answer is there. The arguments and the
 * result are copied (structured clone), so both must be plain data. Where a worker thread would gain
 * nothing, the job runs here, when result() is first called: under Jest, whose module registry a worker
 * would not share and whose workers already use every core, and with SYNTH_WORKERS=0.
 */
export function startInWorker<T>(fn: JobFunction, args: readonly unknown[], where: 'worker' | 'here' = workersWanted() ? 'worker' : 'here'): Pending<T> {
  if (where === 'here') return inThisThread(fn, args);
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(4));
  const data: JobData = { ...fn, args, port: port2, done, runner: __filename, preloads: preloadsOf(process.execArgv) };
  const worker = new Worker(path.join(__dirname, 'worker-entry.cjs'), { workerData: data, transferList: [port2], execArgv: [] });
  worker.unref();
  let answer: Answer | undefined;
  return {
    result: () => {
      if (answer === undefined) {
        if (Atomics.wait(done, 0, 0, ANSWER_TIMEOUT_MS) === 'timed-out') throw new Error(`the worker running ${fn.name} gave no answer`);
        answer = (receiveMessageOnPort(port1)?.message as Answer | undefined) ?? { error: { message: `the worker running ${fn.name} died` } };
        port1.close();
        // Its job done, the thread is ended now, whatever else might keep it going, and its heap with it
        // (the Terraform side's holds some 200 MiB at 1,000 apps).
        void worker.terminate();
      }
      return unpack<T>(answer);
    },
  };
}

/** The `--require` modules of this process, as absolute paths; tsx's are left out, its CommonJS hook stands in for them. */
function preloadsOf(execArgv: readonly string[]): string[] {
  const required = execArgv.flatMap((arg, i) =>
    arg === '--require' || arg === '-r' ? [execArgv[i + 1]] : arg.startsWith('--require=') ? [arg.slice('--require='.length)] : [],
  );
  return required.map((m) => (m.startsWith('.') ? path.resolve(m) : m)).filter((m) => !m.includes(`${path.sep}tsx${path.sep}`));
}

function workersWanted(): boolean {
  return process.env.SYNTH_WORKERS !== '0' && process.env.JEST_WORKER_ID === undefined;
}

function inThisThread<T>(fn: JobFunction, args: readonly unknown[]): Pending<T> {
  let value: { v: T } | undefined;
  return {
    result: () => (value ??= { v: functionOf(fn)(...args) as T }).v,
  };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const functionOf = (fn: JobFunction): ((...args: unknown[]) => unknown) => require(fn.module)[fn.name];

/** In the worker: runs the job and posts its answer; never throws, so the waiting thread always gets one. */
export function runJob(data: JobData): void {
  let answer: Answer;
  try {
    answer = { value: functionOf(data)(...data.args) };
  } catch (error) {
    answer =
      error instanceof SynthError
        ? { synthError: serialize(error) }
        : { error: { message: String((error as Error)?.message ?? error), stack: (error as Error)?.stack } };
  }
  data.port.postMessage(answer);
  Atomics.store(data.done, 0, 1);
  Atomics.notify(data.done, 0);
}

const serialize = (error: SynthError): SerializedSynthError => ({
  heading: error.heading,
  problems: error.problems.map((p) => (p instanceof SpecProblem ? { where: p.where, field: p.field, value: p.value, problem: p.problem } : p)),
});

function unpack<T>(answer: Answer): T {
  if ('value' in answer) return answer.value as T;
  if ('synthError' in answer) {
    const { heading, problems } = answer.synthError;
    throw new SynthError(
      problems.map((p) => (typeof p === 'string' ? p : new SpecProblem(p.where, p.field, p.value, p.problem))),
      heading,
    );
  }
  const error = new Error(answer.error.message);
  if (answer.error.stack) error.stack = answer.error.stack;
  throw error;
}
