import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { SECRET_STORE } from '../model/naming';

/** One key of the Secret, read from the store: its path there and, for JSON values, the property. */
export interface StoreSecretEntry {
  readonly secretKey: string;
  readonly key: string;
  readonly property?: string;
}

export interface StoreSecretProps {
  /** The ExternalSecret's name, and the Secret's it fills. */
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly data: readonly StoreSecretEntry[];
  /** External Secrets' target template (a Secret type, fixed keys, a merge). */
  readonly template?: Readonly<Record<string, unknown>>;
  /** Keep the Secret when the ExternalSecret goes (stateful consumers). @default the Secret goes with it */
  readonly retain?: boolean;
  /** @default the shared ClusterSecretStore (AWS Secrets Manager) */
  readonly store?: { readonly kind: 'ClusterSecretStore' | 'SecretStore'; readonly name: string };
}

/** A Secret that External Secrets fills from a store: git holds the references, never a value. */
export class StoreSecret extends Construct {
  constructor(scope: Construct, id: string, props: StoreSecretProps) {
    super(scope, id);
    new ApiObject(this, 'Resource', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: props.annotations },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: props.store ?? { kind: 'ClusterSecretStore', name: SECRET_STORE },
        target: {
          name: props.name,
          creationPolicy: 'Owner',
          ...(props.retain ? { deletionPolicy: 'Retain' } : {}),
          ...(props.template ? { template: props.template } : {}),
        },
        data: props.data.map(({ secretKey, key, property }) => ({ secretKey, remoteRef: property === undefined ? { key } : { key, property } })),
      },
    });
  }
}
