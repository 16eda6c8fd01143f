import { ALL_CONTAINER_LOGS, ALL_GATEWAY_ACCESS, ALL_LOG_STREAMS, appStreamsOf, EVENTS_STREAM, failuresOf, streamPatternOf } from '../model/log-contract';
import { namespaceOf } from '../model/naming';
import type { ResolvedApp } from '../model/resolve';
import type { EsRequest } from './log-retention';

/**
 * A data view is created once, then updated in place: what people set on it (field formats, custom labels,
 * popularity) stays. `override: true` on create deletes the view of the same name and saves a new one
 * (elastic/kibana 9.x src/platform/plugins/shared/data_views/common/data_views/data_views.ts, createSavedObject:
 * `if (override) await this.delete(dupe.id)`), which the hourly run did to every view. The update route,
 * `POST api/data_views/data_view/<id>`, changes only the fields it is given
 * (src/platform/plugins/shared/data_views/server/rest_api_routes/public/update_data_view.ts, its schema has
 * `name`, `title`, `timeFieldName`, and no `id`), and answers 404 for an id it does not know, as the GET does.
 */
const dataView = (id: string, name: string, patterns: readonly string[]): EsRequest => {
  const fields = { name, title: patterns.join(','), timeFieldName: '@timestamp' };
  return {
    path: 'api/data_views/data_view',
    body: { data_view: { id, ...fields } },
    ifExists: { path: `api/data_views/data_view/${id}`, body: { data_view: fields } },
  };
};

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
