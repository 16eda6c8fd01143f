import { Construct } from 'constructs';
import type { AppClusterView } from '../model/app-chart-input';
import { appSecretOf, labelsOf, namespaceOf, secretStoreKeyOf } from '../model/naming';
import type { ResolvedApp } from '../model/resolve';
import { StoreSecret } from '../blocks/store-secret';

export interface AppSecretsProps {
  readonly app: ResolvedApp;
  readonly cluster: AppClusterView;
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
    new StoreSecret(this, 'Resource', {
      name: appSecretOf(app.name),
      namespace: namespaceOf(app.name),
      labels: labelsOf(app.name),
      retain: true,
      data: app.secrets.map((ref) => ({ secretKey: ref.env, key: secretStoreKeyOf(cluster.env, app.name, ref.secret), property: ref.key })),
    });
  }
}
