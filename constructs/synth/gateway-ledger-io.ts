import * as fs from 'node:fs';
import * as path from 'node:path';
import { EMPTY_LEDGER, gatewayLedgerFileOf, indexOfGateway, type GatewayLedger } from '../model/gateway-layout';
import { SynthError } from '../model/spec-error';

/** Env → its ledger of which Gateway holds each host's own listener. */
export type GatewayLedgers = Readonly<Record<string, GatewayLedger>>;

/** Reads `clusters/<env>/gateway-ledger.json` of each env below root; an env without one starts empty. */
export function readGatewayLedgers(root: string, envs: readonly string[]): GatewayLedgers {
  return Object.fromEntries([...new Set(envs)].map((env) => [env, readGatewayLedger(root, env)]));
}

export function readGatewayLedger(root: string, env: string): GatewayLedger {
  const file = gatewayLedgerFileOf(env);
  const full = path.join(root, file);
  if (!fs.existsSync(full)) return EMPTY_LEDGER;
  const fail = (why: string) => new SynthError([`file "${file}", env "${env}": ${why}; synth writes this file, restore it from git`], 'invalid gateway ledger');
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(full, 'utf8'));
  } catch (error) {
    throw fail(`is not valid JSON: ${(error as Error).message}`);
  }
  const hosts = (parsed as GatewayLedger | null)?.hosts;
  if (typeof hosts !== 'object' || hosts === null || Array.isArray(hosts)) throw fail('field "hosts" must be an object of host → Gateway');
  for (const [host, gateway] of Object.entries(hosts)) {
    if (typeof gateway !== 'string' || indexOfGateway(gateway) < 0)
      throw fail(`field "hosts.${host}" = ${JSON.stringify(gateway)}: is not one of the Gateways (public, public-1, …)`);
  }
  return parsed as GatewayLedger;
}
