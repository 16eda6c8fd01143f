/*
 * One ElastAlert2 rule as a typed object: a discriminated union over the rule types the platform uses.
 * Each variant carries exactly the options its type requires (see required-fields.ts), so a rule that
 * lacks one does not compile.
 */

/** An ElastAlert2 time span (`unit: X`); exactly one unit is set. */
export type TimeSpan = { readonly minutes: number } | { readonly hours: number };

/** One clause of the rule's Elasticsearch query; the clauses are ANDed. */
export type Filter =
  | { readonly term: Readonly<Record<string, string>> }
  | { readonly terms: Readonly<Record<string, readonly string[]>> }
  | { readonly range: Readonly<Record<string, { readonly gte?: number; readonly lt?: number }>> }
  | { readonly wildcard: Readonly<Record<string, { readonly value: string }>> }
  | { readonly match_phrase: Readonly<Record<string, string>> }
  | { readonly exists: { readonly field: string } }
  | { readonly bool: { readonly must_not: readonly Filter[] } };

export const term = (field: string, value: string): Filter => ({ term: { [field]: value } });
export const terms = (field: string, values: readonly string[]): Filter => ({ terms: { [field]: values } });
export const range = (field: string, bounds: { gte?: number; lt?: number }): Filter => ({ range: { [field]: bounds } });
export const wildcard = (field: string, pattern: string): Filter => ({ wildcard: { [field]: { value: pattern } } });
/** The words of `phrase`, in order, in an analysed text field. */
export const matchPhrase = (field: string, phrase: string): Filter => ({ match_phrase: { [field]: phrase } });
export const exists = (field: string): Filter => ({ exists: { field } });
export const not = (filter: Filter): Filter => ({ bool: { must_not: [filter] } });

/** What a rule watches for; with its owner it makes the rule's id. */
export type AppRulePurpose =
  | '5xx-burst'
  | 'request-spike'
  | 'error-burst'
  | 'backup-failed'
  | 'backup-partial'
  | 'backup-stale'
  | 'crash-loop'
  | 'log-lines-dropped'
  | 'access-lines-dropped';
export type PlatformRulePurpose =
  | 'certificate-failure'
  | 'certificate-expiring'
  | 'certificate-mismatch'
  | 'certificate-check-stopped'
  | 'flux-failure'
  | 'elasticsearch-health'
  | 'elasticsearch-disk'
  | 'elasticsearch-setup-failed'
  | 'elasticsearch-setup-stale'
  | 'backup-lock-failed'
  | 'backup-lock-stale'
  | 'log-documents-rejected'
  | 'log-chunks-dropped'
  | 'container-logs-stopped'
  | 'node-logs-stopped'
  | 'node-removed'
  | 'events-stopped'
  | 'crash-loop'
  | 'pods-without-room'
  | 'autoscaler-failing'
  | 'pods-evicted';

interface RuleBase {
  /** File name of the rule in ElastAlert2's rules folder (a ConfigMap key): unique per cluster. */
  readonly id: string;
  /** Unique per cluster (ElastAlert2 refuses duplicates); the subject line of every alert. */
  readonly name: string;
  /** What firing means, and where to look first. */
  readonly description: string;
  readonly owner: { readonly app: string; readonly purpose: AppRulePurpose } | { readonly platform: PlatformRulePurpose };
  readonly index: string;
  readonly filter: readonly Filter[];
  /** Silence after an alert, so a lasting problem does not flood the receivers. */
  readonly realert: TimeSpan;
  /** Counts and silences apart per value of this field (e.g. one crash-looping pod does not hide another). */
  readonly queryKey?: string;
  /**
   * The name of another rule that this one silences instead of alerting anyone: each match silences that
   * rule, for the match's query key value, for `realert` (ElastAlert2's shared `realert_key`, docs/source/ruletypes.rst).
   */
  readonly silences?: string;
}

/** At least `numEvents` matching documents within `timeframe`. */
export interface FrequencyRule extends RuleBase {
  readonly type: 'frequency';
  readonly numEvents: number;
  readonly timeframe: TimeSpan;
  /** Query the whole timeframe at every run, so that a restart of ElastAlert2 forgets nothing it counted (a window of days; see render.ts). */
  readonly scanEntireTimeframe?: boolean;
}

/** The count in the last `timeframe` is `spikeHeight` times the count in the `timeframe` before it. */
export interface SpikeRule extends RuleBase {
  readonly type: 'spike';
  readonly spikeHeight: number;
  readonly spikeType: 'up' | 'down' | 'both';
  readonly timeframe: TimeSpan;
  /** Ignore spikes whose current window holds fewer events than this. */
  readonly thresholdCur?: number;
  /** Ask Elasticsearch for counts instead of fetching every matching document. */
  readonly useCountQuery?: boolean;
}

/** Fewer than `threshold` matching documents within `timeframe`: something stopped happening. */
export interface FlatlineRule extends RuleBase {
  readonly type: 'flatline';
  readonly threshold: number;
  readonly timeframe: TimeSpan;
  /** With queryKey: count per value with a terms aggregation of up to this many values, instead of fetching every document. */
  readonly termsSize?: number;
  /** With queryKey: after a value's alert, forget the value until a document of it comes again, so it alerts once, not forever. */
  readonly forgetKeys?: boolean;
}

/** Every matching document. */
export interface AnyRule extends RuleBase {
  readonly type: 'any';
}

export type AlertRule = FrequencyRule | SpikeRule | FlatlineRule | AnyRule;

export const appRuleId = (app: string, purpose: AppRulePurpose): string => `app-${app}-${purpose}`;
export const platformRuleId = (purpose: PlatformRulePurpose): string => `platform-${purpose}`;
