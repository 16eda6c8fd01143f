import type { EnvName } from '../model/app-spec';
import { ALL_CONTAINER_LOGS, ALL_GATEWAY_ACCESS, appStreamsOf, EVENTS_STREAM, streamPatternOf } from '../model/log-contract';
import { APP_NAME_CHARACTERS, namespaceOf } from '../model/naming';
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

/**
 * The app retention the setup keeps in Elasticsearch, sorted: the default, the policy and template of each live
 * app with its own `logRetentionDays`, and those of each retired app (its `appData` retirement note). A retired
 * app's are kept on purpose: synth no longer knows its retention, and its logs age out under the retention they
 * were promised, shorter (a privacy promise) or longer (a keeping promise) than the default. Once the note goes,
 * they are pruned like any other (retentionRemovalOf), and the app's streams go back to the env's default.
 */
export function keptRetentionOf(apps: readonly ResolvedApp[], retiredApps: readonly string[]): string[] {
  const own = apps.filter((app) => app.logRetentionDays !== undefined).map((app) => app.name);
  return [...new Set([DEFAULT_POLICY, ...[...own, ...retiredApps].map(appLogPolicyOf)])].sort();
}

/** What every name of an app's own retention starts with: appLogPolicyOf(app) is this, then the app's name. */
export const APP_LOG_POLICY_PREFIX = appLogPolicyOf('');
/**
 * A basic regular expression (grep) matching a name of an app's own retention as Elasticsearch's JSON quotes
 * it, and nothing longer: the prefix, then at least one of an app name's characters and no other
 * (model/naming.ts). So our component template `webapps-logs@mappings`, ElastAlert's template
 * `webapps-elastalert` and any name with another character (`webapps-logs-a.b`, made by hand) can never be
 * read as one.
 */
export const APP_RETENTION_NAME_BRE = `"${APP_LOG_POLICY_PREFIX}[${APP_NAME_CHARACTERS}][${APP_NAME_CHARACTERS}]*"`;

/*
 * How Elasticsearch answers what the prune sends, read in elastic/elasticsearch's stored source: the 9.1.0 tag
 * is too large to fetch here, so each file was read at one commit not pinned to the tag. "9.x" marks a file
 * with the project-scoped metadata 9.0 brought; the others are older, and what they say is assumed unchanged.
 * - GET _index_template/<name> (9.x, TransportGetComposableIndexTemplateAction.masterOperation): a name with
 *   `*` (Regex.isSimpleMatchPattern) lists the templates it matches, and matching none is a 200 with an empty
 *   list; only an exact name that does not exist is a 404 ("index template matching [...] not found"). It
 *   lists index templates only, never component templates (`_component_template`).
 * - GET _ilm/policy/<name> (9.1 or later: x-pack/plugin/ilm TransportGetLifecycleAction says "prior to 9.1 this
 *   was a TransportMasterNodeAction"; an 8.x version takes wildcards the same way): one `*` pattern lists the
 *   policies it matches, keyed by name, and none is a 200 `{}`; a 404 only when no policy exists at all (no
 *   ILM metadata), which cannot be after the default policy is PUT, and is taken as none.
 * - DELETE _index_template/<name> (9.x, MetadataIndexTemplateService.innerRemoveIndexTemplateV2): a missing name is
 *   a 404 (IndexTemplateMissingException); a 400 ("unable to remove composable templates ... in use by a data
 *   streams") only for a stream no other template matches (dataStreamsExclusivelyUsingTemplates), while ours
 *   are matched by the default template, PUT earlier in the run, and by the built-in `logs` one.
 * - DELETE _ilm/policy/<name> (9.x, TransportDeleteLifecycleAction.DeleteLifecyclePolicyTask): refused with a
 *   400 (IllegalArgumentException, "Cannot delete policy [<name>]. It is in use by one or more indices: [...]")
 *   while any index of the project has it as `index.lifecycle.name`, failure store indices included; a
 *   missing policy is a 404 (ResourceNotFoundException).
 * - A failure store index takes the template's settings (MetadataCreateIndexService.aggregateIndexSettings,
 *   8.x), filtered by DataStreamFailureStoreDefinition, which keeps `index.lifecycle.name` in both later
 *   versions stored: the allow-list lists LIFECYCLE_NAME, and its successor drops only pipelines and
 *   time-series settings (only an earlier allow-list dropped it). ILM rolls a failure store's write index
 *   over like a backing one (WaitForRolloverReadyStep, 8.x: `dataStream.isFailureStoreIndex`). The settings
 *   update on a stream reaches its backing indices, not its failure store; reaching that (`<stream>::failures`)
 *   would take the failure store privilege `manage_failure_store`, more than the setup's role should hold. So
 *   the failure indices an app's template made keep its policy until that policy deletes them; until then
 *   the policy's delete is refused as "in use", which the setup accepts and retries every hour
 *   (RETENTION_IN_USE), and the policy goes once no index has it. No new failure index gets it: the
 *   template is gone first.
 */
/** The text of Elasticsearch's refusal to delete a policy an index still has (TransportDeleteLifecycleAction). */
export const RETENTION_IN_USE = 'It is in use by one or more indices';

/** The listings of the app retention Elasticsearch holds, names only (`filter_path`). */
export const RETENTION_LISTINGS = {
  templates: `_index_template/${appLogPolicyOf('*')}?filter_path=index_templates.name`,
  policies: `_ilm/policy/${appLogPolicyOf('*')}?filter_path=*.version`,
} as const;

/** The requests that take away one app's own retention, in this order; each may be sent again (404 is done). */
export interface RetentionRemoval {
  /** DELETE: no new backing index gets the app's policy from its template. */
  readonly template: string;
  /** PUT: the app's streams' existing backing indices back on the env's default policy. */
  readonly streams: EsRequest;
  /** DELETE: the policy, once no index has it. */
  readonly policy: string;
}

export const retentionRemovalOf = (app: string): RetentionRemoval => ({
  template: `_index_template/${appLogPolicyOf(app)}`,
  streams: existingStreamsOnPolicy(appStreamsOf(namespaceOf(app)), DEFAULT_POLICY),
  policy: `_ilm/policy/${appLogPolicyOf(app)}`,
});
