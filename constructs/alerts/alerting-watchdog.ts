import { Construct } from 'constructs';
import { ELASTALERT_ES_USER, ELASTALERT_WRITEBACK_INDEX } from '../logging/elastalert-access';
import { ELASTICSEARCH_CA } from '../logging/elasticsearch-ca';
import type { AlertingSpec } from '../model/cluster-spec';
import { ALERTING_WATCHDOG_EVENT, ELASTICSEARCH_URL, REPORT_KEY } from '../model/log-contract';
import { CREDENTIALS_SECRET } from './elastalert-secrets';
import { IMPLICIT_TLS_PORT, smtpPortOf } from './receivers';
import { curlCronJob } from './curl-cron-job';

/*
 * Why a watchdog, and not ElastAlert2's own error notices. With `notify_all_errors`, ElastAlert2 2.26.0 sends
 * every error it handles to the notify alerters at once, with no limit (elastalert/elastalert.py: handle_error
 * → handle_notify_error; writeback and find_recent_pending_alerts notify too). When Elasticsearch cannot be
 * reached, every rule fails its query each run (chart value runIntervalMins: 1), and so does the writeback
 * of that failure: two mails per rule per minute, thousands an hour at a few hundred rules, until the mail
 * provider throttles the account and the alerts that matter are lost with the rest. So that option is off
 * (constructs/platform/elastalert.ts), and this CronJob asks, every PERIOD_MINUTES, what ElastAlert2 itself
 * wrote: each rule run leaves a document in `<writeback>_status` (run_rule: writeback('elastalert_status'),
 * with `@timestamp`), each handled error one in `<writeback>_error` (handle_error), both with `@timestamp`
 * mapped as a date (elastalert/es_mappings/8/). It sends at most one message per run to the same receivers:
 * when Elasticsearch does not answer, when no rule ran for RUNS_WINDOW_MINUTES, or with the count and the
 * latest of the errors since its previous run. An uncaught exception in a rule is one of them: handle_uncaught_exception
 * writes it there too, and with disable_rules_on_error off the rule runs, and fails, again each minute, so it is
 * reported at every check until it is fixed (by default ElastAlert2 would pause the rule until a restart, and its
 * one notice would be all). It would also mail it to the notify_alert alerters on every run, so there are none.
 */
export const ALERTING_WATCHDOG = { name: 'alerting-watchdog' } as const;
/** How often it looks: at most this many minutes between a problem and the message, and four messages an hour at most. */
export const PERIOD_MINUTES = 15;
/** Each rule runs every minute; this long without any run recorded is ElastAlert2 down, stuck or unable to write. */
export const RUNS_WINDOW_MINUTES = 20;
/** A uid of its own, above the 10000 the scanners want; curl runs as any. */
const WATCHDOG_USER = 10400;
/** Where the pod mounts what it reads; WATCHDOG_ROOT (empty in the cluster) lets a test run the script elsewhere. */
export const WATCHDOG_MOUNTS = { credentials: '/run/alerting', esCa: '/run/es-ca', scratch: '/tmp' } as const;
/** The credentials Secret's keys the script reads, as files. */
export const WATCHDOG_KEYS = {
  esPassword: CREDENTIALS_SECRET.esPassword,
  smtpUser: CREDENTIALS_SECRET.smtpUser,
  smtpPassword: CREDENTIALS_SECRET.smtpPassword,
  chatWebhook: CREDENTIALS_SECRET.chatWebhook,
} as const;
const CA_FILE = 'ca.crt';

const labels = {
  'app.kubernetes.io/name': ALERTING_WATCHDOG.name,
  'app.kubernetes.io/instance': ALERTING_WATCHDOG.name,
  'app.kubernetes.io/part-of': 'platform',
};

/** The SMTP URL curl sends to: `smtps://` on 465 (TLS from the first byte), else `smtp://` with STARTTLS required (--ssl-reqd). */
export function smtpUrlOf(alerting: AlertingSpec): string {
  const port = smtpPortOf(alerting);
  return `${port === IMPLICIT_TLS_PORT ? 'smtps' : 'smtp'}://${alerting.email.smtpHost}:${port}`;
}

/**
 * The watchdog script (POSIX sh; busybox ash in the curl image). Credentials reach curl on stdin (`-K -`),
 * never in an argument or the environment, as in the Elasticsearch setup. Its last line is a JSON report
 * (ALERTING_WATCHDOG_EVENT): `ok`, `notified` (a problem, and the message went out), or `notify-failed`
 * (exit 1: no receiver took it; the Job's failure is what is left to see).
 */
export function watchdogScript(): string {
  const file = (dir: string, key: string) => `"\${root}${dir}/${key}"`;
  const since = (minutes: number) => `"query":{"range":{"@timestamp":{"gte":"now-${minutes}m"}}}`;
  return `set -u
root=\${WATCHDOG_ROOT:-}
nl='
'
# A curl config value: backslashes and quotes escaped (curl's --config syntax).
quoted() { printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\\\"]/\\\\&/g')"; }
# A JSON string's content: backslashes and quotes escaped, line ends as \\n, tabs as spaces, other control characters dropped.
json() { printf '%s' "$1" | tr '\\t' ' ' | tr -d '\\000-\\010\\013-\\037' | sed 's/[\\\\"]/\\\\&/g' | awk 'NR > 1 { printf "\\\\n" } { printf "%s", $0 }'; }
es() { # API path, JSON body: the answer on stdout, or curl's complaint and non-zero when Elasticsearch gave no answer or refused
  printf 'user = %s\\n' "$(quoted "${ELASTALERT_ES_USER.username}:$(cat ${file(WATCHDOG_MOUNTS.credentials, WATCHDOG_KEYS.esPassword)})")" |
    curl -sS -f -g --connect-timeout 10 --max-time 30 --retry 3 --retry-delay 5 --retry-connrefused \\
      --cacert ${file(WATCHDOG_MOUNTS.esCa, CA_FILE)} -K - -X POST "$ES_URL/$1" -H 'Content-Type: application/json' --data-binary "$2" 2>&1
}

problem=''
if ! runs=$(es '${ELASTALERT_WRITEBACK_INDEX}_status/_count' '{${since(RUNS_WINDOW_MINUTES)}}'); then
  problem="The watchdog could not ask Elasticsearch: $runs. While Elasticsearch cannot be reached, no alert rule runs and no alert is sent."
elif [ "$(printf '%s' "$runs" | sed -n 's/.*"count":\\([0-9]*\\).*/\\1/p')" = 0 ]; then
  problem="ElastAlert2 recorded no rule run in the last ${RUNS_WINDOW_MINUTES} minutes: it is down, stuck, or cannot write to Elasticsearch. No alert is sent meanwhile."
elif errors=$(es '${ELASTALERT_WRITEBACK_INDEX}_error/_search?size=3&filter_path=hits.total,hits.hits._source.message' \\
  '{${since(PERIOD_MINUTES)},"sort":[{"@timestamp":"desc"}],"track_total_hits":true}'); then
  count=$(printf '%s' "$errors" | sed -n 's/.*"total":{"value":\\([0-9]*\\).*/\\1/p')
  if [ "\${count:-0}" != 0 ]; then
    problem="ElastAlert2 handled $count errors in the last ${PERIOD_MINUTES} minutes (a rule whose query failed, an alert it could not send). The latest: $(printf '%s' "$errors" | head -c 3000)"
  fi
fi
report() { printf '{"${REPORT_KEY}":{"event":"${ALERTING_WATCHDOG_EVENT}","status":"%s","notified":"%s"}}\\n' "$1" "$2"; }
if [ -z "$problem" ]; then report ok ''; exit 0; fi
printf '%s\\n' "$problem" >&2

subject="[$CLUSTER] the alerting itself needs attention"
text="$subject$nl$nl$problem$nl$nl(The ${ALERTING_WATCHDOG.name} CronJob beside ElastAlert2 checks every ${PERIOD_MINUTES} minutes: docs/alerts.md.)"
notified=''
set -- --mail-from "$MAIL_FROM"
for to in $MAIL_TO; do set -- "$@" --mail-rcpt "$to"; done
mail="\${root}${WATCHDOG_MOUNTS.scratch}/mail"
printf 'From: %s\\nTo: %s\\nSubject: %s\\nDate: %s\\nContent-Type: text/plain; charset=utf-8\\n\\n%s\\n' \\
  "$MAIL_FROM" "$(printf '%s' "$MAIL_TO" | sed 's/ /, /g')" "$subject" "$(date -R)" "$text" > "$mail"
# --crlf: SMTP wants CRLF line ends; curl converts them, and escapes a line that starts with a dot.
if { if [ -r ${file(WATCHDOG_MOUNTS.credentials, WATCHDOG_KEYS.smtpUser)} ]; then
       printf 'user = %s\\n' "$(quoted "$(cat ${file(WATCHDOG_MOUNTS.credentials, WATCHDOG_KEYS.smtpUser)}):$(cat ${file(WATCHDOG_MOUNTS.credentials, WATCHDOG_KEYS.smtpPassword)})")"
     fi; } | curl -sS --ssl-reqd --crlf --connect-timeout 10 --max-time 60 --retry 3 -K - --url "$SMTP_URL" "$@" --upload-file "$mail"; then
  notified=email
fi
if [ -r ${file(WATCHDOG_MOUNTS.credentials, WATCHDOG_KEYS.chatWebhook)} ] &&
  printf 'url = %s\\n' "$(quoted "$(cat ${file(WATCHDOG_MOUNTS.credentials, WATCHDOG_KEYS.chatWebhook)})")" |
    curl -sS -f --connect-timeout 10 --max-time 30 --retry 3 -K - -H 'Content-Type: application/json' --data-binary "{\\"text\\":\\"$(json "$text")\\"}" >/dev/null; then
  notified="\${notified:+$notified,}chat"
fi
if [ -z "$notified" ]; then report notify-failed ''; exit 1; fi
report notified "$notified"
`;
}

export interface AlertingWatchdogProps {
  /** ElastAlert2's namespace, whose Secrets the watchdog reads. */
  readonly namespace: string;
  readonly cluster: string;
  readonly alerting: AlertingSpec;
}

/** The CronJob that tells the receivers when the alerting itself fails (above); its pods get ElastAlert2's egress. */
export class AlertingWatchdog extends Construct {
  constructor(scope: Construct, id: string, props: AlertingWatchdogProps) {
    super(scope, id);
    const { alerting } = props;
    const { name } = ALERTING_WATCHDOG;
    const { namespace } = props;
    const env = {
      CLUSTER: props.cluster,
      ES_URL: ELASTICSEARCH_URL,
      SMTP_URL: smtpUrlOf(alerting),
      MAIL_FROM: alerting.email.from,
      MAIL_TO: alerting.email.to.join(' '),
    };
    const items = [
      WATCHDOG_KEYS.esPassword,
      ...(alerting.email.credentialsSecret ? [WATCHDOG_KEYS.smtpUser, WATCHDOG_KEYS.smtpPassword] : []),
      ...(alerting.chat ? [WATCHDOG_KEYS.chatWebhook] : []),
    ].map((key) => ({ key, path: key }));
    curlCronJob(this, 'Resource', {
      name,
      namespace,
      labels,
      schedule: `*/${PERIOD_MINUTES} * * * *`,
      periodMinutes: PERIOD_MINUTES,
      deadlineSeconds: (PERIOD_MINUTES - 1) * 60,
      // fsGroup (restrictedPod): the Secret files are root's; with it they belong to our group, which may read them (0440).
      user: WATCHDOG_USER,
      container: 'watchdog',
      script: watchdogScript(),
      env,
      volumeMounts: [
        { name: 'credentials', mountPath: WATCHDOG_MOUNTS.credentials, readOnly: true },
        { name: 'es-ca', mountPath: WATCHDOG_MOUNTS.esCa, readOnly: true },
        { name: 'scratch', mountPath: WATCHDOG_MOUNTS.scratch },
      ],
      volumes: [
        { name: 'credentials', secret: { secretName: CREDENTIALS_SECRET.name, items, defaultMode: 0o440 } },
        { name: 'es-ca', secret: { secretName: ELASTICSEARCH_CA.name, items: [{ key: ELASTICSEARCH_CA.key, path: CA_FILE }], defaultMode: 0o444 } },
        { name: 'scratch', emptyDir: { sizeLimit: '16Mi' } },
      ],
    });
  }
}
