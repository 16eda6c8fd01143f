import { APP_ACCESS_LEVELS, type AccessSpec } from '../model/access-spec';
import { appStreamsOf } from '../model/log-contract';
import { namespaceOf } from '../model/naming';
import type { EsRole } from './es-role';

/** Elasticsearch's built-in role with every right: the platform admins'. */
export const SUPERUSER_ROLE = 'superuser';
export const appLogsRoleOf = (app: string): string => `app-${app}-logs`;

/**
 * What an app's people may do in Kibana (space `default`): search and look, not administer. Kibana 9
 * deprecates `discover`, `visualize` and `dashboard` for their `_v2` features, and their `read` is replaced by
 * the `_v2` `read` plus `savedQueryManagement` `read`, which the v1 feature held (saved queries)
 * (elastic/kibana 9.x x-pack/platform/plugins/shared/features/server/oss_features.ts: `deprecated.replacedBy`,
 * and `replacedBy.default` of each v1 `read`).
 */
const KIBANA_READ_PRIVILEGES = [
  'feature_discover_v2.read',
  'feature_visualize_v2.read',
  'feature_dashboard_v2.read',
  'feature_savedQueryManagement.read',
] as const;
const KIBANA_READ = [{ application: 'kibana-.kibana', privileges: [...KIBANA_READ_PRIVILEGES], resources: ['space:default'] }];

/**
 * One role per app: read its own container logs and its own Gateway access log, nothing else. The
 * streams are per namespace, so no document-level security (a paid feature) is needed.
 */
export function appLogsRoleFor(app: string): EsRole {
  return {
    cluster: [],
    indices: [{ names: appStreamsOf(namespaceOf(app)), privileges: ['read', 'view_index_metadata'] }],
    applications: KIBANA_READ,
  };
}

/** A person's Kibana login: their id, and the roles the access model gives them. */
export interface KibanaUser {
  readonly username: string;
  readonly roles: readonly string[];
}

/** Every person of the access model as a Kibana user: admins as superuser, the others with their apps' log roles. */
export function kibanaUsersOf(access: AccessSpec): KibanaUser[] {
  return Object.keys(access.people)
    .sort()
    .map((person) => {
      const apps = Object.entries(access.apps ?? {})
        .filter(([, levels]) => APP_ACCESS_LEVELS.some((level) => (levels[level] ?? []).includes(person)))
        .map(([app]) => appLogsRoleOf(app));
      return { username: person, roles: access.platformAdmins.includes(person) ? [SUPERUSER_ROLE] : apps.sort() };
    })
    .filter((u) => u.roles.length > 0);
}

/** The store secret (under webapps/<env>/platform/) that holds a person's Kibana password, JSON property `password`. */
export const kibanaPasswordSecretOf = (username: string): string => `kibana-user-${username}`;
