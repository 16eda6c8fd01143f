import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../model/cluster-spec';
import { appSecretOf, labelsOf, namespaceOf, SECRET_STORE, secretStoreKeyOf } from '../model/naming';
import type { ResolvedApp } from '../model/resolve';

export interface AppSecretsProps {
  readonly app: ResolvedApp;
  readonly cluster: ClusterSpec;
}

/**
 * The app's Secret, filled by External Secrets from the store: one key per env var, read from the app's
 * own path (`webapps/<env>/<app>/<secret>`). Git holds only the references.
 */
export class AppSecrets extends Construct {
  constructor(scope: Construct, id: string, props: AppSecretsProps) {
    super(scope, id);
    const { app, cluster } = props;
    if (app.secrets.length === 0) return;
    new ApiObject(this, 'Resource', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: appSecretOf(app.name), namespace: namespaceOf(app.name), labels: labelsOf(app.name) },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: SECRET_STORE },
        target: { name: appSecretOf(app.name), creationPolicy: 'Owner', deletionPolicy: 'Retain' },
        data: app.secrets.map((ref) => ({
          secretKey: ref.env,
          remoteRef: { key: secretStoreKeyOf(cluster.env, app.name, ref.secret), property: ref.key },
        })),
      },
    });
  }
}
