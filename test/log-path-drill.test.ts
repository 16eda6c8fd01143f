import { spawnSync } from 'node:child_process';
import { ALERTING_WATCHDOG } from '../constructs/alerts/alerting-watchdog';
import { CERTIFICATE_CHECK } from '../constructs/alerts/certificate-check';
import { AUTOSCALER_STATUS, EVICTED_REASON, NO_ROOM_REASON, NODE_REMOVED_REASON } from '../constructs/alerts/platform-rules';
import { parseClassicConfig } from '../constructs/rules/log-buffer-rules';
import { alertRuleFilesIn } from '../constructs/alerts/rule-config-maps';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { SETUP_NAME } from '../constructs/logging/elasticsearch-setup';
import { ACCESS_LOG_JSON } from '../constructs/logging/access-log-format';
import { fieldTypesOf, LOG_FIELD_MAPPINGS, LOG_FIELD_TYPES, mappingPropertiesOf, type FieldType } from '../constructs/logging/field-types';
import { LOG_MAPPINGS_COMPONENT } from '../constructs/logging/log-retention';
import { STREAM_KEY } from '../constructs/logging/fluent-bit-lua';
import {
  ALERTING_NAMESPACE,
  ALERTING_WATCHDOG_EVENT,
  CERTIFICATE_CHECK_EVENT,
  BACKUP_LOCK_EVENT,
  ELASTICSEARCH,
  EVENTS_STREAM,
  FAILURES_SELECTOR,
  LOG_FIELDS,
  LOG_SHIPPER_NAMESPACE,
  REPORT_KEY,
  SETUP_EVENT,
  STREAM_SUFFIX,
} from '../constructs/model/log-contract';
import { BACKUP_LOCK } from '../constructs/model/backup-lock';
import { LOG_BUDGET_INTERVAL_SECONDS, logBudgetOf, REFUSED_BUDGET } from '../constructs/model/log-budget';
import { FLUX_NAMESPACE, GATEWAY, namespaceOf } from '../constructs/model/naming';
import { fieldUsesOf } from '../constructs/rules/alert-query-rules';
import { podSpecOf } from '../constructs/rules/pod-template';
import type { KubeObject } from '../constructs/model/kube-object';
import { mappingConflicts, TEMPLATES } from './es-mapping';
import { realObjectsOf, scopedTempDirs } from './support';
import { requireTool } from './tool';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/*
 * The log-path drill: real lines of every kind we ship go the whole way to the document Elasticsearch
 * receives, and every alert rule and Kibana data view finds in them the fields it reads, with the types
 * of the field table (constructs/logging/field-types.ts). The Lua filter is the synthesized one, run by
 * LuaJIT (the engine Fluent Bit embeds); the report lines of the backup jobs come from their shipped
 * scripts. The other stages are emulated from Fluent Bit 3.1.0's source (fluent/fluent-bit@v3.1.0, the
 * version of chart 0.47.0), in the order the pipeline runs them:
 *  1. tail + the `cri` multiline parser (src/multiline/flb_ml_parser_cri.c): the regex
 *     `^(?<time>.+?) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$`, time kept, the record's time from it;
 *  2. the kubernetes filter (plugins/filter_kubernetes/kubernetes.c): the pod's metadata under `kubernetes`
 *     (Labels Off, Annotations Off); Merge_Log On with Merge_Log_Key `json`: a `log` that parses as one JSON
 *     object (merge_log_handler, flb_pack_json_recs) lands below `json`; Keep_Log On keeps `log`;
 *  3. the Lua filter, for real; Fluent Bit turns a whole Lua number into an integer (src/flb_lua.c,
 *     flb_lua_tompack, lua_isinteger), which the harness reproduces;
 *  4. the es output (plugins/out_es/es.c): Replace_Dots On turns every `.` in a key into `_`, at every
 *     depth (es_pack_map_content); Logstash_Format adds `@timestamp` (Time_Key) from the record's time,
 *     with milliseconds; the index is `<es_stream>-<Logstash_DateFormat>`.
 * Kubernetes events come from the kubernetes_events input (plugins/in_kubernetes_events): the Event object
 * as the API lists it is the record; no filter matches them, so only stage 4 applies.
 * The failure store's document is Elasticsearch's own, as its documentation describes it.
 */

const hasLuajit = requireTool('luajit', 'apt-get install -y luajit');
const tempDir = scopedTempDirs();
const TIME = '2025-11-30T10:00:00.123456789Z';
const TIMESTAMP = '2025-11-30T10:00:00.123Z';
/** The node every drilled pod runs on: the kubernetes filter's `host`. */
const NODE = 'ip-10-0-12-34.eu-central-1.compute.internal';

// ---- stage 1: CRI
const CRI = /^(?<time>.+?) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$/;
const criLine = (stream: 'stdout' | 'stderr', text: string) => `${TIME} ${stream} F ${text}`;
function criParse(line: string): Json {
  const match = CRI.exec(line);
  if (!match) throw new Error(`not a CRI line: ${line}`);
  return { ...match.groups };
}

// ---- stage 2: the kubernetes filter
interface PodRef {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}
function kubernetesFilter(record: Json, ref: PodRef): Json {
  const out: Json = {
    ...record,
    kubernetes: {
      pod_name: ref.pod,
      namespace_name: ref.namespace,
      pod_id: '5f0e7c1e-9d2a-4c55-9d6c-1b7a2f3e4d5c',
      host: NODE,
      container_name: ref.container,
      docker_id: 'a'.repeat(64),
      container_hash: `registry.example/${ref.container}@sha256:${'b'.repeat(64)}`,
      container_image: `registry.example/${ref.container}:1.0.0`,
    },
  };
  try {
    const parsed = JSON.parse(record.log);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) out.json = parsed;
  } catch {
    // not JSON: nothing to merge
  }
  return out;
}

// ---- stage 3: the Lua filter, run by LuaJIT
const luaLiteral = (value: Json): string => {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{${value.map(luaLiteral).join(',')}}`;
  return `{${Object.entries(value)
    .map(([k, v]) => `[${JSON.stringify(k)}]=${luaLiteral(v)}`)
    .join(',')}}`;
};
const ENCODER = `
local function quote(s)
  return '"' .. s:gsub('[%c"\\\\]', function(c)
    if c == '"' then return '\\\\"' elseif c == '\\\\' then return '\\\\\\\\' else return string.format('\\\\u%04x', c:byte()) end
  end) .. '"'
end
local function encode(v)
  local t = type(v)
  if t == "table" then
    local n = #v
    if n > 0 then
      local parts = {}
      for i = 1, n do parts[i] = encode(v[i]) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = quote(k) .. ":" .. encode(v[k]) end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif t == "string" then return quote(v)
  elseif t == "number" then
    -- src/flb_lua.c: a number equal to its integer part is packed as an integer
    if v == math.floor(v) and math.abs(v) < 2^53 then return string.format("%d", v) end
    return string.format("%.17g", v)
  elseif t == "boolean" then return tostring(v)
  end
  return "null"
end
`;
const HARNESS = `${ENCODER}
for _, record in ipairs(RECORDS) do
  local code, _, out = route("kube.var.log.containers.x", 0, record)
  if code ~= 2 then error("route returned " .. tostring(code)) end
  print(encode(out))
end
`;
function luaFilter(script: string, records: Json[]): Json[] {
  const file = path.join(tempDir('drill-lua'), 'run.lua');
  fs.writeFileSync(file, `${script}\nRECORDS = ${luaLiteral(records)}\n${HARNESS}`);
  const run = spawnSync('luajit', [file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`luajit failed:\n${run.stderr}`);
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

/**
 * Stage 3 for one app's flood on a node: a burst and one line more at one time, then one line at the end of the
 * budget's interval, whose call returns Fluent Bit's summary of the dropped line before the line itself.
 */
function luaFlood(script: string, record: Json, burst: number): Json[] {
  const file = path.join(tempDir('drill-lua'), 'flood.lua');
  const tag = 'kube.var.log.containers.x';
  const driver = `${ENCODER}
local function fresh() return ${luaLiteral(record)} end
for i = 1, ${burst + 1} do route("${tag}", 0, fresh()) end
local code, _, out = route("${tag}", ${LOG_BUDGET_INTERVAL_SECONDS}, fresh())
if code ~= 2 or out[1] == nil then error("no summary: route returned " .. tostring(code)) end
for _, r in ipairs(out) do print(encode(r)) end
`;
  fs.writeFileSync(file, `${script}\n${driver}`);
  const run = spawnSync('luajit', [file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`luajit failed:\n${run.stderr}`);
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

// ---- stage 4: the es output
const replaceDots = (value: Json): Json =>
  Array.isArray(value)
    ? value.map(replaceDots)
    : value !== null && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/\./g, '_'), replaceDots(v)]))
      : value;
const esOutput = (record: Json, indexPrefix: string): Drilled => ({
  index: `${indexPrefix}-${STREAM_SUFFIX}`,
  doc: { '@timestamp': TIMESTAMP, ...replaceDots(record) },
});

interface Drilled {
  readonly index: string;
  readonly doc: Json;
}
interface ContainerLine {
  readonly kind: string;
  readonly ref: PodRef;
  readonly line: string;
}

// ---- the lines
/** An Envoy Gateway access line in our format, as Envoy's JSON formatter writes it (numbers typed). */
function accessLine(app: string, host: string, status: number): string {
  const sample: Record<string, unknown> = {
    '%START_TIME%': TIMESTAMP,
    '%REQ(:AUTHORITY)%': host,
    '%ROUTE_NAME%': `httproute/${namespaceOf(app)}/${app}/rule/0/match/0/${host.replace(/\./g, '_')}`,
    '%REQ(:METHOD)%': 'GET',
    '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%': '/api/cart?id=7',
    '%RESPONSE_CODE%': status,
    '%RESPONSE_FLAGS%': status === 503 ? 'UH' : '-',
    '%DURATION%': 41,
    '%BYTES_SENT%': 512,
    '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%': '198.51.100.7',
    '%REQ(USER-AGENT)%': 'Mozilla/5.0',
    '%REQ(X-REQUEST-ID)%': '9b2c7e1a-3f4d-4e5f-8a9b-0c1d2e3f4a5b',
  };
  return JSON.stringify(Object.fromEntries(Object.entries(ACCESS_LOG_JSON).map(([key, operator]) => [key, sample[operator]])));
}

/** Elasticsearch's own line (ECS JSON, its ESLogMessage fields beside the message) on a health change. */
const healthLine = (from: string, to: string) =>
  JSON.stringify({
    '@timestamp': TIMESTAMP,
    'log.level': 'INFO',
    'current.health': to,
    message: `Cluster health status changed from [${from}] to [${to}] (reason: [shards started [[logs-k8s.shop-default][0]]]).`,
    'previous.health': from,
    reason: 'shards started [[logs-k8s.shop-default][0]]',
    'ecs.version': '1.2.0',
    'service.name': 'ES_ECS',
    'event.dataset': 'elasticsearch.server',
    'log.logger': 'org.elasticsearch.cluster.routing.allocation.AllocationService',
    'elasticsearch.node.name': `${ELASTICSEARCH.name}-es-default-0`,
    'elasticsearch.cluster.name': ELASTICSEARCH.name,
  });

/** Elasticsearch's line about a data node's disk (DiskThresholdMonitor; platform-rules.ts quotes its messages). */
const diskLine = (level: 'WARN' | 'INFO', message: string) =>
  JSON.stringify({
    '@timestamp': TIMESTAMP,
    'log.level': level,
    message,
    'ecs.version': '1.2.0',
    'service.name': 'ES_ECS',
    'event.dataset': 'elasticsearch.server',
    'log.logger': 'org.elasticsearch.cluster.routing.allocation.DiskThresholdMonitor',
    'elasticsearch.node.name': `${ELASTICSEARCH.name}-es-default-0`,
    'elasticsearch.cluster.name': ELASTICSEARCH.name,
  });
const DISK_NODE = `[${ELASTICSEARCH.name}-es-default-0][/usr/share/elasticsearch/data] free: 1.4gb[4.6%]`;

const backupCronJobOf = (objects: readonly KubeObject[], app: string): KubeObject =>
  objects.find((o) => o.kind === 'CronJob' && o.metadata.namespace === namespaceOf(app) && o.metadata.name === `${app}-backup`)!;

/** The report line the shipped backup CronJob prints, its restic replaced by a stand-in that fails or succeeds. */
function resticReport(objects: readonly KubeObject[], app: string, outcome: 'success' | 'partial' | 'failure'): string {
  const [container] = podSpecOf(backupCronJobOf(objects, app)).containers;
  const bin = tempDir('drill-restic');
  const summary = '{"message_type":"summary","files_new":3,"files_changed":1,"data_added":4096,"snapshot_id":"0a1b2c3d4e5f"}';
  // restic 0.18.1 exits 3 after it saved the snapshot without a file it could not read (cmd_backup.go, ErrInvalidSourceData).
  const unreadable =
    '{"message_type":"error","error":{"message":"open /backup/data/gone.pdf: no such file or directory"},"during":"archival","item":"/backup/data/gone.pdf"}';
  const stub = {
    failure: '#!/bin/sh\necho "Fatal: unable to open repository: 403 Forbidden" >&2\nexit 1\n',
    // The job's restic() passes --password-file first: the subcommand is among the arguments.
    partial: `#!/bin/sh\ncase " $* " in *" backup "*) echo '${unreadable}' >&2; echo '${summary}'; exit 3 ;; esac\nexit 0\n`,
    success: `#!/bin/sh\ncase " $* " in *" backup "*) echo '${summary}' ;; esac\nexit 0\n`,
  }[outcome];
  fs.writeFileSync(path.join(bin, 'restic'), stub, { mode: 0o755 });
  const env: Record<string, string> = { PATH: `${bin}:${process.env.PATH}` };
  for (const { name, value } of container.env as { name: string; value?: string }[]) if (value !== undefined) env[name] = value;
  const [command, ...args] = container.command as string[];
  const run = spawnSync(
    command,
    args.map((a) => a.replace(/\/tmp\//g, `${bin}/`)),
    { env, encoding: 'utf8' },
  );
  const lines = run.stdout.trim().split('\n');
  return lines[lines.length - 1];
}

const event = (namespace: string, kind: string, name: string, reason: string, type: string, message: string): Json => ({
  metadata: {
    name: `${name}.18a2b3c4d5e6f7a8`,
    namespace,
    uid: 'c0ffee00-0000-4000-8000-000000000001',
    resourceVersion: '481516',
    creationTimestamp: '2025-11-30T10:00:00Z',
  },
  involvedObject: { kind, namespace, name, uid: 'c0ffee00-0000-4000-8000-000000000002', apiVersion: kind === 'Pod' ? 'v1' : 'x/v1', resourceVersion: '2342' },
  reason,
  message,
  source: { component: kind === 'Pod' ? 'kubelet' : 'controller', host: 'ip-10-0-12-34.eu-central-1.compute.internal' },
  firstTimestamp: '2025-11-30T09:50:00Z',
  lastTimestamp: '2025-11-30T10:00:00Z',
  count: 5,
  type,
  eventTime: null,
  reportingComponent: kind === 'Pod' ? 'kubelet' : 'controller',
  reportingInstance: '',
});

/** A failure store document, as "Failure document structure" (elastic/docs-content, failure-store.md, stack 9.1) describes it. */
const failureDocument = (stream: string): Json => ({
  '@timestamp': TIMESTAMP,
  document: { id: 'Y0vQipYB_ZAKuDfZR4sR', index: stream, source: { json: { order: 'not an object this time' } } },
  error: {
    type: 'document_parsing_exception',
    message: "[1:53] failed to parse field [json.order] of type [object] in document with id 'Y0vQipYB_ZAKuDfZR4sR'",
    stack_trace: 'o.e.i.m.DocumentParsingException: …',
  },
});

// ---- query evaluation (the subset our rules use), over a document as Elasticsearch receives it
const valueAt = (doc: Json, field: string): unknown => {
  if (doc && field in doc) return doc[field];
  const [head, ...rest] = field.split('.');
  return rest.length && doc && typeof doc[head] === 'object' ? valueAt(doc[head], rest.join('.')) : undefined;
};
/** The standard analyzer, near enough for our phrases: lower-case words of letters and digits. */
const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
const globMatches = (pattern: string, value: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);
/**
 * Whether a clause matches a document, as Elasticsearch evaluates it against the field's type: a keyword
 * is indexed as one term, the whole value; a text field as its words. Term-level queries (term, terms,
 * wildcard) are not analysed, so on a text field they compare with single words; a phrase on a keyword
 * is the whole value.
 */
function matches(clause: Json, doc: Drilled): boolean {
  const [[kind, body]] = Object.entries(clause) as [string, Json][];
  const [[field, arg]] = kind === 'exists' ? [[body.field, undefined]] : kind === 'bool' ? [['', body]] : (Object.entries(body) as [string, Json][]);
  const value = valueAt(doc.doc, field);
  const type = fieldTypesOf(doc.index)[field]?.type ?? 'keyword';
  const analysed = type === 'text' || type === 'match_only_text';
  const terms: unknown[] = typeof value === 'string' && analysed ? words(value) : [value];
  switch (kind) {
    case 'term':
      return terms.includes(arg);
    case 'terms':
      return terms.some((t) => (arg as unknown[]).includes(t));
    case 'range':
      return typeof value === 'number' && (arg.gte === undefined || value >= arg.gte) && (arg.lt === undefined || value < arg.lt);
    case 'wildcard':
      return terms.some((t) => typeof t === 'string' && globMatches(arg.value, t));
    case 'match_phrase': {
      if (typeof value !== 'string') return false;
      if (!analysed) return value === arg;
      return ` ${words(value).join(' ')} `.includes(` ${words(arg).join(' ')} `);
    }
    case 'exists':
      return value !== undefined && value !== null;
    case 'bool':
      return (arg.must_not ?? []).every((c: Json) => !matches(c, doc));
    default:
      throw new Error(`the drill cannot evaluate ${kind}`);
  }
}

/** Whether a JSON value is what a field of this type takes. */
function fits(type: FieldType, value: unknown): boolean {
  switch (type) {
    case 'keyword':
    case 'match_only_text':
    case 'text':
      return typeof value === 'string';
    case 'long':
      return Number.isInteger(value);
    case 'date':
    case 'date_nanos':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'ip':
      return typeof value === 'string' && /^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-f:]+$/i.test(value);
  }
}

const maybe = hasLuajit ? describe.each(CLUSTERS.map((c) => [c.env, c] as const)) : describe.skip.each(CLUSTERS.map((c) => [c.env, c] as const));
maybe('log-path drill on %s: real lines reach every rule and data view, typed as the table says', (env, cluster) => {
  const objects = realObjectsOf(env);
  const release = (name: string) => objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === name) as Json;
  const script = Object.values(release('fluent-bit').spec.values.luaScripts)[0] as string;
  const rules = alertRuleFilesIn(objects).map(([file, text]) => ({ id: file.replace(/\.yaml$/, ''), ...parse(text) }));
  const setup = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === SETUP_NAME) as Json;
  const dataViews = Object.entries(setup.data as Record<string, string>)
    .filter(([file]) => file.startsWith('kibana-'))
    .map(([, text]) => JSON.parse(text).data_view)
    // The last Kibana request sets the default view; it makes none.
    .filter(Boolean);
  const apps = Object.keys(cluster.apps).sort();
  const heartbeatRecord = (): string => {
    const inputs = parseClassicConfig(release('fluent-bit').spec.values.config.inputs).filter((s) => s.entries.name?.[0] === 'dummy');
    expect(inputs).toHaveLength(1);
    return inputs[0].entries.dummy[0];
  };
  const appSpec = (app: string) => ({ ...(cluster.apps as Json)[app] });
  const backedUp = apps.filter((app) => objects.some((o) => o.kind === 'CronJob' && o.metadata.name === `${app}-backup`));

  const containerLines: ContainerLine[] = [
    ...apps.flatMap((app): ContainerLine[] => {
      const ns = namespaceOf(app);
      const pod = { namespace: ns, pod: `${app}-7d9f8b6c5d-x2x4q`, container: app };
      return [
        { kind: "an app's JSON line", ref: pod, line: criLine('stdout', JSON.stringify({ level: 'ERROR', msg: 'payment failed', order: { id: 42 } })) },
        { kind: 'a plain line on stderr', ref: pod, line: criLine('stderr', 'PHP Fatal error:  Uncaught Exception: boom in /var/www/index.php:3') },
        // An ecs-logging library's line (e.g. @elastic/ecs-pino-format): the level under the dotted key `log.level`.
        {
          kind: "an app's ECS JSON line",
          ref: pod,
          line: criLine('stdout', JSON.stringify({ '@timestamp': TIMESTAMP, 'log.level': 'error', message: 'payment failed', 'ecs.version': '8.10.0' })),
        },
        ...backedUp
          .filter((b) => b === app)
          .flatMap((b) =>
            (['failure', 'partial', 'success'] as const).map((outcome) => ({
              kind: `a restic JSON report (${outcome})`,
              ref: { namespace: ns, pod: `${b}-backup-29001234-abcde`, container: podSpecOf(backupCronJobOf(objects, b)).containers[0].name },
              line: criLine('stdout', resticReport(objects, b, outcome)),
            })),
          ),
        // restic's line on stderr for a file it could not read (restic 0.18.1, --json): the backup rules' to judge.
        ...backedUp
          .filter((b) => b === app)
          .map((b) => ({
            kind: "restic's error line for an unreadable file",
            ref: { namespace: ns, pod: `${b}-backup-29001234-abcde`, container: podSpecOf(backupCronJobOf(objects, b)).containers[0].name },
            line: criLine(
              'stderr',
              '{"message_type":"error","error":{"message":"open /backup/data/gone.pdf: no such file or directory"},"during":"archival","item":"/backup/data/gone.pdf"}',
            ),
          })),
        ...backedUp
          .filter((b) => b === app)
          .flatMap((b) => {
            // The real lines, printed where no report may come from: the app's own container, and the backup
            // pod's pre-backup hook (the app's command, in an init container).
            return (['failure', 'partial', 'success'] as const).flatMap((outcome) => {
              const forged = criLine('stdout', resticReport(objects, b, outcome));
              return [
                { kind: "a backup report the app's own container prints", ref: pod, line: forged },
                {
                  kind: 'a backup report the pre-backup hook prints',
                  ref: { namespace: ns, pod: `${b}-backup-29001234-abcde`, container: 'pre-backup' },
                  line: forged,
                },
              ];
            });
          }),
        // An app's ECS or HTTP logger: objects under the names the platform's reports use inside their own key
        // (event, status, app, job, step), and a dotted name, which Fluent Bit's Replace_Dots turns into `event_dataset`.
        {
          kind: "an app's ECS line with objects under event, status, app, job",
          ref: pod,
          line: criLine(
            'stdout',
            JSON.stringify({
              '@timestamp': TIMESTAMP,
              'log.level': 'info',
              message: 'GET /api/cart 200',
              event: { dataset: `${app}.access`, duration: 1200000 },
              'event.dataset': `${app}.access`,
              status: { code: 200 },
              app: { name: app, version: '1.4.2' },
              job: { id: 7 },
              step: { n: 1 },
              exit_code: { posix: 0 },
            }),
          ),
        },
        {
          kind: 'a Gateway access line',
          ref: { namespace: GATEWAY.namespace, pod: 'envoy-envoy-gateway-system-public-5c8d7f9b4-k2m3n', container: 'envoy' },
          line: criLine('stdout', accessLine(app, `${app}.${cluster.domain}`, 503)),
        },
      ];
    }),
    {
      kind: "Elasticsearch's health line",
      ref: { namespace: ELASTICSEARCH.namespace, pod: 'logs-es-default-0', container: 'elasticsearch' },
      line: criLine('stdout', healthLine('GREEN', 'YELLOW')),
    },
    {
      kind: "Elasticsearch's flood-stage line",
      ref: { namespace: ELASTICSEARCH.namespace, pod: 'logs-es-default-0', container: 'elasticsearch' },
      line: criLine('stdout', diskLine('WARN', `flood stage disk watermark [95%] exceeded on ${DISK_NODE}, all indices on this node will be marked read-only`)),
    },
    {
      kind: "Elasticsearch's low-watermark line",
      ref: { namespace: ELASTICSEARCH.namespace, pod: 'logs-es-default-0', container: 'elasticsearch' },
      line: criLine('stdout', diskLine('INFO', `low disk watermark [85%] exceeded on ${DISK_NODE}, replicas will not be assigned to this node`)),
    },
    {
      kind: "Elasticsearch's recovery line",
      ref: { namespace: ELASTICSEARCH.namespace, pod: 'logs-es-default-0', container: 'elasticsearch' },
      line: criLine('stdout', healthLine('YELLOW', 'GREEN')),
    },
    ...(['failure', 'success'] as const).map((status) => ({
      kind: `the setup job's report (${status})`,
      ref: { namespace: ELASTICSEARCH.namespace, pod: 'elasticsearch-setup-29001234-q7w8e', container: 'setup' },
      line: criLine(
        'stdout',
        JSON.stringify(
          status === 'failure'
            ? { [REPORT_KEY]: { event: SETUP_EVENT, status, step: 'PUT _index_template/webapps-logs-default', exit_code: 22 } }
            : { [REPORT_KEY]: { event: SETUP_EVENT, status, step: 'done', exit_code: 0 } },
        ),
      ),
    })),
    // The lock renewal's report line, as its script prints it (constructs/platform/backup-lock-renewal.ts; test/backup-lock.test.ts runs it).
    ...(['failure', 'success'] as const).map((status) => ({
      kind: `the lock renewal's report (${status})`,
      ref: { namespace: BACKUP_LOCK.namespace, pod: 'backup-lock-renewal-29001234-k2m4p', container: 'renew' },
      line: criLine(
        'stdout',
        JSON.stringify({
          [REPORT_KEY]: {
            event: BACKUP_LOCK_EVENT,
            status,
            step: status === 'failure' ? 'renew' : 'done',
            bucket: 'acme-backup-offsite',
            mode: 'COMPLIANCE',
            retain_until: '2028-01-30T00:00:00Z',
            extended: 1520,
            gone: 2,
            recent: 31,
            failed: status === 'failure' ? 3 : 0,
            duration_seconds: 412,
            exit_code: status === 'failure' ? 1 : 0,
          },
        }),
      ),
    })),
    // The alerting watchdog's report line, as its script prints it (constructs/alerts/alerting-watchdog.ts; test/alerting-watchdog.test.ts runs it).
    {
      kind: "the alerting watchdog's report (ok)",
      ref: { namespace: ALERTING_NAMESPACE, pod: `${ALERTING_WATCHDOG.name}-29001234-h5j6k`, container: 'watchdog' },
      line: criLine('stdout', JSON.stringify({ [REPORT_KEY]: { event: ALERTING_WATCHDOG_EVENT, status: 'ok', notified: '' } })),
    },
    // The certificate check's lines, as its script prints them (constructs/alerts/certificate-check.ts; test/certificate-check.test.ts
    // runs it against a TLS server): a certificate 9 days from its end, and a host served a certificate of other names.
    ...[
      { host: 'shop.example.com', status: 'ok', days_left: 9, names: '*.example.com', matches_host: 'true' },
      { host: 'www.customer.example', status: 'wrong-host', days_left: 61, names: 'other.example', matches_host: 'false' },
    ].map(({ host, status, days_left, names, matches_host }) => ({
      kind: `the certificate check's report (${status})`,
      ref: { namespace: ALERTING_NAMESPACE, pod: `${CERTIFICATE_CHECK.name}-29001234-p7q8r`, container: 'check' },
      line: criLine(
        'stdout',
        JSON.stringify({
          [REPORT_KEY]: {
            event: CERTIFICATE_CHECK_EVENT,
            host,
            certificate: 'tls-wildcard-example-com',
            status,
            not_after: '2027-03-03T12:00:00Z',
            days_left,
            issuer: "C = US, O = Let's Encrypt, CN = R11",
            names,
            matches_host,
          },
        }),
      ),
    })),
    // Each node's heartbeat: the record of Fluent Bit's dummy input as its stdout output prints it, one JSON line
    // (plugins/out_stdout/stdout.c, v3.1.0: json_lines, no date key), which its tail then reads from the pod's own log.
    {
      kind: "Fluent Bit's heartbeat report line",
      ref: { namespace: LOG_SHIPPER_NAMESPACE, pod: 'fluent-bit-8xk2p', container: 'fluent-bit' },
      line: criLine('stdout', JSON.stringify(JSON.parse(heartbeatRecord()))),
    },
    {
      kind: "Fluent Bit's own line when it drops a chunk",
      ref: { namespace: LOG_SHIPPER_NAMESPACE, pod: 'fluent-bit-8xk2p', container: 'fluent-bit' },
      line: criLine(
        'stderr',
        "[2025/11/30 10:00:00] [error] [engine] chunk '1-1764496800.123456789.flb' cannot be retried: task_id=3, input=tail.0 > output=es.0",
      ),
    },
  ];
  // The autoscaler's and the kubelet's messages as their sources format them (platform-rules.ts names the files;
  // ScaleUpFailed: clusterstate.go and the AWS provider's placeholder error, aws_cloud_provider.go).
  const [firstApp] = apps;
  const events = [
    ...apps.map((app) => event(namespaceOf(app), 'Pod', `${app}-7d9f8b6c5d-x2x4q`, 'BackOff', 'Warning', `Back-off restarting failed container ${app}`)),
    event(GATEWAY.namespace, 'Pod', 'envoy-gateway-7f6d5c4b3a-9z8y7', 'BackOff', 'Warning', 'Back-off restarting failed container envoy-gateway'),
    event(namespaceOf(firstApp), 'Pod', `${firstApp}-7d9f8b6c5d-p3q4r`, NO_ROOM_REASON, 'Normal', "pod didn't trigger scale-up: 1 max node group size reached"),
    event(
      namespaceOf(firstApp),
      'Pod',
      `${firstApp}-7d9f8b6c5d-s5t6u`,
      EVICTED_REASON,
      'Warning',
      `The node was low on resource: memory. Threshold quantity: 100Mi, available: 92436Ki. Container ${firstApp} was using 1310720Ki, request is 512Mi, has larger consumption of memory. `,
    ),
    event(
      AUTOSCALER_STATUS.namespace,
      AUTOSCALER_STATUS.kind,
      AUTOSCALER_STATUS.name,
      'ScaleUpFailed',
      'Warning',
      'Failed adding 1 nodes to group eks-workers-2a4b6c8d due to OutOfResource.placeholder-cannot-be-fulfilled; source errors: AWS cannot provision any more instances for this node group',
    ),
    event(
      AUTOSCALER_STATUS.namespace,
      AUTOSCALER_STATUS.kind,
      AUTOSCALER_STATUS.name,
      'ScaledUpGroup',
      'Normal',
      'Scale-up: setting group eks-workers-2a4b6c8d size to 4 instead of 3 (max: 6)',
    ),
    // The CronJob controller's Event at each run of the watchdog (cronjob_controllerv2.go, SuccessfulCreate).
    event(ALERTING_NAMESPACE, 'CronJob', ALERTING_WATCHDOG.name, 'SuccessfulCreate', 'Normal', `Created job ${ALERTING_WATCHDOG.name}-29001234`),
    // The node lifecycle controller's events on a Node (node_lifecycle_controller.go: RecordNodeEvent's "Node %s event: %s",
    // and the status change on a node that stops reporting); a Node has no namespace, its Events are in `default`.
    ...[
      [NODE_REMOVED_REASON, `Node ${NODE} event: Removing Node ${NODE} from Controller`],
      ['NodeNotReady', `Node ${NODE} status is now: NodeNotReady`],
    ].map(([reason, message]) => {
      const e = event('default', 'Node', NODE, reason, 'Normal', message);
      delete e.involvedObject.namespace;
      return e;
    }),
    event(GATEWAY.namespace, 'Certificate', 'shop-example-com', 'Failed', 'Warning', 'The certificate request has failed to complete and will be retried'),
    event(
      FLUX_NAMESPACE,
      'Kustomization',
      'platform-setup',
      'HealthCheckFailed',
      'Warning',
      'health check failed after 30m0s: Job/logging/elasticsearch-setup-apply status: Failed',
    ),
  ];

  let drilled: (Drilled & { kind: string })[] = [];
  beforeAll(() => {
    const records = containerLines.map((l) => kubernetesFilter(criParse(l.line), l.ref));
    const routed = luaFilter(script, records);
    drilled = [
      ...routed.map((r, i) => ({ kind: containerLines[i].kind, ...esOutput(r, r[STREAM_KEY]) })),
      ...events.map((e) => ({ kind: 'a Kubernetes event', ...esOutput(e, EVENTS_STREAM.slice(0, -(STREAM_SUFFIX.length + 1))) })),
      // Each app flooding its node past its log budget: Fluent Bit's summary line in the app's stream.
      ...apps.flatMap((app) => {
        const line = kubernetesFilter(criParse(criLine('stdout', 'GET /debug/cart 200')), {
          namespace: namespaceOf(app),
          pod: `${app}-7d9f8b6c5d-x2x4q`,
          container: app,
        });
        const out = luaFlood(script, line, logBudgetOf(APPS.find((a) => a.name === app)!).burstLines);
        return out.slice(0, -1).map((r) => ({ kind: "Fluent Bit's summary of an app's dropped lines", ...esOutput(r, r[STREAM_KEY]) }));
      }),
      // And a flood of refused requests at each app: Fluent Bit's summary of the proxy's dropped 429 lines in the app's access stream.
      ...apps.map((app) => {
        const line = kubernetesFilter(criParse(criLine('stdout', accessLine(app, `${app}.${cluster.domain}`, 429))), {
          namespace: GATEWAY.namespace,
          pod: 'envoy-envoy-gateway-system-public-5c8d7f9b4-k2m3n',
          container: 'envoy',
        });
        const out = luaFlood(script, line, REFUSED_BUDGET.burstLines);
        return { kind: "Fluent Bit's summary of an app's dropped access lines", ...esOutput(out[0], out[0][STREAM_KEY]) };
      }),
    ];
  });
  const failureDocs = (pattern: string): Drilled[] =>
    drilled
      .filter((d) => globMatches(pattern.slice(0, -FAILURES_SELECTOR.length), d.index))
      .map((d) => ({ index: `${d.index}${FAILURES_SELECTOR}`, doc: failureDocument(d.index) }));
  const docsOf = (index: string): Drilled[] =>
    index.split(',').flatMap((p) => (p.endsWith(FAILURES_SELECTOR) ? failureDocs(p) : drilled.filter((d) => globMatches(p, d.index))));

  test('every kind of line is drilled, and lands in the stream its namespace or route names', () => {
    expect(backedUp.length).toBeGreaterThan(0);
    for (const kind of ["an app's JSON line", 'a plain line on stderr', 'a Gateway access line', 'a restic JSON report (failure)', 'a Kubernetes event'])
      expect([kind, drilled.some((d) => d.kind === kind)]).toEqual([kind, true]);
    for (const d of drilled.filter((x) => x.kind === 'a Gateway access line')) expect(d.index).toBe(`logs-gateway.${d.doc.route_namespace}-${STREAM_SUFFIX}`);
    for (const d of drilled.filter((x) => x.kind.startsWith('a restic'))) expect(d.index).toBe(`logs-k8s.${d.doc.kubernetes.namespace_name}-${STREAM_SUFFIX}`);
  });

  test('every field of the table that a document carries has the JSON type its mapping takes', () => {
    const checked: string[] = [];
    for (const { kind, doc } of drilled) {
      for (const [field, typing] of Object.entries(LOG_FIELD_TYPES)) {
        const value = valueAt(doc, field);
        if (value === undefined) continue;
        checked.push(field);
        expect([kind, field, value, fits(typing.type, value)]).toEqual([kind, field, value, true]);
      }
    }
    expect(new Set(checked).size).toBeGreaterThan(10);
  });

  test('every alert rule finds a document it matches, carrying each field it reads with the type the table says', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      const candidates = docsOf(rule.index);
      const hits = candidates.filter((d) => rule.filter.every((c: Json) => matches(c, d)));
      expect([rule.id, hits.length > 0]).toEqual([rule.id, true]);
      const table = fieldTypesOf(rule.index);
      const read = [
        ...rule.filter.filter((c: Json) => !('bool' in c)).flatMap(fieldUsesOf),
        ...(rule.query_key ? [{ query: 'query_key', field: rule.query_key }] : []),
      ];
      for (const hit of hits) {
        for (const { field } of read) {
          const value = valueAt(hit.doc, field);
          expect([rule.id, field, fits(table[field].type, value)]).toEqual([rule.id, field, true]);
        }
      }
    }
  });

  /** The explicit mappings of every app stream: our component template as the setup job sends it, and logs@mappings'. */
  const explicitMappings = (): Json => {
    const sent = JSON.stringify(objects).match(new RegExp(`_component_template/${LOG_MAPPINGS_COMPONENT}\\\\?" (es-[0-9]+\\.json)`));
    expect(sent).not.toBeNull();
    const component = JSON.parse(setup.data[sent![1]]);
    return { ...TEMPLATES['logs@mappings'].properties, ...component.template.mappings.properties };
  };

  test("no line of an app or of the platform clashes with a field the streams' templates map explicitly", () => {
    const mappings = explicitMappings();
    expect(mappings[LOG_FIELDS.json]).toEqual({ properties: { [REPORT_KEY]: expect.anything() } });
    const objectLines = drilled.filter((d) => d.kind === "an app's ECS line with objects under event, status, app, job");
    expect(objectLines.length).toBe(apps.length);
    for (const d of objectLines)
      expect(d.doc.json).toMatchObject({ event: { dataset: expect.any(String) }, event_dataset: expect.any(String), status: { code: 200 } });
    for (const { kind, index, doc } of drilled) expect([kind, index, mappingConflicts(mappings, doc)]).toEqual([kind, index, []]);
  });

  test('the clash check can fail: with the report fields typed at the top of json, as they were, the app line is rejected', () => {
    const before = mappingPropertiesOf({
      ...LOG_FIELD_MAPPINGS,
      'json.event': 'keyword',
      'json.status': 'keyword',
      'json.app': 'keyword',
      'json.job': 'keyword',
    });
    const line = drilled.find((d) => d.kind === "an app's ECS line with objects under event, status, app, job")!;
    expect(mappingConflicts({ ...TEMPLATES['logs@mappings'].properties, ...before }, line.doc).sort()).toEqual([
      'json.app: an object where a keyword is mapped',
      'json.event: an object where a keyword is mapped',
      'json.job: an object where a keyword is mapped',
      'json.status: an object where a keyword is mapped',
    ]);
  });

  test('every report line carries its fields below the reserved key only, and every rule reading report fields reads them there', () => {
    const reports = drilled.filter((d) => /report/.test(d.kind));
    expect(reports.length).toBeGreaterThan(4);
    for (const { kind, doc } of reports) expect([kind, Object.keys(doc.json)]).toEqual([kind, [REPORT_KEY]]);
    const readBelowJson = rules.flatMap((r) =>
      [...r.filter.flatMap(fieldUsesOf), ...(r.query_key ? [{ field: r.query_key }] : [])]
        .map(({ field }: { field: string }) => field)
        .filter((f: string) => f.startsWith(`${LOG_FIELDS.json}.`)),
    );
    expect(readBelowJson.length).toBeGreaterThan(0);
    // Elasticsearch's own message is the one app-side field a platform rule reads.
    for (const field of readBelowJson)
      expect([field, field.startsWith(`${LOG_FIELDS.json}.${REPORT_KEY}.`) || field === `${LOG_FIELDS.json}.message`]).toEqual([field, true]);
  });

  test("a backup report counts only from the backup jobs' restic container: one the app or its pre-backup hook prints counts for no rule", () => {
    const counted = (id: string, kind: string) => {
      const docs = drilled.filter((d) => d.kind === kind);
      expect([kind, docs.length]).toEqual([kind, kind.startsWith('a restic') ? backedUp.length : 3 * backedUp.length]);
      return docs.some((d) => byRule(id).filter.every((c: Json) => matches(c, d)));
    };
    const byRule = (id: string) => rules.find((r) => r.id === id)!;
    for (const app of backedUp) {
      expect(counted(`app-${app}-backup-stale`, 'a restic JSON report (success)')).toBe(true);
      expect(counted(`app-${app}-backup-partial`, 'a restic JSON report (partial)')).toBe(true);
      expect(counted(`app-${app}-backup-failed`, 'a restic JSON report (failure)')).toBe(true);
      for (const purpose of ['backup-stale', 'backup-partial', 'backup-failed'])
        for (const kind of ["a backup report the app's own container prints", 'a backup report the pre-backup hook prints'])
          expect([purpose, kind, counted(`app-${app}-${purpose}`, kind)]).toEqual([purpose, kind, false]);
    }
  });

  test('and the rules do not fire on the lines that are fine', () => {
    const byId = Object.fromEntries(rules.map((r) => [r.id, r]));
    const firesOn = (id: string, kind: string) => drilled.filter((d) => d.kind === kind).some((d) => byId[id].filter.every((c: Json) => matches(c, d)));
    expect(firesOn('platform-elasticsearch-health', "Elasticsearch's recovery line")).toBe(false);
    expect(firesOn('platform-elasticsearch-health', "Elasticsearch's health line")).toBe(true);
    expect(firesOn('platform-elasticsearch-setup-failed', "the setup job's report (success)")).toBe(false);
    expect(firesOn('platform-backup-lock-failed', "the lock renewal's report (success)")).toBe(false);
    expect(firesOn('platform-backup-lock-failed', "the lock renewal's report (failure)")).toBe(true);
    expect(firesOn('platform-elasticsearch-disk', "Elasticsearch's flood-stage line")).toBe(true);
    expect(firesOn('platform-elasticsearch-disk', "Elasticsearch's low-watermark line")).toBe(false);
    for (const app of apps) expect(firesOn(`app-${app}-error-burst`, "an app's ECS JSON line")).toBe(true);
    // restic's error lines are error-level, but the backup rules' (one partial backup alone is routine), not the app's burst.
    const resticErrors = drilled.filter((d) => d.kind === "restic's error line for an unreadable file");
    expect(resticErrors.length).toBe(backedUp.length);
    for (const d of resticErrors) expect([d.doc.level, firesOn(`app-${d.doc.kubernetes.namespace_name}-error-burst`, d.kind)]).toEqual(['error', false]);
    for (const app of backedUp) expect(firesOn(`app-${app}-backup-failed`, 'a restic JSON report (success)')).toBe(false);
    // A snapshot saved without some files is a warning of its own, never a failure.
    for (const app of backedUp) expect(firesOn(`app-${app}-backup-failed`, 'a restic JSON report (partial)')).toBe(false);
    // Each app's crash loop is its own rule's; the platform's watches every other namespace.
    const eventsOf = (namespace: string, reason: string) =>
      drilled.filter((d) => d.kind === 'a Kubernetes event' && d.doc.involvedObject.namespace === namespace && d.doc.reason === reason);
    const fires = (id: string, docs: Drilled[]) => docs.some((d) => byId[id].filter.every((c: Json) => matches(c, d)));
    expect(eventsOf(namespaceOf(firstApp), 'BackOff')).toHaveLength(1);
    expect(fires('platform-crash-loop', eventsOf(namespaceOf(firstApp), 'BackOff'))).toBe(false);
    expect(fires(`app-${firstApp}-crash-loop`, eventsOf(namespaceOf(firstApp), 'BackOff'))).toBe(true);
    expect(fires('platform-crash-loop', eventsOf(GATEWAY.namespace, 'BackOff'))).toBe(true);
    // Only a Node's removal silences its heartbeat alert, not a node that is merely not ready.
    const nodeEvents = (reason: string) => drilled.filter((d) => d.kind === 'a Kubernetes event' && d.doc.reason === reason);
    expect(fires('platform-node-removed', nodeEvents(NODE_REMOVED_REASON))).toBe(true);
    expect(fires('platform-node-removed', nodeEvents('NodeNotReady'))).toBe(false);
    expect(firesOn('platform-node-logs-stopped', "Fluent Bit's own line when it drops a chunk")).toBe(false);
    // The autoscaler's routine news on its status ConfigMap is no alert.
    expect(fires('platform-autoscaler-failing', eventsOf(AUTOSCALER_STATUS.namespace, 'ScaledUpGroup'))).toBe(false);
  });

  test('the drill can fail: the health rule as it was never matches the line it was written for', () => {
    const health = drilled.find((d) => d.kind === "Elasticsearch's health line")!;
    const before = [
      { wildcard: { 'json.message': { value: 'Cluster health status changed from *' } } },
      { bool: { must_not: [{ wildcard: { 'json.message': { value: '* to [GREEN]*' } } }] } },
    ];
    expect(before.every((c) => matches(c, health))).toBe(false);
  });

  test('the drill can fail: a filter that leaves the access line below json starves the 5xx rule', () => {
    const broken = script.replace(/for key, value in pairs\(record\["json"\]\) do record\[key\] = value end/, '');
    expect(broken).not.toBe(script);
    const access = containerLines.filter((l) => l.kind === 'a Gateway access line');
    const docs = luaFilter(
      broken,
      access.map((l) => kubernetesFilter(criParse(l.line), l.ref)),
    ).map((r) => esOutput(r, r[STREAM_KEY]));
    const rule = rules.find((r) => r.id === `app-${apps[0]}-5xx-burst`)!;
    expect(docs.some((d) => globMatches(rule.index, d.index) && rule.filter.every((c: Json) => matches(c, d)))).toBe(false);
  });

  test('every data view covers drilled documents, each with the time field it sorts by', () => {
    expect(dataViews.length).toBeGreaterThan(0);
    for (const view of dataViews) {
      const docs = docsOf(view.title);
      expect([view.id, docs.length > 0]).toEqual([view.id, true]);
      for (const d of docs) expect([view.id, d.index, fits('date', valueAt(d.doc, view.timeFieldName))]).toEqual([view.id, d.index, true]);
    }
  });

  test("an app's parsed level and plain stderr are normalised; the merged JSON keeps its own fields", () => {
    const appLine = drilled.find((d) => d.kind === "an app's JSON line")!;
    expect(appLine.doc).toMatchObject({ level: 'error', json: { msg: 'payment failed', order: { id: 42 } }, stream: 'stdout' });
    expect(drilled.find((d) => d.kind === 'a plain line on stderr')!.doc.level).toBe('error');
    expect(drilled.find((d) => d.kind === "an app's ECS JSON line")!.doc.level).toBe('error');
    // Replace_Dots: Elasticsearch's dotted keys arrive with underscores.
    expect(drilled.find((d) => d.kind === "Elasticsearch's health line")!.doc.json).toMatchObject({ current_health: 'YELLOW', log_level: 'INFO' });
    expect(appSpec(appLine.doc.kubernetes.namespace_name)).toBeDefined();
  });
});
