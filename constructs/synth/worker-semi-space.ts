import * as v8 from 'node:v8';

/*
 * The young generation of a worker thread, sized for its job. V8 sizes a heap's semi-spaces (the young
 * generation is two of them) by --max-semi-space-size, read once, when the heap is made. A Worker's
 * resourceLimits cannot go below that flag: the flag wins (V8's Heap::ConfigureHeap), and Node refuses V8
 * flags in a Worker's execArgv. So the flag is set to the job's size just before its worker is made, and
 * set back to the process's own once that worker's heap exists (its `heapMade` says so). Heaps already
 * made keep their size: this thread's semi-spaces stay as the command line gave them. Node keeps V8's
 * flags writable after start for v8.setFlagsFromString (v8/node#141).
 */

/** How long a new worker may take to make its heap before the flag is set back regardless. */
const HEAP_MADE_TIMEOUT_MS = 5_000;

/** Sets the flag back, once the last worker made with another size has its heap. */
let setBack: (() => void) | undefined;

/** The semi-space size these node options give, in MiB: the last one given; 0, V8's default, when none is. */
export function semiSpaceMbOf(options: readonly string[]): number {
  let size = 0;
  options.forEach((option, i) => {
    const match = /^--max[-_]semi[-_]space[-_]size(?:=(\d+))?$/.exec(option);
    if (match) size = Number(match[1] ?? options[i + 1]);
  });
  return size;
}

/** The process's own semi-space size, in MiB: NODE_OPTIONS', unless its command line gives another. */
const processSemiSpaceMb = (): number => semiSpaceMbOf([...(process.env.NODE_OPTIONS ?? '').split(/\s+/), ...process.execArgv]);

/**
 * make()'s worker, its heap's semi-spaces `mb` MiB each (undefined: the process's own). heapMade[0] turns 1
 * once the worker's heap exists (worker-entry.cjs sets it first thing).
 */
export function withSemiSpace<W>(mb: number | undefined, heapMade: Int32Array, make: () => W): W {
  semiSpaceSetBack();
  const own = processSemiSpaceMb();
  if (mb === undefined || mb === own) return make();
  v8.setFlagsFromString(`--max-semi-space-size=${mb}`);
  setBack = () => {
    Atomics.wait(heapMade, 0, 0, HEAP_MADE_TIMEOUT_MS);
    v8.setFlagsFromString(`--max-semi-space-size=${own}`);
  };
  try {
    return make();
  } catch (error) {
    Atomics.store(heapMade, 0, 1);
    semiSpaceSetBack();
    throw error;
  }
}

/** Sets the flag back to the process's own, if a worker made with another size may still be making its heap; waits for that. */
export function semiSpaceSetBack(): void {
  const pending = setBack;
  setBack = undefined;
  pending?.();
}
