import { Construct } from 'constructs';
import type { AlertingSpec, ClusterSpec } from '../model/cluster-spec';
import { ElasticsearchCaCopy } from '../logging/elasticsearch-ca';
import { platformSecretKeyOf } from '../model/naming';
import { ELASTALERT_ES_USER } from '../logging/elastalert-access';
import { SMTP_AUTH_FILE_NAME } from './receivers';
import { StoreSecret } from '../blocks/store-secret';

/** The Secret with everything ElastAlert2 logs in with, filled from the secret store. */
export const CREDENTIALS_SECRET = {
  name: 'elastalert-credentials',
  esPassword: 'es-password',
  smtpAuth: SMTP_AUTH_FILE_NAME,
  // The same login, one value per key: the alerting watchdog's curl reads them (alerting-watchdog.ts).
  smtpUser: 'smtp-user',
  smtpPassword: 'smtp-password',
  chatWebhook: 'chat-webhook-url',
} as const;

/** The secret-store keys ElastAlert2 reads: all under the cluster's platform path. */
export function alertingStoreKeysOf(cluster: ClusterSpec): string[] {
  const alerting = cluster.alerting;
  return [ELASTALERT_ES_USER.storeSecret, alerting?.email.credentialsSecret, alerting?.chat?.webhookSecret]
    .filter((s): s is string => s !== undefined)
    .map((s) => platformSecretKeyOf(cluster.env, s))
    .sort();
}

export interface ElastAlertSecretsProps {
  readonly namespace: string;
  readonly cluster: ClusterSpec;
  readonly alerting: AlertingSpec;
}

/**
 * The Secrets ElastAlert2 mounts, none of them in git: its Elasticsearch password, the SMTP login and
 * the chat webhook URL from AWS Secrets Manager, and a copy of Elasticsearch's CA from ECK.
 */
export class ElastAlertSecrets extends Construct {
  constructor(scope: Construct, id: string, props: ElastAlertSecretsProps) {
    super(scope, id);
    const { namespace, cluster, alerting } = props;
    const key = (secret: string) => platformSecretKeyOf(cluster.env, secret);

    new StoreSecret(this, 'Credentials', {
      name: CREDENTIALS_SECRET.name,
      namespace,
      data: [
        { secretKey: CREDENTIALS_SECRET.esPassword, key: key(ELASTALERT_ES_USER.storeSecret), property: 'password' },
        // The store holds JSON {"user", "password"}; JSON is YAML, so the whole value is smtp_auth_file as it is.
        ...(alerting.email.credentialsSecret
          ? [
              { secretKey: CREDENTIALS_SECRET.smtpAuth, key: key(alerting.email.credentialsSecret) },
              { secretKey: CREDENTIALS_SECRET.smtpUser, key: key(alerting.email.credentialsSecret), property: 'user' },
              { secretKey: CREDENTIALS_SECRET.smtpPassword, key: key(alerting.email.credentialsSecret), property: 'password' },
            ]
          : []),
        ...(alerting.chat ? [{ secretKey: CREDENTIALS_SECRET.chatWebhook, key: key(alerting.chat.webhookSecret), property: 'url' }] : []),
      ],
    });

    new ElasticsearchCaCopy(this, 'Ca', { namespace });
  }
}
