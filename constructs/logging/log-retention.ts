import type { EnvName } from '../model/app-spec';
import { ALL_CONTAINER_LOGS, ALL_GATEWAY_ACCESS, appStreamsOf, EVENTS_STREAM, streamPatternOf } from '../model/log-contract';
import { namespaceOf } from '../model/naming';
import type { ResolvedApp } from '../model/resolve';
import { LOG_FIELD_MAPPINGS, mappingPropertiesOf } from './field-types';
import { MAX_MAPPED_FIELDS_PER_INDEX, PRIMARY_SHARDS, rolloverDaysOf } from './shard-budget';

/** Days the logs are kept where no app says otherwise. */
export const DEFAULT_LOG_RETENTION_DAYS: Readonly<Record<EnvName, number>> = { staging: 14, prod: 90 };
/**
 * Replicas of every log shard: none on staging (its one node could not place them, and its logs may be
 * lost with that node), one on prod, so one lost node or zone keeps every log searchable.
 */
export const LOG_REPLICAS: Readonly<Record<EnvName, number>> = { staging: 0, prod: 1 };

/** Our component template: the log contract's fields, typed (constructs/logging/field-types.ts). */
export const LOG_MAPPINGS_COMPONENT = 'webapps-logs@mappings';
/**
 * Elasticsearch's built-in parts of its `logs-*-*` template, which ours keep (mappings, ECS fields),
 * then ours, last, so its types win.
 */
const LOGS_COMPONENTS = ['logs@mappings', 'logs@settings', 'logs@custom', 'ecs@mappings', LOG_MAPPINGS_COMPONENT];
/** The env-wide ILM policy and template; an app's own are appLogPolicyOf(app). */
export const DEFAULT_POLICY = 'webapps-logs-default';
export const appLogPolicyOf = (app: string): string => `webapps-logs-${app}`;

/**
 * An ILM policy: roll over at `days` (or at 50 GB a shard), delete `days` after the rollover. A stream so
 * holds at most two backing indices (constructs/logging/shard-budget.ts), which is what lets 1,000 apps keep
 * a stream each; a line is kept at least `days` and at most twice that (docs/logs.md, "Shards").
 */
export const ilmPolicy = (days: number) => ({
  policy: {
    phases: {
      hot: { actions: { rollover: { max_age: `${rolloverDaysOf(days)}d`, max_primary_shard_size: '50gb' } } },
      delete: { min_age: `${days}d`, actions: { delete: {} } },
    },
  },
});

const indexTemplate = (patterns: readonly string[], priority: number, policy: string, replicas: number) => ({
  index_patterns: patterns,
  data_stream: {},
  priority,
  composed_of: LOGS_COMPONENTS,
  ignore_missing_component_templates: ['logs@custom'],
  template: {
    // The shard estimate's terms (shard-budget.ts): one primary, the env's replicas, and the field limit
    // (Elasticsearch's default, set here so the heap a node needs per index cannot grow past it).
    settings: {
      'index.lifecycle.name': policy,
      'index.number_of_shards': PRIMARY_SHARDS,
      'index.number_of_replicas': replicas,
      'index.mapping.total_fields.limit': MAX_MAPPED_FIELDS_PER_INDEX,
    },
    // A document Elasticsearch cannot index (a mapping conflict) is kept in the stream's failure store,
    // `<stream>::failures`, and the write succeeds, so Fluent Bit never retries it. Applied when a stream
    // is created; Elasticsearch's `data_streams.failure_store.enabled` setting (eck.ts) covers older ones.
    data_stream_options: { failure_store: { enabled: true } },
  },
  _meta: { managed_by: 'webapp-platform' },
});

/** One request the setup job sends: the API path and its JSON body. */
export interface EsRequest {
  readonly path: string;
  readonly body: unknown;
  /**
   * Where the object lives once made, and the body that updates it there: the setup GETs this path first,
   * and sends the update to it when it exists, the request itself (which creates it) only on a 404.
   */
  readonly ifExists?: { readonly path: string; readonly body: unknown };
}

/**
 * Puts the backing indices a stream already has on `policy`: a template reaches only the indices made after
 * it, so a changed retention would wait for the next rollover (up to 90 days). The update settings API takes
 * data streams and applies to their backing indices, not to their failure stores; ILM finishes the phase an
 * index is in by the policy it cached, then follows the new one. A stream that does not exist yet is skipped
 * (`ignore_unavailable`), and none existing is no error (`allow_no_indices`).
 */
export const existingStreamsOnPolicy = (streams: readonly string[], policy: string): EsRequest => ({
  path: `${streams.join(',')}/_settings?ignore_unavailable=true&allow_no_indices=true`,
  body: { 'index.lifecycle.name': policy },
});

/**
 * The typed fields (a component template), then retention as Elasticsearch ILM: the env's default for
 * every log stream, and for an app with its own `logRetentionDays` a policy and a template of higher
 * priority over that app's two streams, by their exact names, whose existing indices move to that policy at once.
 * The order matters: a template needs its components first.
 */
export function retentionRequestsOf(env: EnvName, apps: readonly ResolvedApp[]): EsRequest[] {
  const requests: EsRequest[] = [
    {
      path: `_component_template/${LOG_MAPPINGS_COMPONENT}`,
      body: { template: { mappings: { properties: mappingPropertiesOf(LOG_FIELD_MAPPINGS) } }, _meta: { managed_by: 'webapp-platform' } },
    },
    { path: `_ilm/policy/${DEFAULT_POLICY}`, body: ilmPolicy(DEFAULT_LOG_RETENTION_DAYS[env]) },
    {
      path: `_index_template/${DEFAULT_POLICY}`,
      body: indexTemplate([ALL_CONTAINER_LOGS, ALL_GATEWAY_ACCESS, streamPatternOf(EVENTS_STREAM)], 150, DEFAULT_POLICY, LOG_REPLICAS[env]),
    },
  ];
  for (const app of [...apps].sort((a, b) => a.name.localeCompare(b.name))) {
    if (app.logRetentionDays === undefined) continue;
    const ns = namespaceOf(app.name);
    requests.push(
      { path: `_ilm/policy/${appLogPolicyOf(app.name)}`, body: ilmPolicy(app.logRetentionDays) },
      {
        path: `_index_template/${appLogPolicyOf(app.name)}`,
        body: indexTemplate(
          // The app's two streams by name, never `<stream prefix>-*`: that of `shop` would also match
          // `logs-k8s.shop-admin-default` (appStreamsOf in model/log-contract.ts says what follows).
          appStreamsOf(ns),
          200,
          appLogPolicyOf(app.name),
          LOG_REPLICAS[env],
        ),
      },
      existingStreamsOnPolicy(appStreamsOf(ns), appLogPolicyOf(app.name)),
    );
  }
  return requests;
}
