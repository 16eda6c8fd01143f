import { stringify } from 'yaml';
import { fastYaml } from '../blocks/fast-yaml';
import type { AlertingSpec } from '../model/cluster-spec';
import type { ResolvedApp } from '../model/resolve';
import { appRulesOf } from './app-rules';
import { platformRulesOf } from './cluster-rules';
import { receiversOf, type Receivers } from './receivers';
import { missingRequiredFields } from './required-fields';
import type { AlertRule } from './rule';

/*
 * How far back each run looks, read in jertel/elastalert2 2.26.0 (elastalert/elastalert.py):
 * - A run queries from `buffer_time` ago (default 15 minutes) or from the end of the last run, whichever
 *   is later (set_starttime); documents it saw are skipped by id while they are younger than buffer_time
 *   (remove_duplicate_events, remove_old_events). A line that reaches Elasticsearch later than that (Fluent
 *   Bit holds lines while Elasticsearch is down, and sends its backlog chunk by chunk) is never looked at.
 *   The `any` rules watch for rare lines that matter late too (a failed backup, a failed setup, a Warning
 *   event): they look back LATE_LINES. The bursts and spikes keep the default: a late burst is news no more.
 * - A flatline rule's memory (which documents it saw, since when it counts) is its rule object's, in
 *   memory, made afresh when ElastAlert2 starts or the rule file changes (init_rule keeps only a few
 *   fields); on a restart it resumes from its last run, not from a timeframe ago, so it knew of no success
 *   line and waited a whole timeframe before it could alert: "no successful backup" a day late after each
 *   restart. With `scan_entire_timeframe` every run queries the whole timeframe (set_starttime), and with
 *   `buffer_time` as long, what it saw stays known for as long (ruletypes.rst, "scan_entire_timeframe",
 *   recommends it for flatline rules across restarts). Only where no line at all is in the timeframe does
 *   it still count from its start (FlatlineRule.garbage_collect).
 * - A frequency rule's count is in memory too: a window of days (two partial backups in a row) would start
 *   afresh at every restart, so such a rule reads its whole timeframe at every run in the same way.
 */
export const LATE_LINES = { hours: 3 } as const;

/** The options that only one rule type has, in ElastAlert2's names. */
function typeOptions(rule: AlertRule): Record<string, unknown> {
  switch (rule.type) {
    case 'frequency':
      // As a flatline's (above): a count kept over days starts afresh whenever ElastAlert2 restarts, unless each run
      // reads the whole timeframe; documents it saw are skipped by id for buffer_time (remove_duplicate_events).
      return {
        num_events: rule.numEvents,
        timeframe: rule.timeframe,
        ...(rule.scanEntireTimeframe ? { scan_entire_timeframe: true, buffer_time: { ...rule.timeframe } } : {}),
      };
    case 'spike':
      return {
        spike_height: rule.spikeHeight,
        spike_type: rule.spikeType,
        timeframe: rule.timeframe,
        ...(rule.thresholdCur !== undefined ? { threshold_cur: rule.thresholdCur } : {}),
        ...(rule.useCountQuery ? { use_count_query: true } : {}),
      };
    case 'flatline':
      // A copy: the same object twice would be written as a YAML anchor and alias.
      return {
        threshold: rule.threshold,
        timeframe: rule.timeframe,
        scan_entire_timeframe: true,
        buffer_time: { ...rule.timeframe },
        ...(rule.termsSize !== undefined ? { use_terms_query: true, terms_size: rule.termsSize } : {}),
        ...(rule.forgetKeys ? { forget_keys: true } : {}),
      };
    case 'any':
      return { buffer_time: LATE_LINES };
  }
}

/**
 * A rule that silences another alerts no one: ElastAlert2's `debug` alerter only logs the match, at INFO,
 * which its logger drops (elastalert/alerters/debug.py; loaders.py alerts_mapping, 2.26.0).
 */
export const SILENCER_ALERTERS = ['debug'] as const;

/** One rule as ElastAlert2 reads it, keys in a fixed order. */
export function renderRule(rule: AlertRule, receivers: Receivers): Record<string, unknown> {
  if (rule.silences !== undefined && rule.queryKey === undefined)
    throw new Error(`alert rule "${rule.id}": silences "${rule.silences}" per query key, but has none`);
  if (rule.type === 'flatline' && (rule.termsSize !== undefined || rule.forgetKeys) && rule.queryKey === undefined) {
    throw new Error(`alert rule "${rule.id}": termsSize and forgetKeys count per query key, but it has none`);
  }
  return {
    name: rule.name,
    description: rule.description,
    type: rule.type,
    index: rule.index,
    ...typeOptions(rule),
    ...(rule.queryKey !== undefined ? { query_key: rule.queryKey } : {}),
    realert: rule.realert,
    // ElastAlert2 silences `<realert_key>.<query key value>` after a match (elastalert.py run_rule, set_realert, 2.26.0).
    ...(rule.silences !== undefined ? { realert_key: rule.silences } : {}),
    filter: rule.filter,
    ...(rule.silences !== undefined
      ? { alert: [...SILENCER_ALERTERS] }
      : {
          alert: [...receivers.alerters],
          // A per-key flatline's match carries the value as `key` (ruletypes.py FlatlineRule.check_for_match): the subject names it (alerts.py create_custom_title).
          ...(rule.type === 'flatline' && rule.queryKey !== undefined
            ? { alert_subject: `${rule.name}: {0}`, alert_subject_args: ['key'] }
            : { alert_subject: rule.name }),
          ...receivers.settings,
        }),
  };
}

/** One rule as a file of ElastAlert2's rules folder: its id (the file name without `.yaml`), its app if it has one, and its YAML. */
export interface RuleFile {
  readonly id: string;
  readonly app?: string;
  readonly text: string;
}

/**
 * The rules folder of one cluster, sorted by id. Throws if a rendered rule lacks an option ElastAlert2
 * requires, so a broken rule never reaches the cluster.
 */
export function renderedRulesOf(apps: readonly ResolvedApp[], alerting: AlertingSpec): RuleFile[] {
  const kept = keptRules.get(apps);
  return kept ? kept(alerting, (ofApp) => renderRulesOf(apps, alerting, ofApp)) : renderRulesOf(apps, alerting);
}

/** One app's rule files: made by make(), or read back where an earlier run made them of the same app and receivers. */
export type AppRuleFiles = (app: ResolvedApp, make: () => RuleFile[]) => RuleFile[];
/** Reads back or makes a cluster's rendered rules, by the apps and receivers they are made of (kept-or-built.ts). */
export type KeptRules = (alerting: AlertingSpec, render: (ofApp?: AppRuleFiles) => RuleFile[]) => RuleFile[];
const keptRules = new WeakMap<readonly ResolvedApp[], KeptRules>();

/**
 * Has renderedRulesOf() of these very apps go through kept: at 1,000 apps rendering the rules took 0.4 s of
 * a synth that reads everything else back, and most changes leave them, or all but one app's, as they are.
 */
export function keepRenderedRules(apps: readonly ResolvedApp[], kept: KeptRules): void {
  keptRules.set(apps, kept);
}

function renderRulesOf(apps: readonly ResolvedApp[], alerting: AlertingSpec, ofApp: AppRuleFiles = (_app, make) => make()): RuleFile[] {
  const receivers = receiversOf(alerting);
  const fileOf = (rule: AlertRule, to: Receivers): RuleFile => {
    const rendered = renderRule(rule, to);
    const missing = missingRequiredFields(rendered);
    if (missing.length > 0) throw new Error(`alert rule "${rule.id}": missing required option(s) ${missing.join(', ')}`);
    return { id: rule.id, ...('app' in rule.owner ? { app: rule.owner.app } : {}), text: fastYaml(rendered) ?? stringify(rendered, { lineWidth: 0 }) };
  };
  // An app's own receivers get its rules too; the platform's rules go to the cluster's receivers only.
  const appFiles = apps.flatMap((app) =>
    ofApp(app, () => {
      const to = app.alerts?.email?.length ? receiversOf(alerting, app.alerts.email) : receivers;
      return appRulesOf(app).map((rule) => fileOf(rule, to));
    }),
  );
  const platformFiles = platformRulesOf(apps).map((rule) => fileOf(rule, receivers));
  return [...appFiles, ...platformFiles].sort((a, b) => a.id.localeCompare(b.id));
}

/** renderedRulesOf() as file name (without `.yaml`) to rule YAML. */
export const ruleFilesOf = (apps: readonly ResolvedApp[], alerting: AlertingSpec): Record<string, string> =>
  Object.fromEntries(renderedRulesOf(apps, alerting).map((rule) => [rule.id, rule.text]));
