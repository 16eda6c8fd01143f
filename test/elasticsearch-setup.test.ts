import { spawnSync } from 'node:child_process';
import { Chart } from 'cdk8s';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { SETUP_ES_USER, esRolesOf, UPDATE_INDEX_SETTINGS } from '../constructs/logging/elasticsearch-users';
import {
  SETUP_HASH_ANNOTATION,
  SETUP_JOB_NAME,
  SETUP_MOUNTS,
  setupFilesOf,
  setupPruneOf,
  setupRequestsOf,
  setupScript,
  type SetupPrune,
  type SetupRequest,
} from '../constructs/logging/elasticsearch-setup';
import {
  APP_LOG_POLICY_PREFIX,
  appLogPolicyOf,
  DEFAULT_POLICY,
  existingStreamsOnPolicy,
  LOG_MAPPINGS_COMPONENT,
  RETENTION_LISTINGS,
  retentionRemovalOf,
} from '../constructs/logging/log-retention';
import { ELASTALERT_INDEX_TEMPLATE } from '../constructs/logging/elastalert-indices';
import { appStreamsOf, ELASTICSEARCH_ADMIN_SECRET, KIBANA_CA_SECRET, SETUP_EVENT } from '../constructs/model/log-contract';
import { APP_NAME, namespaceOf } from '../constructs/model/naming';
import { clusterAppsOf, resolveApp } from '../constructs/model/resolve';
import { synthChart } from '../constructs/synth/chart-synth';
import { ElasticsearchSetup } from '../constructs/logging/elasticsearch-setup';
import { esSimpleMatch } from './es-patterns';
import { FIXTURE_APPS, FIXTURE_CLUSTERS, realObjectsOf, REAL_RELEASES, scopedTempDirs } from './support';
import { reportIn } from './report-line';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/*
 * The setup script as synthesized, run by the machine's POSIX sh (busybox ash runs it in the image)
 * with its mounts under a temp dir (SETUP_ROOT) and a stand-in for curl that records each request and
 * what it read on stdin, and answers as the server would: FAIL_STATUS (400 unless told) to the request whose
 * URL contains FAIL_ON, 404 to a GET of a path not in EXISTING (space-separated), and GET_BODY to any other GET.
 * With STATE (a folder), it also holds Elasticsearch's index templates and ILM policies there, one empty file
 * each (`templates/<name>`, `policies/<name>`), as Elasticsearch 9.1 answers (log-retention.ts says where each
 * answer was read): a PUT makes one; a listing (a GET of a name with `*`, filter_path to the names) answers with
 * every one it holds, whatever the pattern, so the script's own filter is what is tested, and `{}` when it
 * holds none; a DELETE of a missing one is a 404, and of a policy that `in-use/<name>` says an index still has,
 * the 400 "in use".
 */

const tempDir = scopedTempDirs();
const cluster = CLUSTERS.find((c) => c.env === 'staging')!;
const apps = clusterAppsOf(cluster, APPS, (name) => REAL_RELEASES[cluster.env].apps[name].current);
const requests = setupRequestsOf(cluster.env, apps);
const prune = setupPruneOf(apps, []);
const script = setupScript(requests, prune);

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
if [ -n "\${UNAUTHORIZED:-}" ]; then
  refused=$(cat "$LOG/unauthorized" 2>/dev/null || echo 0)
  [ "$refused" -ge "$UNAUTHORIZED" ] || { echo $((refused + 1)) > "$LOG/unauthorized"; printf '%s\\n401' '{"error":{"type":"security_exception"},"status":401}'; exit 0; }
fi
case "$url" in *"$FAIL_ON"*) printf '%s\\n%s' '{"error":{"type":"illegal_argument_exception"},"status":400}' "\${FAIL_STATUS:-400}"; exit 0 ;; esac
if [ -n "\${STATE:-}" ]; then
  path=\${url#https://*/} list=''
  case "$method $path" in
    'GET _index_template/'*'*'*) kind=templates ;;
    'GET _ilm/policy/'*'*'*) kind=policies ;;
    'PUT _index_template/'*) : > "$STATE/templates/\${path#*/}" ;;
    'PUT _ilm/policy/'*) : > "$STATE/policies/\${path#*/*/}" ;;
    'DELETE _index_template/'*) kind=templates name=\${path#*/} ;;
    'DELETE _ilm/policy/'*) kind=policies name=\${path#*/*/} ;;
  esac
  case "$method $path" in
    GET*'*'*)
      for f in "$STATE/$kind"/*; do [ -e "$f" ] && list="$list\${list:+,}\${f##*/}"; done
      if [ -z "$list" ]; then printf '{}\\n200'
      elif [ "$kind" = templates ]; then printf '{"index_templates":[%s]}\\n200' "$(printf '%s' "$list" | sed 's/[^,][^,]*/{"name":"&"}/g')"
      else printf '{%s}\\n200' "$(printf '%s' "$list" | sed 's/[^,][^,]*/"&":{"version":1}/g')"; fi
      exit 0 ;;
    DELETE*)
      if [ "$kind" = policies ] && [ -e "$STATE/in-use/$name" ]; then
        printf '{"error":{"type":"illegal_argument_exception","reason":"Cannot delete policy [%s]. It is in use by one or more indices: [.fs-x]"},"status":400}\\n400' "$name"; exit 0
      fi
      [ -e "$STATE/$kind/$name" ] || { printf '%s\\n404' '{"error":{"type":"resource_not_found_exception"},"status":404}'; exit 0; }
      rm "$STATE/$kind/$name" ;;
  esac
fi
if [ "$method" = GET ]; then
  case " $EXISTING " in *" \${url#https://*/} "*) printf '%s\\n200' "\${GET_BODY:-{\\}}"; exit 0 ;; esac
  printf '%s\\n404' '{"statusCode":404,"error":"Not Found"}'; exit 0
fi
printf '%s\\n200' '{"acknowledged":true}'
`;

interface RunOptions {
  failOn?: string;
  failStatus?: number;
  password?: string | null;
  existing?: readonly string[];
  getBody?: string;
  /** The setup to run: its requests and its prune. @default the staging cluster's */
  plan?: { requests: readonly SetupRequest[]; prune: SetupPrune };
  /** Elasticsearch's templates and policies, for the fake to hold (STATE). @default none: listings answer 404 */
  state?: string;
  /** How many requests, the first ones, the fake answers 401: the setup user not known yet. @default none */
  unauthorized?: number;
}

function run(options: RunOptions = {}) {
  const plan = options.plan ?? { requests, prune };
  const root = tempDir('setup-run');
  const put = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  if (options.password !== null) put(`${SETUP_MOUNTS.credentials}/password`, options.password ?? 'pa"ss\\word');
  put(`${SETUP_MOUNTS.esCa}/ca.crt`, 'es ca');
  put(`${SETUP_MOUNTS.kibanaCa}/ca.crt`, 'kibana ca');
  for (const [file, body] of Object.entries(setupFilesOf(plan.requests, plan.prune))) put(`${SETUP_MOUNTS.requests}/${file}`, JSON.stringify(body));
  put('bin/curl', FAKE_CURL);
  fs.chmodSync(path.join(root, 'bin/curl'), 0o755);
  fs.writeFileSync(path.join(root, 'requests'), '');
  const result = spawnSync('sh', ['-c', options.plan ? setupScript(plan.requests, plan.prune) : script], {
    encoding: 'utf8',
    env: {
      PATH: `${path.join(root, 'bin')}:${process.env.PATH}`,
      SETUP_ROOT: root,
      LOG: root,
      FAIL_ON: options.failOn ?? 'no-such-path',
      FAIL_STATUS: String(options.failStatus ?? 400),
      ...(options.state ? { STATE: options.state } : {}),
      // The script's 401 wait, in seconds: three pauses of one second instead of ten minutes of fifteen.
      ...(options.unauthorized ? { UNAUTHORIZED: String(options.unauthorized), SETUP_UNAUTHORIZED_WAIT: '3', SETUP_UNAUTHORIZED_PAUSE: '1' } : {}),
      EXISTING: (options.existing ?? []).join(' '),
      GET_BODY: options.getBody ?? '{}',
    },
  });
  const lines = result.stdout.trim().split('\n');
  return {
    status: result.status,
    report: reportIn(lines[lines.length - 1]),
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
  /**
   * What the run should send, by the rules of the script: an upsert GETs first, then updates what exists, creates
   * the rest; after the Elasticsearch requests, the prune lists the app retention (none here: the listings get 404).
   */
  const listings = (root: string) => Object.values(RETENTION_LISTINGS).map((path) => `GET ${ES_URL}/${path} ${root}${SETUP_MOUNTS.esCa}/ca.crt`);
  const expectedSent = (root: string, existing: readonly string[] = []) =>
    [...requests.filter((r) => r.target === 'es'), 'prune' as const, ...requests.filter((r) => r.target === 'kibana')].flatMap((r) => {
      if (r === 'prune') return listings(root);
      const base = r.target === 'es' ? ES_URL : KIBANA_URL;
      const ca = `${root}${r.target === 'es' ? SETUP_MOUNTS.esCa : SETUP_MOUNTS.kibanaCa}/ca.crt`;
      const body = (file: string) => `@${root}${SETUP_MOUNTS.requests}/${file}`;
      if (!r.ifExists) return [`${r.method} ${base}/${r.path} ${ca} ${body(r.file)}`];
      const get = `GET ${base}/${r.ifExists.path} ${ca}`;
      return existing.includes(r.ifExists.path)
        ? [get, `${r.method} ${base}/${r.ifExists.path} ${ca} ${body(r.updateFile!)}`]
        : [get, `${r.method} ${base}/${r.path} ${ca} ${body(r.file)}`];
    });

  test('a 401 is asked again for a while: on a new cluster the setup user reaches Elasticsearch after the Job starts', () => {
    const { status, report, sent, root } = run({ unauthorized: 2 });
    expect(status).toBe(0);
    expect(report).toMatchObject({ status: 'success' });
    const [first] = expectedSent(root);
    expect(sent).toEqual([first, first, ...expectedSent(root)]);
  });

  test('a 401 that lasts past the wait fails the run at that request, with its answer', () => {
    const { status, report, sent, stderr, root } = run({ unauthorized: 100 });
    expect(status).toBe(22);
    expect(report).toMatchObject({ status: 'failure', exit_code: 22, step: `PUT ${requests[0].path}` });
    const [first] = expectedSent(root);
    expect(sent).toEqual([first, first, first, first]);
    expect(stderr).toContain('security_exception');
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

/*
 * The prune, on apps made for it: `shop` keeps its own retention, `blog` had one and no longer has, `old-shop`
 * is retired (its note in appData), `gone` is neither (its appData entry was deleted). Elasticsearch holds the
 * templates and policies of all four, and names the prune must never take: ours of another kind (the
 * component template, ElastAlert's template) and one with a character no app name has.
 */
describe('the setup takes away the app retention nobody keeps, resumably, and nothing else', () => {
  const fixture = FIXTURE_CLUSTERS.find((c) => c.env === 'prod')!;
  const shop = FIXTURE_APPS.find((a) => a.name === 'shop')!;
  const live = [
    { ...shop, logRetentionDays: 180 },
    { ...shop, name: 'blog', logRetentionDays: undefined },
  ].map((app) => resolveApp(app, { ...fixture, apps: { [app.name]: {} } }));
  const plan = { requests: setupRequestsOf('prod', live), prune: setupPruneOf(live, ['old-shop']) };
  const ownRetention = ['default', 'shop', 'blog', 'old-shop', 'gone'].map(appLogPolicyOf);
  const notOurs = [LOG_MAPPINGS_COMPONENT, ELASTALERT_INDEX_TEMPLATE, `${APP_LOG_POLICY_PREFIX}a.b`, 'logs'];
  const kept = [DEFAULT_POLICY, appLogPolicyOf('shop'), appLogPolicyOf('old-shop')];
  /** The templates a run leaves, besides `extra`: the kept ones, and ElastAlert's, which it PUTs. */
  const keptTemplates = (...extra: string[]) => [...new Set([...kept, ELASTALERT_INDEX_TEMPLATE, ...extra])].sort();

  /** Elasticsearch's templates and policies, for the fake curl; `inUse`: policies an index still has. */
  function esState(templates: readonly string[], policies: readonly string[], inUse: readonly string[] = []): string {
    const dir = tempDir('es-state');
    for (const [kind, names] of [
      ['templates', templates],
      ['policies', policies],
      ['in-use', inUse],
    ] as const) {
      fs.mkdirSync(path.join(dir, kind));
      for (const name of names) fs.writeFileSync(path.join(dir, kind, name), '');
    }
    return dir;
  }
  const held = (state: string, kind: 'templates' | 'policies') => fs.readdirSync(path.join(state, kind)).sort();
  /** The requests after the listings, the prune's, by method and path, and the ConfigMap key of their body. */
  const pruned = (sent: readonly string[]) =>
    sent
      .slice(sent.findIndex((line) => line.startsWith(`GET ${ES_URL}/${RETENTION_LISTINGS.policies} `)) + 1)
      .map((line) => line.split(' '))
      .filter(([method, url]) => method === 'DELETE' || (method === 'PUT' && url.includes('/_settings')))
      .map(([method, url, , body]) => `${method} ${url.replace(/^https:\/\/[^/]+\//, '')}${body ? ` ${path.basename(body)}` : ''}`);
  const removalOf = (app: string) => {
    const removal = retentionRemovalOf(app);
    return [`DELETE ${removal.template}`, `PUT ${removal.streams.path} ${plan.prune.file}`, `DELETE ${removal.policy}`];
  };

  test('the kept names are the default, each live app with its own retention, and each retired app', () => {
    expect(plan.prune.keep).toEqual(kept.slice().sort());
    expect(plan.prune.body).toEqual({ 'index.lifecycle.name': DEFAULT_POLICY });
    for (const app of ['shop', 'blog', 'a-b-c', 'x1']) expect(appLogPolicyOf(app)).toBe(`${APP_LOG_POLICY_PREFIX}${app}`);
  });

  test("an app neither live with its own retention nor retired loses its template, then its streams' policy, then its policy", () => {
    const state = esState([...ownRetention, ...notOurs], [...ownRetention, ...notOurs]);
    const { status, report, sent } = run({ plan, state });
    expect([status, report.status]).toEqual([0, 'success']);
    // blog and gone, each in the order template, streams, policy; the streams by the TS functions' names.
    expect(pruned(sent)).toEqual([...removalOf('blog'), ...removalOf('gone')]);
    expect(removalOf('gone')[1]).toBe(`PUT ${existingStreamsOnPolicy(appStreamsOf(namespaceOf('gone')), DEFAULT_POLICY).path} es-prune.json`);
    expect(held(state, 'templates')).toEqual(keptTemplates(...notOurs));
    expect(held(state, 'policies')).toEqual([...kept, ...notOurs].sort());
    // The listings come after every other Elasticsearch request, and before Kibana's.
    const at = (pattern: RegExp) => sent.findIndex((line) => pattern.test(line));
    expect(at(/^PUT .*_index_template\/webapps-elastalert /)).toBeLessThan(at(/^GET .*_index_template\/webapps-logs-\*/));
    expect(at(/^DELETE .*_ilm\/policy\/webapps-logs-gone /)).toBeLessThan(at(/:5601\//));
  });

  test("the default, a kept app, a retired app, the component template and ElastAlert's template are never touched", () => {
    // Even when Elasticsearch lists them as templates and as policies.
    const state = esState([...kept, ...notOurs], [...kept, ...notOurs]);
    const { status, sent } = run({ plan, state });
    expect(status).toBe(0);
    expect(pruned(sent)).toEqual([]);
    // No delete in the whole run, and no stream put back on the default.
    expect(sent.filter((line) => line.startsWith('DELETE ') || line.endsWith(`/${plan.prune.file}`))).toEqual([]);
    expect(held(state, 'templates')).toEqual(keptTemplates(...notOurs));
    expect(held(state, 'policies')).toEqual([...kept, ...notOurs].sort());
  });

  test('a run stopped between the steps is finished by the next one, which then has nothing left to do', () => {
    const state = esState([...kept, appLogPolicyOf('gone')], [...kept, appLogPolicyOf('gone')]);
    // Stopped at the policy's delete: the template is gone, the policy still listed.
    const first = run({ plan, state, failOn: '_ilm/policy/webapps-logs-gone', failStatus: 503 });
    expect([first.status, first.report.step]).toEqual([22, 'DELETE _ilm/policy/webapps-logs-gone']);
    expect([held(state, 'templates'), held(state, 'policies')]).toEqual([keptTemplates(), [...kept, appLogPolicyOf('gone')].sort()]);
    const second = run({ plan, state });
    expect([second.status, second.report.status]).toEqual([0, 'success']);
    // The template's delete answers 404, which is done; the streams are put back again; the policy goes.
    expect(pruned(second.sent)).toEqual(removalOf('gone'));
    expect(held(state, 'policies')).toEqual([...kept].sort());
    expect(pruned(run({ plan, state }).sent)).toEqual([]);
  });

  test('a policy an index still has (a failure store) is kept and noted, and deleted by the first run after', () => {
    const state = esState([...kept, appLogPolicyOf('gone')], [...kept, appLogPolicyOf('gone')], [appLogPolicyOf('gone')]);
    const first = run({ plan, state });
    expect([first.status, first.report.status]).toEqual([0, 'success']);
    expect(pruned(first.sent)).toEqual(removalOf('gone'));
    expect(first.stderr).toContain('kept webapps-logs-gone, still in use');
    expect(held(state, 'policies')).toContain(appLogPolicyOf('gone'));
    fs.rmSync(path.join(state, 'in-use', appLogPolicyOf('gone')));
    const second = run({ plan, state });
    expect(pruned(second.sent)).toEqual(removalOf('gone'));
    expect(held(state, 'policies')).toEqual([...kept].sort());
  });

  test.each([
    ['the template delete', '_index_template/webapps-logs-gone', 403, 'DELETE _index_template/webapps-logs-gone'],
    ['the streams back on the default', 'logs-k8s.gone-default', 400, `PUT ${retentionRemovalOf('gone').streams.path}`],
    ['the policy delete, refused for another reason than use', '_ilm/policy/webapps-logs-gone', 400, 'DELETE _ilm/policy/webapps-logs-gone'],
    ['a listing', RETENTION_LISTINGS.policies, 403, `GET ${RETENTION_LISTINGS.policies}`],
  ])('%s answering an unexpected status ends the run with the report, nothing after it sent', (_, failOn, failStatus, step) => {
    const state = esState([...kept, appLogPolicyOf('gone')], [...kept, appLogPolicyOf('gone')]);
    const { status, report, sent, stderr } = run({ plan, state, failOn, failStatus });
    expect(status).toBe(22);
    expect(report).toEqual({ event: SETUP_EVENT, status: 'failure', step, exit_code: 22 });
    expect(sent[sent.length - 1]).toContain(failOn);
    expect(sent.some((line) => line.includes(':5601/'))).toBe(false);
    expect(stderr).toContain('illegal_argument_exception');
  });

  test("a name is read as ours only when it is the prefix and an app name's characters", () => {
    const apps = ['a', 'shop-admin', '0x', 'a-b-c-9'];
    for (const app of apps) expect(APP_NAME.test(app)).toBe(true);
    const others = [
      `${APP_LOG_POLICY_PREFIX}a.b`,
      `${APP_LOG_POLICY_PREFIX}Shop`,
      `${APP_LOG_POLICY_PREFIX}a_b`,
      APP_LOG_POLICY_PREFIX,
      LOG_MAPPINGS_COMPONENT,
      ELASTALERT_INDEX_TEMPLATE,
    ];
    const state = esState([...kept, ...apps.map(appLogPolicyOf), ...others], []);
    const { status, sent } = run({ plan, state });
    expect(status).toBe(0);
    const deleted = pruned(sent)
      .filter((l) => l.startsWith('DELETE _index_template/'))
      .map((l) => l.slice('DELETE _index_template/'.length));
    expect(deleted).toEqual(apps.map(appLogPolicyOf).sort());
    expect(held(state, 'templates')).toEqual(keptTemplates(...others));
  });
});

/*
 * The Elasticsearch action of each call the setup sends (elastic/elasticsearch 9.x, each action's NAME:
 * PutComponentTemplateAction, TransportPutComposableIndexTemplateAction, GetComposableIndexTemplateAction,
 * DeleteComposableIndexTemplateAction, ILMActions.PUT, GetLifecycleAction, DeleteLifecycleAction, and the
 * settings update, UPDATE_INDEX_SETTINGS), and the cluster privileges that grant such actions
 * (x-pack/plugin/core ClusterPrivilegeResolver: MANAGE_IDX_TEMPLATE_PATTERN, MANAGE_ILM_PATTERN). A call the
 * table does not know fails the test below: add its action here, with where it was read.
 */
const ES_ACTIONS: readonly (readonly [RegExp, string])[] = [
  [/^PUT _component_template\//, 'cluster:admin/component_template/put'],
  [/^PUT _index_template\//, 'indices:admin/index_template/put'],
  [/^GET _index_template\//, 'indices:admin/index_template/get'],
  [/^DELETE _index_template\//, 'indices:admin/index_template/delete'],
  [/^PUT _ilm\/policy\//, 'cluster:admin/ilm/put'],
  [/^GET _ilm\/policy\//, 'cluster:admin/ilm/get'],
  [/^DELETE _ilm\/policy\//, 'cluster:admin/ilm/delete'],
  [/^PUT [^_/][^/]*\/_settings\?/, UPDATE_INDEX_SETTINGS],
];
const CLUSTER_PRIVILEGES: Readonly<Record<string, readonly string[]>> = {
  manage_index_templates: ['indices:admin/template/*', 'indices:admin/index_template/*', 'cluster:admin/component_template/*'],
  manage_ilm: ['cluster:admin/ilm/*'],
};

describe.each(CLUSTERS.map((c) => [c.env] as const))('cluster %s: the setup role allows exactly the calls its script sends', (env) => {
  const objects = realObjectsOf(env);
  const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === SETUP_JOB_NAME) as Json;
  const shipped: string = job.spec.template.spec.containers[0].command[2];
  const role = esRolesOf(CLUSTERS.find((c) => c.env === env)!.access)[SETUP_ES_USER.role];
  // Every Elasticsearch call of the script, the prune's for an app `gone` (its paths hold `${app}`).
  const calls = [...shipped.matchAll(/^\s*(?:send|request|upsert) (PUT|POST|GET|DELETE) es "([^"]+)"(?: \S+ "([^"]+)")?/gm)].flatMap(
    ([, method, path, updatePath]) =>
      [`${method} ${path}`, ...(updatePath ? [`GET ${updatePath}`, `${method} ${updatePath}`] : [])].map((c) => c.replace(/\$\{app\}/g, 'gone')),
  );
  const actionOf = (call: string) => ES_ACTIONS.find(([pattern]) => pattern.test(call))?.[1];

  test('the script sends the prune, and every call is one the table knows', () => {
    expect(calls).toEqual(expect.arrayContaining([`GET ${RETENTION_LISTINGS.templates}`, `DELETE ${retentionRemovalOf('gone').policy}`]));
    expect(calls.filter((call) => actionOf(call) === undefined)).toEqual([]);
  });

  test('each cluster action is granted, and each cluster privilege grants one', () => {
    const actions = [...new Set(calls.map(actionOf).filter((a): a is string => !!a && a !== UPDATE_INDEX_SETTINGS))];
    const grants = (privilege: string, action: string) => (CLUSTER_PRIVILEGES[privilege] ?? []).some((p) => esSimpleMatch(p, action));
    for (const action of actions) expect([action, role.cluster.filter((p) => grants(p, action))]).toEqual([action, [expect.any(String)]]);
    for (const privilege of role.cluster) expect([privilege, actions.some((a) => grants(privilege, a))]).toEqual([privilege, true]);
  });

  test('on indices, only the settings update, on the app streams it is sent to, each pattern used', () => {
    const targets = calls.filter((call) => actionOf(call) === UPDATE_INDEX_SETTINGS).flatMap((call) => call.split(' ')[1].split('/')[0].split(','));
    expect(targets).toEqual(expect.arrayContaining(appStreamsOf(namespaceOf('gone'))));
    expect(role.indices.map((i) => i.privileges)).toEqual(role.indices.map(() => [UPDATE_INDEX_SETTINGS]));
    for (const target of targets) expect([target, role.indices.some((i) => i.names.some((n) => esSimpleMatch(n, target)))]).toEqual([target, true]);
    for (const name of role.indices.flatMap((i) => i.names)) expect([name, targets.some((t) => esSimpleMatch(name, t))]).toEqual([name, true]);
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
      new ElasticsearchSetup(chart, 'Setup', { env: 'staging', apps: apps.map((a) => ({ ...a, logRetentionDays: days })), retiredApps: [] });
      return chart;
    });
    return (objects.find((o) => o.kind === 'Job')!.spec as Json).template.metadata.annotations[SETUP_HASH_ANNOTATION];
  };
  expect(hashOf(7)).not.toBe(hashOf(8));
  expect(hashOf(7)).toBe(hashOf(7));
});
