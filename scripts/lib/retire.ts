/**
 * `npm run retire -- <app> --reason "<why the data is kept>"`: takes an app out of the platform the way
 * docs/retire-an-app.md describes, with no hand edits. Under the repo's write lock it
 * - takes the app out of `apps` and `access.apps` of every cluster spec, and turns its `appData` entry
 *   into a retirement note (`{ retiredOn, reason, storageDriver }`, the driver of its volumes: its storage's,
 *   or Mountpoint, whose volumes its backup jobs mount where it has no storage), so that its bucket and
 *   backups stay, and the driver of its volumes too;
 * - removes its entry from every env's releases file, its import and entry in apps/index.ts, and its file;
 * - synthesizes every env.
 * A refused request writes nothing; a failing synth puts every file back as it was. It then prints every
 * file it changed and what remains of the app, and where.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { AppSpec, StorageDriver } from '../../constructs/model/app-spec';
import {
  backupBucketOf,
  backupPrefixOf,
  bucketOf,
  geesefsUserOf,
  namespaceOf,
  offsiteBackupBucketOf,
  S3_CREDENTIALS_STORE_SECRET,
  secretStoreKeyOf,
} from '../../constructs/model/naming';
import { releasesFileOf, renderReleasesFile, type ReleasesFile } from '../../constructs/model/releases';
import type { KubeObject } from '../../constructs/model/kube-object';
import { SynthError } from '../../constructs/model/spec-error';
import { parseReleasesText } from '../../constructs/synth/releases-io';
import { appFileOf, clusterFileOf } from '../../constructs/synth/source-files';
import { scriptCommand } from '../repo-copy';
import { changedFiles, snapshotFiles } from './changed-files';
import type { Repo } from './release';
import { withRepoLock } from './repo-lock';
import { importsOf, retireInCluster, SourceEditError, unregisterApp } from './source-edits';
import { readIfExists, restore, writeAtomically } from './source-files-io';

const INDEX = 'apps/index.ts';
/** Where other code could import an app file from. */
const SOURCE_DIRS = ['apps', 'clusters', 'constructs', 'scripts', 'test'];

/** A request retire refuses; nothing was written. */
export class RetireError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'RetireError';
  }
}

export interface RetireRequest {
  readonly app: string;
  /** Why the data is kept, and who may decide to give it up: the `reason` of the retirement note. */
  readonly reason: string;
  /** The `retiredOn` date, YYYY-MM-DD. @default today (UTC) */
  readonly date?: string;
}

/** One thing the app leaves behind on purpose, and where it is. */
export interface Remains {
  readonly cluster: string;
  readonly what: string;
}

export interface RetireResult {
  /** Each source file changed or removed, with what changed in it. */
  readonly files: ReadonlyArray<{ readonly file: string; readonly change: string }>;
  /** The generated files the synth added, changed or removed. */
  readonly generated: readonly string[];
  /** The synth's summary line. */
  readonly summary: string;
  readonly remains: readonly Remains[];
  /** The driver of its volumes, which its retirement note records (Mountpoint for an app without storage: its backup jobs' volumes). */
  readonly storageDriver?: StorageDriver;
  /** Docs that still name the app's file. */
  readonly mentions: readonly string[];
}

interface Edit {
  readonly file: string;
  /** The new content; undefined removes the file. */
  readonly content: string | undefined;
  readonly change: string;
}

export function retire(repo: Repo, request: RetireRequest): RetireResult {
  return withRepoLock(repo.root, 'retire', () => retireLocked(repo, request), repo.lock);
}

function retireLocked(repo: Repo, request: RetireRequest): RetireResult {
  const { root } = repo;
  const spec = repo.apps.find((a) => a.name === request.app);
  const edits = plan(repo, request);
  const originals = new Map(edits.map((e) => [e.file, readIfExists(path.join(root, e.file))]));
  const filesBefore = snapshotFiles(root);
  // The volumes are named after their sources (constructs/app/bucket-volume.ts): read them before the synth drops them.
  const volumes = new Map(repo.clusters.map((c) => [c.env, persistentVolumesOf(root, c.env, request.app)]));
  try {
    for (const edit of edits) {
      if (edit.content === undefined) fs.rmSync(path.join(root, edit.file));
      else writeAtomically(path.join(root, edit.file), edit.content);
    }
  } catch (error) {
    restore(root, originals);
    throw error;
  }
  const [cmd, args] = scriptCommand(root, 'main.ts');
  const synth = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  if (synth.status !== 0) {
    restore(root, originals);
    throw new RetireError(`synth failed, so every file is back as it was:\n${(synth.stderr || synth.stdout).trim()}`, 1);
  }
  const generated = changedFiles(
    filesBefore,
    snapshotFiles(root),
    edits.map((e) => e.file),
  );
  return {
    files: edits.map(({ file, change }) => ({ file, change })),
    generated,
    summary: synth.stdout.trim().split('\n').pop() ?? '',
    remains: remainsOf(repo, request.app, spec, volumes),
    storageDriver: storageDriverOf(spec),
    mentions: mentionsOf(root, request.app),
  };
}

/** Every edit, worked out before anything is written; throws RetireError when the request cannot be done. */
function plan(repo: Repo, request: RetireRequest): Edit[] {
  const { root } = repo;
  const { app, reason } = request;
  const storageDriver = storageDriverOf(repo.apps.find((a) => a.name === app));
  const date = request.date ?? new Date().toISOString().slice(0, 10);
  const appFile = appFileOf(app);
  const known = repo.apps.map((a) => a.name).sort();
  if (!known.includes(app)) throw new RetireError(`app ${JSON.stringify(app)}: is not an app in ${INDEX} (known: ${known.join(', ')})`);
  if (!fs.existsSync(path.join(root, appFile))) throw new RetireError(`app "${app}": its file ${appFile} does not exist`);
  if (reason.trim() === '' || /[\n\r]/.test(reason)) {
    throw new RetireError(`--reason ${JSON.stringify(reason)}: must say, in one line, why the data is kept and who may decide to give it up`);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) throw new RetireError(`--date ${JSON.stringify(date)}: must be a date, YYYY-MM-DD`);
  const importers = importersOf(root, app);
  if (importers.length > 0)
    throw new RetireError(`app "${app}": ${importers.join(', ')} import${importers.length === 1 ? 's' : ''} ${appFile}; remove that first`);

  const edits: Edit[] = [];
  const attempt = <T>(file: string, edit: () => T): T => {
    try {
      return edit();
    } catch (error) {
      if (error instanceof SourceEditError) throw new RetireError(`${error.message}; edit ${file} by hand (see docs/retire-an-app.md)`);
      if (error instanceof SynthError) throw new RetireError(`${error.message}\nfix ${file} first`);
      throw error;
    }
  };
  for (const env of [...new Set(repo.clusters.map((c) => c.env))]) {
    const clusterFile = clusterFileOf(env);
    const text = read(root, clusterFile);
    const note = { retiredOn: date, reason, ...(storageDriver ? { storageDriver } : {}) };
    const edited = attempt(clusterFile, () => retireInCluster(clusterFile, text, app, note));
    if (edited.fields.length > 0) edits.push({ file: clusterFile, content: edited.text, change: edited.fields.join(', ') });

    const releasesFile = releasesFileOf(env);
    const releasesText = readIfExists(path.join(root, releasesFile));
    if (releasesText === undefined) continue;
    const releases = attempt(releasesFile, () => parseReleasesText(releasesText, releasesFile, env));
    if (releases.apps?.[app] !== undefined) {
      edits.push({ file: releasesFile, content: renderReleasesFile(withoutRelease(releases, app)), change: `apps.${app}` });
    }
  }
  edits.push({ file: INDEX, content: attempt(INDEX, () => unregisterApp(INDEX, read(root, INDEX), app)), change: 'its import and its entry in APPS' });
  edits.push({ file: appFile, content: undefined, change: 'removed' });
  return edits;
}

const withoutRelease = (file: ReleasesFile, app: string): ReleasesFile => ({
  ...file,
  apps: Object.fromEntries(Object.entries(file.apps).filter(([name]) => name !== app)),
});

/**
 * The driver of the app's volumes, which outlive it: its storage's, or for an app without storage Mountpoint,
 * over which its backup and restore jobs mount its bucket (backup-jobs.ts). Undefined only for no app.
 */
const storageDriverOf = (spec: AppSpec | undefined): StorageDriver | undefined => (spec ? (spec.storage?.driver ?? 'mountpoint-s3') : undefined);

const listed = (names: readonly string[]): string => (names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

/** What the app leaves behind in each cluster that kept its data: docs/retire-an-app.md says why and for how long. */
function remainsOf(repo: Repo, app: string, spec: AppSpec | undefined, volumesByEnv: ReadonlyMap<string, readonly string[]>): Remains[] {
  return repo.clusters
    .filter((c) => app in c.apps || c.appData[app] !== undefined)
    .flatMap((c) => {
      const terraform = `dist/${c.env}/terraform/main.tf.json`;
      const driver = storageDriverOf(spec);
      const secrets = `its secrets under ${secretStoreKeyOf(c.env, app, '')} in AWS Secrets Manager`;
      const remains: Remains[] = [
        { cluster: c.name, what: `bucket ${bucketOf(c.name, app)}: kept in ${terraform} (prevent_destroy), tagged retired` },
        {
          cluster: c.name,
          what: `namespace ${namespaceOf(app)} and the flux-apps Role and RoleBinding in it: Flux never prunes them`,
        },
        {
          cluster: c.name,
          what:
            driver === 'geesefs'
              ? `${secrets}; ${S3_CREDENTIALS_STORE_SECRET} there holds the access key of its GeeseFS user ${geesefsUserOf(c.name, app)}, which the Terraform apply deletes with the user: delete ${secretStoreKeyOf(c.env, app, S3_CREDENTIALS_STORE_SECRET)} then`
              : secrets,
        },
      ];
      if (driver) {
        const volumes = volumesByEnv.get(c.env) ?? [];
        const keeps = driver === 'geesefs' ? `; the GeeseFS driver (csi-s3) stays for them while appData.${app}.storageDriver says 'geesefs'` : '';
        const named = volumes.length === 1 ? `PersistentVolume ${volumes[0]} and its claim` : `PersistentVolumes ${listed(volumes)} and their claims`;
        remains.push(
          {
            cluster: c.name,
            what:
              `${volumes.length > 0 ? named : 'its PersistentVolumes and their claims'}, with any an earlier storage change left ` +
              `(kubectl get pv -l ${APP_LABEL}=${app}): never pruned${keeps}`,
          },
          {
            cluster: c.name,
            what:
              `its backups under ${backupPrefixOf(app)} in ${backupBucketOf(c.name)} and ${offsiteBackupBucketOf(c.name)}: ` +
              'they stay, and offsite stay locked, until a platform admin deletes them (the final clean-up)',
          },
        );
      }
      return remains;
    });
}

/** A label every PersistentVolume of an app carries, its value the app (labelsOf); docs/retire-an-app.md lists them by it. */
const APP_LABEL = 'app.kubernetes.io/name';

/** The names of the app's PersistentVolumes in the env's output, as committed, in its order. */
function persistentVolumesOf(root: string, env: string, app: string): string[] {
  return filesIn(root, `dist/${env}`)
    .filter((file) => path.basename(file) === `${app}.yaml`)
    .flatMap((file) => parseAllDocuments(read(root, file)).map((doc) => doc.toJS() as KubeObject | null))
    .filter((o): o is KubeObject => o?.kind === 'PersistentVolume' && o.metadata.labels?.[APP_LABEL] === app)
    .map((o) => o.metadata.name);
}

/** Source files other than apps/index.ts that import the app's file: removing it would break them. */
function importersOf(root: string, app: string): string[] {
  const target = path.join(root, 'apps', app);
  return SOURCE_DIRS.flatMap((dir) => filesIn(root, dir))
    .concat(fs.existsSync(path.join(root, 'main.ts')) ? ['main.ts'] : [])
    .filter((file) => file.endsWith('.ts') && file !== INDEX && file !== appFileOf(app))
    .filter((file) =>
      importsOf(file, read(root, file)).some((spec) => spec.startsWith('.') && path.resolve(root, path.dirname(file), spec).replace(/\.ts$/, '') === target),
    )
    .sort();
}

/** Docs and README that name the app's file, which will no longer exist. */
function mentionsOf(root: string, app: string): string[] {
  return filesIn(root, 'docs')
    .concat(['README.md'])
    .filter((file) => file.endsWith('.md') && (readIfExists(path.join(root, file)) ?? '').includes(appFileOf(app)))
    .sort();
}

/** Files below root/dir, relative to root, skipping installed packages. */
function filesIn(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .filter((e) => e.name !== 'node_modules')
    .flatMap((e) => (e.isDirectory() ? filesIn(root, `${dir}/${e.name}`) : [`${dir}/${e.name}`]));
}

function read(root: string, file: string): string {
  const text = readIfExists(path.join(root, file));
  if (text === undefined) throw new RetireError(`${file} is missing: run retire at the repo's root`);
  return text;
}

/** What retire prints: every file it changed, what the synth changed, what remains and where, and what to do next. */
export function describeRetire(app: string, result: RetireResult): string[] {
  const lines = result.files.map(({ file, change }) => (change === 'removed' ? `retire: removed ${file}` : `retire: changed ${file} (${change})`));
  lines.push(`retire: the synth changed ${result.generated.length} generated file${result.generated.length === 1 ? '' : 's'}:`);
  lines.push(...result.generated.map((file) => `  ${file}`), result.summary);
  lines.push(`What remains of ${app}, on purpose (docs/retire-an-app.md says when and how it may go):`);
  lines.push(...result.remains.map((r) => `  ${r.cluster}: ${r.what}`));
  if (result.mentions.length > 0) lines.push(`These docs still name ${appFileOf(app)}; update them: ${result.mentions.join(', ')}`);
  const goes =
    result.storageDriver === 'geesefs'
      ? "the app's Pod Identity associations, access entries and GeeseFS user (with its access keys) go"
      : "the app's Pod Identity associations and access entries go";
  lines.push(`next: npm test and npm run diff, commit it all, merge; then apply each env's Terraform: ${goes}, the bucket stays`);
  return lines;
}
