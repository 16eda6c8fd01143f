import { describe, type KubeObject } from '../model/kube-object';
import { containerLogStreamOf } from '../model/log-contract';
import { configSectionsOf, fluentBitBytes, fluentBitReleasesOf, type ConfigSection } from './log-buffer-rules';

/*
 * Settings whose upstream behaviour loses or hides records, each read in the source of the Fluent Bit
 * the chart runs (fluent-bit 0.47.0: Fluent Bit 3.1.0, fluent/fluent-bit@v3.1.0).
 */

interface SettingRule {
  /** The config section and plugin it applies to, e.g. INPUT and kubernetes_events. */
  readonly section: string;
  readonly plugin: string;
  /** What is wrong with that section's settings, or undefined. */
  readonly problemOf: (entries: ConfigSection['entries']) => string | undefined;
}

/**
 * Buffer_Size caps what the HTTP client reads of a response; `False` or 0 is no cap (src/flb_utils.c,
 * flb_utils_size_to_bytes; src/flb_http_client.c, flb_http_buffer_size and flb_http_buffer_increase). Past
 * the cap, flb_http_get_response_data stops reading, yet flb_http_do returns 0 with the status and the
 * response cut short.
 */
function bufferSizeProblem(entries: ConfigSection['entries'], upstreamDefault: string, consequence: string): string | undefined {
  const value = entries.buffer_size?.[0];
  if (value !== undefined && (value.toLowerCase() === 'false' || fluentBitBytes(value) === 0)) return undefined;
  return `${value === undefined ? `leaves Buffer_Size at its default ${upstreamDefault}` : `sets Buffer_Size ${value}`}: ${consequence}`;
}

const SETTING_RULES: readonly SettingRule[] = [
  {
    // plugins/in_kubernetes_events/kubernetes_events.c, check_event_is_filtered: with a DB, an event whose
    // uid is in it is dropped, whatever its resourceVersion (kubernetes_events_sql.h,
    // SQL_KUBERNETES_EVENT_EXISTS_BY_UID). client-go's recorder updates a repeated event in place (same
    // uid, count + 1), so each Event would ship once and the rules that count them could not fire.
    section: 'INPUT',
    plugin: 'kubernetes_events',
    problemOf: (entries) =>
      entries.db
        ? `sets DB ${entries.db[0]}: Fluent Bit then ships each Event once by its uid and drops its updates (a repeated event's count), which the alert rules count`
        : undefined,
  },
  {
    // plugins/out_es/es.c: the bulk response is read with Buffer_Size, default FLB_ES_DEFAULT_HTTP_MAX "512k"
    // (es.h), 512,000 bytes. elasticsearch_error_check cannot parse a cut response, and its fallback looks
    // for `"errors":false,"items":[`, which Elasticsearch does not write: it writes errors, took,
    // [ingest_took,] items (elastic/elasticsearch, server/src/main/java/org/elasticsearch/action/bulk/
    // BulkResponse.java, toXContentChunked, as read in its 8.16-and-later source). At some 220 bytes an
    // item, the answer to a chunk of more than about 2,300 records reads as a failure.
    section: 'OUTPUT',
    plugin: 'es',
    problemOf: (entries) =>
      bufferSizeProblem(
        entries,
        '512k',
        "Elasticsearch's answer to a chunk of more than about 2,300 records is cut, read as a failure, and the chunk it indexed is sent again until Retry_Limit, then counted as dropped",
      ),
  },
  {
    // plugins/filter_kubernetes/kubernetes.c: the pod is read from the API with Buffer_Size, default "32K",
    // 32,000 bytes with the response's headers. kube_meta.c, get_meta_info_from_request: a cut answer does
    // not parse, so flb_kube_pod_meta_get has no metadata to add (nor cache: it asks again for every
    // chunk), the record gets no `kubernetes` key, and the routing script sends it to the stream of
    // namespace "unknown" (constructs/logging/fluent-bit-lua.ts).
    section: 'FILTER',
    plugin: 'kubernetes',
    problemOf: (entries) =>
      bufferSizeProblem(
        entries,
        '32K',
        `a pod whose API object is larger gets no kubernetes metadata: its lines go to ${containerLogStreamOf('unknown')}, out of its app's view and alert rules, and its parser annotation is not read`,
      ),
  },
];

/** Every Fluent Bit release: none of the settings above that lose or hide records. */
export function fluentBitSettingProblems(objects: readonly KubeObject[]): string[] {
  return fluentBitReleasesOf(objects).flatMap((release) =>
    configSectionsOf(release).flatMap((section) =>
      SETTING_RULES.filter((rule) => rule.section === section.name && rule.plugin === section.entries.name?.[0]?.toLowerCase()).flatMap((rule) => {
        const problem = rule.problemOf(section.entries);
        return problem ? [`${describe(release)}: its [${rule.section}] ${rule.plugin} ${problem}`] : [];
      }),
    ),
  );
}
