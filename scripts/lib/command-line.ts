/**
 * How every script reads its command line: node:util parseArgs, strict, so that an unknown flag or a flag
 * without its value is refused rather than ignored, plus `--help` / `-h`, which asks for the usage. A
 * script reads its command line before it reads or writes anything else.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A command line that cannot be read. The message says why, then gives the usage; the script exits with 2. */
export class CommandLineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandLineError';
  }
}

export interface CommandLine<O extends Options> {
  /** `--help` or `-h` was given: print the usage and exit 0, doing nothing else. */
  readonly help: boolean;
  readonly values: ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>['values'];
  readonly positionals: string[];
}

/** The flags and positionals of argv; throws CommandLineError, naming the usage, for anything the options do not list. */
export function readCommandLine<O extends Options>(
  argv: readonly string[],
  options: O,
  usage: string,
  { positionals = false }: { positionals?: boolean } = {},
): CommandLine<O> {
  try {
    const parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: positionals });
    const { help, ...values } = parsed.values as Record<string, unknown>;
    return { help: help === true, values: values as CommandLine<O>['values'], positionals: parsed.positionals };
  } catch (error) {
    if (!(error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw error;
    throw new CommandLineError(`${(error as Error).message}; ${usage}`);
  }
}

/** What `--help` does: the usage on stdout, and exit code 0. */
export function showUsage(out: { log(text: string): void }, usage: string): 0 {
  out.log(usage);
  return 0;
}
