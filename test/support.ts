import { fluxSystemDirOf } from '../constructs/gitops/flux-network-policies';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { APPS } from '../apps';
import { synthCloud } from '../constructs/synth/synth-cloud';
import type { TerraformJson } from '../constructs/cloud/terraform-json';
import type { AppSpec } from '../constructs/model/app-spec';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { resolveApp, type ResolvedApp } from '../constructs/model/resolve';
import { CLUSTERS } from '../clusters';
import { buildAll, type SynthInput } from '../constructs/synth/pipeline';
import { readFluxShardLedgers, readGatewayLedgers } from '../constructs/synth/ledger-io';
import { readReleases } from '../constructs/synth/releases-io';
import { writeOutput } from '../constructs/synth/write-output';
import { allObjects, type KubeObject, type OutputFile } from '../constructs/model/kube-object';
import { SynthError } from '../constructs/model/spec-error';
import { copyRepo } from '../scripts/repo-copy';
import { FIXTURE_APPS, FIXTURE_INPUT, FIXTURE_ROOT } from './fixtures/specs';
import { FIXTURE_OUTPUT_CACHE_ENV, REAL_OUTPUT_CACHE_ENV } from './real-output-cache';

export { FIXTURE_APPS, FIXTURE_CLUSTERS, FIXTURE_INPUT, FIXTURE_RELEASES } from './fixtures/specs';

/** The repo itself; tests read it, and write only to temp copies. */
export const REPO_ROOT = path.resolve(__dirname, '..');
/** The committed releases files of every env. */
export const REAL_RELEASES = readReleases(
  REPO_ROOT,
  CLUSTERS.map((c) => c.env),
);
export const REAL_INPUT: SynthInput = {
  clusters: CLUSTERS,
  apps: APPS,
  releases: REAL_RELEASES,
  gatewayLedgers: readGatewayLedgers(
    REPO_ROOT,
    CLUSTERS.map((c) => c.env),
  ),
  fluxShardLedgers: readFluxShardLedgers(
    REPO_ROOT,
    CLUSTERS.map((c) => c.env),
  ),
};

const cached = new Map<string, OutputFile[]>();
/** An input's output, built once per test run (test/global-setup.ts), or once per file where that build is missing. */
function outputOf(input: SynthInput, cacheEnv: string): OutputFile[] {
  const file = process.env[cacheEnv];
  if (!cached.has(cacheEnv)) cached.set(cacheEnv, file && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as OutputFile[]) : buildAll(input));
  return cached.get(cacheEnv)!;
}
/** One env's objects: its dist/<env>/ layers and its Flux entry point. */
const objectsOfEnv = (output: readonly OutputFile[], env: string): KubeObject[] =>
  allObjects(output.filter((f) => f.path.startsWith(`dist/${env}/`) || f.path.startsWith(`clusters/${env}/`)));

/** The repo's real clusters: test only what must hold for any apps and clusters a user writes. */
export const realOutput = (): OutputFile[] => outputOf(REAL_INPUT, REAL_OUTPUT_CACHE_ENV);
export const realObjects = (): KubeObject[] => allObjects(realOutput());
export const realObjectsOf = (env: string): KubeObject[] => objectsOfEnv(realOutput(), env);

/** The fixture clusters (test/fixtures/specs): the place for assertions on particular apps, hosts, counts and values. */
export const fixtureOutput = (): OutputFile[] => outputOf(FIXTURE_INPUT, FIXTURE_OUTPUT_CACHE_ENV);
export const fixtureObjects = (): KubeObject[] => allObjects(fixtureOutput());
export const fixtureObjectsOf = (env: string): KubeObject[] => objectsOfEnv(fixtureOutput(), env);

/**
 * A copy of the repo at `to` (scripts/repo-copy.ts) whose apps/ and clusters/ are the fixture specs and whose
 * generated files are theirs, so that a script test works on apps that no user edits.
 */
export function fixtureRepoCopy(to: string): string {
  copyRepo(REPO_ROOT, to);
  fs.rmSync(path.join(to, 'apps'), { recursive: true, force: true });
  for (const dir of ['apps', 'clusters']) {
    for (const rel of fs.readdirSync(path.join(FIXTURE_ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      const from = path.join(FIXTURE_ROOT, dir, rel);
      if (!fs.statSync(from).isFile()) continue;
      // The fixtures sit three folders deeper than apps/ and clusters/ do in the repo.
      const text = fs.readFileSync(from, 'utf8').replace(/'((?:\.\.\/)+)\.\.\/\.\.\/\.\.\/constructs\//g, "'$1constructs/");
      fs.mkdirSync(path.dirname(path.join(to, dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(to, dir, rel), text);
    }
  }
  writeOutput(to, fixtureOutput());
  return to;
}

export const tempDir = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));

/** sha256 over every file's relative path and bytes below dir: equal hashes mean an identical tree. */
export function treeHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(path.relative(dir, full)).update('\0').update(fs.readFileSync(full)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex');
}

export const byKind = (objects: readonly KubeObject[], kind: string): KubeObject[] => objects.filter((o) => o.kind === kind);

/** The problems of the SynthError that `build` must throw; any other outcome fails the test. */
export function synthProblemsOf(build: () => unknown): string[] {
  try {
    build();
  } catch (error) {
    if (error instanceof SynthError) return error.problems.map(String);
    throw error;
  }
  throw new Error('expected a SynthError, but the build succeeded');
}

/** Temp dirs that are removed after the calling test file's tests. */
export function scopedTempDirs(): (prefix: string) => string {
  const made: string[] = [];
  afterAll(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  return (prefix) => {
    const dir = tempDir(prefix);
    made.push(dir);
    return dir;
  };
}

/** A cluster's apps (the real ones unless given), resolved in the order its spec names them, for the cloud stack alone. */
export const cloudAppsOf = (cluster: ClusterSpec, apps: readonly AppSpec[] = APPS): ResolvedApp[] =>
  Object.keys(cluster.apps).map((name) =>
    resolveApp(
      apps.find((a) => a.name === name)!,
      cluster,
    ),
  );
const realClouds = new Map<ClusterSpec, string>();
/**
 * A cluster's real Terraform JSON, built from its spec alone (no releases needed on the cloud side). The
 * stack is built once per cluster and test file; each call returns a fresh copy, free to edit.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const realCloudOf = (cluster: ClusterSpec): TerraformJson & any => {
  let text = realClouds.get(cluster);
  if (text === undefined) realClouds.set(cluster, (text = synthCloud(cluster, cloudAppsOf(cluster)).text));
  return JSON.parse(text);
};
/** A fixture cluster's apps, resolved for the cloud stack alone. */
export const fixtureCloudAppsOf = (cluster: ClusterSpec): ResolvedApp[] => cloudAppsOf(cluster, FIXTURE_APPS);
const fixtureClouds = new Map<ClusterSpec, string>();
/** A fixture cluster's Terraform JSON, built once per test file; each call gets its own copy. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const fixtureCloudOf = (cluster: ClusterSpec): TerraformJson & any => {
  let text = fixtureClouds.get(cluster);
  if (text === undefined) fixtureClouds.set(cluster, (text = synthCloud(cluster, fixtureCloudAppsOf(cluster)).text));
  return JSON.parse(text);
};

/** Every file below the given folders of root, by path relative to root, with its text. */
export function filesBelow(root: string, dirs: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else files.set(rel, fs.readFileSync(path.join(root, rel), 'utf8'));
    }
  };
  dirs.forEach(walk);
  return files;
}

/** The files whose bytes differ between two snapshots of filesBelow, added and removed ones included. */
export const changedBetween = (before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] =>
  [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f)).sort();

/** The objects that shape an env's network: dist/<env>/, and Flux's own policies beside bootstrap's manifests. */
export const networkObjectsOf = (files: readonly OutputFile[], env: string): KubeObject[] =>
  allObjects(files.filter((f) => f.path.startsWith(`dist/${env}/`) || f.path.startsWith(`${fluxSystemDirOf(env)}/`)));
