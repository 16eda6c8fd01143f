/**
 * Hand-written schemas for the ECK CRDs we emit (elasticsearch.k8s.elastic.co/v1, kibana.k8s.elastic.co/v1),
 * after the upstream CRDs: the fields we set, their types, and no unknown fields. Pod templates and
 * `config` blocks stay open; Kubernetes and the operator validate those.
 */
import { anyObject, arr, bool, int, obj, resource, str, type Schema } from './crd-schema';

const VERSION = /^[0-9]+\.[0-9]+\.[0-9]+$/;
const volumeClaimTemplate = obj({ metadata: obj({ name: str() }, ['name']), spec: anyObject }, ['metadata', 'spec']);
const http = obj({ tls: obj({ selfSignedCertificate: obj({ disabled: bool }) }), service: anyObject });

export const ECK_SCHEMAS: Record<string, Record<string, Schema>> = {
  'elasticsearch.k8s.elastic.co/v1': {
    Elasticsearch: resource(
      obj(
        {
          version: str({ pattern: VERSION }),
          http,
          auth: obj({ roles: arr(obj({ secretName: str() }, ['secretName'])), fileRealm: arr(obj({ secretName: str() }, ['secretName'])) }),
          volumeClaimDeletePolicy: str({ enum: ['DeleteOnScaledownAndClusterDeletion', 'DeleteOnScaledownOnly'] }),
          nodeSets: arr(
            obj(
              {
                name: str({ pattern: /^[a-z0-9-]{1,23}$/ }),
                count: int(0),
                config: anyObject,
                podTemplate: anyObject,
                volumeClaimTemplates: arr(volumeClaimTemplate),
              },
              ['name', 'count'],
            ),
            1,
          ),
          podDisruptionBudget: anyObject,
        },
        ['version', 'nodeSets'],
      ),
    ),
  },
  'kibana.k8s.elastic.co/v1': {
    Kibana: resource(
      obj(
        {
          version: str({ pattern: VERSION }),
          count: int(0),
          elasticsearchRef: obj({ name: str(), namespace: str() }, ['name']),
          http,
          config: anyObject,
          podTemplate: anyObject,
        },
        ['version'],
      ),
    ),
  },
};
