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

/** The role, as Elasticsearch's roles.yml (ECK: a Secret referenced from spec.auth.roles) declares it. */
export const ELASTALERT_ES_ROLE = {
  cluster: ['monitor'],
  indices: [
    // read_failure_store (Elasticsearch 9.1): the rejected documents, `<stream>::failures`, which one rule counts.
    { names: [...ALL_LOG_STREAMS], privileges: ['read', 'view_index_metadata', 'read_failure_store'] },
    { names: [`${ELASTALERT_WRITEBACK_INDEX}*`], privileges: ['create_index', 'manage', 'read', 'write', 'view_index_metadata'] },
  ],
} as const;
