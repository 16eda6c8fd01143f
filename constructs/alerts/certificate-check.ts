import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CERTIFICATE_CHECK_EVENT, REPORT_KEY } from '../model/log-contract';
import { GATEWAY_PROXY_SERVICE } from '../model/naming';
import { curlCronJob } from './curl-cron-job';

/*
 * Why a check of its own. The certificate-failure rule reads cert-manager's Warning events, so it sees nothing
 * while cert-manager says nothing: scaled to zero, its pod wedged, its webhook down, a Certificate pruned, a
 * Secret replaced by hand. This CronJob asks what clients get instead: for every HTTPS host of the cluster it
 * opens a TLS connection to the Gateway's proxies, inside the cluster, with the host as SNI, and prints one
 * report line per host (CERTIFICATE_CHECK_EVENT) with the served certificate's end, the days left, its issuer,
 * its DNS names and whether one of them covers the host. It needs no cert-manager, no credentials, no
 * Kubernetes API; the alert rules (platform-rules.ts) judge the lines.
 *
 * The tool is curl, in the image the watchdog already runs (curlimages/curl: busybox and curl on OpenSSL).
 * `-w '%{certs}'` prints the chain the server sent, leaf first (curl 8.16.0 src/tool_writeout.c, VAR_CERT;
 * lib/vtls/openssl.c ossl_certchain: SSL_get_peer_cert_chain, then "Subject:", "Issuer:", "Expire date:" as
 * ASN1_TIME_print writes it, "Mar  3 12:00:00 2027 GMT", each extension by its name, e.g. "X509v3 Subject
 * Alternative Name:DNS:…"). The tool asks for it whenever `-w` is given (src/config2setopts.c: CURLOPT_CERTINFO),
 * and libcurl gathers it before it judges the certificate, so with `-k` an expired or foreign one is reported too.
 * curl has no way to stop after the handshake, so each host gets one HEAD request at `/` (user agent
 * CHECK_USER_AGENT): an internal app's login answers it before the app.
 */
export const CERTIFICATE_CHECK = { name: 'certificate-check' } as const;
/** It runs hourly: a certificate swapped by hand or gone is seen within the hour; the days left need no more. */
export const PERIOD_MINUTES = 60;
/** What the apps' access logs show of it. */
export const CHECK_USER_AGENT = 'webapps-certificate-check';
/** Seconds for one host: the connection, then the whole request. A slow app costs at most this; the certificate is read by then. */
export const CONNECT_TIMEOUT_SECONDS = 5;
export const HOST_TIMEOUT_SECONDS = 10;
/** A uid of its own, above the 10000 the scanners want; curl runs as any. */
const CHECK_USER = 10401;
/** Where the pod mounts the host list; CHECK_ROOT (empty in the cluster) lets a test run the script elsewhere. */
export const CHECK_HOSTS_DIR = '/run/certificate-check';
export const CHECK_HOSTS_KEY = 'hosts';
/** curl's exit codes for a proxy it could not reach: name not resolved (6), no connection (7), timed out (28). */
const UNREACHABLE_EXIT_CODES = [6, 7, 28];

const labels = {
  'app.kubernetes.io/name': CERTIFICATE_CHECK.name,
  'app.kubernetes.io/instance': CERTIFICATE_CHECK.name,
  'app.kubernetes.io/part-of': 'platform',
};

/** One HTTPS host the cluster serves, and the Secret its listener presents (the Certificate's name). */
export interface CheckedHost {
  readonly host: string;
  readonly certificate: string;
}

/** The ConfigMap's host list: one `<host> <certificate>` line each, sorted by host. */
export const hostListOf = (hosts: readonly CheckedHost[]): string =>
  [...hosts]
    .sort((a, b) => a.host.localeCompare(b.host))
    .map((h) => `${h.host} ${h.certificate}\n`)
    .join('');

/**
 * The awk program that turns curl's output for one host (its `exit:` line, its certificate chain, its error
 * line) into the report line. Days are counted down to whole days (floor), so a certificate that ended an
 * hour ago has -1 left.
 */
const REPORT_AWK = `
function esc(s,   out, i, c) {
  gsub(/[[:cntrl:]]/, " ", s); out = ""
  for (i = 1; i <= length(s); i++) { c = substr(s, i, 1); out = out ((c == "\\\\" || c == "\\"") ? "\\\\" : "") c }
  return out
}
function fdiv(a, b,   q) { q = int(a / b); if (q * b > a) q--; return q }
# Days from 1970-01-01 to a civil date (days_from_civil, H. Hinnant).
function days(y, m, d,   era, yoe, doy) {
  y -= (m <= 2); era = fdiv(y, 400); yoe = y - era * 400
  doy = int((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1
  return era * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy - 719468
}
# A DNS name of the certificate covers the host: the same name, or a wildcard of its first label (RFC 6125 6.4.3).
function covers(name, host,   dot) {
  name = tolower(name); host = tolower(host); dot = index(host, ".")
  return name == host || (substr(name, 1, 2) == "*." && dot > 1 && substr(host, dot + 1) == substr(name, 3))
}
BEGIN { split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", mon, " "); for (i = 1; i <= 12; i++) month[mon[i]] = i }
/^exit:/ { code = substr($0, 6) + 0; next }
/^curl: \\(/ { if (error == "") error = $0; next }
leafDone { next }
/-----END CERTIFICATE-----/ { leafDone = 1 }
/^Issuer:/ { issuer = substr($0, 8) }
/^Expire date:/ { expire = substr($0, 13) }
/^X509v3 Subject Alternative Name:/ { san = substr($0, 33) }
END {
  head = "{\\"${REPORT_KEY}\\":{\\"event\\":\\"${CERTIFICATE_CHECK_EVENT}\\",\\"host\\":\\"" esc(host) "\\",\\"certificate\\":\\"" esc(certificate) "\\""
  if (split(expire, t, " ") < 4 || !(t[1] in month)) {
    status = (${UNREACHABLE_EXIT_CODES.map((c) => `code == ${c}`).join(' || ')}) ? "unreachable" : "no-certificate"
    if (error == "") error = "curl exit " code
    printf "%s,\\"status\\":\\"%s\\",\\"matches_host\\":\\"false\\",\\"error\\":\\"%s\\"}}\\n", head, status, esc(substr(error, 1, 500))
    exit
  }
  split(t[3], hms, ":")
  end = days(t[4], month[t[1]], t[2]) * 86400 + hms[1] * 3600 + hms[2] * 60 + int(hms[3])
  n = split(san, entries, ", *"); names = ""; matches = "false"
  for (i = 1; i <= n; i++) {
    if (substr(entries[i], 1, 4) != "DNS:") continue
    name = substr(entries[i], 5); names = names (names == "" ? "" : ",") name
    if (covers(name, host)) matches = "true"
  }
  printf "%s,\\"status\\":\\"%s\\",\\"not_after\\":\\"%04d-%02d-%02dT%02d:%02d:%02dZ\\",\\"days_left\\":%d,\\"issuer\\":\\"%s\\",\\"names\\":\\"%s\\",\\"matches_host\\":\\"%s\\"}}\\n",
    head, (matches == "true" ? "ok" : "wrong-host"), t[4], month[t[1]], t[2], hms[1], hms[2], int(hms[3]), fdiv(end - now, 86400), esc(issuer), esc(substr(names, 1, 1000)), matches
}`;

/**
 * The check script (POSIX sh; busybox ash and awk in the curl image). For each line of the host list it
 * connects to PROXY_HOST:PROXY_PORT as if to `https://<host>/` (`--connect-to`: the SNI and the Host header are
 * the host's) and prints the host's report line. It exits 0: the lines are the verdict, the rules judge them.
 */
export function certificateCheckScript(): string {
  return `set -u
root=\${CHECK_ROOT:-}
now=$(date -u +%s)
while read -r host certificate; do
  [ -n "$host" ] || continue
  out=$(curl -q -sS -k -I -o /dev/null -A '${CHECK_USER_AGENT}' \\
    --connect-timeout ${CONNECT_TIMEOUT_SECONDS} --max-time ${HOST_TIMEOUT_SECONDS} \\
    --connect-to "$host:443:$PROXY_HOST:$PROXY_PORT" -w 'exit:%{exitcode}\\n%{certs}' "https://$host/" 2>&1 </dev/null)
  printf '%s\\n' "$out" | awk -v host="$host" -v certificate="$certificate" -v now="$now" '${REPORT_AWK.replace(/'/g, `'"'"'`)}'
done < "\${root}${CHECK_HOSTS_DIR}/${CHECK_HOSTS_KEY}"
`;
}

export interface CertificateCheckProps {
  readonly namespace: string;
  /** Every HTTPS host the cluster serves. */
  readonly hosts: readonly CheckedHost[];
}

/** The CronJob that reads what every HTTPS host serves (above), and its host list. */
export class CertificateCheck extends Construct {
  constructor(scope: Construct, id: string, props: CertificateCheckProps) {
    super(scope, id);
    const { name } = CERTIFICATE_CHECK;
    const { namespace } = props;
    const hostsConfigMap = `${name}-hosts`;
    new ApiObject(this, 'Hosts', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: hostsConfigMap, namespace, labels },
      data: { [CHECK_HOSTS_KEY]: hostListOf(props.hosts) },
    });
    const env = { PROXY_HOST: `${GATEWAY_PROXY_SERVICE.name}.${GATEWAY_PROXY_SERVICE.namespace}.svc`, PROXY_PORT: String(GATEWAY_PROXY_SERVICE.port) };
    curlCronJob(this, 'Resource', {
      name,
      namespace,
      labels,
      schedule: '41 * * * *',
      periodMinutes: PERIOD_MINUTES,
      deadlineSeconds: (PERIOD_MINUTES - 5) * 60,
      user: CHECK_USER,
      container: 'check',
      script: certificateCheckScript(),
      env,
      volumeMounts: [{ name: 'hosts', mountPath: CHECK_HOSTS_DIR, readOnly: true }],
      volumes: [{ name: 'hosts', configMap: { name: hostsConfigMap, defaultMode: 0o444 } }],
    });
  }
}
