import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { APPS } from '../apps';
import { synthCloud } from '../constructs/cloud/synth-cloud';
import type { TerraformJson } from '../constructs/cloud/terraform-json';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { resolveApp, type ResolvedApp } from '../constructs/model/resolve';
import { CLUSTERS } from '../clusters';
import { buildAll, type SynthInput } from '../constructs/synth/pipeline';
import { readGatewayLedgers } from '../constructs/synth/gateway-ledger-io';
import { readReleases } from '../constructs/synth/releases-io';
import { allObjects, type KubeObject, type OutputFile } from '../constructs/synth/kube-object';
import { SynthError } from '../constructs/policy/spec-error';
import { REAL_OUTPUT_CACHE_ENV } from './real-output-cache';

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
};

let cached: OutputFile[] | undefined;
/** The real clusters, built once per test run (test/global-setup.ts), or once per file where that build is missing. */
export function realOutput(): OutputFile[] {
  const file = process.env[REAL_OUTPUT_CACHE_ENV];
  cached ??= file && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as OutputFile[]) : buildAll(REAL_INPUT);
  return cached;
}
export const realObjects = (): KubeObject[] => allObjects(realOutput());
/** One env's objects: its dist/<env>/ layers and its Flux entry point. */
export const realObjectsOf = (env: string): KubeObject[] =>
  allObjects(realOutput().filter((f) => f.path.startsWith(`dist/${env}/`) || f.path.startsWith(`clusters/${env}/`)));

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

/** A cluster's apps, resolved in the order its spec names them, for the cloud stack alone. */
export const cloudAppsOf = (cluster: ClusterSpec): ResolvedApp[] =>
  Object.keys(cluster.apps).map((name) =>
    resolveApp(
      APPS.find((a) => a.name === name)!,
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
