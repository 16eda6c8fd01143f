import type { AlertingSpec, ChatService } from '../model/cluster-spec';
import { SMTP_SUBMISSION_PORTS } from '../model/network-ranges';

/** The env var that carries the chat webhook URL; ElastAlert2 expands `${VAR}` in its YAML files (elastalert/yaml.py, os.path.expandvars). */
export const CHAT_WEBHOOK_ENV = 'CHAT_WEBHOOK_URL';
/** Where the SMTP login is mounted: the YAML file (`user`, `password`) that `smtp_auth_file` names. */
export const SMTP_AUTH_DIR = '/opt/elastalert/smtp';
export const SMTP_AUTH_FILE_NAME = 'smtp_auth.yaml';
export const DEFAULT_SMTP_PORT = 587;
/** 587 submits with STARTTLS, 465 speaks TLS from the first byte; the namespace may reach only these. */
export const SMTP_PORTS: readonly number[] = SMTP_SUBMISSION_PORTS;
export const IMPLICIT_TLS_PORT = 465;
/** The port of the cluster's mail relay. */
export const smtpPortOf = (alerting: AlertingSpec): number => alerting.email.smtpPort ?? DEFAULT_SMTP_PORT;

/** The option that holds each chat service's webhook URL (ElastAlert2 "Alerts" documentation). */
export const CHAT_WEBHOOK_OPTION: Readonly<Record<ChatService, string>> = {
  slack: 'slack_webhook_url',
  mattermost: 'mattermost_webhook_url',
  googlechat: 'googlechat_webhook_url',
};

export interface Receivers {
  /** ElastAlert2 alerter names, in a fixed order. */
  readonly alerters: readonly string[];
  /** The options those alerters read; no secret value, only the mounted file and the env var. */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** The alerters and their options for a cluster's receivers, and for an app's rules its own addresses too. */
export function receiversOf(alerting: AlertingSpec, appEmails: readonly string[] = []): Receivers {
  const { email, chat } = alerting;
  const port = smtpPortOf(alerting);
  return {
    alerters: ['email', ...(chat ? [chat.service] : [])],
    settings: {
      email: [...new Set([...email.to, ...appEmails])],
      from_addr: email.from,
      smtp_host: email.smtpHost,
      smtp_port: port,
      ...(port === IMPLICIT_TLS_PORT ? { smtp_ssl: true } : {}),
      ...(email.credentialsSecret ? { smtp_auth_file: `${SMTP_AUTH_DIR}/${SMTP_AUTH_FILE_NAME}` } : {}),
      ...(chat ? { [CHAT_WEBHOOK_OPTION[chat.service]]: `\${${CHAT_WEBHOOK_ENV}}` } : {}),
    },
  };
}
