import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { ClusterSpec } from '../model/cluster-spec';
import { ELASTICSEARCH } from '../model/log-contract';
import { platformSecretKeyOf } from '../model/naming';
import { ES_ROLES_SECRET, esRolesOf, esUsersOf, esUserSecretOf } from './elasticsearch-users';
import { StoreSecret } from '../blocks/store-secret';

export interface ElasticsearchUsersProps {
  readonly cluster: ClusterSpec;
}

/**
 * The Elasticsearch users for ECK: the roles Secret (definitions only) and, per user (platform
 * components, and each person of the access model for Kibana), a basic-auth Secret for the file realm
 * that External Secrets fills from the store.
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
    for (const user of esUsersOf(props.cluster.access)) {
      new StoreSecret(this, user.username, {
        name: esUserSecretOf(user.username),
        namespace: ELASTICSEARCH.namespace,
        // ECK's file realm reads a basic-auth Secret: username, password and the comma-separated roles.
        template: { type: 'kubernetes.io/basic-auth', data: { username: user.username, password: '{{ .password }}', roles: user.roles.join(',') } },
        data: [{ secretKey: 'password', key: platformSecretKeyOf(props.cluster.env, user.storeSecret), property: 'password' }],
      });
    }
  }
}
