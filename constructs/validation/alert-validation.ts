import { SMTP_PORTS } from '../alerts/receivers';
import type { AppSpec } from '../model/app-spec';
import { CHAT_SERVICES, type ClusterSpec } from '../model/cluster-spec';
import { SpecProblem } from '../model/spec-error';

export const EMAIL = /^[A-Za-z0-9._%+-]+@([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const SECRET_NAME = /^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$/;
const MAX_WINDOW_MINUTES = 24 * 60;

const isWhole = (n: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean => Number.isInteger(n) && (n as number) >= min && (n as number) <= max;

/** The alert tuning in an app file: `alerts.errorBurst`, and the app's own receivers, `alerts.email`. */
export function checkAppAlerts(app: AppSpec): SpecProblem[] {
  const at = { app: app.name };
  const burst = app.alerts?.errorBurst;
  const problems: SpecProblem[] = [];
  if (burst?.count !== undefined && !isWhole(burst.count, 1)) {
    problems.push(new SpecProblem(at, 'alerts.errorBurst.count', burst.count, 'must be a whole number of at least 1'));
  }
  if (burst?.minutes !== undefined && !isWhole(burst.minutes, 1, MAX_WINDOW_MINUTES)) {
    problems.push(new SpecProblem(at, 'alerts.errorBurst.minutes', burst.minutes, `must be a whole number of minutes from 1 to ${MAX_WINDOW_MINUTES}`));
  }
  const email = app.alerts?.email;
  if (email !== undefined && !Array.isArray(email)) problems.push(new SpecProblem(at, 'alerts.email', email, 'must be a list of email addresses'));
  for (const [i, address] of (Array.isArray(email) ? email : []).entries()) {
    if (typeof address !== 'string' || !EMAIL.test(address)) problems.push(new SpecProblem(at, `alerts.email[${i}]`, address, 'is not an email address'));
  }
  return problems;
}

/** The cluster's alert receivers: present, well-formed, and their credentials named as store secrets. */
export function checkClusterAlerting(cluster: ClusterSpec): SpecProblem[] {
  const at = { cluster: cluster.name };
  const alerting = cluster.alerting;
  if (!alerting) return [new SpecProblem(at, 'alerting', undefined, 'must be set: the alert rules need at least an email receiver')];
  const { email, chat } = alerting;
  const problems: SpecProblem[] = [];
  if (email.to.length === 0) problems.push(new SpecProblem(at, 'alerting.email.to', email.to, 'must list at least one address'));
  for (const [i, address] of email.to.entries()) {
    if (!EMAIL.test(address)) problems.push(new SpecProblem(at, `alerting.email.to[${i}]`, address, 'is not an email address'));
  }
  if (!EMAIL.test(email.from)) problems.push(new SpecProblem(at, 'alerting.email.from', email.from, 'is not an email address'));
  if (!HOSTNAME.test(email.smtpHost))
    problems.push(new SpecProblem(at, 'alerting.email.smtpHost', email.smtpHost, 'must be a lower-case fully qualified host name'));
  if (email.smtpPort !== undefined && !SMTP_PORTS.includes(email.smtpPort)) {
    problems.push(
      new SpecProblem(
        at,
        'alerting.email.smtpPort',
        email.smtpPort,
        `must be ${SMTP_PORTS.join(' or ')}: the only SMTP ports the alerting namespace may reach`,
      ),
    );
  }
  if (email.credentialsSecret !== undefined && !SECRET_NAME.test(email.credentialsSecret)) {
    problems.push(
      new SpecProblem(at, 'alerting.email.credentialsSecret', email.credentialsSecret, 'must be a lower-case secret name under webapps/<env>/platform/'),
    );
  }
  if (chat && !CHAT_SERVICES.includes(chat.service)) {
    problems.push(new SpecProblem(at, 'alerting.chat.service', chat.service, `must be one of ${CHAT_SERVICES.join(', ')}`));
  }
  if (chat && !SECRET_NAME.test(chat.webhookSecret)) {
    problems.push(new SpecProblem(at, 'alerting.chat.webhookSecret', chat.webhookSecret, 'must be a lower-case secret name under webapps/<env>/platform/'));
  }
  return problems;
}
