/**
 * The command lines of `npm run release`, `npm run promote` and `npm run diff`: parse the flags, run the
 * command against a repo root, print a short summary, return the exit code (0 done or the usage on
 * `--help`, 1 a change with `--exit-code`, 2 bad input, 3 another command held the repo's write lock for
 * the whole wait; on 2 and 3 nothing was written). scripts/*.ts only call these with the real repo.
 */
import { describeVersion, releasesFileOf } from '../../constructs/model/releases';
import { SpecProblem, SynthError } from '../../constructs/model/spec-error';
import { diffOutputs, formatDiffMarkdown, formatDiffText, hasChanges, type ClusterDiff } from '../../constructs/synth/output-diff';
import { hasHead, RefError, renderedTree, sourcesOf, treeAtRef, treeOnDisk, verifyRef } from '../../constructs/synth/output-tree';
import { buildAll } from '../../constructs/synth/pipeline';
import { synthCacheOf } from '../../constructs/synth/synth-cache';
import { readFluxShardLedgers, readGatewayLedgers } from '../../constructs/synth/ledger-io';
import { readReleases } from '../../constructs/synth/releases-io';
import { CommandLineError, readCommandLine, showUsage } from './command-line';
import { promote, release, ReleaseError, type ReleaseOutcome, type Repo } from './release';
import { RepoBusyError } from './repo-lock';

/** Where a command prints: stdout and stderr lines. */
export interface Console {
  log(text: string): void;
  error(text: string): void;
}

export const RELEASE_USAGE = 'usage: npm run release -- --env <env> --app <app> (--image <repository>:<tag>@sha256:<digest> | --rollback | --to <n>)';
export const PROMOTE_USAGE = 'usage: npm run promote -- --app <app>';
export const DIFF_USAGE = 'usage: npm run diff -- [--ref <git ref>] [--markdown] [--exit-code]';
/** The exit code when the repo's write lock stayed held for the whole wait. */
export const BUSY_EXIT_CODE = 3;

export function releaseCli(argv: readonly string[], repo: Repo, out: Console): number {
  return run('release', out, () => {
    const line = readCommandLine(
      argv,
      {
        env: { type: 'string' },
        app: { type: 'string' },
        image: { type: 'string' },
        rollback: { type: 'boolean' },
        to: { type: 'string' },
      },
      RELEASE_USAGE,
    );
    if (line.help) return showUsage(out, RELEASE_USAGE);
    const { env, app, image, rollback, to } = line.values;
    if (env === undefined || app === undefined) throw new CommandLineError(`--env and --app are required; ${RELEASE_USAGE}`);
    const modes = [image !== undefined, rollback === true, to !== undefined].filter(Boolean).length;
    if (modes !== 1) throw new CommandLineError(`give exactly one of --image, --rollback and --to; ${RELEASE_USAGE}`);
    const locking = withWaitNotice(repo, out);
    if (image !== undefined) return report(out, release(locking, { env, app, image }));
    const n = to === undefined ? 1 : Number(to);
    if (to !== undefined && !/^[1-9][0-9]*$/.test(to)) {
      throw new ReleaseError(
        new SpecProblem({ file: releasesFileOf(env), env, app }, '--to', to, 'must be a whole number from 1: 1 is the newest version in history'),
      );
    }
    return report(out, release(locking, { env, app, rollback: n }));
  });
}

export function promoteCli(argv: readonly string[], repo: Repo, out: Console): number {
  return run('promote', out, () => {
    const line = readCommandLine(argv, { app: { type: 'string' } }, PROMOTE_USAGE);
    if (line.help) return showUsage(out, PROMOTE_USAGE);
    const { app } = line.values;
    if (app === undefined) throw new CommandLineError(`--app is required; ${PROMOTE_USAGE}`);
    return report(out, promote(withWaitNotice(repo, out), { app }));
  });
}

export function diffCli(argv: readonly string[], repo: Repo, out: Console): number {
  return run('diff', out, () => {
    const line = readCommandLine(argv, { ref: { type: 'string' }, markdown: { type: 'boolean' }, 'exit-code': { type: 'boolean' } }, DIFF_USAGE);
    if (line.help) return showUsage(out, DIFF_USAGE);
    const { values } = line;
    const { diffs, basis } = renderedDiff(repo, values.ref);
    if (values.markdown)
      out.log(
        formatDiffMarkdown(diffs)
          .replace(/^(### [^\n]*\n)/, `$1\n${basis.markdown}\n`)
          .trimEnd(),
      );
    else out.log(`${basis.text}\n${formatDiffText(diffs).trimEnd()}`);
    return values['exit-code'] && hasChanges(diffs) ? 1 : 0;
  });
}

/** What a diff compared the fresh output with, said in its first line. */
export interface DiffBasis {
  /** The git ref, or undefined for the files on disk. */
  readonly ref: string | undefined;
  readonly text: string;
  readonly markdown: string;
}

/**
 * Fresh output (in memory, nothing written) against the generated files at a git ref: `ref`, else the last
 * commit (HEAD), so that the change shows after `npm run synth` too. Outside a git repository, against the
 * files on disk.
 */
export function renderedDiff(repo: Repo, ref?: string): { diffs: ClusterDiff[]; basis: DiffBasis } {
  if (ref !== undefined) verifyRef(repo.root, ref); // before the build: a typo fails at once
  const against = ref ?? (hasHead(repo.root) ? 'HEAD' : undefined);
  const files = buildAll({
    clusters: repo.clusters,
    apps: repo.apps,
    releases: readReleases(
      repo.root,
      repo.clusters.map((c) => c.env),
    ),
    gatewayLedgers: readGatewayLedgers(
      repo.root,
      repo.clusters.map((c) => c.env),
    ),
    fluxShardLedgers: readFluxShardLedgers(
      repo.root,
      repo.clusters.map((c) => c.env),
    ),
    cache: synthCacheOf(repo.root),
  });
  const paths = files.map((f) => f.path);
  const before = against === undefined ? treeOnDisk(repo.root, paths) : treeAtRef(repo.root, against, paths);
  const after = renderedTree(files, before);
  return { diffs: diffOutputs(before, after, sourcesOf(files)), basis: basisOf(repo.root, ref, against) };
}

function basisOf(root: string, ref: string | undefined, against: string | undefined): DiffBasis {
  if (against === undefined) {
    const why = `${root} is not the top of a git repository with a commit`;
    return { ref: undefined, text: `compared with the files on disk (${why})`, markdown: `Compared with the files on disk (${why}).` };
  }
  if (ref === undefined) {
    return {
      ref: 'HEAD',
      text: 'compared with HEAD, the last commit (--ref <git ref> compares with another)',
      markdown: 'Compared with `HEAD`, the last commit.',
    };
  }
  return { ref, text: `compared with ${ref}`, markdown: `Compared with \`${ref}\`.` };
}

/** The repo with a lock option that tells, on stderr, when the command has to wait for another. */
const withWaitNotice = (repo: Repo, out: Console): Repo => ({ ...repo, lock: { onWait: (m) => out.error(m), ...repo.lock } });

function report(out: Console, outcome: ReleaseOutcome): number {
  const { env, app, previous, release: now } = outcome;
  if (!outcome.written) {
    out.log(`${env}: ${app} already runs ${describeVersion(now.current)}; nothing changed`);
    return 0;
  }
  out.log(
    `${env}: ${app} ${previous ? `${describeVersion(previous)} -> ` : ''}${describeVersion(now.current)}; ` +
      `${outcome.file} keeps ${now.history.length} previous version${now.history.length === 1 ? '' : 's'}`,
  );
  out.log(formatDiffText(outcome.diff).trimEnd());
  out.log(`wrote ${outcome.file} and dist/; review and commit both`);
  return 0;
}

/** Runs a command; bad input becomes one line on stderr and exit code 2. */
function run(command: string, out: Console, body: () => number): number {
  try {
    return body();
  } catch (error) {
    const bad = [ReleaseError, CommandLineError, RefError, SynthError].some((kind) => error instanceof kind);
    if (!bad && !(error instanceof RepoBusyError)) throw error;
    out.error(`${command} failed, nothing changed: ${(error as Error).message}`);
    return bad ? 2 : BUSY_EXIT_CODE;
  }
}
