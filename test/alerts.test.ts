import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import { parse } from 'yaml';
import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import { fixtureCloudAppsOf, fixtureObjectsOf, REPO_ROOT } from './support';
import { CHART_FIXTURES_DIR, readChartFixture } from '../scripts/lib/chart-fixture';
import { DEFAULT_ERROR_BURST } from '../constructs/alerts/app-rules';
import { alertRulesOf } from '../constructs/alerts/cluster-rules';
import { AUTOSCALER_STATUS, MAX_COUNTED_NODES, NODE_REMOVED_REASON, platformRules } from '../constructs/alerts/platform-rules';
import { FluentBitAddOn } from '../constructs/platform/fluent-bit';
import { parseClassicConfig, type ConfigSection } from '../constructs/rules/log-buffer-rules';
import { ClusterAutoscalerAddOn } from '../constructs/platform/cluster-autoscaler';
import { namespaceOf } from '../constructs/model/naming';
import { ELASTALERT_ES_ROLE } from '../constructs/logging/elastalert-access';
import { alertingStoreKeysOf, CREDENTIALS_SECRET } from '../constructs/alerts/elastalert-secrets';
import { CHAT_WEBHOOK_ENV, CHAT_WEBHOOK_OPTION } from '../constructs/alerts/receivers';
import { LATE_LINES, renderRule, ruleFilesOf, SILENCER_ALERTERS, type RuleFile } from '../constructs/alerts/render';
import { ALERT_RULES_LABEL, alertRuleFilesIn, ruleConfigMapsOf, RULE_SHARD_TARGET_BYTES } from '../constructs/alerts/rule-config-maps';
import { MAX_DATA_BYTES } from '../constructs/rules/object-size-rules';
import { missingRequiredFields, REQUIRED_BY_TYPE } from '../constructs/alerts/required-fields';
import type { AppRulePurpose } from '../constructs/alerts/rule';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { containerLogStreamOf, ELASTICSEARCH_CA_SECRET, EVENT_FIELDS, LOG_FIELDS, REPORT_FIELDS } from '../constructs/model/log-contract';
import { BACKUP_CONTAINER } from '../constructs/model/backup-job';
import { resolveApp, type ResolvedApp } from '../constructs/model/resolve';
import { ElastAlertAddOn } from '../constructs/platform/elastalert';
import { EckAddOn } from '../constructs/platform/eck';
import { EXACT_VERSION } from '../constructs/platform/helm-release';
import { schemaProblems } from '../constructs/schemas/schema-validation';
import { synthChart } from '../constructs/synth/chart-synth';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A cluster's apps in name order, as the rule files list them. */
const appsOf = (cluster: ClusterSpec): ResolvedApp[] => [...fixtureCloudAppsOf(cluster)].sort((a, b) => a.name.localeCompare(b.name));
/** The rules folder of a cluster, each file parsed back from its YAML. */
const renderedRulesOf = (cluster: ClusterSpec): Record<string, Json> =>
  Object.fromEntries(Object.entries(ruleFilesOf(appsOf(cluster), cluster.alerting!)).map(([id, text]) => [id, parse(text)]));
const globMatches = (pattern: string, index: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(index);

const EVERY_APP_PURPOSE: readonly AppRulePurpose[] = ['5xx-burst', 'request-spike', 'error-burst', 'crash-loop', 'log-lines-dropped', 'access-lines-dropped'];
const BACKUP_PURPOSES: readonly AppRulePurpose[] = ['backup-failed', 'backup-partial', 'backup-stale'];

describe('ElastAlert2 required fields', () => {
  const cluster = CLUSTERS[0];
  const frequency = () => ({ ...renderedRulesOf(cluster)['app-shop-5xx-burst'] });

  test('the required-field table covers every rule type the rules use', () => {
    const types = new Set(CLUSTERS.flatMap((c) => alertRulesOf(appsOf(c)).map((r) => r.type)));
    for (const type of types) expect(REQUIRED_BY_TYPE[type]).toBeDefined();
  });
  test('the validator names a missing type option, a missing common option, and an unknown type', () => {
    const noNumEvents = frequency();
    delete noNumEvents.num_events;
    expect(missingRequiredFields(noNumEvents)).toEqual(['num_events']);
    expect(missingRequiredFields({ ...frequency(), alert: [], index: undefined })).toEqual(['index', 'alert']);
    expect(missingRequiredFields({ ...frequency(), type: 'frequncy' })).toEqual(['type (unknown rule type "frequncy")']);
    const spike = renderedRulesOf(cluster)['app-shop-request-spike'];
    expect(missingRequiredFields({ ...spike, spike_type: undefined })).toEqual(['spike_type']);
  });
});

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('alert rules of cluster %s', (env, cluster) => {
  const apps = appsOf(cluster);
  const rules = alertRulesOf(apps);
  const rendered = renderedRulesOf(cluster);

  test('every rendered rule has the options ElastAlert2 documents as required for its type', () => {
    for (const [id, rule] of Object.entries(rendered)) expect([id, missingRequiredFields(rule)]).toEqual([id, []]);
  });

  test('every app has its rules, the backup rules among them, with storage or without: every app is backed up', () => {
    expect(Object.keys(cluster.apps).filter((name) => APPS.find((a) => a.name === name)!.storage === undefined).length).toBeGreaterThan(0);
    for (const name of Object.keys(cluster.apps)) {
      const purposes = rules.flatMap((r) => ('app' in r.owner && r.owner.app === name ? [r.owner.purpose] : [])).sort();
      expect([name, purposes]).toEqual([name, [...EVERY_APP_PURPOSE, ...BACKUP_PURPOSES].sort()]);
    }
    const platform = rules.flatMap((r) => ('platform' in r.owner ? [r.owner.platform] : [])).sort();
    expect(platform).toEqual([
      'autoscaler-failing',
      'backup-lock-failed',
      'backup-lock-stale',
      'certificate-check-stopped',
      'certificate-expiring',
      'certificate-failure',
      'certificate-mismatch',
      'container-logs-stopped',
      'crash-loop',
      'elasticsearch-disk',
      'elasticsearch-health',
      'elasticsearch-setup-failed',
      'elasticsearch-setup-stale',
      'events-stopped',
      'flux-failure',
      'log-chunks-dropped',
      'log-documents-rejected',
      'node-logs-stopped',
      'node-removed',
      'pods-evicted',
      'pods-without-room',
    ]);
  });

  test('rule ids and names are unique', () => {
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
    expect(Object.keys(rendered)).toEqual(rules.map((r) => r.id));
  });

  test("every rule's receiver exists in the cluster spec, and its secret reaches the pod", () => {
    const alerting = cluster.alerting!;
    const expected = ['email', ...(alerting.chat ? [alerting.chat.service] : [])];
    // A rule that silences another tells no one; every other rule tells the cluster's receivers.
    const silencers = Object.values(rendered).filter((rule) => rule.realert_key !== undefined);
    for (const rule of silencers) expect([rule.name, rule.alert, rule.email]).toEqual([rule.name, [...SILENCER_ALERTERS], undefined]);
    for (const rule of Object.values(rendered).filter((r) => !silencers.includes(r))) {
      expect(rule.alert).toEqual(expected);
      expect(rule.email).toEqual(alerting.email.to);
      expect(rule.smtp_host).toBe(alerting.email.smtpHost);
      if (alerting.chat) expect(rule[CHAT_WEBHOOK_OPTION[alerting.chat.service]]).toBe(`\${${CHAT_WEBHOOK_ENV}}`);
    }
    const values = new ElastAlertAddOn().values({ cluster, apps }) as Json;
    const env = values.optEnv.find((e: Json) => e.name === CHAT_WEBHOOK_ENV);
    expect(env.valueFrom.secretKeyRef).toEqual({ name: CREDENTIALS_SECRET.name, key: CREDENTIALS_SECRET.chatWebhook });
  });

  test('a rule reads only indices its Elasticsearch role may read (a failure store with read_failure_store)', () => {
    const [logs] = ELASTALERT_ES_ROLE.indices;
    for (const rule of rules) {
      for (const index of rule.index.split(',')) {
        const stream = index.replace(/::failures$/, '');
        const needs = index === stream ? 'read' : 'read_failure_store';
        const granted = logs.names.some((p) => globMatches(p, stream)) && (logs.privileges as readonly string[]).includes(needs);
        expect([rule.id, index, granted]).toEqual([rule.id, index, true]);
      }
    }
  });

  test('rendering is deterministic', () => {
    expect(ruleFilesOf(apps, cluster.alerting!)).toEqual(ruleFilesOf(apps, cluster.alerting!));
    expect(JSON.stringify(ruleFilesOf(apps, cluster.alerting!))).toBe(JSON.stringify(ruleFilesOf([...apps].reverse(), cluster.alerting!)));
  });

  test('the rule count is reported', () => {
    console.log(`alert rules in ${env} (${cluster.name}): ${rules.length}`);
    expect(rules.length).toBeGreaterThan(0);
  });
});

describe('the runbook, docs/alerts.md', () => {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'alerts.md'), 'utf8');
  /** The bold titles that start the rows of a section's table. */
  const rowsOf = (section: string): string[] => {
    const body = doc.split(/^## /m).find((part) => part.startsWith(`${section}\n`)) ?? '';
    return [...body.matchAll(/^\| \*\*(.+?)\*\*/gm)].map((m) => m[1]);
  };

  test('every rule has its row, under its owner: what it means and what to do', () => {
    const rules = CLUSTERS.flatMap((c) => alertRulesOf(appsOf(c)));
    expect(rules.length).toBeGreaterThan(0);
    const rows = { app: rowsOf('App rules'), platform: rowsOf('Platform rules') };
    for (const rule of rules) {
      const title = rule.name.slice(rule.name.indexOf(': ') + 2);
      const section = 'app' in rule.owner ? rows.app : rows.platform;
      expect([rule.id, section.some((row) => row === title || row.startsWith(`${title}:`))]).toEqual([rule.id, true]);
    }
    // An app's rule is no platform row.
    expect(rows.platform).not.toContain('burst of 5xx answers');
  });
});

describe('rules follow the app spec', () => {
  const cluster = CLUSTERS.find((c) => c.env === 'prod')!;
  const shop = APPS.find((a) => a.name === 'shop')!;

  test('the error burst defaults, and an app may override them', () => {
    const byDefault = renderedRulesOf(cluster)['app-shop-error-burst'];
    expect([byDefault.num_events, byDefault.timeframe]).toEqual([DEFAULT_ERROR_BURST.count, { minutes: DEFAULT_ERROR_BURST.minutes }]);
    const tuned = resolveApp({ ...shop, alerts: { errorBurst: { count: 50, minutes: 2 } } }, cluster);
    const rule = parse(ruleFilesOf([tuned], cluster.alerting!)['app-shop-error-burst']);
    expect([rule.num_events, rule.timeframe]).toEqual([50, { minutes: 2 }]);
  });

  test("an app's own receivers get its rules, besides the cluster's; no other app's, and no platform rule", () => {
    const apps = appsOf(cluster);
    const own = apps.map((a) => (a.name === 'shop' ? { ...a, alerts: { ...a.alerts, email: ['shop-team@example.com', cluster.alerting!.email.to[0]] } } : a));
    const rendered = Object.fromEntries(Object.entries(ruleFilesOf(own, cluster.alerting!)).map(([id, text]) => [id, parse(text)]));
    const clusterOnly = cluster.alerting!.email.to;
    for (const [id, rule] of Object.entries(rendered).filter(([, r]) => r.alert.includes('email'))) {
      const expected = id.startsWith('app-shop-') ? [...clusterOnly, 'shop-team@example.com'] : clusterOnly;
      expect([id, rule.email]).toEqual([id, expected]);
    }
    expect(Object.keys(rendered).filter((id) => id.startsWith('app-shop-')).length).toBeGreaterThan(0);
  });

  test('the backup rules watch the report line of the backup jobs', () => {
    const rendered = renderedRulesOf(cluster);
    expect(rendered['app-shop-backup-stale']).toMatchObject({ type: 'flatline', threshold: 1, timeframe: { hours: 26 }, index: 'logs-k8s.shop-default' });
    expect(rendered['app-shop-backup-stale'].filter).toContainEqual({ terms: { 'json.webapps_report.status': ['success', 'partial'] } });
    expect(rendered['app-shop-backup-failed'].filter).toContainEqual({ terms: { 'json.webapps_report.job': ['backup', 'retention', 'check'] } });
    // Only the backup jobs' restic container reports; the snapshot rules take only the backup CronJob's pods.
    for (const purpose of ['backup-failed', 'backup-partial', 'backup-stale'])
      expect([purpose, rendered[`app-shop-${purpose}`].filter]).toEqual([
        purpose,
        expect.arrayContaining([{ term: { 'kubernetes.container_name': 'restic' } }]),
      ]);
    for (const purpose of ['backup-partial', 'backup-stale'])
      expect([purpose, rendered[`app-shop-${purpose}`].filter]).toEqual([
        purpose,
        expect.arrayContaining([{ wildcard: { 'kubernetes.pod_name': { value: 'shop-backup-*' } } }]),
      ]);
    // An app without storage is backed up too, and watched the same way.
    expect(rendered['app-backoffice-backup-failed'].filter).toEqual(
      rendered['app-shop-backup-failed'].filter.map((f: Json) => JSON.parse(JSON.stringify(f).replace('"shop"', '"backoffice"'))),
    );
  });

  test('a backup is missed after the longest wait its schedule has between runs, plus a slow run: a weekly one is not late on the other days', () => {
    const windows = (schedule: string) => {
      const app = resolveApp({ ...shop, backup: { ...shop.backup, schedule } }, cluster);
      const rendered = Object.fromEntries(Object.entries(ruleFilesOf([app], cluster.alerting!)).map(([id, text]) => [id, parse(text)]));
      return { stale: rendered['app-shop-backup-stale'].timeframe, partial: rendered['app-shop-backup-partial'].timeframe };
    };
    expect(windows('30 2 * * *')).toEqual({ stale: { hours: 26 }, partial: { hours: 50 } });
    expect(windows('0 3 * * 0')).toEqual({ stale: { hours: 170 }, partial: { hours: 338 } });
    expect(windows('0 3 * * 1-5')).toEqual({ stale: { hours: 74 }, partial: { hours: 146 } });
    expect(windows('*/30 * * * *')).toEqual({ stale: { hours: 3 }, partial: { hours: 4 } });
  });

  test('each backup report is one thing to the rules: a saved backup (success, or partial with its own warning) or a failure, never both', () => {
    const rendered = renderedRulesOf(cluster);
    /** Whether every clause of the rule's filter holds for a report line, as Elasticsearch reads its keyword fields. */
    const matches = (id: string, doc: Record<string, string>): boolean =>
      rendered[id].filter.every((clause: Json) => {
        if (clause.term) return Object.entries(clause.term).every(([field, value]) => doc[field] === value);
        if (clause.terms) return Object.entries(clause.terms).every(([field, values]) => (values as string[]).includes(doc[field]));
        if (clause.wildcard)
          return Object.entries(clause.wildcard).every(([field, { value }]: [string, Json]) => new RegExp(`^${value.replace(/\*/g, '.*')}$`).test(doc[field]));
        throw new Error(`${id}: a clause this test does not read: ${JSON.stringify(clause)}`);
      });
    const reportOf = (status: string) => ({
      [REPORT_FIELDS.event]: 'webapps.backup',
      [REPORT_FIELDS.app]: 'shop',
      [REPORT_FIELDS.job]: 'backup',
      [REPORT_FIELDS.status]: status,
      [LOG_FIELDS.container]: BACKUP_CONTAINER,
      [LOG_FIELDS.pod]: 'shop-backup-29001234-abcde',
    });
    // backup-stale is a flatline: a matching line is a backup it counts, so the app is not without one.
    const seen = (status: string) => ({
      failed: matches('app-shop-backup-failed', reportOf(status)),
      partial: matches('app-shop-backup-partial', reportOf(status)),
      saved: matches('app-shop-backup-stale', reportOf(status)),
    });
    expect(seen('success')).toEqual({ failed: false, partial: false, saved: true });
    expect(seen('partial')).toEqual({ failed: false, partial: true, saved: true });
    expect(seen('failure')).toEqual({ failed: true, partial: false, saved: false });
    // A warning on partial backups that repeat: once is routine on GeeseFS, night after night is a file never backed up.
    expect(rendered['app-shop-backup-partial']).toMatchObject({ type: 'frequency', num_events: 2, timeframe: { hours: 50 } });
  });

  test('the 5xx burst reads the app’s own Gateway access log lines', () => {
    expect(renderedRulesOf(cluster)['app-shop-5xx-burst']).toMatchObject({
      index: 'logs-gateway.shop-default',
      filter: [{ term: { route_namespace: 'shop' } }, { range: { response_code: { gte: 500, lt: 600 } } }],
    });
  });
});

/*
 * ElastAlert2 2.26.0, elastalert/alerters/email.py: with smtp_ssl it connects with SMTP_SSL, TLS from the first byte,
 * and never sends in plaintext; without, it upgrades with STARTTLS only when the relay offers it. Neither verifies the
 * relay's certificate (docs/alerts.md), so on 465 every rule must ask for smtp_ssl, and on 587 none may (SMTP_SSL on a
 * STARTTLS port fails the handshake).
 */
test.each([465, 587])('with a relay on %i, every rule speaks TLS from the first byte exactly when the port does', (port) => {
  const cluster = CLUSTERS[0];
  const alerting = { ...cluster.alerting!, email: { ...cluster.alerting!.email, smtpPort: port } };
  const rules = Object.values(ruleFilesOf(appsOf(cluster), alerting))
    .map((text) => parse(text))
    .filter((rule) => rule.alert.includes('email'));
  expect(rules.length).toBeGreaterThan(0);
  for (const rule of rules) expect([rule.name, rule.smtp_port, rule.smtp_ssl ?? false]).toEqual([rule.name, port, port === 465]);
});

describe("the cluster's room and the platform's pods", () => {
  const cluster = CLUSTERS[0];
  const rendered = renderedRulesOf(cluster);

  test("the platform's crash-loop rule watches every namespace but the apps', which have their own", () => {
    const appNamespaces = appsOf(cluster).map((a) => namespaceOf(a.name));
    expect(appNamespaces.length).toBeGreaterThan(0);
    expect(rendered['platform-crash-loop'].filter).toContainEqual({ bool: { must_not: [{ terms: { [EVENT_FIELDS.namespace]: [...appNamespaces].sort() } }] } });
    for (const app of appsOf(cluster))
      expect(rendered[`app-${app.name}-crash-loop`].filter).toContainEqual({ term: { [EVENT_FIELDS.namespace]: namespaceOf(app.name) } });
    // Without apps, nothing is left out.
    expect(platformRules([]).find((r) => r.id === 'platform-crash-loop')!.filter).toEqual([
      { terms: { [EVENT_FIELDS.reason]: ['BackOff', 'CrashLoopBackOff'] } },
    ]);
  });

  test('one pod that waits five minutes for room fires, one that gets a node sooner does not', () => {
    // cluster-autoscaler's recorder lets one NotTriggerScaleUp through per pod, then one per 5 minutes
    // (cluster-autoscaler-1.33.0 utils/kubernetes/factory.go: defaultBurstSize 1, defaultQPS 1/300), unless
    // --record-duplicated-events is set, which our values leave off.
    const extraArgs = (new ClusterAutoscalerAddOn().values({ cluster, apps: appsOf(cluster) }) as Json).extraArgs ?? {};
    expect(extraArgs['record-duplicated-events']).toBeUndefined();
    const rule = rendered['platform-pods-without-room'];
    const eventsOfOnePodWaiting = (minutes: number) => Array.from({ length: Math.floor(minutes / 5) + 1 }, (_, i) => i * 5);
    // A frequency rule fires once num_events documents of one query key fall within its timeframe.
    const fires = (times: number[]) => times.some((t) => times.filter((u) => u >= t && u < t + rule.timeframe.minutes).length >= rule.num_events);
    expect(fires(eventsOfOnePodWaiting(4))).toBe(false);
    expect(fires(eventsOfOnePodWaiting(5))).toBe(true);
    expect(rule.query_key).toBe(EVENT_FIELDS.namespace);
  });

  test('the rare-line rules look back for lines that arrive late, and "nothing succeeded" counts from the lines, not from a restart', () => {
    for (const [id, rule] of Object.entries(rendered)) {
      if (rule.type === 'any') expect([id, rule.buffer_time]).toEqual([id, LATE_LINES]);
      if (rule.type === 'flatline') expect([id, rule.scan_entire_timeframe, rule.buffer_time]).toEqual([id, true, rule.timeframe]);
      // A count kept over days reads its whole window at every run; the bursts look at the last minutes only.
      if (rule.type === 'frequency')
        expect([id, rule.scan_entire_timeframe, rule.buffer_time]).toEqual(rule.timeframe.hours > 1 ? [id, true, rule.timeframe] : [id, undefined, undefined]);
      if (rule.type === 'spike') expect([id, rule.buffer_time]).toEqual([id, undefined]);
    }
    expect(Object.values(rendered).some((r) => r.type === 'frequency' && r.scan_entire_timeframe)).toBe(true);
    expect(Object.values(rendered).some((r) => r.type === 'flatline')).toBe(true);
  });

  test('the autoscaler rule reads the status ConfigMap where the add-on records its failures', () => {
    const addOn = new ClusterAutoscalerAddOn();
    expect(AUTOSCALER_STATUS.namespace).toBe(addOn.namespace);
    // The chart passes --namespace=<release namespace>; nothing of ours moves, renames or turns off the status ConfigMap.
    const extraArgs = (addOn.values({ cluster, apps: appsOf(cluster) }) as Json).extraArgs ?? {};
    for (const flag of ['namespace', 'status-config-map-name', 'write-status-configmap']) expect([flag, extraArgs[flag]]).toEqual([flag, undefined]);
    expect(rendered['platform-autoscaler-failing'].filter).toContainEqual({ term: { [EVENT_FIELDS.type]: 'Warning' } });
  });
});

describe('a node whose container logs stop', () => {
  const cluster = CLUSTERS[0];
  const rendered = renderedRulesOf(cluster);
  const nodeRule = rendered['platform-node-logs-stopped'];
  const removedRule = rendered['platform-node-removed'];
  const configOf = (addOn: FluentBitAddOn) => {
    const config = (addOn.values({ cluster, apps: appsOf(cluster) }) as Json).config;
    return parseClassicConfig([config.inputs, config.outputs].join('\n'));
  };
  const plugin = (sections: ConfigSection[], section: string, name: string) => sections.filter((s) => s.name === section && s.entries.name?.[0] === name);

  test('every node prints a heartbeat a minute on its Fluent Bit pod’s stdout, which its tail ships, and the node rule counts exactly those lines', () => {
    const addOn = new FluentBitAddOn();
    const sections = configOf(addOn);
    const [heartbeat] = plugin(sections, 'INPUT', 'dummy');
    const [stdout] = plugin(sections, 'OUTPUT', 'stdout');
    const [tail] = plugin(sections, 'INPUT', 'tail');
    const [es] = plugin(sections, 'OUTPUT', 'es');
    // The record goes to stdout only, as one JSON line without a date; the tail reads the pod's own log file.
    expect(stdout.entries.match).toEqual(heartbeat.entries.tag);
    expect(globMatches(es.entries.match[0], heartbeat.entries.tag[0])).toBe(false);
    expect([stdout.entries.format, stdout.entries.json_date_key]).toEqual([['json_lines'], ['false']]);
    expect(tail.entries.path).toEqual(['/var/log/containers/*.log']);
    // The kubernetes filter merges a JSON line below LOG_FIELDS.json: that is the document the rule's filter reads.
    const doc = { [LOG_FIELDS.json]: JSON.parse(heartbeat.entries.dummy[0]) };
    const valueAt = (field: string) => field.split('.').reduce<Json>((v, k) => v?.[k], doc);
    expect(nodeRule.filter.length).toBeGreaterThan(0);
    for (const clause of nodeRule.filter) for (const [field, value] of Object.entries(clause.term)) expect([field, valueAt(field)]).toEqual([field, value]);
    expect(nodeRule.index).toBe(containerLogStreamOf(addOn.namespace));
    // Several heartbeats in each timeframe: one late chunk does not fire.
    expect(Number(heartbeat.entries.interval_sec[0]) * 5).toBeLessThanOrEqual(nodeRule.timeframe.minutes * 60);
    // The events release runs once per cluster: it has no heartbeat, which would read as a node.
    expect(plugin(configOf(new FluentBitAddOn({ name: 'fluent-bit-events', role: 'events' })), 'INPUT', 'dummy')).toEqual([]);
  });

  test('a quiet node alerts once, named in the subject, counted per node name, and a node the API deleted is silenced for it', () => {
    expect(nodeRule).toMatchObject({
      type: 'flatline',
      threshold: 1,
      query_key: LOG_FIELDS.host,
      use_terms_query: true,
      terms_size: MAX_COUNTED_NODES,
      forget_keys: true,
      alert_subject: `${nodeRule.name}: {0}`,
      alert_subject_args: ['key'],
    });
    expect(nodeRule.realert_key).toBeUndefined();
    // The same value on both sides: the pod's spec.nodeName (kubernetes.host) is the Node's name (involvedObject.name).
    expect(removedRule).toMatchObject({ type: 'any', query_key: EVENT_FIELDS.name, realert_key: nodeRule.name, alert: [...SILENCER_ALERTERS] });
    expect(removedRule.filter).toEqual([{ term: { [EVENT_FIELDS.kind]: 'Node' } }, { term: { [EVENT_FIELDS.reason]: NODE_REMOVED_REASON } }]);
    // The silence outlasts the latest the node's alert can come after its removal: a timeframe and a few one-minute runs.
    expect(removedRule.realert.minutes).toBeGreaterThanOrEqual(nodeRule.timeframe.minutes + 5);
  });

  test('every silencing rule names one rule of the folder that counts per query key, and silences no silencer', () => {
    for (const c of CLUSTERS) {
      const rules = Object.values(renderedRulesOf(c));
      const silencers = rules.filter((r) => r.realert_key !== undefined);
      expect(silencers.length).toBeGreaterThan(0);
      for (const silencer of silencers) {
        const target = rules.filter((r) => r.name === silencer.realert_key);
        expect([silencer.name, target.length, target[0]?.query_key !== undefined, target[0]?.realert_key]).toEqual([silencer.name, 1, true, undefined]);
        expect(silencer.query_key).toBeDefined();
      }
    }
  });

  test('the render refuses a silencer or a per-key count without a query key', () => {
    const [nodeLogs, removed] = ['platform-node-logs-stopped', 'platform-node-removed'].map((id) => platformRules([]).find((r) => r.id === id)!);
    const receivers = { alerters: ['email'], settings: {} };
    expect(() => renderRule({ ...removed, queryKey: undefined }, receivers)).toThrow(
      'alert rule "platform-node-removed": silences "platform: a node ships no container logs" per query key, but has none',
    );
    expect(() => renderRule({ ...nodeLogs, queryKey: undefined }, receivers)).toThrow(
      'alert rule "platform-node-logs-stopped": termsSize and forgetKeys count per query key, but it has none',
    );
  });
});

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('the elastalert add-on in cluster %s', (_env, cluster) => {
  const addOn = new ElastAlertAddOn();
  const ctx = { cluster, apps: appsOf(cluster) };
  const values = addOn.values(ctx) as Json;
  const objects = synthChart((app) => {
    const chart = new Chart(app, 'configs', { disableResourceNameHashes: true });
    addOn.configure(chart, ctx);
    return chart;
  });

  test('it is pinned, needs the ECK operator, and runs restricted', () => {
    expect(addOn.chart.version).toMatch(EXACT_VERSION);
    expect(addOn.dependsOn).toEqual([EckAddOn]);
    const [workload] = addOn.workloads(ctx);
    expect(workload.podSecurity).toBe('restricted');
    expect(workload.settings.containers.elastalert.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  test('its pod mounts no service account token, which it could not use: it calls neither the API server nor AWS', () => {
    const [workload] = addOn.workloads(ctx);
    expect(workload.egress).toBeDefined();
    expect([workload.egress!.egressApiServer, workload.egress!.awsCredentials]).toEqual([undefined, undefined]);
    // The chart's templates read no value for it (its fixture at the pinned version), so the HelmRelease's post-renderer sets it.
    const chart = readChartFixture(path.join(REPO_ROOT, CHART_FIXTURES_DIR), addOn.chart.chart)!;
    expect(chart.provenance.version).toBe(addOn.chart.version);
    expect(Object.keys(chart.templateReads).length).toBeGreaterThan(0);
    expect(Object.keys(chart.templateReads).filter((key) => /automount/i.test(key))).toEqual([]);
    const release = fixtureObjectsOf(cluster.env).find((o) => o.kind === 'HelmRelease' && o.metadata.name === addOn.name) as Json;
    const patches = release.spec.postRenderers.flatMap((r: Json) => r.kustomize.patches);
    const ofDeployment = patches.filter((p: Json) => p.target.kind === 'Deployment' && p.target.name === workload.name);
    expect(ofDeployment.map((p: Json) => JSON.parse(p.patch).spec.template.spec.automountServiceAccountToken)).toEqual([false]);
  });

  test('it reaches Elasticsearch over verified TLS with the CA and its own user', () => {
    expect(values.elasticsearch).toMatchObject({ useSsl: 'True', verifyCerts: 'True', username: 'elastalert', credentialsSecret: CREDENTIALS_SECRET.name });
    expect(values.elasticsearch.caCerts.startsWith(values.elasticsearch.certsVolumeMounts[0].mountPath)).toBe(true);
  });

  test('its rules folder is the projected volume of its rule ConfigMaps, which hold every rule, readable by any user', () => {
    expect(values.rules).toBeUndefined();
    const volume = values.extraVolumes.find((v: Json) => v.name === values.rulesVolumeName);
    const configMaps = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.[ALERT_RULES_LABEL] === 'true');
    expect(configMaps.length).toBeGreaterThan(1);
    expect(volume.projected.sources.map((source: Json) => source.configMap.name)).toEqual(configMaps.map((c) => c.metadata.name));
    expect(volume.projected.defaultMode & 0o004).toBe(0o004);
    const files = alertRuleFilesIn(objects);
    expect(Object.fromEntries(files.map(([file, text]) => [file.replace(/\.yaml$/, ''), text]))).toEqual(ruleFilesOf(ctx.apps, cluster.alerting!));
    expect(files.every(([file]) => file.endsWith('.yaml'))).toBe(true);
  });

  test('its Secrets come from External Secrets only, from the keys the cluster spec names', () => {
    expect(schemaProblems(objects)).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const external = objects.filter((o) => o.kind === 'ExternalSecret') as Json[];
    const storeKeys = external
      .filter((e) => e.spec.secretStoreRef.kind === 'ClusterSecretStore')
      .flatMap((e) => e.spec.data.map((d: Json) => d.remoteRef.key))
      .sort();
    expect([...new Set(storeKeys)]).toEqual(alertingStoreKeysOf(cluster));
    const ca = external.find((e) => e.spec.secretStoreRef.kind === 'SecretStore');
    expect(ca.spec.data[0].remoteRef.key).toBe(ELASTICSEARCH_CA_SECRET);
  });

  test('the CA reader may get that one Secret and nothing else', () => {
    const role = objects.find((o) => o.kind === 'Role') as Json;
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: [ELASTICSEARCH_CA_SECRET], verbs: ['get'] }]);
    expect((objects.find((o) => o.kind === 'ServiceAccount') as Json).automountServiceAccountToken).toBe(false);
  });
});

describe('the rule ConfigMaps of many apps', () => {
  /** Five rules of about 800 bytes per app, as the real apps have, and one of the platform. */
  const rulesOf = (apps: readonly string[]): RuleFile[] => [
    ...apps.flatMap((app) => [1, 2, 3, 4, 5].map((k) => ({ id: `app-${app}-${k}`, app, text: `${app} ${k}\n`.padEnd(800, '#') }))),
    { id: 'platform-health', text: 'health\n' },
  ];
  const names = (count: number, from = 0) => Array.from({ length: count }, (_, i) => `site-${from + i}`);
  const bytesOf = (files: readonly RuleFile[]) => files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  const shardOfEachApp = (maps: ReturnType<typeof ruleConfigMapsOf>) =>
    new Map(maps.flatMap((m) => m.files.filter((f) => f.app).map((f) => [f.app!, m.name] as const)));

  test.each([1, 100, 1000, 4000])('%i apps: every rule in one ConfigMap, each app whole in one, none near the 1 MiB the API server takes', (count) => {
    const rules = rulesOf(names(count));
    const maps = ruleConfigMapsOf('elastalert-rules', rules);
    expect(maps.flatMap((m) => m.files).sort((a, b) => a.id.localeCompare(b.id))).toEqual([...rules].sort((a, b) => a.id.localeCompare(b.id)));
    expect(maps[0]).toEqual({ name: 'elastalert-rules-platform', files: [rules[rules.length - 1]] });
    for (const map of maps) expect(bytesOf(map.files)).toBeLessThan(MAX_DATA_BYTES * 0.75);
    const appShards = maps.slice(1);
    expect(Math.log2(appShards.length) % 1).toBe(0);
    expect(bytesOf(rules) / appShards.length).toBeLessThanOrEqual(RULE_SHARD_TARGET_BYTES + 4000);
    for (const map of appShards) expect(new Set(map.files.map((f) => f.app)).size * 5).toBe(map.files.length);
  });

  test("an app's arrival or departure changes its own ConfigMap only, while the shard count holds", () => {
    const before = ruleConfigMapsOf('r', rulesOf(names(1000)));
    const added = ruleConfigMapsOf('r', rulesOf([...names(1000), 'arrival']));
    const removed = ruleConfigMapsOf('r', rulesOf(names(999)));
    expect(added.length).toBe(before.length);
    const changed = (after: typeof before) => after.filter((m, i) => JSON.stringify(m) !== JSON.stringify(before[i])).map((m) => m.name);
    expect(changed(added)).toEqual([shardOfEachApp(added).get('arrival')]);
    expect(changed(removed)).toEqual([shardOfEachApp(before).get('site-999')]);
  });

  test('when the shards double, an app stays or moves to its shard plus the old count', () => {
    const small = ruleConfigMapsOf('r', rulesOf(names(200)));
    const large = ruleConfigMapsOf('r', rulesOf(names(1000)));
    const [from, to] = [small.length - 1, large.length - 1];
    expect(from).toBeGreaterThan(1);
    expect(to).toBeGreaterThan(from);
    const index = (name: string) => Number(name.slice('r-apps-'.length));
    for (const [app, shard] of shardOfEachApp(small)) expect(index(shardOfEachApp(large).get(app)!) % from).toBe(index(shard));
  });
});
