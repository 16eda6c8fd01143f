/**
 * One writer at a time. `release`, `promote`, `new-app` and `retire` each read the specs and releases
 * files, rebuild, and write the releases files, specs and dist/ together; two at once would each write
 * what they read, and the later one would drop the other's change. So each holds the repo's write lock
 * from its first read to its last write: a file in the repo root, beside dist/, holding the holder's pid,
 * host, command and start time, and created with them in one step (a hard link to a file already written,
 * which fails where the lock exists), so no one ever reads it empty. A second command waits
 * for it (bounded), then fails with a message that names the holder. A lock whose pid no longer runs on
 * this host is stale (its command was killed) and is taken over.
 *
 * proper-lockfile was considered: its lock is asynchronous (the sync form cannot wait) and it judges
 * staleness by age, not by whether the holder still runs, which a long synth could outlast.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The lock file, relative to the repo root. */
export const LOCK_FILE = '.repo-write.lock';
/** How long a command waits for another to finish, unless WEBAPPS_LOCK_WAIT_SECONDS says otherwise. */
export const DEFAULT_WAIT_SECONDS = 300;
const POLL_MS = 200;
/** A lock file still empty after this long was left by a writer killed between creating and filling it. */
const EMPTY_GRACE_MS = 10_000;

/** What the lock file holds. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  /** ISO 8601, UTC. */
  readonly startedAt: string;
}

/** The lock stayed held for the whole wait: nothing was read or written. */
export class RepoBusyError extends Error {
  constructor(
    readonly file: string,
    readonly holder: LockHolder | undefined,
    waitedSeconds: number,
  ) {
    super(
      `${file} is held by ${holder ? `${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})` : 'another command'}; ` +
        `waited ${waitedSeconds} s. Run again when it is done; if no such process runs, delete ${file}`,
    );
    this.name = 'RepoBusyError';
  }
}

export interface LockOptions {
  /** @default WEBAPPS_LOCK_WAIT_SECONDS, else DEFAULT_WAIT_SECONDS */
  readonly waitSeconds?: number;
  /** Told once when the command has to wait. */
  readonly onWait?: (message: string) => void;
}

/** Runs body while holding root's write lock; the lock is released however body ends. */
export function withRepoLock<T>(root: string, command: string, body: () => T, options: LockOptions = {}): T {
  const release = acquire(root, command, options);
  try {
    return body();
  } finally {
    release();
  }
}

/** The wait a command allows: the option, else the environment variable, else the default. */
export function waitSecondsOf(options: LockOptions): number {
  if (options.waitSeconds !== undefined) return options.waitSeconds;
  const fromEnv = Number(process.env.WEBAPPS_LOCK_WAIT_SECONDS);
  return process.env.WEBAPPS_LOCK_WAIT_SECONDS !== undefined && Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv : DEFAULT_WAIT_SECONDS;
}

function acquire(root: string, command: string, options: LockOptions): () => void {
  const file = path.join(root, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: os.hostname(), command, startedAt: new Date().toISOString() };
  const content = `${JSON.stringify(me)}\n`;
  const waitSeconds = waitSecondsOf(options);
  const deadline = Date.now() + waitSeconds * 1000;
  let told = false;
  for (;;) {
    try {
      createWith(file, content);
      return () => {
        // Only our own lock: never one a later command took over after ours was judged stale.
        if (readIfExists(file) === content) fs.rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = readIfExists(file);
    if (text === undefined) continue; // released between our try and our read
    const holder = parseHolder(text);
    if (isStale(file, holder)) {
      // Remove it only if it is still the stale one we read, then race for it like everyone else.
      if (readIfExists(file) === text) fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) throw new RepoBusyError(LOCK_FILE, holder, waitSeconds);
    if (!told) {
      options.onWait?.(`waiting up to ${waitSeconds} s for ${LOCK_FILE}, held by ${holder ? `${holder.command} (pid ${holder.pid})` : 'another command'}`);
      told = true;
    }
    sleep(POLL_MS);
  }
}

/** Creates file with content, atomically: throws EEXIST where it exists. */
function createWith(file: string, content: string): void {
  const written = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(written, content);
  try {
    fs.linkSync(written, file);
  } finally {
    fs.rmSync(written, { force: true });
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const data = JSON.parse(text) as Partial<LockHolder>;
    if (typeof data.pid === 'number' && typeof data.host === 'string') return data as LockHolder;
  } catch {
    // an empty or torn file: judged by its age below
  }
  return undefined;
}

/** The holder's process is gone (on this host), or the file never got its contents. */
function isStale(file: string, holder: LockHolder | undefined): boolean {
  if (!holder) {
    const stat = statIfExists(file);
    return stat !== undefined && Date.now() - stat.mtimeMs > EMPTY_GRACE_MS;
  }
  if (holder.host !== os.hostname()) return false; // another machine's process: we cannot tell, so we wait
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function statIfExists(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

/** Blocks the thread: the commands are synchronous from their first read to their last write. */
const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};
