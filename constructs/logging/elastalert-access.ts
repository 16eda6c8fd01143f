import { ALL_LOG_STREAMS } from '../model/log-contract';

/** The index (prefix) where ElastAlert2 keeps its own state: what it queried, what it sent, silences. */
export const ELASTALERT_WRITEBACK_INDEX = 'elastalert';

/**
 * ElastAlert2's own Elasticsearch user, not the `elastic` superuser: it may read the logs the rules
 * query (and their failure stores) and manage only its writeback indices. Its password lives in the secret store, at
 * platformSecretKeyOf(env, ELASTALERT_ES_USER.storeSecret), JSON property `password`; the ECK side reads
 * the same key into its file realm, so both sides agree without copying a Secret across namespaces.
 */
export const ELASTALERT_ES_USER = {
  username: 'elastalert',
  storeSecret: 'elastalert-es-user',
  role: 'elastalert',
} as const;

/**
 * `GET /` and `HEAD /`, the action `cluster:monitor/main`, are ElastAlert2's only cluster-level calls: the version,
 * in elastalert and elastalert-create-index alike (jertel/elastalert2@2.26.0 elastalert/util.py
 * get_version_from_cluster_info, client.info(); elastalert.py, writeback_es.ping()); the rest are searches and its
 * writeback indices. Elasticsearch takes an action name as a cluster privilege (ClusterPrivilegeResolver.resolve);
 * `monitor` would add every cluster:monitor/* read (nodes, tasks, cluster state).
 */
export const ELASTALERT_CLUSTER_MAIN = 'cluster:monitor/main';

/** The role, as Elasticsearch's roles.yml (ECK: a Secret referenced from spec.auth.roles) declares it. */
export const ELASTALERT_ES_ROLE = {
  cluster: [ELASTALERT_CLUSTER_MAIN],
  indices: [
    // read_failure_store (Elasticsearch 9.1): the rejected documents, `<stream>::failures`, which one rule counts.
    { names: [...ALL_LOG_STREAMS], privileges: ['read', 'view_index_metadata', 'read_failure_store'] },
    { names: [`${ELASTALERT_WRITEBACK_INDEX}*`], privileges: ['create_index', 'manage', 'read', 'write', 'view_index_metadata'] },
  ],
} as const;
