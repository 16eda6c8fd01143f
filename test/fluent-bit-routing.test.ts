import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLUSTERS } from './fixtures/specs/clusters';
import { parse } from 'yaml';
import { ALERTING_WATCHDOG } from '../constructs/alerts/alerting-watchdog';
import { platformRuleId } from '../constructs/alerts/rule';
import { alertRuleFilesIn } from '../constructs/alerts/rule-config-maps';
import { STREAM_KEY } from '../constructs/logging/fluent-bit-lua';
import {
  ACCESS_LOG_FIELDS,
  ALERTING_WATCHDOG_EVENT,
  containerLogStreamOf,
  gatewayAccessStreamOf,
  REPORT_KEY,
  STREAM_SUFFIX,
} from '../constructs/model/log-contract';
import { GATEWAY } from '../constructs/model/naming';
import { fixtureObjectsOf, tempDir } from './support';
import { requireTool } from './tool';

/*
 * The Lua filter of the synthesized Fluent Bit release, run by LuaJIT (the engine Fluent Bit embeds)
 * on records shaped as Fluent Bit's kubernetes filter leaves them.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const hasLuajit = requireTool('luajit', 'apt-get install -y luajit');

/** A Lua table literal of a JSON value. */
const lua = (value: Json): string => {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{${value.map(lua).join(',')}}`;
  return `{${Object.entries(value)
    .map(([k, v]) => `[${JSON.stringify(k)}]=${lua(v)}`)
    .join(',')}}`;
};

const HARNESS = `
local function encode(v)
  if type(v) == "table" then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = string.format("%q:%s", k, encode(v[k])) end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif type(v) == "string" then return string.format("%q", v)
  elseif v == nil then return "null"
  else return tostring(v) end
end
for _, record in ipairs(RECORDS) do
  local code, _, out = route("kube.x", 0, record)
  print(encode({ code = code, record = out }))
end
`;

const maybe = hasLuajit ? describe : describe.skip;
maybe('Fluent Bit routes every record to its stream (real LuaJIT)', () => {
  const release = fixtureObjectsOf(CLUSTERS[0].env).find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'fluent-bit') as Json;
  const [script] = Object.values(release.spec.values.luaScripts) as string[];
  const dir = tempDir('fluent-bit-lua');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function route(records: Json[]): { code: number; record: Json }[] {
    const file = path.join(dir, 'run.lua');
    fs.writeFileSync(file, `${script}\nRECORDS = ${lua(records)}\n${HARNESS}`);
    const run = spawnSync('luajit', [file], { encoding: 'utf8' });
    if (run.status !== 0 || run.stdout.trim() === '') throw new Error(`luajit failed:\n${run.stderr}\n${run.stdout}`);
    // LuaJIT's %q escapes differ from JSON only for control characters, which these records do not hold.
    return run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
  }
  const k8s = (namespace: string) => ({ kubernetes: { namespace_name: namespace, pod_name: 'p', container_name: 'c' } });
  const streamOf = (record: Json) => `${record[STREAM_KEY]}-${STREAM_SUFFIX}`;

  test("an app's line goes to its namespace's stream, with a level from its JSON", () => {
    const [out] = route([
      { ...k8s('shop'), log: '{"level":"ERROR","msg":"payment failed"}', stream: 'stdout', json: { level: 'ERROR', msg: 'payment failed' } },
    ]);
    expect(out.code).toBe(2);
    expect(streamOf(out.record)).toBe(containerLogStreamOf('shop'));
    expect(out.record.level).toBe('error');
  });

  test('levels are normalised from parsers and from stderr text; plain stdout has none', () => {
    const outs = route([
      { ...k8s('legacy-site'), log: '[php:warn] x', level: 'warning', stream: 'stderr' },
      { ...k8s('legacy-site'), log: 'PHP Fatal error: Uncaught Exception', stream: 'stderr' },
      { ...k8s('legacy-site'), log: 'GET / 200', stream: 'stdout' },
    ]);
    expect(outs.map((o) => o.record.level ?? null)).toEqual(['warn', 'error', null]);
  });

  test("platform namespaces are collected like apps (flux-system, the gateway's own non-access lines)", () => {
    const outs = route([
      { ...k8s('flux-system'), log: 'reconciliation failed', stream: 'stderr' },
      { ...k8s(GATEWAY.namespace), log: 'envoy started', stream: 'stderr' },
    ]);
    expect(outs.map((o) => streamOf(o.record))).toEqual([containerLogStreamOf('flux-system'), containerLogStreamOf(GATEWAY.namespace)]);
  });

  test("a Gateway access line goes to its app's access stream, lifted to the top, typed, with the app's namespace", () => {
    const [out] = route([
      {
        ...k8s(GATEWAY.namespace),
        stream: 'stdout',
        json: {
          authority: 'shop.example.com',
          route_name: 'httproute/shop/shop/rule/0/match/0/shop_example_com',
          response_code: '503',
          duration: '41',
          bytes_sent: '512',
          method: 'GET',
        },
      },
    ]);
    expect(streamOf(out.record)).toBe(gatewayAccessStreamOf('shop'));
    expect(out.record.json).toBeUndefined();
    expect(out.record).toMatchObject({
      [ACCESS_LOG_FIELDS.host]: 'shop.example.com',
      [ACCESS_LOG_FIELDS.namespace]: 'shop',
      [ACCESS_LOG_FIELDS.status]: 503,
      [ACCESS_LOG_FIELDS.durationMs]: 41,
      [ACCESS_LOG_FIELDS.bytesSent]: 512,
    });
  });

  test("the alerting watchdog's report line lands where the rule that watches for it looks", () => {
    const objects = fixtureObjectsOf(CLUSTERS[0].env);
    const cronJob = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === ALERTING_WATCHDOG.name)!;
    const [[, text]] = alertRuleFilesIn(objects).filter(([file]) => file === `${platformRuleId('container-logs-stopped')}.yaml`);
    const rule = parse(text);
    const report = { [REPORT_KEY]: { event: ALERTING_WATCHDOG_EVENT, status: 'ok', notified: '' } };
    const [out] = route([{ ...k8s(cronJob.metadata.namespace!), log: JSON.stringify(report), stream: 'stdout', json: report }]);
    expect(streamOf(out.record)).toBe(rule.index);
    const [[field, value]] = Object.entries(rule.filter[0].term) as [string, string][];
    expect(field.split('.').reduce((at: Json, key) => at?.[key], out.record)).toBe(value);
  });

  test('a record without Kubernetes metadata still lands somewhere searchable', () => {
    const [out] = route([{ log: 'orphan', stream: 'stdout' }]);
    expect(streamOf(out.record)).toBe(containerLogStreamOf('unknown'));
  });
});
