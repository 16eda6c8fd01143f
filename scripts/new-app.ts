/**
 * npm run new-app -- <name> [--description "<one line>"] [--image <repository>:<tag>@sha256:<digest>]
 *
 * Scaffolds apps/<name>.ts from scripts/templates/app.template.ts, lists it in apps/index.ts, runs it in
 * staging (clusters/staging/cluster.ts: apps and the appData ledger; clusters/staging/releases.json: its
 * first version), then synthesizes staging and prints every file it changed. It holds the repo's write
 * lock throughout. A bad name writes nothing; a failing synth puts every file back as it was.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseImage } from '../constructs/model/image';
import {
  advance,
  placeholderVersionOf,
  releasesFileOf,
  renderReleasesFile,
  withRelease,
  type ReleasesFile,
  type ReleaseVersion,
} from '../constructs/model/releases';
import { reservedNameReason } from '../constructs/validation/reserved-names';
import { SynthError } from '../constructs/model/spec-error';
import { parseReleasesText } from '../constructs/synth/releases-io';
import { appFileOf, clusterFileOf } from '../constructs/synth/source-files';
import { changedFiles, snapshotFiles } from './lib/changed-files';
import { CommandLineError, readCommandLine, showUsage } from './lib/command-line';
import { RepoBusyError, withRepoLock, type LockOptions } from './lib/repo-lock';
import { REPO_ROOT, scriptCommand } from './repo-copy';
import { readIfExists, restore, writeAtomically } from './lib/source-files-io';

const ENV = 'staging';
const TEMPLATE = 'scripts/templates/app.template.ts';
const INDEX = 'apps/index.ts';
/** Stricter than the synth's DNS-1123 label: Service names must also start with a letter (DNS-1035). */
const NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const MAX_NAME = 40;
/** The cluster's `domain: '…'` line: the staging domain gives the app's host. */
const DOMAIN = /^\s*domain: '([^']+)'/m;
const RESERVED_WORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false ' +
    'finally for function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await'
  ).split(' '),
);

/** A request new-app refuses (bad or taken name, bad image); nothing was written. */
export class NewAppError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'NewAppError';
  }
}

export interface NewAppOptions {
  /** One line for the overview. @default a placeholder that asks for one */
  readonly description?: string;
  /** The first version, `<repository>:<tag>@sha256:<digest>`. @default `<registry of the other apps>/<name>`, a placeholder version */
  readonly image?: string;
}

export interface NewAppResult {
  /** The sources written or edited (the app file first), relative to root. */
  readonly files: readonly string[];
  /** The generated files the staging synth added, changed or removed, relative to root. */
  readonly generated: readonly string[];
  /** The staging synth's summary line. */
  readonly summary: string;
  /** What the person does next. */
  readonly next: string;
}

/**
 * Scaffolds, registers and synthesizes the app in the repo at root, holding the repo's write lock. Throws
 * NewAppError (or RepoBusyError) and leaves every file as it was on failure.
 */
export function newApp(root: string, name: string, options: NewAppOptions = {}, lock?: LockOptions): NewAppResult {
  return withRepoLock(root, 'new-app', () => newAppLocked(root, name, options), lock);
}

function newAppLocked(root: string, name: string, options: NewAppOptions): NewAppResult {
  const edits = plan(root, name, options);
  const filesBefore = snapshotFiles(root);
  const originals = new Map(edits.map((e) => [e.file, readIfExists(path.join(root, e.file))]));
  try {
    for (const edit of edits) writeAtomically(path.join(root, edit.file), edit.content);
  } catch (error) {
    restore(root, originals);
    throw error;
  }
  const [cmd, args] = scriptCommand(root, 'main.ts', ['--env', ENV]);
  const synth = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  if (synth.status !== 0) {
    restore(root, originals);
    throw new NewAppError(`synth of ${ENV} failed, so every file is back as it was:\n${(synth.stderr || synth.stdout).trim()}`, 1);
  }
  const image = edits.find((e) => e.file === appFileOf(name))!.content.match(/imageRepository: '([^']+)'/)?.[1] ?? '<repository>';
  const generated = changedFiles(
    filesBefore,
    snapshotFiles(root),
    edits.map((e) => e.file),
  );
  return {
    files: edits.map((e) => e.file),
    generated,
    summary: synth.stdout.trim().split('\n').pop() ?? '',
    next:
      `next: fill in ${appFileOf(name)} (port, health check, resources, secrets), then release its first image: ` +
      `npm run release -- --env ${ENV} --app ${name} --image ${image}:<tag>@sha256:<digest>`,
  };
}

/** Every file's new content; throws NewAppError, before anything is written, if the name or an input is unusable. */
function plan(root: string, name: string, options: NewAppOptions): Array<{ file: string; content: string }> {
  const problem = newAppNameProblem(root, name);
  if (problem) throw new NewAppError(`name ${JSON.stringify(name)}: ${problem}`);
  const read = (file: string): string => {
    const text = readIfExists(path.join(root, file));
    if (text === undefined) throw new NewAppError(`${file} is missing: run new-app at the repo's root`);
    return text;
  };
  const clusterFile = clusterFileOf(ENV);
  const clusterText = read(clusterFile);
  const domain = clusterText.match(DOMAIN)?.[1];
  if (!domain) throw new NewAppError(`${clusterFile}: found no "domain: '…'" to derive the app's staging host from`);
  const prodDomain = readIfExists(path.join(root, clusterFileOf('prod')))?.match(DOMAIN)?.[1] ?? 'example.com';
  const host = `${name}.${domain}`;

  const { repository, version } = firstVersion(root, name, options.image);
  const ident = identifierOf(name);
  const description = options.description ?? `${name}: say in one line what it does and who uses it`;
  if (/['\\\n]/.test(description)) throw new NewAppError(`--description ${JSON.stringify(description)}: must be one line without quotes or backslashes`);

  const edits = [
    { file: appFileOf(name), content: renderTemplate(read(TEMPLATE), { name, ident, description, repository, host, prodHost: `${name}.${prodDomain}` }) },
    { file: INDEX, content: registerInIndex(read(INDEX), name, ident) },
    { file: clusterFile, content: addToBlock(addToBlock(clusterText, clusterFile, 'apps', name, '{}'), clusterFile, 'appData', name, "'live'") },
  ];
  const releasesFile = releasesFileOf(ENV);
  const releasesText = readIfExists(path.join(root, releasesFile));
  if (releasesText !== undefined) {
    let releases: ReleasesFile;
    try {
      releases = parseReleasesText(releasesText, releasesFile, ENV);
    } catch (error) {
      if (!(error instanceof SynthError)) throw error;
      throw new NewAppError(`${error.message}\nfix ${releasesFile} first`);
    }
    if (releases.apps?.[name] !== undefined) throw new NewAppError(`name "${name}": ${releasesFile} already has a release of it`);
    edits.push({ file: releasesFile, content: renderReleasesFile(withRelease(releases, name, advance(undefined, version))) });
  }
  return edits;
}

/**
 * Why new-app refuses the name, or undefined when it takes it: it must be a DNS label, free as a file, an
 * identifier, a cluster entry (a retired app's included), a namespace and a staging host.
 */
export function newAppNameProblem(root: string, name: string): string | undefined {
  if (!NAME.test(name)) return 'must be a DNS label: lower-case letters, digits and "-", starting with a letter and not ending with "-", e.g. "blog"';
  if (name.length > MAX_NAME) return `must be at most ${MAX_NAME} characters (it becomes the namespace and part of the bucket name)`;
  if (fs.existsSync(path.join(root, appFileOf(name)))) return `is taken: ${appFileOf(name)} exists`;
  const reserved = reservedNameReason(name);
  if (reserved) return `is reserved: ${reserved}; pick another name`;
  const index = readIfExists(path.join(root, INDEX)) ?? '';
  if (new RegExp(`\\b${identifierOf(name)}\\b`).test(index) || index.includes(`'./${name}'`)) return `is taken: ${INDEX} already lists it`;
  for (const env of ['staging', 'prod']) {
    const file = clusterFileOf(env);
    const text = readIfExists(path.join(root, file)) ?? '';
    const key = `(?:'${name}'|"${name}"|${name})`;
    const retiredOn = new RegExp(`^\\s*${key}:\\s*\\{[^}]*?\\bretiredOn:\\s*['"]([^'"]*)['"]`, 'm').exec(text)?.[1];
    if (retiredOn !== undefined) {
      return (
        `belongs to an app retired on ${retiredOn} (its note in appData of ${file}): the name stays reserved while that note exists, ` +
        `since a new app of that name would take over the retired app's bucket and backups; pick another name`
      );
    }
    if (new RegExp(`^\\s*${key}:`, 'm').test(text)) return `is taken: ${file} already names it`;
  }
  const domain = readIfExists(path.join(root, clusterFileOf(ENV)))?.match(DOMAIN)?.[1];
  if (domain === undefined) return undefined;
  const host = `${name}.${domain}`;
  const hostPattern = new RegExp(`(?<![-a-z0-9.])${host.replace(/\./g, '\\.')}(?![-a-z0-9.])`);
  const hostUser = filesIn(root, 'apps')
    .concat(filesIn(root, `dist/${ENV}`))
    .find((f) => hostPattern.test(readIfExists(path.join(root, f))!));
  if (hostUser) return `its staging host ${host} is already in use (${hostUser}); pick another name`;
  return undefined;
}

/** The repository and first version: from --image, or the other apps' registry with a placeholder version. */
function firstVersion(root: string, name: string, image: string | undefined): { repository: string; version: ReleaseVersion } {
  if (image !== undefined) {
    const ref = parseImage(image);
    if (!ref || !ref.tag || !ref.digest || ref.tag === 'latest') {
      throw new NewAppError(`--image ${JSON.stringify(image)}: must be <repository>:<tag>@sha256:<64 hex digits>, with a tag other than "latest"`);
    }
    return { repository: ref.repository, version: { tag: ref.tag, digest: ref.digest } };
  }
  const registry =
    filesIn(root, 'apps')
      .map((f) => readIfExists(path.join(root, f))!.match(/imageRepository: '([^']+)\/[^'/]+'/)?.[1])
      .find((r) => r !== undefined) ?? 'ghcr.io/example';
  const repository = `${registry}/${name}`;
  return { repository, version: placeholderVersionOf(repository) };
}

/** `legacy-site` → `legacySite`; a JavaScript keyword gets `App` appended. */
export function identifierOf(name: string): string {
  const ident = name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return RESERVED_WORDS.has(ident) ? `${ident}App` : ident;
}

function renderTemplate(template: string, v: { name: string; ident: string; description: string; repository: string; host: string; prodHost: string }): string {
  const cut = template.indexOf('// @new-app-cut-above\n');
  const body = cut === -1 ? template : template.slice(cut + '// @new-app-cut-above\n'.length);
  const values: Record<string, string> = {
    "'../../constructs/": "'../constructs/",
    'app-name.staging-domain': v.host,
    'app-name.prod-domain': v.prodHost,
    'image-repository': v.repository,
    APP_DESCRIPTION: v.description,
    appIdentifier: v.ident,
    'app-name': v.name,
  };
  const pattern = new RegExp(
    Object.keys(values)
      .map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
      .join('|'),
    'g',
  );
  return body.replace(pattern, (match) => values[match]);
}

/** apps/index.ts with the app imported (imports kept sorted) and appended to APPS. */
function registerInIndex(text: string, name: string, ident: string): string {
  const importLine = `import { ${ident} } from './${name}';`;
  const lines = text.split('\n');
  const imports = lines.map((l, i) => ({ l, i })).filter(({ l }) => /^import \{ \w+ \} from '\.\/[\w-]+';$/.test(l));
  if (imports.length === 0) throw new NewAppError(`${INDEX}: found no "import { app } from './app';" lines to add the new app to`);
  const modulePath = (l: string) => l.slice(l.indexOf("'"));
  const after = imports.filter(({ l }) => modulePath(l) < `'./${name}'`).pop();
  lines.splice(after ? after.i + 1 : imports[0].i, 0, importLine);
  const withImport = lines.join('\n');
  const list = /(export const APPS\b[^=]*=\s*\[)([\s\S]*?)(\];)/.exec(withImport);
  if (!list) throw new NewAppError(`${INDEX}: found no "export const APPS … = [ … ];" to add the new app to`);
  const body = list[2];
  let next: string;
  if (body.includes('\n')) {
    const trimmed = body.trimEnd();
    next = `${trimmed}${trimmed.trim() && !trimmed.endsWith(',') ? ',' : ''}\n  ${ident},\n`;
  } else {
    next = `${body.trim()}${body.trim() ? ', ' : ''}${ident}`;
  }
  return withImport.slice(0, list.index) + list[1] + next + list[3] + withImport.slice(list.index + list[0].length);
}

/** The cluster file with `key: value` added as the last entry of its top-level `block: { … }`. */
function addToBlock(text: string, file: string, block: string, name: string, value: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l === `  ${block}: {`);
  const end = start === -1 ? -1 : lines.findIndex((l, i) => i > start && /^ {2}\},?$/.test(l));
  if (end === -1) throw new NewAppError(`${file}: found no top-level "${block}: {" … "}," block to add the app to; add it by hand`);
  const key = /^[a-z_$][a-z0-9_$]*$/i.test(name) ? name : `'${name}'`;
  lines.splice(end, 0, `    ${key}: ${value},`);
  return lines.join('\n');
}

/** Files below root/dir, relative to root. */
function filesIn(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesIn(root, `${dir}/${e.name}`) : [`${dir}/${e.name}`]));
}

/** What new-app prints: every file it wrote or changed, the synth's summary, and what to do next. */
export function describeNewApp(result: NewAppResult): string[] {
  const [appFile, ...registered] = result.files;
  return [
    `new-app: wrote ${appFile}`,
    ...registered.map((file) => `new-app: changed ${file}`),
    `new-app: the staging synth changed ${result.generated.length} generated file${result.generated.length === 1 ? '' : 's'}:`,
    ...result.generated.map((file) => `  ${file}`),
    result.summary,
    result.next,
  ];
}

export const NEW_APP_USAGE = 'usage: npm run new-app -- <name> [--description "<one line>"] [--image <repository>:<tag>@sha256:<digest>]';

/** The command line: `<name> [--description <text>] [--image <ref>]`, or 'help' for `--help`. */
export function parseNewAppArgs(args: readonly string[]): { name: string; options: NewAppOptions } | 'help' {
  let line;
  try {
    line = readCommandLine(args, { description: { type: 'string' }, image: { type: 'string' } }, NEW_APP_USAGE, { positionals: true });
  } catch (error) {
    if (!(error instanceof CommandLineError)) throw error;
    throw new NewAppError(error.message);
  }
  if (line.help) return 'help';
  const [name, extra] = line.positionals;
  if (name === undefined) throw new NewAppError(`the app's name is missing; ${NEW_APP_USAGE}`);
  if (extra !== undefined) throw new NewAppError(`unexpected argument ${JSON.stringify(extra)}: name one app; ${NEW_APP_USAGE}`);
  const { description, image } = line.values;
  return { name, options: { ...(description !== undefined ? { description } : {}), ...(image !== undefined ? { image } : {}) } };
}

if (require.main === module) {
  try {
    const args = parseNewAppArgs(process.argv.slice(2));
    if (args === 'help') showUsage(console, NEW_APP_USAGE);
    else {
      const result = newApp(REPO_ROOT, args.name, args.options, { onWait: (m) => console.error(`new-app: ${m}`) });
      for (const line of describeNewApp(result)) console.log(line);
    }
  } catch (error) {
    if (error instanceof NewAppError || error instanceof RepoBusyError) {
      console.error(`new-app: ${error.message}\nnothing written`);
      process.exitCode = error instanceof NewAppError ? error.exitCode : 3;
    } else {
      console.error(error);
      process.exitCode = 1;
    }
  }
}
