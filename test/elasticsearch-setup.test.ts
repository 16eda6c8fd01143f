import { spawnSync } from 'node:child_process';
import { Chart } from 'cdk8s';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { SETUP_ES_USER, esRolesOf } from '../constructs/logging/elasticsearch-users';
import { SETUP_HASH_ANNOTATION, SETUP_JOB_NAME, SETUP_MOUNTS, setupFilesOf, setupRequestsOf, setupScript } from '../constructs/logging/elasticsearch-setup';
import { ELASTICSEARCH_ADMIN_SECRET, KIBANA_CA_SECRET, SETUP_EVENT } from '../constructs/model/log-contract';
import { clusterAppsOf } from '../constructs/model/resolve';
import { synthChart } from '../constructs/synth/chart-synth';
import { ElasticsearchSetup } from '../constructs/logging/elasticsearch-setup';
import { realObjectsOf, REAL_RELEASES, scopedTempDirs } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/*
 * The setup script as synthesized, run by the machine's POSIX sh (busybox ash runs it in the image)
 * with its mounts under a temp dir (SETUP_ROOT) and a stand-in for curl that records each request and
 * what it read on stdin, and answers as the server would: 400 to the request whose URL contains FAIL_ON,
 * 404 to a GET of a path not in EXISTING (space-separated), and GET_BODY to any other GET.
 */

const tempDir = scopedTempDirs();
const cluster = CLUSTERS.find((c) => c.env === 'staging')!;
const apps = clusterAppsOf(cluster, APPS, (name) => REAL_RELEASES[cluster.env].apps[name].current);
const requests = setupRequestsOf(cluster.env, apps);
const script = setupScript(requests);

const FAKE_CURL = `#!/bin/sh
url='' data='' ca='' method=''
while [ $# -gt 0 ]; do
  case "$1" in
    --cacert) ca="$2"; shift ;;
    --data-binary) data="$2"; shift ;;
    -X) method="$2"; shift ;;
    -H|-K|-w|--connect-timeout|--max-time|--retry|--retry-delay|--retry-max-time) shift ;;
    https://*) url="$1" ;;
  esac
  shift
done
config=$(cat)
printf '%s %s %s %s\\n' "$method" "$url" "$ca" "$data" >> "$LOG/requests"
printf '%s\\n' "$config" >> "$LOG/stdin"
[ -r "$ca" ] || { echo "unreadable $ca"; exit 77; }
[ -z "$data" ] || [ -r "\${data#@}" ] || { echo "unreadable $data"; exit 77; }
case "$url" in *"$FAIL_ON"*) printf '%s\\n400' '{"error":{"type":"illegal_argument_exception"},"status":400}'; exit 0 ;; esac
if [ "$method" = GET ]; then
  case " $EXISTING " in *" \${url#https://*/} "*) printf '%s\\n200' "\${GET_BODY:-{\\}}"; exit 0 ;; esac
  printf '%s\\n404' '{"statusCode":404,"error":"Not Found"}'; exit 0
fi
printf '%s\\n200' '{"acknowledged":true}'
`;

function run(options: { failOn?: string; password?: string | null; existing?: readonly string[]; getBody?: string; script?: string } = {}) {
  const root = tempDir('setup-run');
  const put = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  if (options.password !== null) put(`${SETUP_MOUNTS.credentials}/password`, options.password ?? 'pa"ss\\word');
  put(`${SETUP_MOUNTS.esCa}/ca.crt`, 'es ca');
  put(`${SETUP_MOUNTS.kibanaCa}/ca.crt`, 'kibana ca');
  for (const [file, body] of Object.entries(setupFilesOf(requests))) put(`${SETUP_MOUNTS.requests}/${file}`, JSON.stringify(body));
  put('bin/curl', FAKE_CURL);
  fs.chmodSync(path.join(root, 'bin/curl'), 0o755);
  fs.writeFileSync(path.join(root, 'requests'), '');
  const result = spawnSync('sh', ['-c', options.script ?? script], {
    encoding: 'utf8',
    env: {
      PATH: `${path.join(root, 'bin')}:${process.env.PATH}`,
      SETUP_ROOT: root,
      LOG: root,
      FAIL_ON: options.failOn ?? 'no-such-path',
      EXISTING: (options.existing ?? []).join(' '),
      GET_BODY: options.getBody ?? '{}',
    },
  });
  const lines = result.stdout.trim().split('\n');
  return {
    status: result.status,
    report: JSON.parse(lines[lines.length - 1]),
    sent: fs
      .readFileSync(path.join(root, 'requests'), 'utf8')
      .split('\n')
      .map((l) => l.trimEnd())
      .filter(Boolean),
    stdin: fs.existsSync(path.join(root, 'stdin')) ? fs.readFileSync(path.join(root, 'stdin'), 'utf8') : '',
    stderr: result.stderr,
    root,
  };
}

const ES_URL = 'https://logs-es-http.logging.svc:9200';
const KIBANA_URL = 'https://logs-kb-http.logging.svc:5601';

describe('the Elasticsearch setup cannot fail silently', () => {
  /** What the run should send, by the rules of the script: an upsert GETs first, then updates what exists, creates the rest. */
  const expectedSent = (root: string, existing: readonly string[] = []) =>
    requests.flatMap((r) => {
      const base = r.target === 'es' ? ES_URL : KIBANA_URL;
      const ca = `${root}${r.target === 'es' ? SETUP_MOUNTS.esCa : SETUP_MOUNTS.kibanaCa}/ca.crt`;
      const body = (file: string) => `@${root}${SETUP_MOUNTS.requests}/${file}`;
      if (!r.ifExists) return [`${r.method} ${base}/${r.path} ${ca} ${body(r.file)}`];
      const get = `GET ${base}/${r.ifExists.path} ${ca}`;
      return existing.includes(r.ifExists.path)
        ? [get, `${r.method} ${base}/${r.ifExists.path} ${ca} ${body(r.updateFile!)}`]
        : [get, `${r.method} ${base}/${r.path} ${ca} ${body(r.file)}`];
    });

  test('a run sends every request in order, over TLS with the right CA, and reports success', () => {
    const { status, report, sent, stdin, root } = run();
    expect(status).toBe(0);
    expect(report).toEqual({ event: SETUP_EVENT, status: 'success', step: 'done', exit_code: 0 });
    expect(sent).toEqual(expectedSent(root));
    // Components before the templates that compose them, templates before any data view.
    const order = requests.map((r) => r.path.split('/')[0]);
    expect(order.indexOf('_component_template')).toBeLessThan(order.indexOf('_index_template'));
    expect(order.lastIndexOf('_index_template')).toBeLessThan(order.indexOf('api'));
    // The password reaches curl on stdin, escaped for curl's config syntax, as the setup user.
    expect(stdin.split('\n').filter(Boolean)).toEqual(sent.map(() => `user = "${SETUP_ES_USER.username}:pa\\"ss\\\\word"`));
  });

  test('a data view that exists is updated in place, never deleted and made anew; a missing one is created', () => {
    const views = requests.filter((r) => r.path === 'api/data_views/data_view');
    expect(views.length).toBeGreaterThan(2);
    // No request asks Kibana to replace a view (`override` deletes the view of that name first).
    for (const view of views) expect([view.path, JSON.stringify(view.body)]).toEqual([view.path, expect.not.stringContaining('override')]);
    const existing = views.slice(1).map((r) => r.ifExists!.path);
    const { status, sent, root } = run({ existing });
    expect(status).toBe(0);
    expect(sent).toEqual(expectedSent(root, existing));
    // The first view is created, every other one updated at its own path with a body that names no id.
    const posts = sent.filter((l) => l.startsWith('POST') && l.includes('api/data_views/data_view'));
    expect(posts.filter((l) => l.includes('api/data_views/data_view '))).toHaveLength(1);
    for (const r of views.slice(1)) {
      expect((r.ifExists!.body as Json).data_view.id).toBeUndefined();
      expect((r.ifExists!.body as Json).data_view).toEqual({ ...(r.body as Json).data_view, id: undefined });
    }
    // The default data view is still set last, with force.
    expect(sent[sent.length - 1]).toContain(`${KIBANA_URL}/api/data_views/default `);
  });

  test('a GET refused with anything but 404 ends the run, and nothing is created in its place', () => {
    const first = requests.find((r) => r.ifExists)!;
    const { status, report, sent } = run({ failOn: first.ifExists!.path });
    expect(status).toBe(22);
    expect(report).toMatchObject({ status: 'failure', step: `GET ${first.ifExists!.path}` });
    expect(sent[sent.length - 1]).toMatch(/^GET /);
  });

  test('a refused request ends the run with a failure report naming the step, and nothing after it is sent', () => {
    const { status, report, sent, stderr } = run({ failOn: '_index_template/webapps-logs-default' });
    expect(status).toBe(22);
    expect(report).toEqual({ event: SETUP_EVENT, status: 'failure', step: 'PUT _index_template/webapps-logs-default', exit_code: 22 });
    expect(sent[sent.length - 1]).toContain('_index_template/webapps-logs-default');
    expect(sent.some((line) => line.includes('data_views'))).toBe(false);
    expect(stderr).toContain('illegal_argument_exception');
  });

  test('an unreadable password fails at once, reported', () => {
    const { status, report, sent } = run({ password: null });
    expect(status).not.toBe(0);
    expect(report).toMatchObject({ event: SETUP_EVENT, status: 'failure', step: 'read credentials' });
    expect(sent).toEqual([]);
  });
});

describe.each(CLUSTERS.map((c) => [c.env] as const))('cluster %s: the setup uses its own user, TLS and no superuser', (env) => {
  const objects = realObjectsOf(env);
  const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === SETUP_JOB_NAME) as Json;
  const pod = job.spec.template.spec;

  test('no plain HTTP, no elastic user, no password in the environment', () => {
    const shipped: string = pod.containers[0].command[2];
    expect(shipped).not.toMatch(/http:\/\//);
    expect(shipped).not.toMatch(/\belastic:/);
    expect(JSON.stringify(pod)).not.toContain(ELASTICSEARCH_ADMIN_SECRET);
    expect(pod.containers[0].env).toBeUndefined();
    expect(pod.volumes.map((v: Json) => v.secret?.secretName).filter(Boolean)).toContain(KIBANA_CA_SECRET);
  });

  test('its role grants templates, ILM, data views, and on the app log streams only setting their ILM policy', () => {
    const role = esRolesOf(CLUSTERS.find((c) => c.env === env)!.access)[SETUP_ES_USER.role];
    expect(role).toEqual({
      cluster: ['manage_index_templates', 'manage_ilm'],
      indices: [{ names: ['logs-k8s.*', 'logs-gateway.*'], privileges: ['indices:admin/settings/update'] }],
      applications: [
        { application: 'kibana-.kibana', privileges: ['feature_indexPatterns.all', 'feature_advancedSettings.all'], resources: ['space:default'] },
      ],
    });
  });
});

/*
 * What Kibana 9.1 lets the setup user write, and what its requests write (elastic/kibana, 9.x):
 * - x-pack/platform/plugins/shared/features/server/oss_features.ts: `indexPatterns` `all` writes `index-pattern`
 *   saved objects (and only reads `config`); `advancedSettings` `all` writes `config`.
 * - src/platform/plugins/shared/data_views/common/data_views/data_views.ts: createAndSave saves the view, then
 *   setDefault, which writes the `defaultIndex` setting (the `config` object) when no default is set yet, as on
 *   a fresh Kibana; `POST api/data_views/default` with `force` writes it always.
 */
const KIBANA_FEATURE_WRITES: Readonly<Record<string, readonly string[]>> = {
  'feature_indexPatterns.all': ['index-pattern'],
  'feature_advancedSettings.all': ['config'],
};
const KIBANA_REQUEST_WRITES: Readonly<Record<string, readonly string[]>> = {
  'api/data_views/data_view': ['index-pattern', 'config'],
  // The update (rest_api_routes/public/update_data_view.ts) saves the view only; it sets no default.
  'api/data_views/data_view/<id>': ['index-pattern'],
  'api/data_views/default': ['config'],
};
const writesOf = (path: string) => KIBANA_REQUEST_WRITES[path.replace(/^(api\/data_views\/data_view)\/[^/]+$/, '$1/<id>')];

test("every saved object the setup's Kibana requests write is one its role may write, on a fresh Kibana too", () => {
  const requests = setupRequestsOf('prod', apps).filter((r) => r.target === 'kibana');
  expect(requests.map((r) => r.path)).toContain('api/data_views/default');
  const granted = new Set((SETUP_ES_USER.privileges.applications ?? []).flatMap((a) => a.privileges.flatMap((p: string) => KIBANA_FEATURE_WRITES[p] ?? [])));
  const paths = requests.flatMap((r) => [r.path, ...(r.ifExists ? [r.ifExists.path] : [])]);
  expect(paths.some((p) => p.startsWith('api/data_views/data_view/'))).toBe(true);
  for (const path of paths) {
    const writes = writesOf(path);
    expect([path, writes === undefined]).toEqual([path, false]);
    for (const type of writes) expect([path, type, granted.has(type)]).toEqual([path, type, true]);
  }
});

test('the default data view is set after every data view is saved, to the one over all logs', () => {
  const paths = setupRequestsOf('prod', apps).map((r) => r.path);
  expect(paths[paths.length - 1]).toBe('api/data_views/default');
  expect(setupRequestsOf('prod', apps).at(-1)!.body).toEqual({ data_view_id: 'all-logs', force: true });
});

test("a change of any request changes the Job's pod template, so Flux recreates the Job", () => {
  const hashOf = (days: number | undefined) => {
    const objects = synthChart((app) => {
      const chart = new Chart(app, 'setup');
      new ElasticsearchSetup(chart, 'Setup', { env: 'staging', apps: apps.map((a) => ({ ...a, logRetentionDays: days })) });
      return chart;
    });
    return (objects.find((o) => o.kind === 'Job')!.spec as Json).template.metadata.annotations[SETUP_HASH_ANNOTATION];
  };
  expect(hashOf(7)).not.toBe(hashOf(8));
  expect(hashOf(7)).toBe(hashOf(7));
});
