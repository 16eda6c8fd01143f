import { spawnSync } from 'node:child_process';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { LOG_PARSER_ANNOTATION } from '../constructs/app/workload';
import { SETUP_JOB_NAME, SETUP_NAME } from '../constructs/logging/elasticsearch-setup';
import { dataViewRequestsOf } from '../constructs/logging/data-views';
import { DEFAULT_LOG_RETENTION_DAYS, LOG_REPLICAS, retentionRequestsOf } from '../constructs/logging/log-retention';
import { backingIndicesOf, MAX_MAPPED_FIELDS_PER_INDEX, PRIMARY_SHARDS, rolloverDaysOf } from '../constructs/logging/shard-budget';
import {
  ALL_LOG_STREAMS,
  containerLogStreamOf,
  ELASTICSEARCH,
  EVENTS_STREAM,
  gatewayAccessStreamOf,
  KIBANA,
  KIBANA_CA_SECRET,
  KIBANA_SERVICE,
  STREAM_SUFFIX,
} from '../constructs/model/log-contract';
import { eckDefaults, LOG_STORAGE_CLASS } from '../constructs/platform/eck';
import { logLayoutOf } from '../constructs/platform/eck-sizing';
import { clusterAppsOf, resolveApp } from '../constructs/model/resolve';
import { namespaceOf } from '../constructs/model/naming';
import { expectedRetryWindowSeconds, RETRY } from '../constructs/platform/fluent-bit';
import { schemaProblems } from '../constructs/schemas/schema-validation';
import type { KubeObject } from '../constructs/model/kube-object';
import { esPatternsOverlap, esSimpleMatch } from './es-patterns';
import { ELASTALERT_WRITEBACK_INDEX } from '../constructs/logging/elastalert-access';
import { ELASTALERT_INDEX_TEMPLATE } from '../constructs/logging/elastalert-indices';
import { appLogsRoleFor } from '../constructs/logging/kibana-access';
import { FIXTURE_APPS, FIXTURE_CLUSTERS, realObjectsOf, realOutput } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: every log line is collected', (env, cluster) => {
  const objects = realObjectsOf(env);
  const release = (name: string) => objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === name) as Json;
  const logs = release('fluent-bit').spec.values;

  test('Fluent Bit runs on every node and tails every container of every namespace', () => {
    expect(logs.kind).toBe('DaemonSet');
    expect(logs.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(logs.config.inputs).toMatch(/Path\s+\/var\/log\/containers\/\*\.log\n/);
    expect(logs.config.inputs).not.toMatch(/Exclude_Path/);
    expect(logs.config.filters).toMatch(/K8S-Logging.Exclude\s+Off/);
    expect(logs.config.filters).not.toMatch(/\bgrep\b/);
  });

  test('it ships over verified TLS with its own user, buffers on disk and retries a chunk for hours, not forever', () => {
    for (const name of ['fluent-bit', 'fluent-bit-events']) {
      const out = release(name).spec.values.config.outputs;
      expect(out).toMatch(/tls\.verify\s+On/);
      expect(out).toMatch(/HTTP_User\s+\$\{ES_USER\}/);
      expect(out).toMatch(new RegExp(`Retry_Limit\\s+${RETRY.limit}\n`));
      expect(release(name).spec.values.config.service).toMatch(new RegExp(`scheduler\\.cap\\s+${RETRY.cap}\n`));
      expect(out).toMatch(/storage\.total_limit_size\s+\d+[MG]/);
      expect(out).toMatch(/Write_Operation\s+create/);
    }
    expect(logs.config.inputs).toMatch(/storage\.type\s+filesystem/);
    expect(logs.resources.limits.memory).toBeDefined();
  });

  test('events are collected once per cluster, into the events stream', () => {
    const events = release('fluent-bit-events').spec.values;
    expect(events).toMatchObject({ kind: 'Deployment', replicaCount: 1, rbac: { eventsAccess: true } });
    expect(events.config.inputs).toMatch(/Name\s+kubernetes_events/);
    expect(`${/Logstash_Prefix\s+(\S+)/.exec(events.config.outputs)![1]}-${STREAM_SUFFIX}`).toBe(EVENTS_STREAM);
  });

  test('shippers and alerting install after the Elasticsearch setup has run (the services layer)', () => {
    const services = realOutput().find((f) => f.path === `dist/${env}/platform-services/services.yaml`)!.objects!;
    expect(
      services
        .filter((o) => o.kind === 'HelmRelease')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['elastalert', 'fluent-bit', 'fluent-bit-events']);
    const flux = realObjectsOf(env).filter((o) => o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit'));
    expect((flux.find((k) => k.metadata.name === 'platform-services')!.spec as Json).dependsOn).toEqual([{ name: 'platform-setup' }]);
    // The setup layer: after the configs (Elasticsearch, Kibana, the users), waited on, and recreating a changed Job.
    expect(flux.find((k) => k.metadata.name === 'platform-setup')!.spec).toMatchObject({
      dependsOn: [{ name: 'platform-configs' }],
      wait: true,
      force: true,
      path: `./dist/${env}/platform-setup`,
    });
    const setup = realOutput().find((f) => f.path === `dist/${env}/platform-setup/setup.yaml`)!.objects!;
    expect(setup.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([`ConfigMap/${SETUP_NAME}`, `CronJob/${SETUP_NAME}`, `Job/${SETUP_JOB_NAME}`]);
  });

  test('the retry window is hours long and finite', () => {
    const hours = expectedRetryWindowSeconds() / 3600;
    expect(hours).toBeGreaterThan(2);
    expect(hours).toBeLessThan(6);
    // Without a cap on the wait, the default (2000 s) makes each retry up to half an hour.
    expect(expectedRetryWindowSeconds({ ...RETRY, cap: 2000 }) / 3600).toBeGreaterThan(10);
  });

  test("an app's log parser becomes its pods' Fluent Bit annotation", () => {
    for (const name of Object.keys(cluster.apps)) {
      const spec = APPS.find((a) => a.name === name)!;
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.namespace === name) as Json;
      expect(deployment.spec.template.metadata.annotations?.[LOG_PARSER_ANNOTATION]).toBe(spec.logParser);
    }
  });
});

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: Elasticsearch and Kibana through ECK', (env, cluster) => {
  const objects = realObjectsOf(env);
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as Json;
  const layout = logLayoutOf(cluster, clusterAppsOf(cluster, APPS));

  test('the operator is a pinned HelmRelease that installs its CRDs', () => {
    const release = find('HelmRelease', eckDefaults.name);
    expect(release.spec.chart.spec).toMatchObject({ chart: 'eck-operator', version: eckDefaults.chart.version });
    expect(release.spec.values.installCRDs).toBe(true);
  });

  test("the operator's CAs last ten years: the log clients read the CA only at start", () => {
    const validity = find('HelmRelease', eckDefaults.name).spec.values.config.caValidity as string;
    expect(Number(/^(\d+)h$/.exec(validity)?.[1])).toBeGreaterThanOrEqual(10 * 365 * 24);
  });

  test('Elasticsearch is sized for the env and its apps, one node per k8s node, spread over zones, on retained gp3', () => {
    const es = find('Elasticsearch', ELASTICSEARCH.name);
    expect(es.metadata.namespace).toBe(ELASTICSEARCH.namespace);
    const [nodeSet] = es.spec.nodeSets;
    expect(nodeSet.count).toBe(layout.dataNodes);
    if (env === 'prod') expect(nodeSet.count).toBe(3);
    const pod = nodeSet.podTemplate.spec;
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' });
    const [container] = pod.containers;
    expect(container.resources.limits.memory).toBe(layout.memory);
    expect(container.env.find((e: Json) => e.name === 'ES_JAVA_OPTS').value).toMatch(/^-Xms(\d+)m -Xmx\1m$/);
    expect(nodeSet.volumeClaimTemplates[0].spec.storageClassName).toBe(LOG_STORAGE_CLASS);
    expect(find('StorageClass', LOG_STORAGE_CLASS)).toMatchObject({ reclaimPolicy: 'Retain', parameters: { type: 'gp3', encrypted: 'true' } });
  });

  test('Kibana uses that Elasticsearch and the same version', () => {
    const kibana = find('Kibana', KIBANA.name);
    expect(kibana.spec).toMatchObject({ version: find('Elasticsearch', ELASTICSEARCH.name).spec.version, elasticsearchRef: { name: ELASTICSEARCH.name } });
  });

  test("Kibana serves ECK's TLS, and the Gateway verifies it against ECK's CA for the Service's name", () => {
    expect(find('Kibana', KIBANA.name).spec.http?.tls).toBeUndefined();
    const policy = find('BackendTLSPolicy', 'kibana');
    expect(policy).toMatchObject({
      apiVersion: 'gateway.networking.k8s.io/v1alpha3',
      metadata: { namespace: KIBANA.namespace },
      spec: {
        targetRefs: [{ group: '', kind: 'Service', name: KIBANA_SERVICE.name }],
        validation: { caCertificateRefs: [{ group: '', kind: 'Secret', name: KIBANA_CA_SECRET }], hostname: `${KIBANA_SERVICE.name}.${KIBANA.namespace}.svc` },
      },
    });
    expect(find('HTTPRoute', 'kibana').spec.rules.flatMap((r: Json) => r.backendRefs ?? [])).toEqual([
      { name: KIBANA_SERVICE.name, port: KIBANA_SERVICE.port },
    ]);
    expect(schemaProblems([policy])).toEqual([]);
    const typo: KubeObject = { ...policy, spec: { ...policy.spec, validation: { ...policy.spec.validation, hostnme: 'x' } } };
    expect(schemaProblems([typo])).toEqual([expect.stringContaining('/spec/validation/hostnme is not a known field')]);
  });

  test('Elasticsearch keeps what it cannot index in every log stream, older streams included', () => {
    const config = find('Elasticsearch', ELASTICSEARCH.name).spec.nodeSets[0].config;
    expect(config['data_streams.failure_store.enabled']).toEqual([...ALL_LOG_STREAMS]);
  });

  test('a failure store without an ILM policy falls back to the env retention, not the built-in 30 days, the streams made before included', () => {
    const config = find('Elasticsearch', ELASTICSEARCH.name).spec.nodeSets[0].config;
    expect(config['data_streams.lifecycle.retention.failures_default']).toBe(`${DEFAULT_LOG_RETENTION_DAYS[env]}d`);
  });

  test('Elasticsearch keeps mmap on: every node runs the EKS AL2023 image, whose vm.max_map_count passes its bootstrap check', () => {
    const config = find('Elasticsearch', ELASTICSEARCH.name).spec.nodeSets[0].config;
    expect(config['node.store.allow_mmap']).toBeUndefined();
    expect(NODE_MAX_MAP_COUNT).toBeGreaterThanOrEqual(ES_MMAP_MIN_MAP_COUNT);
    const terraform = JSON.parse(realOutput().find((f) => f.path === `dist/${env}/terraform/main.tf.json`)!.text!);
    const groups = Object.values(terraform.resource.aws_eks_node_group) as Json[];
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) expect(group.ami_type).toMatch(/^AL2023_(x86_64|ARM_64)_STANDARD$/);
    // Their launch templates name no image, and their user data only nodeadm's NodeConfig parts (the kubelet's
    // settings, cloud/node-user-data.ts): no script, no sysctl, so EKS runs its own image with its own vm.max_map_count.
    for (const template of Object.values(terraform.resource.aws_launch_template ?? {}) as Json[]) {
      expect(template.image_id).toBeUndefined();
      const userData = template.user_data === undefined ? '' : Buffer.from(template.user_data, 'base64').toString('utf8');
      expect([...userData.matchAll(/^Content-Type: (\S+)/gm)].map((m) => m[1]).filter((type) => !type.startsWith('multipart/'))).toEqual(
        userData ? ['application/node.eks.aws'] : [],
      );
      expect(userData).not.toMatch(/sysctl|max_map_count/);
    }
  });

  test('the hand-written ECK schemas accept the real objects and refuse a typo', () => {
    const eck = objects.filter((o) => ['Elasticsearch', 'Kibana'].includes(o.kind));
    expect(schemaProblems(eck)).toEqual([]);
    const es = find('Elasticsearch', ELASTICSEARCH.name);
    const typo: KubeObject = { ...es, spec: { ...es.spec, nodeSets: [{ ...es.spec.nodeSets[0], cout: 3 }] } };
    expect(schemaProblems([typo])).toEqual([expect.stringContaining('/spec/nodeSets/0/cout is not a known field')]);
    const { version: _version, ...unversioned } = es.spec;
    const noVersion: KubeObject = { ...es, spec: unversioned };
    expect(schemaProblems([noVersion])).toEqual([expect.stringContaining("must have required property 'version'")]);
  });
});

/*
 * vm.max_map_count on the nodes. awslabs/amazon-eks-ami, tag v20260724 (the latest release when read; unchanged
 * since AL2023 came to main in 6c054415, 2024-02): templates/al2023/runtime/rootfs/etc/sysctl.conf has
 * `vm.max_map_count=524288`, and templates/al2023/template.json copies runtime/rootfs/ onto the image's `/`
 * (`sudo cp -rv .../rootfs/* /`). No file of etc/sysctl.d/ there sets it again. Elasticsearch's bootstrap check
 * wants at least 262144 where mmap is on (BootstrapChecks.MaxMapCountCheck; docs: "Virtual memory").
 */
const NODE_MAX_MAP_COUNT = 524288;
const ES_MMAP_MIN_MAP_COUNT = 262144;

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: retention and data views', (env, cluster) => {
  const objects = realObjectsOf(env);
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === SETUP_NAME) as Json;
  const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === SETUP_JOB_NAME) as Json;
  const hourly = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === SETUP_NAME) as Json;
  const bodies = Object.fromEntries(Object.entries(config.data as Record<string, string>).map(([file, text]) => [file, JSON.parse(text)]));
  const script: string = job.spec.template.spec.containers[0].command[2];
  // `send` lines, and `upsert` lines (create, or update what exists: the update's path and body follow); the
  // prune's `send`, indented in its function, has `${app}` in its path.
  const sent = [...script.matchAll(/^\s*(?:send|upsert) (PUT|POST) (es|kibana) "([^"]+)" (\S+)(?: "([^"]+)" (\S+))?$/gm)].map(
    ([, method, target, path, file, updatePath, updateFile]) => ({
      method,
      target,
      path,
      body: bodies[file],
      update: updatePath === undefined ? undefined : { path: updatePath, body: bodies[updateFile] },
    }),
  );

  test('the hourly CronJob runs the very pod of the one-shot Job', () => {
    expect(hourly.spec.jobTemplate.spec.template.spec).toEqual(job.spec.template.spec);
  });

  test('the script is valid sh and sends every file of its ConfigMap exactly once', () => {
    expect(spawnSync('sh', ['-n', '-c', script]).status).toBe(0);
    const files = sent.flatMap((s) => [s.body, ...(s.update ? [s.update.body] : [])]);
    expect(files.filter((b) => b === undefined)).toEqual([]);
    expect(files).toHaveLength(Object.keys(bodies).length);
  });

  test("each app's streams get the retention its spec asks for, or the env default", () => {
    const templates = sent.filter((s) => s.path.startsWith('_index_template/')).map((s) => s.body);
    const policies = Object.fromEntries(sent.filter((s) => s.path.startsWith('_ilm/policy/')).map((s) => [s.path.split('/').pop(), s.body]));
    const matches = (pattern: string, index: string) => new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(index);
    for (const name of Object.keys(cluster.apps)) {
      const app = APPS.find((a) => a.name === name)!;
      for (const stream of [containerLogStreamOf(name), gatewayAccessStreamOf(name)]) {
        // Index templates match the data stream's name; the highest priority wins.
        const winner = templates.filter((t) => t.index_patterns.some((p: string) => matches(p, stream))).sort((a, b) => b.priority - a.priority)[0];
        const { phases } = policies[winner.template.settings['index.lifecycle.name']].policy;
        const retention = app.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS[cluster.env];
        expect([stream, phases.delete.min_age]).toEqual([stream, `${retention}d`]);
        // The shard estimate reads the same rollover: at most backingIndicesOf(retention) indices a stream.
        expect([stream, phases.hot.actions.rollover.max_age]).toEqual([stream, `${rolloverDaysOf(retention)}d`]);
        expect(backingIndicesOf(retention)).toBe(2);
        expect(winner.template.settings).toMatchObject({
          'index.number_of_shards': PRIMARY_SHARDS,
          'index.number_of_replicas': LOG_REPLICAS[cluster.env],
          'index.mapping.total_fields.limit': MAX_MAPPED_FIELDS_PER_INDEX,
        });
      }
    }
  });

  test('every log index template types the contract fields and keeps rejected documents in the failure store', () => {
    const templates = sent.filter((s) => s.path.startsWith('_index_template/') && s.body.data_stream).map((s) => s.body);
    expect(templates.length).toBeGreaterThan(0);
    for (const t of templates) {
      expect(t.template.data_stream_options).toEqual({ failure_store: { enabled: true } });
      expect(t.composed_of[t.composed_of.length - 1]).toBe('webapps-logs@mappings');
    }
    // The component template is sent before any template that composes it.
    expect(sent.findIndex((s) => s.path === '_component_template/webapps-logs@mappings')).toBeLessThan(
      sent.findIndex((s) => s.path.startsWith('_index_template/')),
    );
  });

  test("ElastAlert2's writeback indices get the env's replicas, and no log stream template reaches them", () => {
    // The five indices elastalert-create-index makes (jertel/elastalert2 2.26.0 elastalert/create_index.py), with no settings of their own.
    const writeback = ['', '_status', '_silence', '_error', '_past'].map((suffix) => `${ELASTALERT_WRITEBACK_INDEX}${suffix}`);
    const templates = sent.filter((s) => s.path.startsWith('_index_template/'));
    const matching = (index: string) => templates.filter((t) => t.body.index_patterns.some((p: string) => esSimpleMatch(p, index))).map((t) => t.path);
    for (const index of writeback) {
      expect([index, matching(index)]).toEqual([index, [`_index_template/${ELASTALERT_INDEX_TEMPLATE}`]]);
    }
    const template = templates.find((t) => t.path === `_index_template/${ELASTALERT_INDEX_TEMPLATE}`)!.body;
    expect(template.data_stream).toBeUndefined();
    expect(template.template.settings['index.number_of_replicas']).toBe(LOG_REPLICAS[cluster.env]);
    // Its patterns match no log stream.
    for (const stream of [containerLogStreamOf('shop'), gatewayAccessStreamOf('shop'), EVENTS_STREAM])
      expect(matching(stream)).not.toContain(`_index_template/${ELASTALERT_INDEX_TEMPLATE}`);
  });

  test('every app has a Kibana data view over its own logs and requests', () => {
    const views = sent.filter((s) => s.path === 'api/data_views/data_view').map((s) => s.body.data_view);
    for (const name of Object.keys(cluster.apps)) {
      expect(
        views
          .find((v) => v.name === name)
          ?.title.split(',')
          .sort(),
      ).toEqual([gatewayAccessStreamOf(name), containerLogStreamOf(name)]);
    }
  });
});

describe.each(CLUSTERS.map((c) => [c.env] as const))('cluster %s: who may reach Elasticsearch', (env) => {
  const policies = realObjectsOf(env).filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ELASTICSEARCH.namespace) as Json[];
  const admitting = (port: number) =>
    policies.flatMap((p) => (p.spec.ingress ?? []).filter((rule: Json) => (rule.ports ?? []).some((x: Json) => x.port === port)));

  test("9200 admits only Fluent Bit's and ElastAlert2's pods, each by its namespace and labels, and named workloads of its own, never everyone", () => {
    const all = admitting(9200);
    // Its own namespace's callers (the operator, Kibana, the setup jobs, the nodes), each by its labels.
    const siblings = all.filter((rule: Json) => rule.from?.every((f: Json) => f.podSelector && !f.namespaceSelector && !f.ipBlock));
    for (const rule of siblings) for (const f of rule.from) expect(Object.keys(f.podSelector.matchLabels ?? {}).length).toBeGreaterThan(0);
    const rules = all.filter((rule: Json) => !siblings.includes(rule));
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.from?.length).toBeGreaterThan(0);
      // Both selectors in one peer: those pods of that namespace, not the namespace nor such pods anywhere.
      for (const f of rule.from) expect(Object.keys(f.podSelector?.matchLabels ?? {}).length).toBeGreaterThan(0);
      expect([...new Set(rule.from.map((f: Json) => f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']))].sort()).toEqual([
        'elastalert',
        'fluent-bit',
      ]);
    }
  });
});

describe('apps whose names extend one another (shop, shop-admin) keep apart in Elasticsearch', () => {
  const cluster = FIXTURE_CLUSTERS.find((c) => c.env === 'prod')!;
  const shop = FIXTURE_APPS.find((a) => a.name === 'shop')!;
  // Both set their own retention, so both get a template at the apps' priority.
  const apps = [
    { ...shop, logRetentionDays: 180 },
    { ...shop, name: 'shop-admin', logRetentionDays: 30 },
  ].map((app) => resolveApp(app, { ...cluster, apps: { [app.name]: {} } }));
  const streamsOf = (app: string) => [containerLogStreamOf(namespaceOf(app)), gatewayAccessStreamOf(namespaceOf(app))];
  const templates = retentionRequestsOf(cluster.env, apps)
    .filter((r) => r.path.startsWith('_index_template/webapps-logs-shop'))
    .map((r) => ({ name: r.path.split('/').pop()!, body: r.body as Json }));
  const views = dataViewRequestsOf(apps).map((r) => (r.body as Json).data_view);

  test("no app's index template or data view matches another app's stream", () => {
    expect(templates.map((t) => t.name)).toEqual(['webapps-logs-shop', 'webapps-logs-shop-admin']);
    for (const app of apps) {
      const others = apps.filter((a) => a !== app).flatMap((a) => streamsOf(a.name));
      const template = templates.find((t) => t.name === `webapps-logs-${app.name}`)!;
      const view = views.find((v) => v.id === `app-${app.name}`)!;
      for (const pattern of [...template.body.index_patterns, ...view.title.split(',')]) {
        expect([app.name, pattern, others.filter((stream) => esSimpleMatch(pattern, stream))]).toEqual([app.name, pattern, []]);
      }
      for (const stream of streamsOf(app.name)) expect(template.body.index_patterns.some((p: string) => esSimpleMatch(p, stream))).toBe(true);
    }
  });

  test('their templates, at one priority, do not overlap, so Elasticsearch takes both', () => {
    const [a, b] = templates.map((t) => t.body);
    expect(a.priority).toBe(b.priority);
    const overlapping = a.index_patterns.flatMap((p: string) =>
      b.index_patterns.filter((q: string) => esPatternsOverlap(p, q)).map((q: string) => `${p} ~ ${q}`),
    );
    expect(overlapping).toEqual([]);
  });

  test('the pattern matcher is the one Elasticsearch uses: `*` alone is a wildcard', () => {
    expect(esSimpleMatch('logs-k8s.shop-*', 'logs-k8s.shop-admin-default')).toBe(true);
    expect(esSimpleMatch('logs-k8s.shop-default', 'logs-k8s.shopXdefault')).toBe(false);
    expect(esPatternsOverlap('logs-k8s.shop-*', 'logs-k8s.shop-admin-*')).toBe(true);
    expect(esPatternsOverlap('logs-*-*', 'logs-k8s.shop-default')).toBe(true);
    expect(esPatternsOverlap('logs-k8s.shop-default', 'logs-k8s.shop-admin-default')).toBe(false);
    expect(esPatternsOverlap('a*b', 'c*')).toBe(false);
  });
});

describe("an app's own retention reaches the indices its streams already have", () => {
  const cluster = FIXTURE_CLUSTERS.find((c) => c.env === 'prod')!;
  const shop = FIXTURE_APPS.find((a) => a.name === 'shop')!;
  const [own, byDefault] = [
    { ...shop, logRetentionDays: 180 },
    { ...shop, name: 'blog', logRetentionDays: undefined },
  ].map((app) => resolveApp(app, { ...cluster, apps: { [app.name]: {} } }));
  const requests = retentionRequestsOf(cluster.env, [own, byDefault]);
  const settings = requests.filter((r) => r.path.includes('/_settings'));

  test('its two streams are put on its policy, after the policy and the template exist, and a missing stream fails nothing', () => {
    const streams = [containerLogStreamOf(namespaceOf('shop')), gatewayAccessStreamOf(namespaceOf('shop'))];
    expect(settings).toEqual([
      { path: `${streams.join(',')}/_settings?ignore_unavailable=true&allow_no_indices=true`, body: { 'index.lifecycle.name': 'webapps-logs-shop' } },
    ]);
    const at = (path: string) => requests.findIndex((r) => r.path === path);
    expect(at('_ilm/policy/webapps-logs-shop')).toBeLessThan(at(settings[0].path));
    expect(at('_index_template/webapps-logs-shop')).toBeLessThan(at(settings[0].path));
  });

  test("an app on the env's default changes no stream's settings", () => {
    expect(settings.some((r) => r.path.includes('blog'))).toBe(false);
  });
});

/*
 * Kibana 9 (elastic/kibana 9.x x-pack/platform/plugins/shared/features/server/oss_features.ts): `discover`,
 * `visualize` and `dashboard` are deprecated, `replacedBy` their `_v2` features; each v1 `read` is replaced by
 * the `_v2` `read` and `savedQueryManagement` `read` (the saved queries the v1 feature held).
 */
const KIBANA_DEPRECATED_FEATURES = ['discover', 'visualize', 'dashboard'];

test("an app's Kibana role reads through Kibana 9's features, none deprecated, saved queries included", () => {
  const privileges = appLogsRoleFor('shop').applications!.flatMap((a) => a.privileges);
  expect(privileges).toEqual(['feature_discover_v2.read', 'feature_visualize_v2.read', 'feature_dashboard_v2.read', 'feature_savedQueryManagement.read']);
  for (const feature of KIBANA_DEPRECATED_FEATURES) expect(privileges).not.toContain(`feature_${feature}.read`);
});
