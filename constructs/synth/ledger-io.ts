import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { appsLayerOf, EMPTY_FLUX_SHARD_LEDGER, FLUX_SHARD_APPS, fluxShardsFileOf, shardOfAppsLayer, type FluxShardLedger } from '../model/flux-shards';
import { EMPTY_LEDGER, gatewayLedgerFileOf, indexOfGateway, type GatewayLedger } from '../model/gateway-layout';
import { SynthError } from '../model/spec-error';

// The ledgers synth writes beside each cluster spec and reads back on the next run, so that what it
// placed once stays where it is: hosts on Gateways, apps in Flux shards.

/** Env → its ledger of which Gateway holds each host's own listener. */
export type GatewayLedgers = Readonly<Record<string, GatewayLedger>>;
/** Env → its ledger of each app's Flux shard. */
export type FluxShardLedgers = Readonly<Record<string, FluxShardLedger>>;

/** Reads `clusters/<env>/gateway-ledger.json` of each env below root; an env without one starts empty. */
export function readGatewayLedgers(root: string, envs: readonly string[]): GatewayLedgers {
  return Object.fromEntries([...new Set(envs)].map((env) => [env, readGatewayLedger(root, env)]));
}

export function readGatewayLedger(root: string, env: string): GatewayLedger {
  return readLedger(root, env, gatewayLedgerFileOf(env), 'invalid gateway ledger', EMPTY_LEDGER, 'hosts', 'host → Gateway', (gateway) =>
    typeof gateway !== 'string' || indexOfGateway(gateway) < 0 ? 'is not one of the Gateways (public, public-1, …)' : undefined,
  );
}

/** Reads `clusters/<env>/flux-shards.json` of each env below root; an env without one takes its apps' shards from its committed `dist/<env>/`. */
export function readFluxShardLedgers(root: string, envs: readonly string[]): FluxShardLedgers {
  return Object.fromEntries([...new Set(envs)].map((env) => [env, readFluxShardLedger(root, env)]));
}

function readFluxShardLedger(root: string, env: string): FluxShardLedger {
  const file = fluxShardsFileOf(env);
  const heading = 'invalid Flux shard ledger';
  if (!fs.existsSync(path.join(root, file))) return ledgerOfCommittedLayers(root, env, heading);
  const ledger = readLedger(root, env, file, heading, EMPTY_FLUX_SHARD_LEDGER, 'apps', 'app → shard', (shard) =>
    Number.isSafeInteger(shard) && (shard as number) >= 0 ? undefined : 'is not a shard number (0, 1, …)',
  );
  // Only a hand edit overfills a shard past the first; its Kustomizations would build as slowly as the one
  // layer shards replace. Shard 0 may hold the apps of a cluster synthesized before shards came in.
  const sizes = new Map<number, number>();
  for (const shard of Object.values(ledger.apps)) sizes.set(shard, (sizes.get(shard) ?? 0) + 1);
  const over = [...sizes].filter(([shard, size]) => shard > 0 && size > FLUX_SHARD_APPS).sort(([a], [b]) => a - b);
  if (over.length > 0) {
    throw new SynthError(
      over.map(
        ([shard, size]) =>
          `file "${file}", env "${env}": shard ${shard} holds ${size} apps, more than ${FLUX_SHARD_APPS}; synth writes this file, restore it from git`,
      ),
      heading,
    );
  }
  return ledger;
}

/**
 * Where no ledger is committed yet, each app's shard is where Flux applies it now: the apps layer of the
 * committed `dist/<env>/` that lists its file (`apps/` is shard 0, `apps-<n>/` shard n). So the first synth
 * that keeps a ledger moves no app, also in a cluster synthesized before shards came in, whose `apps/`
 * holds every app; a move would let the app's old Kustomization prune it before the new one applies it.
 */
function ledgerOfCommittedLayers(root: string, env: string, heading: string): FluxShardLedger {
  const dist = path.join(root, 'dist', env);
  if (!fs.existsSync(dist)) return EMPTY_FLUX_SHARD_LEDGER;
  const apps: Record<string, number> = {};
  for (const layer of fs.readdirSync(dist).sort()) {
    const shard = shardOfAppsLayer(layer);
    const file = `dist/${env}/${layer}/kustomization.yaml`;
    if (shard === undefined || !fs.existsSync(path.join(root, file))) continue;
    const fail = (why: string) => new SynthError([`file "${file}", env "${env}": ${why}; synth writes this file, restore it from git`], heading);
    let resources: unknown;
    try {
      resources = (parseYaml(fs.readFileSync(path.join(root, file), 'utf8')) as { resources?: unknown } | null)?.resources;
    } catch (error) {
      throw fail(`is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    if (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string' || !r.endsWith('.yaml')))
      throw fail('field "resources" must list the app files of the layer (<app>.yaml)');
    for (const resource of resources as string[]) {
      const app = resource.slice(0, -'.yaml'.length);
      if (apps[app] !== undefined) throw fail(`lists app "${app}", which ${appsLayerOf(apps[app])}/ lists too`);
      apps[app] = shard;
    }
  }
  return { apps };
}

/** A ledger file's content, where each entry of its `field` object passed `problemOf`; none where the file is missing. */
function readLedger<T>(
  root: string,
  env: string,
  file: string,
  heading: string,
  empty: T,
  field: string,
  shape: string,
  problemOf: (value: unknown) => string | undefined,
): T {
  const full = path.join(root, file);
  if (!fs.existsSync(full)) return empty;
  const fail = (why: string) => new SynthError([`file "${file}", env "${env}": ${why}; synth writes this file, restore it from git`], heading);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(full, 'utf8'));
  } catch (error) {
    throw fail(`is not valid JSON: ${(error as Error).message}`);
  }
  const entries = (parsed as Record<string, unknown> | null)?.[field];
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) throw fail(`field "${field}" must be an object of ${shape}`);
  for (const [key, value] of Object.entries(entries)) {
    const problem = problemOf(value);
    if (problem) throw fail(`field "${field}.${key}" = ${JSON.stringify(value)}: ${problem}`);
  }
  return parsed as T;
}
