import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { parse } from 'yaml';
import {
  CERTIFICATE_CHECK,
  CHECK_HOSTS_DIR,
  CHECK_HOSTS_KEY,
  CHECK_USER_AGENT,
  certificateCheckScript,
  PERIOD_MINUTES,
} from '../constructs/alerts/certificate-check';
import { CERTIFICATE_EXPIRY_DAYS, CERTIFICATE_CHECK_STOPPED_MINUTES, platformRules } from '../constructs/alerts/platform-rules';
import { alertRuleFilesIn } from '../constructs/alerts/rule-config-maps';
import type { AlertRule, Filter } from '../constructs/alerts/rule';
import { SETUP_IMAGE } from '../constructs/logging/elasticsearch-setup';
import { isPinned, parseImage } from '../constructs/model/image';
import type { KubeObject } from '../constructs/model/kube-object';
import { ALERTING_NAMESPACE, CERTIFICATE_CHECK_EVENT, containerLogStreamOf, REPORT_KEY } from '../constructs/model/log-contract';
import { GATEWAY_PROXY_POD_LABELS, HTTP_LISTENER } from '../constructs/model/naming';
import { PROXY_PORTS } from '../constructs/platform/envoy-gateway';
import { ruleQueryProblems } from '../constructs/rules/alert-query-rules';
import { reportIn } from './report-line';
import { FIXTURE_CLUSTERS, fixtureObjectsOf, scopedTempDirs } from './support';
import { requireTool } from './tool';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const RULE_IDS = ['platform-certificate-expiring', 'platform-certificate-mismatch', 'platform-certificate-check-stopped'];

/** The hosts a fixture cluster serves over HTTPS, read from its Gateways and routes, each with the Secret of the listener that serves it. */
function servedHosts(objects: readonly KubeObject[]): Map<string, string> {
  const listeners = objects
    .filter((o) => o.kind === 'Gateway')
    .flatMap((g) => (g.spec as Json).listeners.filter((l: Json) => l.protocol === 'HTTPS'))
    .map((l: Json) => ({ hostname: l.hostname as string, secret: l.tls.certificateRefs[0].name as string }));
  const secretOf = (host: string) =>
    (
      listeners.find((l) => l.hostname === host) ??
      listeners.find((l) => l.hostname.startsWith('*.') && host.split('.').slice(1).join('.') === l.hostname.slice(2))
    )?.secret;
  const routed = objects
    .filter((o) => o.kind === 'HTTPRoute')
    .filter((r) => ((r.spec as Json).parentRefs ?? []).some((p: Json) => p.sectionName !== HTTP_LISTENER))
    .flatMap((r) => ((r.spec as Json).hostnames ?? []) as string[]);
  return new Map(routed.map((host) => [host, secretOf(host) ?? '(no listener)']));
}

describe.each(FIXTURE_CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: the certificate check', (env, cluster) => {
  const objects = fixtureObjectsOf(env);
  const cronJob = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === CERTIFICATE_CHECK.name) as Json;
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  const hostList = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === pod.volumes[0].configMap.name) as Json;

  test('checks every HTTPS host the Gateway serves, each against the certificate of the listener that serves it', () => {
    const served = servedHosts(objects);
    expect(served.size).toBeGreaterThan(0);
    const listed = new Map(
      (hostList.data[CHECK_HOSTS_KEY] as string)
        .trimEnd()
        .split('\n')
        .map((line) => line.split(' ') as [string, string]),
    );
    expect([...listed].sort()).toEqual([...served].sort());
    // An internal host (behind the staff login) is checked too: its handshake comes before any login.
    expect(listed.has(`logs.${cluster.domain}`)).toBe(true);
  });

  test('it runs beside ElastAlert2 hourly, never twice at once, as a restricted pod with no credentials and no token', () => {
    expect(cronJob.metadata.namespace).toBe(ALERTING_NAMESPACE);
    expect(cronJob.spec.concurrencyPolicy).toBe('Forbid');
    expect(cronJob.spec.schedule).toMatch(/^\d+ \* \* \* \*$/);
    expect(cronJob.spec.jobTemplate.spec.activeDeadlineSeconds).toBeLessThan(PERIOD_MINUTES * 60);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeGreaterThanOrEqual(10000);
    const [container] = pod.containers;
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    // The watchdog's image: busybox and curl, pinned.
    expect(container.image).toBe(SETUP_IMAGE);
    expect(isPinned(parseImage(container.image)!)).toBe(true);
    // No Secret: it reads only the host list; its root stays read-only, the script writes no file.
    expect(pod.volumes.map((v: Json) => Object.keys(v).filter((k) => k !== 'name'))).toEqual([['configMap']]);
    expect(container.volumeMounts).toEqual([{ name: pod.volumes[0].name, mountPath: CHECK_HOSTS_DIR, readOnly: true }]);
  });

  test('its proxy address is a Service of the output over the proxy pods, on the port of their HTTPS listeners', () => {
    const env = Object.fromEntries(pod.containers[0].env.map((e: Json) => [e.name, e.value]));
    const [name, namespace] = env.PROXY_HOST.split('.');
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name && o.metadata.namespace === namespace) as Json;
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.selector).toEqual({ ...GATEWAY_PROXY_POD_LABELS });
    const port = service.spec.ports.find((p: Json) => String(p.port) === env.PROXY_PORT);
    expect(port.targetPort).toBe(PROXY_PORTS[1]);
  });

  test('its three rules read its lines where they land, each field as its type answers', () => {
    const files = new Map(alertRuleFilesIn(objects.filter((o) => o.kind === 'ConfigMap')));
    for (const id of RULE_IDS) {
      const rule = parse(files.get(`${id}.yaml`)!);
      expect([id, rule.index]).toEqual([id, containerLogStreamOf(ALERTING_NAMESPACE)]);
      expect([id, ruleQueryProblems(id, rule)]).toEqual([id, []]);
    }
    // The check can fail: the days left asked as a word would never match a count.
    const wrong = { ...parse(files.get(`${RULE_IDS[0]}.yaml`)!), filter: [{ term: { [`json.${REPORT_KEY}.days_left`]: '3' } }] };
    expect(ruleQueryProblems('wrong', wrong)).toEqual([expect.stringContaining('a long field')]);
  });

  /*
   * cert-manager renews each Certificate renewBefore ahead of its end (v1.18.2 pkg/util/pki/renewaltime.go,
   * RenewBefore). The expiry alarm must stay quiet while renewal works, even through a week of the CA's weekly
   * limits, and still leave days to act.
   */
  test("the expiry alarm fires only after a week past every certificate's renewal, with a week still left", () => {
    const certificates = objects.filter((o) => o.kind === 'Certificate');
    expect(certificates.length).toBeGreaterThan(0);
    for (const c of certificates) {
      const renewBeforeDays = Number(/^(\d+)h$/.exec((c.spec as Json).renewBefore)![1]) / 24;
      expect([c.metadata.name, CERTIFICATE_EXPIRY_DAYS <= renewBeforeDays - 7]).toEqual([c.metadata.name, true]);
    }
    expect(CERTIFICATE_EXPIRY_DAYS).toBeGreaterThanOrEqual(7);
    // One run missed does not say the check stopped; two in a row do.
    expect(CERTIFICATE_CHECK_STOPPED_MINUTES).toBe(3 * PERIOD_MINUTES);
  });
});

// ---------------------------------------------------------------------------------------------------
// The script as synthesized, run by busybox sh with busybox awk (as in the curl image) and this machine's
// real curl, against a real TLS server that answers by SNI as the Gateway's listeners do. Certificates are
// made by openssl; a stand-in `date` fixes the clock, so every day count is exact.

const hasTools = [
  requireTool('openssl', 'apt-get install -y openssl'),
  requireTool('curl', 'apt-get install -y curl'),
  requireTool('busybox', 'apt-get install -y busybox'),
].every(Boolean);
const tempDir = scopedTempDirs();

interface Pem {
  readonly key: string;
  readonly cert: string;
}

function makeCertificate(dir: string, file: string, days: number, names: readonly string[]): Pem {
  const key = path.join(dir, `${file}.key`);
  const cert = path.join(dir, `${file}.crt`);
  const made = spawnSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', String(days),
      // An issuer with a quote and an apostrophe, as JSON must carry them.
      '-subj', `/O=Let's "Test" CA/CN=${names[0]}`,
      '-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
    ], // prettier-ignore
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl req failed: ${made.stderr}`);
  return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
}

/** Runs the check over `hosts` against 127.0.0.1:port at `now`; its report lines, parsed, and what the server was asked. */
function runCheck(root: string, port: number, now: number, hosts: readonly string[]): Promise<{ status: number | null; stderr: string; reports: Json[] }> {
  fs.mkdirSync(path.join(root, CHECK_HOSTS_DIR), { recursive: true });
  fs.writeFileSync(path.join(root, CHECK_HOSTS_DIR, CHECK_HOSTS_KEY), hosts.map((h) => `${h} tls-${h.split('.')[0]}\n`).join(''));
  const bin = path.join(root, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'date'), '#!/bin/sh\necho "$NOW"\n', { mode: 0o755 });
  const busybox = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
  for (const applet of ['awk', 'sed', 'tr']) if (!fs.existsSync(path.join(bin, applet))) fs.symlinkSync(busybox, path.join(bin, applet));
  return new Promise((resolve) => {
    const child = spawn('busybox', ['sh', '-c', certificateCheckScript()], {
      env: { PATH: `${bin}:${process.env.PATH}`, CHECK_ROOT: root, NOW: String(now), PROXY_HOST: '127.0.0.1', PROXY_PORT: String(port) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stderr, reports: stdout.trimEnd().split('\n').filter(Boolean).map(reportIn) }));
  });
}

/** A rule's filter judged on one report line as Elasticsearch would see it (`json.<REPORT_KEY>.<field>`): the clauses our rules use. */
function matches(filter: readonly Filter[], report: Json): boolean {
  const field = (name: string) => (name.startsWith(`json.${REPORT_KEY}.`) ? report[name.slice(`json.${REPORT_KEY}.`.length)] : undefined);
  const one = (clause: Json): boolean => {
    const [[kind, body]] = Object.entries(clause) as [string, Json][];
    const [[name, value]] = kind === 'exists' ? [[body.field, undefined]] : (Object.entries(body) as [string, Json][]);
    const actual = field(name);
    if (kind === 'term') return actual === value;
    if (kind === 'terms') return value.includes(actual);
    if (kind === 'exists') return actual !== undefined;
    if (kind === 'range')
      return typeof actual === 'number' && (value.gte === undefined || actual >= value.gte) && (value.lt === undefined || actual < value.lt);
    if (kind === 'bool') return !body.must_not.some(one);
    throw new Error(`a clause this test cannot judge: ${kind}`);
  };
  return filter.every(one);
}

(hasTools ? describe : describe.skip)('the check script, run for real against a TLS server that answers by SNI', () => {
  const root = tempDir('certificate-check');
  const soon = makeCertificate(root, 'soon', 5, ['shop.customer.test']);
  const wildcard = makeCertificate(root, 'wildcard', 60, ['*.example.test']);
  const stranger = makeCertificate(root, 'stranger', 60, ['elsewhere.test']);
  const byHost: Record<string, Pem> = { 'shop.customer.test': soon, 'app.example.test': wildcard, 'wrong.customer.test': stranger };
  const asked: { host?: string; method?: string; agent?: string }[] = [];
  const server = https.createServer(
    {
      ...wildcard,
      SNICallback: (name, done) => (byHost[name] ? done(null, tls.createSecureContext(byHost[name])) : done(new Error(`no certificate for ${name}`))),
    },
    (req, res) => {
      asked.push({ host: req.headers.host, method: req.method, agent: req.headers['user-agent'] });
      res.writeHead(204).end();
    },
  );
  let port = 0;
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => ((port = (server.address() as AddressInfo).port), resolve()))));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const endOf = (pem: Pem) => new Date(new X509Certificate(pem.cert).validTo);
  const rules = Object.fromEntries(platformRules([]).map((r) => [r.id, r])) as Record<string, AlertRule>;
  const fires = (id: string, report: Json) => matches(rules[id].filter, report);
  const hosts = ['app.example.test', 'shop.customer.test', 'wrong.customer.test', 'gone.customer.test'];

  test('one line per host: the served certificate, its end and days left, its issuer and names, and whether it covers the host', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { status, reports } = await runCheck(root, port, now, hosts);
    expect(status).toBe(0);
    expect(reports.map((r) => [r.event, r.host, r.certificate])).toEqual(hosts.map((h) => [CERTIFICATE_CHECK_EVENT, h, `tls-${h.split('.')[0]}`]));
    const [app, shop, wrong, gone] = reports;
    const daysLeft = (pem: Pem) => Math.floor((endOf(pem).getTime() / 1000 - now) / 86400);
    expect(app).toMatchObject({ status: 'ok', matches_host: 'true', names: '*.example.test', not_after: endOf(wildcard).toISOString().replace('.000Z', 'Z') });
    expect(app.days_left).toBe(daysLeft(wildcard));
    expect(app.issuer).toContain(`O = Let's`);
    expect(app.issuer).toContain('Test');
    expect(shop).toMatchObject({ status: 'ok', matches_host: 'true', days_left: daysLeft(soon), names: 'shop.customer.test' });
    expect(wrong).toMatchObject({ status: 'wrong-host', matches_host: 'false', names: 'elsewhere.test' });
    expect(gone).toMatchObject({ status: 'no-certificate', matches_host: 'false' });
    expect(gone.error).toMatch(/^curl: \(35\)/);
    expect(gone.days_left).toBeUndefined();
    // The request after each handshake: a HEAD with the host's name, as a browser would send, named in the access log.
    expect(asked.filter((a) => a.agent === CHECK_USER_AGENT).map((a) => [a.method, a.host])).toEqual(
      expect.arrayContaining(['app.example.test', 'shop.customer.test', 'wrong.customer.test'].map((h) => ['HEAD', h])),
    );

    // What the rules make of these lines: the 5-day certificate alerts, the 60-day one does not; a foreign certificate or none does.
    expect(reports.map((r) => [r.host, fires('platform-certificate-expiring', r), fires('platform-certificate-mismatch', r)])).toEqual([
      ['app.example.test', false, false],
      ['shop.customer.test', true, false],
      ['wrong.customer.test', false, true],
      ['gone.customer.test', false, true],
    ]);
    // The flatline counts every line.
    expect(reports.every((r) => fires('platform-certificate-check-stopped', r))).toBe(true);
  });

  test('a certificate that has ended has days below zero, counted down to whole days', async () => {
    const now = Math.floor(endOf(soon).getTime() / 1000) + 3600;
    const { reports } = await runCheck(root, port, now, ['shop.customer.test']);
    expect(reports).toEqual([expect.objectContaining({ host: 'shop.customer.test', status: 'ok', days_left: -1 })]);
    expect(fires('platform-certificate-expiring', reports[0])).toBe(true);
  });

  test('proxies that cannot be reached make a line per host too, which the mismatch rule takes', async () => {
    const closed = https.createServer();
    const unused = await new Promise<number>((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as AddressInfo).port)));
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { status, reports } = await runCheck(root, unused, Math.floor(Date.now() / 1000), ['app.example.test']);
    expect(status).toBe(0);
    expect(reports).toEqual([expect.objectContaining({ host: 'app.example.test', status: 'unreachable', matches_host: 'false' })]);
    expect(reports[0].error).toMatch(/^curl: \(7\)/);
    expect(fires('platform-certificate-mismatch', reports[0])).toBe(true);
  });
});
