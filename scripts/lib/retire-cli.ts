/** The command line of `npm run retire`: 0 done (or the usage, for `--help`), 1 the synth failed (every file put back), 2 refused, 3 the repo's write lock stayed held. */
import { CommandLineError, readCommandLine, showUsage } from './command-line';
import type { Console } from './commands';
import type { Repo } from './release';
import { RepoBusyError } from './repo-lock';
import { describeRetire, retire, RetireError } from './retire';

export const RETIRE_USAGE = 'usage: npm run retire -- <app> --reason "<why the data is kept, who may give it up>" [--date YYYY-MM-DD]';

export function retireCli(argv: readonly string[], repo: Repo, out: Console): number {
  try {
    const line = readCommandLine(argv, { reason: { type: 'string' }, date: { type: 'string' } }, RETIRE_USAGE, { positionals: true });
    if (line.help) return showUsage(out, RETIRE_USAGE);
    const { positionals, values } = line;
    if (positionals.length !== 1) throw new CommandLineError(`name exactly one app; ${RETIRE_USAGE}`);
    if (values.reason === undefined) throw new CommandLineError(`--reason is required: the retirement note says why the data is kept; ${RETIRE_USAGE}`);
    const [app] = positionals;
    const result = retire({ ...repo, lock: { onWait: (m) => out.error(`retire: ${m}`), ...repo.lock } }, { app, reason: values.reason, date: values.date });
    for (const line of describeRetire(app, result)) out.log(line);
    return 0;
  } catch (error) {
    if (error instanceof CommandLineError || error instanceof RetireError || error instanceof RepoBusyError) {
      out.error(`retire failed, nothing changed: ${error.message}`);
      return error instanceof RepoBusyError ? 3 : error instanceof RetireError ? error.exitCode : 2;
    }
    throw error;
  }
}
