/** The command line of `npm run retire`: 0 done, 1 the synth failed (every file put back), 2 refused, 3 the repo's write lock stayed held. */
import { parseArgs } from 'node:util';
import type { Console } from './commands';
import type { Repo } from './release';
import { RepoBusyError } from './repo-lock';
import { describeRetire, retire, RetireError } from './retire';

export const RETIRE_USAGE = 'usage: npm run retire -- <app> --reason "<why the data is kept, who may give it up>" [--date YYYY-MM-DD]';

export function retireCli(argv: readonly string[], repo: Repo, out: Console): number {
  try {
    const { app, reason, date } = parseRetireArgs(argv);
    const result = retire({ ...repo, lock: { onWait: (m) => out.error(`retire: ${m}`), ...repo.lock } }, { app, reason, date });
    for (const line of describeRetire(app, result)) out.log(line);
    return 0;
  } catch (error) {
    if (error instanceof RetireError || error instanceof RepoBusyError) {
      out.error(`retire failed, nothing changed: ${error.message}`);
      return error instanceof RetireError ? error.exitCode : 3;
    }
    throw error;
  }
}

function parseRetireArgs(argv: readonly string[]): { app: string; reason: string; date?: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { reason: { type: 'string' }, date: { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new RetireError(`${(error as Error).message}; ${RETIRE_USAGE}`);
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1) throw new RetireError(`name exactly one app; ${RETIRE_USAGE}`);
  if (values.reason === undefined) throw new RetireError(`--reason is required: the retirement note says why the data is kept; ${RETIRE_USAGE}`);
  return { app: positionals[0], reason: values.reason, date: values.date };
}
