import type { EnvName } from '../model/app-spec';
import { ELASTALERT_WRITEBACK_INDEX } from './elastalert-access';
import { LOG_REPLICAS, type EsRequest } from './log-retention';

/** The index template of ElastAlert2's writeback indices, by name. */
export const ELASTALERT_INDEX_TEMPLATE = 'webapps-elastalert';

/**
 * ElastAlert2's writeback indices (`elastalert`, `elastalert_status`, `_silence`, `_error`, `_past`) get
 * the env's replicas, as the log streams do. The image's entry point runs `elastalert-create-index` at
 * every start (jertel/elastalert2 2.26.0, Dockerfile: run.sh), which creates each index with no settings
 * of its own (elastalert/create_index.py, create_index_mappings: `es_index.create(index_name)`), so
 * without a template each took Elasticsearch's default of one replica: on staging's one node, five
 * replicas never assigned, the cluster yellow for good, and the health rule firing for nothing. The setup
 * layer runs before the services layer that holds ElastAlert2, so the template is there when it first
 * creates them. Indices made before the template keep their replica; docs/scale-and-upgrade.md says how to set it.
 */
export function elastalertIndexTemplateOf(env: EnvName): EsRequest {
  return {
    path: `_index_template/${ELASTALERT_INDEX_TEMPLATE}`,
    body: {
      index_patterns: [ELASTALERT_WRITEBACK_INDEX, `${ELASTALERT_WRITEBACK_INDEX}_*`],
      priority: 150,
      template: { settings: { 'index.number_of_shards': 1, 'index.number_of_replicas': LOG_REPLICAS[env] } },
      _meta: { managed_by: 'webapp-platform' },
    },
  };
}
