import { ALL_CONTAINER_LOGS, ALL_GATEWAY_ACCESS, ALL_LOG_STREAMS, appStreamsOf, EVENTS_STREAM, failuresOf, streamPatternOf } from '../model/log-contract';
import { namespaceOf } from '../model/naming';
import type { ResolvedApp } from '../model/resolve';
import type { EsRequest } from './log-retention';

const dataView = (id: string, name: string, patterns: readonly string[]): EsRequest => ({
  path: 'api/data_views/data_view',
  body: { data_view: { id, name, title: patterns.join(','), timeFieldName: '@timestamp' }, override: true },
});

/** The data view Discover opens first: all the logs a person may read (their role narrows the streams). */
export const DEFAULT_DATA_VIEW = 'all-logs';

/**
 * Makes the default data view ours, whichever view was created first. Kibana 9.1 makes the first data
 * view it saves the default (src/platform/plugins/shared/data_views/common/data_views/data_views.ts,
 * createAndSave calls setDefault, which writes the `defaultIndex` setting when none is set): the first
 * app's view, otherwise.
 */
export const defaultDataViewRequest = (): EsRequest => ({ path: 'api/data_views/default', body: { data_view_id: DEFAULT_DATA_VIEW, force: true } });

/**
 * Kibana data views, so nobody types an index pattern: one per app (its logs and its requests, by their exact
 * stream names, as its role grants them), all apps, the events, and the rejected lines.
 */
export function dataViewRequestsOf(apps: readonly ResolvedApp[]): EsRequest[] {
  return [
    ...[...apps].sort((a, b) => a.name.localeCompare(b.name)).map((app) => dataView(`app-${app.name}`, app.name, appStreamsOf(namespaceOf(app.name)))),
    dataView(DEFAULT_DATA_VIEW, 'all apps and the platform', [ALL_CONTAINER_LOGS, ALL_GATEWAY_ACCESS]),
    dataView('kubernetes-events', 'Kubernetes events', [streamPatternOf(EVENTS_STREAM)]),
    // The lines Elasticsearch could not index, kept in the streams' failure stores (admins only: reading
    // them takes the read_failure_store privilege). Kibana 9.1 data views take the `::failures` selector.
    dataView('rejected-logs', 'rejected log lines (failure stores)', ALL_LOG_STREAMS.map(failuresOf)),
  ];
}
