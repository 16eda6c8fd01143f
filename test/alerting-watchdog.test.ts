import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ALERTING_WATCHDOG,
  PERIOD_MINUTES,
  smtpUrlOf,
  RUNS_WINDOW_MINUTES,
  WATCHDOG_KEYS,
  WATCHDOG_MOUNTS,
  watchdogScript,
} from '../constructs/alerts/alerting-watchdog';
import { ALERTING_WATCHDOG_EVENT } from '../constructs/model/log-contract';
import { FIXTURE_CLUSTERS, fixtureObjectsOf, scopedTempDirs } from './support';
import { reportIn } from './report-line';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/*
 * ElastAlert2 2.26.0 with notify_all_errors mails each error it handles, at once and with no limit
 * (elastalert/elastalert.py: handle_error → handle_notify_error): with Elasticsearch gone, every rule's every
 * run (each minute) fails twice. So the option is off, and a watchdog reports at most once a run.
 */
describe.each(FIXTURE_CLUSTERS.filter((c) => c.alerting).map((c) => [c.env, c] as const))(
  'cluster %s: the alerting cannot fail silently, nor flood',
  (env, cluster) => {
    const objects = fixtureObjectsOf(env);
    const release = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'elastalert') as Json;
    const cronJob = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === ALERTING_WATCHDOG.name) as Json;

    test('ElastAlert2 does not mail each of its own errors: a lost Elasticsearch would send two per rule per minute', () => {
      expect(release.spec.values.extraConfigOptions.notify_all_errors).toBe(false);
    });

    /*
     * ElastAlert2 2.26.0, elastalert/elastalert.py handle_uncaught_exception: the error goes to elastalert_error
     * (handle_error), then with disable_rules_on_error (config.py: true by default) the rule is paused until a
     * restart, and the notify_alert alerters are sent the error, on every call. Paused, the rule fails no more: the
     * watchdog would see its error at one check and then all well. Not paused, it fails each minute, and each
     * failure would be a mail if a notify alerter were set.
     */
    test('a rule that keeps raising is reported at every check, and ElastAlert2 mails none of its failures itself', () => {
      const config = release.spec.values.extraConfigOptions;
      expect(config.disable_rules_on_error).toBe(false);
      expect(config.notify_alert ?? []).toEqual([]);
      expect(config.notify_email ?? []).toEqual([]);
    });

    test('the watchdog runs beside ElastAlert2, often enough to tell within its period, and never twice at once', () => {
      expect(cronJob.metadata.namespace).toBe(release.spec.targetNamespace);
      expect(cronJob.spec.schedule).toBe(`*/${PERIOD_MINUTES} * * * *`);
      expect(cronJob.spec.concurrencyPolicy).toBe('Forbid');
      expect(cronJob.spec.jobTemplate.spec.activeDeadlineSeconds).toBeLessThan(PERIOD_MINUTES * 60);
      // A run that looks back less than the period since the last would miss errors between runs.
      expect(RUNS_WINDOW_MINUTES).toBeGreaterThanOrEqual(PERIOD_MINUTES);
    });

    test('every credential file it reads is a key the ExternalSecret writes into the Secret it mounts', () => {
      const pod = cronJob.spec.jobTemplate.spec.template.spec;
      const secretVolume = pod.volumes.find((v: Json) => v.name === 'credentials').secret;
      const external = objects.find(
        (o) => o.kind === 'ExternalSecret' && o.metadata.namespace === cronJob.metadata.namespace && (o as Json).spec.target?.name === secretVolume.secretName,
      ) as Json;
      const written = external.spec.data.map((d: Json) => d.secretKey);
      const read = secretVolume.items.map((i: Json) => i.key);
      expect(written).toEqual(expect.arrayContaining(read));
      expect(read).toContain(WATCHDOG_KEYS.esPassword);
      if (cluster.alerting?.email.credentialsSecret) expect(read).toEqual(expect.arrayContaining([WATCHDOG_KEYS.smtpUser, WATCHDOG_KEYS.smtpPassword]));
      if (cluster.alerting?.chat) expect(read).toContain(WATCHDOG_KEYS.chatWebhook);
      // 0440 and an fsGroup: the files are readable by the pod's group, which its user is in.
      expect(secretVolume.defaultMode).toBe(0o440);
      expect(pod.securityContext.fsGroup).toBe(pod.securityContext.runAsUser);
    });

    test('its user and password files from the store entry are its JSON properties, as ElastAlert2 reads the whole entry', () => {
      const external = objects.find(
        (o) => o.kind === 'ExternalSecret' && (o as Json).spec.data?.some((d: Json) => d.secretKey === WATCHDOG_KEYS.smtpUser),
      ) as Json;
      if (!cluster.alerting?.email.credentialsSecret) return expect(external).toBeUndefined();
      const byKey = Object.fromEntries(external.spec.data.map((d: Json) => [d.secretKey, d.remoteRef]));
      expect(byKey[WATCHDOG_KEYS.smtpUser].property).toBe('user');
      expect(byKey[WATCHDOG_KEYS.smtpPassword].property).toBe('password');
      expect(byKey[WATCHDOG_KEYS.smtpUser].key).toBe(byKey[WATCHDOG_KEYS.smtpPassword].key);
    });
  },
);

/*
 * The script as synthesized, run by the machine's POSIX sh (busybox ash runs it in the image) with its
 * mounts under a temp dir (WATCHDOG_ROOT) and a stand-in for curl. The stand-in records each call's
 * arguments and what it read on stdin (curl's config: the credentials), and answers as Elasticsearch 9.1 does:
 * `_count` → {"count":N,…}; `_search` with filter_path hits.total,hits.hits._source.message → {"hits":{"total":
 * {"value":N,"relation":"eq"},"hits":[…]}}; a connection refused is curl's exit 7. SMTP (--url smtp…) and the
 * chat webhook (the URL in the config) succeed unless told to fail.
 */
const FAKE_CURL = `#!/bin/sh
url='' data='' upload=''
n=$(( $(ls "$LOG" | grep -c '^call-') + 1 ))
for a in "$@"; do printf '%s\\n' "$a"; done > "$LOG/call-$n.args"
while [ $# -gt 0 ]; do
  case "$1" in
    --data-binary) data="$2"; shift ;;
    --upload-file) upload="$2"; shift ;;
    --url) url="$2"; shift ;;
    https://*) url="$1" ;;
  esac
  shift
done
cat > "$LOG/call-$n.stdin"
case "$url" in
  *elastalert_status/_count)
    [ "$ES" = down ] && { echo 'curl: (7) Failed to connect to logs-es-http.logging.svc port 9200' >&2; exit 7; }
    printf '{"count":%s,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}' "$RUNS" ;;
  *elastalert_error/_search*)
    printf '%s' "$ERRORS" ;;
  smtp*)
    [ "$SMTP" = fail ] && { echo 'curl: (67) Login denied' >&2; exit 67; }
    cp "$upload" "$LOG/mail" ;;
  '')
    [ "$CHAT" = fail ] && exit 22
    printf '%s' "$data" > "$LOG/chat" ;;
  *) echo "unexpected $url" >&2; exit 99 ;;
esac
`;

const tempDir = scopedTempDirs();
const NO_ERRORS = '{"hits":{"total":{"value":0,"relation":"eq"}}}';
const SMTP_PASSWORD = 'se"cret\\pass';

interface Scenario {
  es?: 'up' | 'down';
  runs?: number;
  errors?: string;
  smtp?: 'ok' | 'fail';
  chat?: 'ok' | 'fail' | 'none';
}

function run(s: Scenario = {}) {
  const root = tempDir('watchdog');
  const put = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  put(`${WATCHDOG_MOUNTS.credentials}/${WATCHDOG_KEYS.esPassword}`, 'es"pa\\ss');
  put(`${WATCHDOG_MOUNTS.credentials}/${WATCHDOG_KEYS.smtpUser}`, 'alerts@example.com');
  put(`${WATCHDOG_MOUNTS.credentials}/${WATCHDOG_KEYS.smtpPassword}`, SMTP_PASSWORD);
  if (s.chat !== 'none') put(`${WATCHDOG_MOUNTS.credentials}/${WATCHDOG_KEYS.chatWebhook}`, 'https://hooks.slack.com/services/T0/B0/token');
  put(`${WATCHDOG_MOUNTS.esCa}/ca.crt`, 'es ca');
  fs.mkdirSync(path.join(root, WATCHDOG_MOUNTS.scratch), { recursive: true });
  put('bin/curl', FAKE_CURL);
  fs.chmodSync(path.join(root, 'bin/curl'), 0o755);
  const log = path.join(root, 'log');
  fs.mkdirSync(log);
  const result = spawnSync('sh', ['-c', watchdogScript()], {
    encoding: 'utf8',
    env: {
      PATH: `${path.join(root, 'bin')}:${process.env.PATH}`,
      WATCHDOG_ROOT: root,
      LOG: log,
      ES: s.es ?? 'up',
      RUNS: String(s.runs ?? 42),
      ERRORS: s.errors ?? NO_ERRORS,
      SMTP: s.smtp ?? 'ok',
      CHAT: s.chat ?? 'ok',
      CLUSTER: 'acme-staging',
      ES_URL: 'https://logs-es-http.logging.svc:9200',
      SMTP_URL: 'smtp://smtp.example.com:587',
      MAIL_FROM: 'alerts@example.com',
      MAIL_TO: 'ops@example.com oncall@example.com',
    },
  });
  const read = (file: string) => (fs.existsSync(path.join(log, file)) ? fs.readFileSync(path.join(log, file), 'utf8') : undefined);
  const calls = fs
    .readdirSync(log)
    .filter((f) => f.endsWith('.args'))
    .sort()
    .map((f) => ({ args: read(f)!.trimEnd().split('\n'), stdin: read(f.replace(/\.args$/, '.stdin'))! }));
  const lines = result.stdout.trim().split('\n');
  return { status: result.status, report: reportIn(lines[lines.length - 1]), stderr: result.stderr, calls, mail: read('mail'), chat: read('chat') };
}

describe('the alerting watchdog tells the receivers once a run, and only when the alerting fails', () => {
  test('all is well: rules ran, no errors: it asks twice and sends nothing', () => {
    const r = run();
    expect(r.status).toBe(0);
    expect(r.report).toEqual({ event: ALERTING_WATCHDOG_EVENT, status: 'ok', notified: '' });
    expect(r.calls).toHaveLength(2);
    expect(r.mail).toBeUndefined();
    expect(r.chat).toBeUndefined();
  });

  test('it asks for the rule runs of its window and the errors since its previous run, as the elastalert user', () => {
    const [runs, errors] = run().calls;
    const body = (args: string[]) => JSON.parse(args[args.indexOf('--data-binary') + 1]);
    expect(body(runs.args).query.range['@timestamp'].gte).toBe(`now-${RUNS_WINDOW_MINUTES}m`);
    expect(body(errors.args).query.range['@timestamp'].gte).toBe(`now-${PERIOD_MINUTES}m`);
    // The password only on stdin, escaped for curl's config syntax.
    expect(runs.stdin).toBe('user = "elastalert:es\\"pa\\\\ss"\n');
    expect(runs.args.join(' ')).not.toContain('pa\\ss');
  });

  test('Elasticsearch unreachable: one mail to every receiver and one chat message, saying so', () => {
    const r = run({ es: 'down' });
    expect(r.status).toBe(0);
    expect(r.report).toEqual({ event: ALERTING_WATCHDOG_EVENT, status: 'notified', notified: 'email,chat' });
    expect(r.mail).toMatch(
      /^From: alerts@example.com\nTo: ops@example.com, oncall@example.com\nSubject: \[acme-staging\] the alerting itself needs attention\n/,
    );
    expect(r.mail).toContain('Failed to connect');
    const smtp = r.calls.find((c) => c.args.includes('--mail-from'))!;
    expect(smtp.args).toEqual(expect.arrayContaining(['--ssl-reqd', '--crlf', '--mail-rcpt', 'ops@example.com', 'oncall@example.com']));
    expect(smtp.stdin).toBe(`user = "alerts@example.com:${SMTP_PASSWORD.replace(/[\\"]/g, '\\$&')}"\n`);
    const chat = JSON.parse(r.chat!);
    expect(chat.text).toContain('no alert rule runs');
  });

  test('no rule ran in its window: ElastAlert2 is down or stuck', () => {
    const r = run({ runs: 0 });
    expect(r.report.status).toBe('notified');
    expect(r.mail).toContain(`no rule run in the last ${RUNS_WINDOW_MINUTES} minutes`);
  });

  test('errors since its previous run: their count and the latest, in valid JSON for the chat even with quotes and line ends', () => {
    const errors = JSON.stringify({
      hits: { total: { value: 57, relation: 'eq' }, hits: [{ _source: { message: 'Error running query: "field [json.status] of type [keyword]"\n\tat x' } }] },
    });
    const r = run({ errors });
    expect(r.report.status).toBe('notified');
    expect(r.mail).toContain(`handled 57 errors in the last ${PERIOD_MINUTES} minutes`);
    expect(JSON.parse(r.chat!).text).toContain('of type [keyword]');
  });

  test('mail refused but the chat took it: notified by chat', () => {
    const r = run({ es: 'down', smtp: 'fail' });
    expect(r.status).toBe(0);
    expect(r.report.notified).toBe('chat');
  });

  test('no receiver took it: the run fails, so the Job shows it', () => {
    const r = run({ es: 'down', smtp: 'fail', chat: 'none' });
    expect(r.status).toBe(1);
    expect(r.report).toEqual({ event: ALERTING_WATCHDOG_EVENT, status: 'notify-failed', notified: '' });
    expect(r.stderr).toContain('Failed to connect');
  });
});

test('the watchdog speaks TLS from the first byte on 465 and requires STARTTLS on 587, as ElastAlert2 does (smtp_ssl)', () => {
  const email = { to: ['ops@example.com'], from: 'alerts@example.com', smtpHost: 'smtp.example.com' };
  expect(smtpUrlOf({ email: { ...email, smtpPort: 465 } })).toBe('smtps://smtp.example.com:465');
  expect(smtpUrlOf({ email: { ...email, smtpPort: 587 } })).toBe('smtp://smtp.example.com:587');
  expect(smtpUrlOf({ email })).toBe('smtp://smtp.example.com:587');
});
