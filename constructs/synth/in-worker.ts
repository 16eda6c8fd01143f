import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { SpecProblem, SynthError } from '../model/spec-error';
import { semiSpaceSetBack, withSemiSpace } from './worker-semi-space';

/** A result being computed, on a worker thread or here; result() waits for it, and throws what the job threw. */
export interface Pending<T> {
  result(): T;
}

/** A result, and a second one that its thread goes on to compute from it while this thread uses the first. */
export interface PendingWithFollowUp<T, U> extends Pending<T> {
  followUp(): U;
}

/** What a job needs to find its function: an absolute module path and the name it exports. */
export interface JobFunction {
  readonly module: string;
  readonly name: string;
  /** The semi-space size of its worker thread's heap, in MiB (worker-semi-space.ts). @default the process's own */
  readonly semiSpaceMb?: number;
}

/** A follow-up: called with the job's result, then these arguments. */
export interface FollowUp extends JobFunction {
  readonly args?: readonly unknown[];
}

interface JobData extends JobFunction {
  readonly args: readonly unknown[];
  /** Run on the job's result once it is posted; its own result is the second answer. */
  readonly followUp?: FollowUp;
  readonly port: MessagePort;
  /** done[0] is set to 1 by the worker once its answer is posted; done[1], once the follow-up's is. */
  readonly done: Int32Array;
  /** osThread[0]: the worker's thread id in the operating system, where /proc tells it (Linux); else 0. */
  readonly osThread: Int32Array;
  /** heapMade[0] is set to 1 by the worker first thing: its heap exists. */
  readonly heapMade: Int32Array;
  readonly runner: string;
  /** The modules the parent preloaded with `--require`, tsx's own aside: how it loads TypeScript. */
  readonly preloads: readonly string[];
}

type Answer =
  | { readonly value: unknown }
  | { readonly synthError: SerializedSynthError }
  | { readonly error: { message: string; stack?: string } }
  | { readonly ended: string };

/** The worker thread ended before it answered: the machine's memory, or a job that stopped its thread, not the input. */
export class WorkerEndedError extends Error {}

interface SerializedSynthError {
  readonly heading: string;
  readonly problems: readonly (string | { where: SpecProblem['where']; field: string; value: unknown; problem: string })[];
}

/** Longer than any synth; only a worker that died without answering where /proc cannot tell (not Linux) waits this long. */
const ANSWER_TIMEOUT_MS = 15 * 60_000;
/** How often the waiting thread looks whether the worker thread still runs. */
const ALIVE_CHECK_MS = 200;

/**
 * Starts fn(...args) on a worker thread, so that it runs on another core while this thread goes on; the
 * synth stays synchronous, since result() blocks until the answer is there. The arguments and the
 * result are copied (structured clone), so both must be plain data. Where a worker thread would gain
 * nothing, the job runs here, when result() is first called: under Jest, whose module registry a worker
 * would not share and whose workers already use every core, and with SYNTH_WORKERS=0.
 */
export function startInWorker<T>(fn: JobFunction, args: readonly unknown[], where: 'worker' | 'here' = workersWanted() ? 'worker' : 'here'): Pending<T> {
  return start<T, never>(fn, args, undefined, where);
}

/**
 * As startInWorker; then, on the same thread, followUp(result, ...followUp.args) while this thread goes on with the result:
 * work that needs what the job built, without copying it back there.
 */
export function startInWorkerWithFollowUp<T, U>(
  fn: JobFunction,
  followUp: FollowUp,
  args: readonly unknown[],
  where: 'worker' | 'here' = workersWanted() ? 'worker' : 'here',
): PendingWithFollowUp<T, U> {
  return start<T, U>(fn, args, followUp, where);
}

function start<T, U>(fn: JobFunction, args: readonly unknown[], followUp: FollowUp | undefined, where: 'worker' | 'here'): PendingWithFollowUp<T, U> {
  if (where === 'here') return inThisThread(fn, args, followUp);
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(8));
  const osThread = new Int32Array(new SharedArrayBuffer(4));
  const heapMade = new Int32Array(new SharedArrayBuffer(4));
  const data: JobData = { ...fn, args, followUp, port: port2, done, osThread, heapMade, runner: __filename, preloads: preloadsOf(process.execArgv) };
  const worker = withSemiSpace(
    fn.semiSpaceMb,
    heapMade,
    () => new Worker(path.join(__dirname, 'worker-entry.cjs'), { workerData: data, transferList: [port2], execArgv: [] }),
  );
  worker.unref();
  // What ends the thread (out of memory, process.exit in a job) is told below, as an answer; unheard, the
  // event would end this process with a stack trace once its event loop runs again.
  worker.on('error', () => undefined);
  const answers: Answer[] = [];
  const answer = (i: 0 | 1): Answer => {
    while (answers.length <= i) {
      const name = answers.length === 0 ? fn.name : followUp!.name;
      const answered = waitForAnswer(done, answers.length, osThread);
      // It has answered, or ended: either way its heap was made.
      semiSpaceSetBack();
      if (answered === 'timed-out') throw new Error(`the worker running ${name} gave no answer`);
      answers.push(
        answered === 'ended'
          ? {
              ended: `the worker thread running ${name} ended without answering: it ran out of memory, or was stopped (SYNTH_WORKERS=0 runs it on this thread)`,
            }
          : ((receiveMessageOnPort(port1)?.message as Answer | undefined) ?? { error: { message: `the worker running ${name} died` } }),
      );
      // A job that failed has no follow-up.
      if (answers.length === (followUp ? 2 : 1) || !('value' in answers[answers.length - 1])) {
        port1.close();
        // Its work done, the thread is ended now, whatever else might keep it going, and its heap with it
        // (the Terraform side's holds some 200 MiB at 1,000 apps).
        void worker.terminate();
      }
    }
    return answers[i];
  };
  return {
    result: () => unpack<T>(answer(0)),
    followUp: () => {
      // A job that failed has no follow-up: its error is the answer.
      unpack<T>(answer(0));
      return unpack<U>(answer(1));
    },
  };
}

/**
 * Waits until the worker has posted answer i; or until its thread has ended without posting it, which
 * /proc/self/task shows at once on Linux (elsewhere only the timeout ends the wait).
 */
function waitForAnswer(done: Int32Array, i: number, osThread: Int32Array): 'answered' | 'ended' | 'timed-out' {
  const deadline = Date.now() + ANSWER_TIMEOUT_MS;
  while (Atomics.wait(done, i, 0, ALIVE_CHECK_MS) === 'timed-out') {
    const thread = Atomics.load(osThread, 0);
    // An answer posted just before the thread ended is there: read it.
    if (thread !== 0 && !fs.existsSync(`/proc/self/task/${thread}`)) return Atomics.load(done, i) === 1 ? 'answered' : 'ended';
    if (Date.now() > deadline) return 'timed-out';
  }
  return 'answered';
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

function inThisThread<T, U>(fn: JobFunction, args: readonly unknown[], followUp: FollowUp | undefined): PendingWithFollowUp<T, U> {
  let value: { v: T } | undefined;
  let followed: { v: U } | undefined;
  const result = () => (value ??= { v: functionOf(fn)(...args) as T }).v;
  return {
    result,
    followUp: () => (followed ??= { v: functionOf(followUp!)(result(), ...(followUp!.args ?? [])) as U }).v,
  };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const functionOf = (fn: JobFunction): ((...args: unknown[]) => unknown) => require(fn.module)[fn.name];

/** In the worker: runs the job and posts its answer; never throws, so the waiting thread always gets one. */
export function runJob(data: JobData): void {
  const value = answerOf(data, data, data.args, 0);
  if (data.followUp && value) answerOf(data, data.followUp, [value.of, ...(data.followUp.args ?? [])], 1);
}

/** Runs fn(...args) and posts its answer as answer i, or the error that it threw or that kept it from being posted; its result when posted. */
function answerOf(data: JobData, fn: JobFunction, args: readonly unknown[], i: 0 | 1): { of: unknown } | undefined {
  let answer: Answer;
  let value: { of: unknown } | undefined;
  try {
    value = { of: functionOf(fn)(...args) };
    answer = { value: value.of };
  } catch (error) {
    answer = errorAnswer(error);
  }
  try {
    data.port.postMessage(answer);
  } catch (error) {
    data.port.postMessage(errorAnswer(error));
    value = undefined;
  }
  Atomics.store(data.done, i, 1);
  Atomics.notify(data.done, i);
  return value;
}

const errorAnswer = (error: unknown): Answer =>
  error instanceof SynthError
    ? { synthError: serialize(error) }
    : { error: { message: String((error as Error)?.message ?? error), stack: (error as Error)?.stack } };

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
  if ('ended' in answer) throw new WorkerEndedError(answer.ended);
  const error = new Error(answer.error.message);
  if (answer.error.stack) error.stack = answer.error.stack;
  throw error;
}
