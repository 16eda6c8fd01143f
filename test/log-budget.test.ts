import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import { appRuleId } from '../constructs/alerts/rule';
import { alertRuleFilesIn } from '../constructs/alerts/rule-config-maps';
import { LOG_FIELD_MAPPINGS } from '../constructs/logging/field-types';
import { STREAM_KEY } from '../constructs/logging/fluent-bit-lua';
import { BACKUP_CONTAINER } from '../constructs/model/backup-job';
import {
  ACCESS_HEADROOM_PERCENT,
  accessBudgetOf,
  DEFAULT_ACCESS_HOSTS,
  DEFAULT_LOG_BUDGET,
  LOG_BUDGET_INTERVAL_SECONDS,
  logBudgetOf,
  REFUSED_BUDGET,
  UNROUTED_BUDGET,
} from '../constructs/model/log-budget';
import {
  ACCESS_LOG_FIELDS,
  containerLogStreamOf,
  gatewayAccessStreamOf,
  LOG_BUDGET_EVENT,
  LOG_FIELDS,
  LOG_SHIPPER_NAMESPACE,
  REPORT_KEY,
  REPORT_PATH,
  STREAM_SUFFIX,
  UNROUTED_NAMESPACE,
} from '../constructs/model/log-contract';
import type { AppSpec } from '../constructs/model/app-spec';
import { FLUX_NAMESPACE, GATEWAY } from '../constructs/model/naming';
import { resolveApp, type ResolvedApp } from '../constructs/model/resolve';
import { defaultAddOns, platformNamespaces } from '../constructs/platform/default-add-ons';
import { fixtureCloudAppsOf, fixtureObjectsOf, tempDir } from './support';
import { requireTool } from './tool';

/*
 * Why a per-app log budget, as read in Fluent Bit's source at the version we run: the fluent-bit chart
 * 0.47.0 (constructs/platform/fluent-bit.ts) has appVersion 3.1.0 (fluent/helm-charts@fluent-bit-0.47.0,
 * charts/fluent-bit/Chart.yaml), so the image is cr.fluentbit.io/fluent/fluent-bit:3.1.0; the files below are
 * fluent/fluent-bit@v3.1.0.
 *  - Chunks are per tag. input_chunk_get (src/flb_input_chunk.c) looks a chunk up by its tag
 *    (in->ht_log_chunks) and appends there, or creates one. The tail input's tag `kube.*` has the `*`
 *    replaced by the file's path (plugins/in_tail/tail_file.c, tag_compose), so each container's file has
 *    chunks of its own; no chunk mixes two apps' lines.
 *  - But the queue's limit is per output, and what it drops is blind to tags. flb_input_chunk_create appends
 *    every new chunk at the tail of the input's one list (mk_list_add(&ic->_head, &in->chunks)). When a
 *    chunk would take the es output past `storage.total_limit_size` (flb_input_chunk_has_overlimit_routes),
 *    flb_input_chunk_find_space_new_data → flb_input_chunk_release_space_compound →
 *    flb_input_chunk_release_space walks that list from its head, oldest first, and drops chunks (those of
 *    the storage backlog first, then the input's own) until the new one fits, skipping only chunks a flush is
 *    sending (flb_input_chunk_drop_task_route: task->users != 0). Every container's file is one tail
 *    input, so one app logging faster than Elasticsearch indexes keeps adding chunks at the tail while the
 *    chunks at the head, the other apps' (a quiet app's chunk fills slowly, so it is old), are dropped.
 *    The claim holds.
 *  - Mem_Buf_Limit does not pause our tail input: flb_input_chunk_protect returns before its memory check
 *    when the input's storage is the filesystem (`storage.type filesystem`), and input_chunk_append_raw
 *    only puts the chunk down (out of memory, still on disk). A pause, where it happens (memory-only inputs,
 *    or `storage.pause_on_chunks_overlimit`, off by default: src/flb_input.c), stops the whole input, every
 *    file on the node (flb_input_buf_paused, checked by plugins/in_tail/tail_file.c), not only the flooding one.
 *  - A filter runs inside input_chunk_append_raw (flb_filter_do), before the records are written to the
 *    chunk, so a line the Lua filter drops (return code -1: plugins/filter_lua/lua.c, cb_lua_filter) never
 *    takes room in the queue; and a filter may return an array of records (lua.c, pack_result), which is how
 *    the summary lines are added.
 * So the budget is kept in the Lua filter (constructs/logging/fluent-bit-lua.ts): past it, an app's lines are
 * dropped at the node, before the queue, and counted.
 *
 * The records' time is the container runtime's, from the CRI line, unless the app's logParser has a time
 * key of its own (the stock apache2 and nginx parsers do): such an app's clock then drives its own bucket.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const hasLuajit = requireTool('luajit', 'apt-get install -y luajit');

const NODE = 'ip-10-0-1-23.ec2.internal';
/** Records come in steps of 1/16 s, so a whole-number rate refills by exact binary fractions. */
const STEP = 1 / 16;
const START = 1_700_000_000;

/**
 * `count` records of one namespace's container at one time; with `proxy`, they are access lines of that Gateway
 * proxy pod for `namespace`'s route (an empty namespace: a request no route matched).
 */
interface Batch {
  readonly namespace: string;
  readonly container: string;
  readonly count: number;
  readonly time: number;
  readonly proxy?: string;
  /** An access line's response code. @default 200 */
  readonly status?: number;
}

/** Runs the filter over the batches; counts what it kept per stream, and returns every summary whole. */
const DRIVER = `
local function encode(v)
  if type(v) == "table" then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = string.format("%q:%s", k, encode(v[k])) end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif type(v) == "string" then return string.format("%q", v)
  else return tostring(v) end
end
local kept, summaries = {}, {}
for _, batch in ipairs(BATCHES) do
  local namespace, container, count, time, proxy, status = batch[1], batch[2], batch[3], batch[4], batch[5], batch[6]
  for i = 1, count do
    local record = { log = "line " .. i, stream = "stdout", kubernetes = { namespace_name = namespace, container_name = container, pod_name = namespace .. "-0", host = NODE } }
    if proxy ~= "" then
      local route = namespace ~= "" and ("httproute/" .. namespace .. "/" .. namespace .. "/rule/0/match/0/host") or nil
      record = { log = "{}", stream = "stdout", json = { response_code = tostring(status), route_name = route }, kubernetes = { namespace_name = GATEWAY_NAMESPACE, container_name = "envoy", pod_name = proxy, host = NODE } }
    end
    local code, _, out = route("kube.x", time, record)
    if code ~= -1 then
      for _, r in ipairs(out[1] ~= nil and out or { out }) do
        local report = type(r.json) == "table" and r.json["${REPORT_KEY}"]
        if type(report) == "table" and report.event == "${LOG_BUDGET_EVENT}" then
          summaries[#summaries + 1] = r
        else
          kept[r["${STREAM_KEY}"]] = (kept[r["${STREAM_KEY}"]] or 0) + 1
        end
      end
    end
  end
end
print(encode({ kept = kept, summaries = summaries }))
`;

const maybe = hasLuajit ? describe : describe.skip;
maybe("a per-app log budget at each node: one app's flood loses the others nothing (real LuaJIT)", () => {
  const objects = fixtureObjectsOf(CLUSTERS[0].env);
  const release = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'fluent-bit') as Json;
  const [script] = Object.values(release.spec.values.luaScripts) as string[];
  const dir = tempDir('log-budget');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(batches: readonly Batch[]): { kept: Record<string, number>; summaries: Json[] } {
    const file = path.join(dir, 'run.lua');
    const table = batches
      .map((b) => `{${JSON.stringify(b.namespace)},${JSON.stringify(b.container)},${b.count},${b.time},${JSON.stringify(b.proxy ?? '')},${b.status ?? 200}}`)
      .join(',\n');
    fs.writeFileSync(file, `${script}\nNODE = ${JSON.stringify(NODE)}\nBATCHES = {\n${table}\n}\n${DRIVER}`);
    const out = spawnSync('luajit', [file], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    if (out.status !== 0 || out.stdout.trim() === '') throw new Error(`luajit failed:\n${out.stderr}\n${out.stdout}`);
    const result = JSON.parse(out.stdout.trim());
    // encode() writes an empty Lua table as an object: no summaries is {}.
    return { kept: result.kept, summaries: Array.isArray(result.summaries) ? result.summaries : Object.values(result.summaries) };
  }
  const streamOf = (namespace: string) => containerLogStreamOf(namespace).slice(0, -(STREAM_SUFFIX.length + 1));

  /** The rule's index is `index`, and each clause of its filter holds for the summary, on a field typed as the clause queries. */
  function expectRuleMatches(ruleId: string, index: string, summary: Json): void {
    const [[, text]] = alertRuleFilesIn(objects).filter(([file]) => file === `${ruleId}.yaml`);
    const rule = parse(text);
    expect(rule.index).toBe(index);
    const valueAt = (field: string) => field.split('.').reduce((at: Json, key) => at?.[key], summary);
    for (const clause of rule.filter as Json[]) {
      const [[kind, body]] = Object.entries(clause) as [string, Json][];
      const [[field, wanted]] = Object.entries(body) as [string, Json][];
      const value = valueAt(field);
      if (kind === 'term') {
        expect([field, value]).toEqual([field, wanted]);
        expect([field, LOG_FIELD_MAPPINGS[field]]).toEqual([field, 'keyword']);
      } else if (kind === 'range') {
        expect([field, value >= wanted.gte]).toEqual([field, true]);
        expect([field, LOG_FIELD_MAPPINGS[field]]).toEqual([field, 'long']);
      } else throw new Error(`a clause this test does not read: ${JSON.stringify(clause)}`);
    }
  }

  const flooder = APPS.find((a) => a.name === 'shop')!;
  const quiet = APPS.find((a) => a.name === 'legacy-site')!;
  const budget = logBudgetOf(flooder);
  /** Four times the flooder's rate, in every step. */
  const perStep = Math.ceil(budget.linesPerSecond * STEP * 4);
  /** Steps 0..last: just under one interval, so every record falls in the first. */
  const last = LOG_BUDGET_INTERVAL_SECONDS / STEP - 16;
  const steps = Array.from({ length: last + 1 }, (_, k) => START + k * STEP);

  test('the fixture gives the flooding app a budget of its own, below its flood', () => {
    expect(flooder.logLinesPerSecond).toBeDefined();
    expect(perStep / STEP).toBeGreaterThan(budget.linesPerSecond);
  });

  test('the trickling app and a platform namespace lose nothing, the flooder keeps exactly its budget, and one summary counts the rest', () => {
    const batches: Batch[] = steps.flatMap((time, k) => [
      { namespace: flooder.name, container: 'app', count: perStep, time },
      { namespace: FLUX_NAMESPACE, container: 'manager', count: perStep, time },
      ...(k % 16 === 0 ? [{ namespace: quiet.name, container: 'app', count: 1, time }] : []),
    ]);
    // The first record at the interval's end brings the summary.
    const closing: Batch = { namespace: quiet.name, container: 'app', count: 1, time: START + LOG_BUDGET_INTERVAL_SECONDS };
    const { kept, summaries } = run([...batches, closing]);

    const sent = (namespace: string) => [...batches, closing].filter((b) => b.namespace === namespace).reduce((n, b) => n + b.count, 0);
    expect(kept[streamOf(quiet.name)]).toBe(sent(quiet.name));
    expect(kept[streamOf(FLUX_NAMESPACE)]).toBe(sent(FLUX_NAMESPACE));
    const elapsed = last * STEP;
    const allowed = budget.burstLines + budget.linesPerSecond * elapsed;
    expect(Number.isInteger(allowed)).toBe(true);
    expect(kept[streamOf(flooder.name)]).toBe(allowed);

    expect(summaries).toHaveLength(1);
    const [summary] = summaries;
    expect(summary[STREAM_KEY]).toBe(streamOf(flooder.name));
    expect(summary.json[REPORT_KEY]).toEqual({ event: LOG_BUDGET_EVENT, app: flooder.name, node: NODE, dropped: sent(flooder.name) - allowed });
    expect(summary.kubernetes).toMatchObject({ namespace_name: flooder.name, host: NODE });
    expect(summary[LOG_FIELDS.message]).toContain(`dropped ${sent(flooder.name) - allowed} log lines of ${flooder.name}`);
  });

  test('the summaries come once an interval, each with that interval’s count only, and none for an app within its budget', () => {
    /** A flood from `from` to `from + seconds`, both ends included. */
    const flood = (from: number, seconds: number): Batch[] =>
      Array.from({ length: seconds / STEP + 1 }, (_, k) => ({ namespace: flooder.name, container: 'app', count: perStep, time: from + k * STEP }));
    const trickle = (time: number): Batch => ({ namespace: quiet.name, container: 'app', count: 1, time });
    const interval = LOG_BUDGET_INTERVAL_SECONDS;
    // A flood of 30 s in the first interval, quiet for a while, then 10 s in the second.
    const { summaries } = run([
      ...flood(START, 30),
      trickle(START + interval),
      ...flood(START + interval + 10, 10),
      trickle(START + 2 * interval + 10),
      trickle(START + 3 * interval + 20),
    ]);
    const counts = summaries.map((s) => s.json[REPORT_KEY].dropped);
    const rate = budget.linesPerSecond;
    const firstKept = budget.burstLines + rate * 30;
    // The bucket refilled to its burst over the quiet time between the floods.
    const secondKept = budget.burstLines + rate * 10;
    expect(counts).toEqual([(30 / STEP + 1) * perStep - firstKept, (10 / STEP + 1) * perStep - secondKept]);
    expect(summaries.every((s) => s.json[REPORT_KEY].app === flooder.name)).toBe(true);
  });

  test("the backup jobs' container in the flooding app's namespace is not metered: its reports still arrive", () => {
    const batches: Batch[] = steps.slice(0, 161).flatMap((time) => [
      { namespace: flooder.name, container: 'app', count: perStep, time },
      { namespace: flooder.name, container: BACKUP_CONTAINER, count: 1, time },
    ]);
    const { kept } = run(batches);
    const elapsed = 160 * STEP;
    expect(kept[streamOf(flooder.name)]).toBe(budget.burstLines + budget.linesPerSecond * elapsed + 161);
  });

  test("the summary matches the app's alert rule, and every field of it the rule reads is mapped with the type the rule queries", () => {
    const time = (k: number) => START + k * STEP;
    const { summaries } = run([
      ...Array.from({ length: 400 }, (_, k) => ({ namespace: flooder.name, container: 'app', count: perStep, time: time(k) })),
      { namespace: quiet.name, container: 'app', count: 1, time: START + LOG_BUDGET_INTERVAL_SECONDS },
    ]);
    expect(summaries).toHaveLength(1);
    expectRuleMatches(appRuleId(flooder.name, 'log-lines-dropped'), containerLogStreamOf(flooder.name), summaries[0]);
    // Every report field of the summary is typed by our template: its words as keywords, its count as a number.
    for (const [key, value] of Object.entries(summaries[0].json[REPORT_KEY]))
      expect([key, LOG_FIELD_MAPPINGS[`${REPORT_PATH}.${key}`]]).toEqual([key, typeof value === 'number' ? 'long' : 'keyword']);
  });
  test('a namespace the script does not list (an app with the default budget, or one added since) is metered at the default', () => {
    const unlisted = 'an-app-added-since';
    expect(script).not.toContain(`"${unlisted}"`);
    const batches: Batch[] = steps
      .slice(0, 161)
      .map((time) => ({ namespace: unlisted, container: 'app', count: Math.ceil(DEFAULT_LOG_BUDGET.linesPerSecond * STEP * 4), time }));
    const { kept } = run(batches);
    expect(kept[streamOf(unlisted)]).toBe(DEFAULT_LOG_BUDGET.burstLines + DEFAULT_LOG_BUDGET.linesPerSecond * 160 * STEP);
  });

  test("a record from the future (an app's own time key) does not hold back the summaries; a platform record brings them", () => {
    const flood = steps.slice(0, 161).map((time) => ({ namespace: flooder.name, container: 'app', count: perStep, time }));
    // The skewed line comes early: had it moved the clock, the interval would end an hour late, and no summary come.
    const { summaries } = run([
      flood[0],
      { namespace: quiet.name, container: 'app', count: 1, time: START + 3600 },
      ...flood.slice(1),
      { namespace: FLUX_NAMESPACE, container: 'manager', count: 1, time: START + LOG_BUDGET_INTERVAL_SECONDS },
    ]);
    expect(summaries).toHaveLength(1);
    expect(summaries[0].json[REPORT_KEY].app).toBe(flooder.name);
  });

  describe("the Gateway's access lines: metered per app and per proxy pod", () => {
    const shop = fixtureCloudAppsOf(CLUSTERS[0]).find((a) => a.name === flooder.name)!;
    const access = accessBudgetOf(shop);
    const accessStreamOf = (namespace: string) => gatewayAccessStreamOf(namespace).slice(0, -(STREAM_SUFFIX.length + 1));
    const proxies = ['envoy-public-5d8f-abcde', 'envoy-public-5d8f-fghij'];
    const window = steps.slice(0, 161);
    const elapsed = 160 * STEP;
    const closing: Batch = { namespace: quiet.name, container: 'app', count: 1, time: START + LOG_BUDGET_INTERVAL_SECONDS };
    const sum = (batches: readonly Batch[], keep: (b: Batch) => boolean) => batches.filter(keep).reduce((n, b) => n + b.count, 0);

    test('the budget of passed requests is all the rate limit lets through, and more', () => {
      expect(access.linesPerSecond).toBeGreaterThanOrEqual((shop.edge.requestsPerSecond * shop.hosts.length * (100 + ACCESS_HEADROOM_PERCENT)) / 100);
      expect(access.burstLines).toBe(access.linesPerSecond * 10);
    });

    test("a flood of refused requests at one app: each proxy keeps every passed line and some 429s; the app's own lines, the quiet app and a platform namespace lose nothing", () => {
      /** Four times the refused budget, in every step, from each proxy. */
      const refusedPerStep = Math.ceil(REFUSED_BUDGET.linesPerSecond * STEP * 4);
      const batches: Batch[] = window.flatMap((time, k) => [
        ...proxies.flatMap((proxy) => [
          { namespace: flooder.name, container: 'envoy', count: refusedPerStep, time, proxy, status: 429 },
          { namespace: flooder.name, container: 'envoy', count: 1, time, proxy },
        ]),
        { namespace: flooder.name, container: 'app', count: 1, time },
        { namespace: FLUX_NAMESPACE, container: 'manager', count: 1, time },
        ...(k % 16 === 0 ? [{ namespace: quiet.name, container: 'envoy', count: 1, time, proxy: proxies[0] }] : []),
      ]);
      const { kept, summaries } = run([...batches, closing]);

      const refusedKept = REFUSED_BUDGET.burstLines + REFUSED_BUDGET.linesPerSecond * elapsed;
      expect(Number.isInteger(refusedKept)).toBe(true);
      const passed = sum(batches, (b) => b.namespace === flooder.name && b.proxy !== undefined && b.status === undefined);
      expect(kept[accessStreamOf(flooder.name)]).toBe(passed + proxies.length * refusedKept);
      expect(kept[accessStreamOf(quiet.name)]).toBe(sum(batches, (b) => b.namespace === quiet.name));
      expect(kept[streamOf(flooder.name)]).toBe(sum(batches, (b) => b.namespace === flooder.name && b.proxy === undefined));
      expect(kept[streamOf(FLUX_NAMESPACE)]).toBe(sum(batches, (b) => b.namespace === FLUX_NAMESPACE));

      // One summary per proxy pod, into the app's access stream, which the app's rule reads.
      expect(summaries.map((s) => s.kubernetes.pod_name).sort()).toEqual(proxies);
      for (const summary of summaries) {
        expect(summary[STREAM_KEY]).toBe(accessStreamOf(flooder.name));
        expect(summary.json[REPORT_KEY]).toEqual({
          event: LOG_BUDGET_EVENT,
          app: flooder.name,
          node: NODE,
          dropped: window.length * refusedPerStep - refusedKept,
        });
        expect(summary[LOG_FIELDS.message]).toContain(`429 access log lines of ${flooder.name} from Gateway proxy ${summary.kubernetes.pod_name}`);
        // Not a request: the access rules, which count lines of the route's namespace, do not count it.
        expect(summary[ACCESS_LOG_FIELDS.namespace]).toBeUndefined();
        expectRuleMatches(appRuleId(flooder.name, 'access-lines-dropped'), gatewayAccessStreamOf(flooder.name), summary);
      }
    });

    test('passed requests beyond what the rate limit allows are held to the budget too', () => {
      const perStep = Math.ceil(access.linesPerSecond * STEP * 4);
      const batches: Batch[] = window.map((time) => ({ namespace: flooder.name, container: 'envoy', count: perStep, time, proxy: proxies[0] }));
      const { kept, summaries } = run([...batches, closing]);
      const allowed = access.burstLines + access.linesPerSecond * elapsed;
      expect(Number.isInteger(allowed)).toBe(true);
      expect(kept[accessStreamOf(flooder.name)]).toBe(allowed);
      expect(summaries.map((s) => s.json[REPORT_KEY].dropped)).toEqual([window.length * perStep - allowed]);
    });

    test('the requests no route matched have a fixed budget per proxy pod', () => {
      const perStep = Math.ceil(UNROUTED_BUDGET.linesPerSecond * STEP * 4);
      const batches: Batch[] = window.map((time) => ({ namespace: '', container: 'envoy', count: perStep, time, proxy: proxies[0], status: 404 }));
      const { kept, summaries } = run([...batches, closing]);
      const allowed = UNROUTED_BUDGET.burstLines + UNROUTED_BUDGET.linesPerSecond * elapsed;
      expect(kept[accessStreamOf(UNROUTED_NAMESPACE)]).toBe(allowed);
      expect(summaries).toHaveLength(1);
      expect(summaries[0][STREAM_KEY]).toBe(accessStreamOf(UNROUTED_NAMESPACE));
      expect(summaries[0].json[REPORT_KEY]).toMatchObject({ app: UNROUTED_NAMESPACE, dropped: window.length * perStep - allowed });
    });
  });
});

describe('the routing script does not change when an app with the default budgets comes or goes', () => {
  /*
   * The chart rolls the DaemonSet whenever the script changes (checksum/luascripts on the pod template:
   * fluent/helm-charts@fluent-bit-0.47.0, charts/fluent-bit/templates/daemonset.yaml), so a script that listed
   * every app would restart Fluent Bit on every node at every app's arrival.
   */
  const cluster = CLUSTERS[0];
  const apps = fixtureCloudAppsOf(cluster);
  const valuesOf = (withApps: readonly ResolvedApp[]) =>
    defaultAddOns()
      .find((a) => a.name === 'fluent-bit')!
      .values({ cluster, apps: withApps });
  const defaultSpec: AppSpec = {
    ...APPS.find((a) => a.name === 'backoffice')!,
    name: 'newcomer',
    hosts: { staging: ['newcomer.staging.example.com'], prod: ['newcomer.example.com'] },
  };
  const newcomer = resolveApp(defaultSpec, cluster);

  test('adding an app with the default budgets leaves the values, script included, byte-identical', () => {
    expect(newcomer.logLinesPerSecond).toBeUndefined();
    expect(newcomer.hosts).toHaveLength(DEFAULT_ACCESS_HOSTS);
    expect(JSON.stringify(valuesOf([...apps, newcomer]))).toBe(JSON.stringify(valuesOf(apps)));
  });

  test('an app with a budget of its own, of its lines or of its access lines, is listed', () => {
    const scriptOf = (app: ResolvedApp) => Object.values(valuesOf([...apps, app]).luaScripts as Record<string, string>)[0];
    const before = Object.values(valuesOf(apps).luaScripts as Record<string, string>)[0];
    expect(scriptOf(resolveApp({ ...defaultSpec, logLinesPerSecond: 50 }, cluster))).not.toBe(before);
    expect(scriptOf(resolveApp({ ...defaultSpec, edge: { requestsPerSecond: 300 } }, cluster))).not.toBe(before);
    expect(scriptOf({ ...newcomer, hosts: ['a.example.com', 'b.example.com'] })).not.toBe(before);
  });

  test("the platform's namespaces are exempt, whatever add-ons the cluster has", () => {
    const script = Object.values(valuesOf(apps).luaScripts as Record<string, string>)[0];
    for (const namespace of platformNamespaces()) expect(script).toContain(`[${JSON.stringify(namespace)}] = true`);
    for (const namespace of ['kube-system', FLUX_NAMESPACE, LOG_SHIPPER_NAMESPACE, GATEWAY.namespace]) expect(platformNamespaces()).toContain(namespace);
  });
});
