import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { ClusterSpec } from '../model/cluster-spec';
import { ELASTICSEARCH } from '../model/log-contract';
import { platformSecretKeyOf } from '../model/naming';
import { componentEsUsers, ES_ROLES_SECRET, esRolesOf, esUserSecretOf, peopleEsUsersOf, type EsUser } from './elasticsearch-users';
import { StoreSecret } from '../blocks/store-secret';

export interface ElasticsearchUsersProps {
  readonly cluster: ClusterSpec;
}

/**
 * The Elasticsearch users of the platform's components for ECK: the roles Secret (definitions only) and,
 * per component, a basic-auth Secret for the file realm that External Secrets fills from the store.
 */
export class ElasticsearchUsers extends Construct {
  constructor(scope: Construct, id: string, props: ElasticsearchUsersProps) {
    super(scope, id);
    const roles = esRolesOf(props.cluster.access);
    new ApiObject(this, 'Roles', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: ES_ROLES_SECRET.name, namespace: ES_ROLES_SECRET.namespace },
      stringData: { [ES_ROLES_SECRET.key]: stringify(roles) },
    });
    for (const user of componentEsUsers()) fileRealmUserSecret(this, props.cluster, user);
  }
}

/**
 * Each person's Elasticsearch user, for Kibana, as the components' are. Ready only once someone has put
 * the person's password in the store (docs/access.md), so it is one of the credentials (platform/add-on.ts).
 * ECK 3.2.0 skips a file-realm Secret that is not there yet (pkg/controller/elasticsearch/user/
 * user_provided.go, retrieveUserProvidedFileRealm: handleSecretNotFound, then continue).
 */
export class PeopleElasticsearchUsers extends Construct {
  constructor(scope: Construct, id: string, props: ElasticsearchUsersProps) {
    super(scope, id);
    for (const user of peopleEsUsersOf(props.cluster.access)) fileRealmUserSecret(this, props.cluster, user);
  }
}

/** One user's basic-auth Secret for ECK's file realm, filled from the store. */
function fileRealmUserSecret(scope: Construct, cluster: ClusterSpec, user: EsUser): StoreSecret {
  return new StoreSecret(scope, user.username, {
    name: esUserSecretOf(user.username),
    namespace: ELASTICSEARCH.namespace,
    // ECK's file realm reads a basic-auth Secret: username, password and the comma-separated roles.
    template: { type: 'kubernetes.io/basic-auth', data: { username: user.username, password: '{{ .password }}', roles: user.roles.join(',') } },
    data: [{ secretKey: 'password', key: platformSecretKeyOf(cluster.env, user.storeSecret), property: 'password' }],
  });
}
