import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ELASTICSEARCH, ELASTICSEARCH_CA_SECRET } from '../model/log-contract';
import { StoreSecret } from '../blocks/store-secret';

/** The copy of Elasticsearch's HTTPS CA in a client's namespace. */
export const ELASTICSEARCH_CA = { name: 'elasticsearch-ca', key: 'ca.crt' } as const;
const CA_READER = 'elasticsearch-ca-reader';

export interface ElasticsearchCaCopyProps {
  /** The client's namespace, where the copy lands. */
  readonly namespace: string;
}

/**
 * Copies ECK's CA Secret from the logging namespace into a client's namespace, so the client verifies
 * Elasticsearch's TLS. A namespaced SecretStore of External Secrets' Kubernetes provider reads it, as a
 * ServiceAccount that may `get` that one Secret and nothing else.
 */
export class ElasticsearchCaCopy extends Construct {
  constructor(scope: Construct, id: string, props: ElasticsearchCaCopyProps) {
    super(scope, id);
    const { namespace } = props;
    const grant = `${namespace}-${CA_READER}`;
    new ApiObject(this, 'Reader', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: CA_READER, namespace },
      // Only External Secrets uses it, through a TokenRequest; no pod runs as it.
      automountServiceAccountToken: false,
    });
    new ApiObject(this, 'ReaderRole', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: grant, namespace: ELASTICSEARCH.namespace },
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [ELASTICSEARCH_CA_SECRET], verbs: ['get'] }],
    });
    new ApiObject(this, 'ReaderBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: grant, namespace: ELASTICSEARCH.namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: grant },
      subjects: [{ kind: 'ServiceAccount', name: CA_READER, namespace }],
    });
    new ApiObject(this, 'Store', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: ELASTICSEARCH_CA.name, namespace },
      spec: {
        provider: {
          kubernetes: {
            remoteNamespace: ELASTICSEARCH.namespace,
            server: { caProvider: { type: 'ConfigMap', name: 'kube-root-ca.crt', key: 'ca.crt' } },
            auth: { serviceAccount: { name: CA_READER } },
          },
        },
      },
    });
    new StoreSecret(this, 'Copy', {
      name: ELASTICSEARCH_CA.name,
      namespace,
      store: { kind: 'SecretStore', name: ELASTICSEARCH_CA.name },
      data: [{ secretKey: ELASTICSEARCH_CA.key, key: ELASTICSEARCH_CA_SECRET, property: ELASTICSEARCH_CA.key }],
    });
  }
}
