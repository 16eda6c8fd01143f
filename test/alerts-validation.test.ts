import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import type { AppSpec } from '../constructs/model/app-spec';
import type { AlertingSpec, ClusterSpec } from '../constructs/model/cluster-spec';
import { checkAppAlerts, checkClusterAlerting } from '../constructs/validation/alert-validation';

const prod = CLUSTERS.find((c) => c.env === 'prod')!;
const shop = APPS.find((a) => a.name === 'shop')!;
const withAlerting = (patch: Partial<AlertingSpec>): ClusterSpec => ({ ...prod, alerting: { ...prod.alerting!, ...patch } });
const withEmail = (patch: Partial<AlertingSpec['email']>): ClusterSpec => withAlerting({ email: { ...prod.alerting!.email, ...patch } });
const PRD = 'cluster "acme-prod"';

describe('alert input validation', () => {
  test('the real clusters and apps pass', () => {
    expect(CLUSTERS.flatMap(checkClusterAlerting)).toEqual([]);
    expect(APPS.flatMap(checkAppAlerts)).toEqual([]);
  });

  test.each<readonly [string, ClusterSpec, string]>([
    [
      'no receivers at all',
      { ...prod, alerting: undefined },
      `${PRD}: field "alerting" = undefined: must be set: the alert rules need at least an email receiver`,
    ],
    ['no recipient', withEmail({ to: [] }), `${PRD}: field "alerting.email.to" = []: must list at least one address`],
    [
      'a recipient that is no address',
      withEmail({ to: ['ops@example.com', 'ops at example.com'] }),
      `${PRD}: field "alerting.email.to[1]" = "ops at example.com": is not an email address`,
    ],
    ['a sender that is no address', withEmail({ from: 'alerts' }), `${PRD}: field "alerting.email.from" = "alerts": is not an email address`],
    [
      'an SMTP host that is no host name',
      withEmail({ smtpHost: 'smtp_relay' }),
      `${PRD}: field "alerting.email.smtpHost" = "smtp_relay": must be a lower-case fully qualified host name`,
    ],
    [
      'an SMTP port the namespace cannot reach',
      withEmail({ smtpPort: 25 }),
      `${PRD}: field "alerting.email.smtpPort" = 25: must be 587 or 465: the only SMTP ports the alerting namespace may reach`,
    ],
    [
      'an SMTP secret that is a path',
      withEmail({ credentialsSecret: 'webapps/prod/platform/smtp' }),
      `${PRD}: field "alerting.email.credentialsSecret" = "webapps/prod/platform/smtp": must be a lower-case secret name under webapps/<env>/platform/`,
    ],
    [
      'an unknown chat service',
      withAlerting({ chat: { service: 'teams' as never, webhookSecret: 'chat' } }),
      `${PRD}: field "alerting.chat.service" = "teams": must be one of slack, mattermost, googlechat`,
    ],
    [
      'a webhook URL instead of a secret name',
      withAlerting({ chat: { service: 'slack', webhookSecret: 'https://hooks.slack.com/services/T0/B0/x' } }),
      `${PRD}: field "alerting.chat.webhookSecret" = "https://hooks.slack.com/services/T0/B0/x": must be a lower-case secret name under webapps/<env>/platform/`,
    ],
  ])('a cluster with %s', (_name, cluster, message) => {
    expect(checkClusterAlerting(cluster).map(String)).toEqual([message]);
  });

  test.each<readonly [string, AppSpec, string]>([
    [
      'an error burst of zero lines',
      { ...shop, alerts: { errorBurst: { count: 0 } } },
      'app "shop": field "alerts.errorBurst.count" = 0: must be a whole number of at least 1',
    ],
    [
      'a fractional error burst',
      { ...shop, alerts: { errorBurst: { count: 2.5 } } },
      'app "shop": field "alerts.errorBurst.count" = 2.5: must be a whole number of at least 1',
    ],
    [
      'an error-burst window over a day',
      { ...shop, alerts: { errorBurst: { minutes: 1441 } } },
      'app "shop": field "alerts.errorBurst.minutes" = 1441: must be a whole number of minutes from 1 to 1440',
    ],
    [
      'a receiver that is no address',
      { ...shop, alerts: { email: ['shop-team@example.com', 'shop team'] } },
      'app "shop": field "alerts.email[1]" = "shop team": is not an email address',
    ],
    [
      'one receiver instead of a list',
      { ...shop, alerts: { email: 'shop-team@example.com' as unknown as string[] } },
      'app "shop": field "alerts.email" = "shop-team@example.com": must be a list of email addresses',
    ],
  ])('an app with %s', (_name, app, message) => {
    expect(checkAppAlerts(app).map(String)).toEqual([message]);
  });
});
