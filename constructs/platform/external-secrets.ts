import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { LABEL_PREFIX, SECRET_STORE } from '../model/naming';
import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource } from './add-on';
import { PLATFORM_PRIORITY } from './priority-classes';

export const externalSecretsDefaults = {
  name: 'external-secrets',
  namespace: 'external-secrets',
  chart: { repository: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '0.19.2' } as ChartSource,
};
export type ExternalSecretsProps = Partial<typeof externalSecretsDefaults>;

/** The ServiceAccount that the cloud stack's secrets-reader role is bound to through Pod Identity. */
export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = 'external-secrets';
/** Namespaces carrying this label may use the ClusterSecretStore. */
export const SECRET_CONSUMER_LABEL = `${LABEL_PREFIX}/secrets`;

/**
 * External Secrets Operator and one ClusterSecretStore for AWS Secrets Manager, authenticated through
 * the controller's Pod Identity role. Apps reference keys in the store; no secret value is in git.
 */
export class ExternalSecretsAddOn extends HelmAddOn<typeof externalSecretsDefaults> {
  readonly dependsOn: readonly string[] = [];
  readonly podSecurity = 'restricted' as const;
  // The API server calls its webhook (chart 0.19.2, values.yaml webhook.port: 10250).
  readonly network: AddOnNetwork = {
    ingressFromApiServer: [{ port: 10250, name: 'webhook' }],
    egressApiServer: true,
    egressInternet: [{ port: 443, name: 'Secrets Manager' }],
    awsCredentials: true,
  };

  constructor(props: ExternalSecretsProps = {}) {
    super(externalSecretsDefaults, props);
  }

  values(): Record<string, unknown> {
    return {
      installCRDs: true,
      serviceAccount: { create: true, name: EXTERNAL_SECRETS_SERVICE_ACCOUNT },
      priorityClassName: PLATFORM_PRIORITY,
    };
  }

  configure(scope: Construct, ctx: AddOnContext): void {
    new ApiObject(new Construct(scope, this.name), 'Store', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name: SECRET_STORE },
      spec: {
        provider: { aws: { service: 'SecretsManager', region: ctx.cluster.region } },
        conditions: [{ namespaceSelector: { matchLabels: { [SECRET_CONSUMER_LABEL]: 'true' } } }],
      },
    });
  }
}
