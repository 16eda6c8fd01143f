import { ELASTALERT_ES_ROLE, ELASTALERT_ES_USER } from './elastalert-access';
import type { EsRole } from './es-role';
import { appLogsRoleFor, appLogsRoleOf, kibanaPasswordSecretOf, kibanaUsersOf } from './kibana-access';
import { APP_ACCESS_LEVELS, type AccessSpec } from '../model/access-spec';
import { ALL_CONTAINER_LOGS, ALL_GATEWAY_ACCESS, ELASTICSEARCH, EVENTS_STREAM } from '../model/log-contract';

/** An Elasticsearch role as roles.yml declares it. */

/**
 * A platform component's own Elasticsearch user. Its password lives in the secret store at
 * platformSecretKeyOf(env, storeSecret), property `password`; ECK's file realm and the component both
 * read it from there, so no Secret crosses namespaces.
 */
export interface EsServiceUser {
  readonly username: string;
  readonly storeSecret: string;
  readonly role: string;
  readonly privileges: EsRole;
}

export const FLUENT_BIT_ES_USER: EsServiceUser = {
  username: 'fluent-bit',
  storeSecret: 'fluent-bit-es-user',
  role: 'log-shipper',
  // Writes documents into the log data streams (creating them from the built-in logs-*-* template), nothing else.
  // Its es output sends only `POST /_bulk` (fluent/fluent-bit@v3.1.0 plugins/out_es: es_conf.c builds the one URI,
  // es.c its one request), which create_doc grants: no cluster privilege.
  privileges: {
    cluster: [],
    indices: [{ names: [ALL_CONTAINER_LOGS, ALL_GATEWAY_ACCESS, EVENTS_STREAM], privileges: ['create_doc', 'auto_configure'] }],
  },
};

/**
 * `PUT <stream>/_settings` is the action `indices:admin/settings/update` (Elasticsearch 9.1,
 * TransportUpdateSettingsAction). The index privilege `manage_ilm` does not grant it: it is
 * `indices:admin/ilm/*` alone (x-pack/plugin/core/.../authz/privilege/IndexPrivilege.java,
 * MANAGE_ILM_AUTOMATON), the explain, retry and remove-policy APIs. The named privilege that does is `manage`,
 * which also deletes indices and data streams; a role may name the action itself instead (IndexPrivilege
 * resolves a name matching `indices:*` as an action pattern), which is all the setup needs.
 */
export const UPDATE_INDEX_SETTINGS = 'indices:admin/settings/update';

/** Kibana's own application, space `default`, as roles name it. */
export const KIBANA_APPLICATION = 'kibana-.kibana';

/**
 * The setup job's user (constructs/logging/elasticsearch-setup.ts), instead of the `elastic` superuser.
 * Elasticsearch 9.1 cluster privileges (docs/reference/elasticsearch/security-privileges.md):
 * `manage_index_templates` (index and component templates) and `manage_ilm` (ILM policies), which also grant
 * the prune's listings and deletes of app retention (`indices:admin/index_template/get` and `/delete`,
 * `cluster:admin/ilm/get` and `/delete`; x-pack ClusterPrivilegeResolver: `indices:admin/index_template/*`,
 * `cluster:admin/ilm/*`). On the app log streams only the action that sets an index's ILM policy
 * (log-retention.ts, existingStreamsOnPolicy and retentionRemovalOf): it reads and writes no document.
 * test/elasticsearch-setup.test.ts holds this role to the calls the setup script sends. Kibana 9.1 (x-pack/platform/plugins/shared/features/server/oss_features.ts):
 * the feature privilege `indexPatterns` `all` (Data View Management), whose `indexPatterns:manage` API
 * privilege the data view routes require and which writes `index-pattern` saved objects; and
 * `advancedSettings` `all`, the only one that writes the `config` object, where Kibana keeps the default
 * data view: saving the first data view sets it (data-views.ts), and without it that save gets 403.
 */
export const SETUP_ES_USER: EsServiceUser = {
  username: 'elasticsearch-setup',
  storeSecret: 'elasticsearch-setup-es-user',
  role: 'log-setup',
  privileges: {
    cluster: ['manage_index_templates', 'manage_ilm'],
    indices: [{ names: [ALL_CONTAINER_LOGS, ALL_GATEWAY_ACCESS], privileges: [UPDATE_INDEX_SETTINGS] }],
    applications: [
      { application: KIBANA_APPLICATION, privileges: ['feature_indexPatterns.all', 'feature_advancedSettings.all'], resources: ['space:default'] },
    ],
  },
};

export const ES_SERVICE_USERS: readonly EsServiceUser[] = [{ ...ELASTALERT_ES_USER, privileges: ELASTALERT_ES_ROLE }, FLUENT_BIT_ES_USER, SETUP_ES_USER];

/**
 * User names that Elasticsearch and ECK keep for themselves. ECK 3.2.0 merges the file realm with the
 * user-provided one last, so a user of ours wins over its own of that name
 * (pkg/controller/elasticsearch/user/reconcile.go, aggregateFileRealm, "the last one having precedence"); for
 * `elastic` it then deletes the Secret with that superuser's password (predefined.go, reconcileElasticUser).
 */
const ECK_INTERNAL_USER_PREFIX = 'elastic-internal';
const RESERVED_ES_USERNAMES: Readonly<Record<string, string>> = {
  // ECK 3.2.0, pkg/controller/elasticsearch/user/predefined.go, ElasticUserName.
  elastic: "ECK's `elastic` superuser: a file-realm user of that name replaces it, and ECK deletes the Secret with its password",
  // Elasticsearch's built-in users (elastic.co/docs/deploy-manage/users-roles/cluster-or-deployment-auth/built-in-users);
  // `kibana` is kibana_system's name before Elasticsearch 7.8 (x-pack-core KibanaUser, deprecated, still reserved).
  kibana_system: "Elasticsearch's built-in user for Kibana",
  kibana: "Elasticsearch's built-in user for Kibana (kibana_system's old name)",
  logstash_system: "Elasticsearch's built-in user for Logstash monitoring",
  beats_system: "Elasticsearch's built-in user for Beats monitoring",
  apm_system: "Elasticsearch's built-in user for APM Server monitoring",
  remote_monitoring_user: "Elasticsearch's built-in user for Metricbeat monitoring",
};

/**
 * Why no person may have this id as their Elasticsearch user, or undefined if they may (a phrase that follows
 * "it is"): it is one
 * Elasticsearch or ECK keeps (ECK's own users, elastic-internal-probe and the like, all begin with
 * "elastic-internal"; predefined.go), or a platform component's (ES_SERVICE_USERS), whose file-realm user
 * and Secret a person's would duplicate.
 */
export function reservedEsUsernameReason(username: string): string | undefined {
  if (Object.hasOwn(RESERVED_ES_USERNAMES, username)) return RESERVED_ES_USERNAMES[username];
  if (username.startsWith(ECK_INTERNAL_USER_PREFIX))
    return `in ECK's own range: ECK keeps every user name starting with "${ECK_INTERNAL_USER_PREFIX}" for itself (its login, probe, pre-stop hook, monitoring), and a file-realm user of that name replaces the operator's`;
  const service = ES_SERVICE_USERS.find((u) => u.username === username);
  if (service) return `the Elasticsearch user of the platform's ${service.username} component (role ${service.role}, Secret ${esUserSecretOf(username)})`;
  return undefined;
}

/** A file-realm user of Elasticsearch: a platform component or a person (Kibana). */
export interface EsUser {
  readonly username: string;
  /** Under webapps/<env>/platform/, JSON property `password`. */
  readonly storeSecret: string;
  readonly roles: readonly string[];
}

/** Every role the cluster's Elasticsearch defines: the components' and one per app with people. */
export function esRolesOf(access: AccessSpec): Record<string, EsRole> {
  const roles: Record<string, EsRole> = Object.fromEntries(ES_SERVICE_USERS.map((u) => [u.role, u.privileges]));
  // An entry with only `loginGroups` (who may pass an internal app's login) names nobody to read its logs.
  const withPeople = Object.entries(access.apps ?? {}).filter(([, levels]) => APP_ACCESS_LEVELS.some((level) => (levels[level] ?? []).length > 0));
  for (const app of withPeople.map(([name]) => name).sort()) roles[appLogsRoleOf(app)] = appLogsRoleFor(app);
  return roles;
}

/** Every file-realm user: the components', then each person of the access model. */
export function esUsersOf(access: AccessSpec): EsUser[] {
  return [...componentEsUsers(), ...peopleEsUsersOf(access)];
}

/** The platform components' file-realm users. */
export const componentEsUsers = (): EsUser[] => ES_SERVICE_USERS.map((u) => ({ username: u.username, storeSecret: u.storeSecret, roles: [u.role] }));

/** Each person's file-realm user, for Kibana. */
export const peopleEsUsersOf = (access: AccessSpec): EsUser[] =>
  kibanaUsersOf(access).map((u) => ({ username: u.username, storeSecret: kibanaPasswordSecretOf(u.username), roles: u.roles }));

/**
 * The Secret with the roles, for ECK's spec.auth.roles. It holds role definitions only, no credential:
 * the one Secret with data in git, which the supply rule exempts by this name and key.
 */
export const ES_ROLES_SECRET = { name: 'elasticsearch-roles', namespace: ELASTICSEARCH.namespace, key: 'roles.yml' } as const;
/** The basic-auth Secret ECK's file realm reads one user from. */
export const esUserSecretOf = (username: string): string => `es-user-${username}`;
