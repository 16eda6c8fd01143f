import { ALL_CONTAINER_LOGS, ALL_GATEWAY_ACCESS, ALL_LOG_STREAMS, appStreamsOf, EVENTS_STREAM, failuresOf, streamPatternOf } from '../model/log-contract';
import { namespaceOf } from '../model/naming';
import type { ResolvedApp } from '../model/resolve';
import type { EsRequest } from './log-retention';

const dataView = (id: string, name: string, patterns: readonly string[]): EsRequest => ({
  path: 'api/data_views/data_view',
  body: { data_view: { id, name, title: patterns.join(','), timeFieldName: '@timestamp' }, override: true },
});

/**
 * Kibana data views, so nobody types an index pattern: one per app (its logs and its requests, by their exact
 * stream names, as its role grants them), all apps, the events, and the rejected lines.
 */
export function dataViewRequestsOf(apps: readonly ResolvedApp[]): EsRequest[] {
  return [
    ...[...apps].sort((a, b) => a.name.localeCompare(b.name)).map((app) => dataView(`app-${app.name}`, app.name, appStreamsOf(namespaceOf(app.name)))),
    dataView('all-logs', 'all apps and the platform', [ALL_CONTAINER_LOGS, ALL_GATEWAY_ACCESS]),
    dataView('kubernetes-events', 'Kubernetes events', [streamPatternOf(EVENTS_STREAM)]),
    // The lines Elasticsearch could not index, kept in the streams' failure stores (admins only: reading
    // them takes the read_failure_store privilege). Kibana 9.1 data views take the `::failures` selector.
    dataView('rejected-logs', 'rejected log lines (failure stores)', ALL_LOG_STREAMS.map(failuresOf)),
  ];
}
