import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { clusterAppsOf } from '../constructs/model/resolve';
import { declaredWorkloadsOf } from '../constructs/platform/declared-workloads';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { EckAddOn } from '../constructs/platform/eck';
import { buildAll } from '../constructs/synth/pipeline';
import { podLabelsOf } from '../constructs/rules/pod-template';
import { byKind, REAL_INPUT, realObjectsOf, synthProblemsOf } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/* Beside each platform namespace's default-deny, every workload has one policy of its own that selects
   it by its labels and lists both directions, so per-workload scanners see explicit rules; a port is
   admitted only on the workload that declares it listens there. */

const selects = (selector: Json, labels: Record<string, string>) => Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cluster %s', (env, cluster) => {
  const objects = realObjectsOf(env);
  const ctx = { cluster, apps: clusterAppsOf(cluster, APPS) };
  const declared = declaredWorkloadsOf(addOnsOf(ctx), ctx);
  const platformNamespaces = new Set(declared.map((d) => d.namespace));
  const policiesIn = (ns: string) => byKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === ns);

  test('every declared chart workload is selected by exactly one policy of its own, with both directions', () => {
    expect(declared.length).toBeGreaterThan(0);
    for (const { namespace, workload } of declared) {
      const own = policiesIn(namespace).filter(
        (p) => Object.keys((p.spec as Json).podSelector.matchLabels ?? {}).length > 0 && selects((p.spec as Json).podSelector, workload.podLabels),
      );
      expect([namespace, workload.name, own.map((p) => p.metadata.name)]).toEqual([namespace, workload.name, [workload.name.replace(/-$/, '')]]);
      expect((own[0].spec as Json).policyTypes).toEqual(['Ingress', 'Egress']);
    }
  });

  test("our own pods in platform namespaces (the configs layer's jobs) have their policy too", () => {
    const own = objects.filter((o) => ['CronJob', 'Job', 'Deployment'].includes(o.kind) && platformNamespaces.has(o.metadata.namespace!));
    expect(own.length).toBeGreaterThan(0);
    for (const o of own)
      expect(policiesIn(o.metadata.namespace!).some((p) => p.metadata.name === o.metadata.name && selects((p.spec as Json).podSelector, podLabelsOf(o)))).toBe(
        true,
      );
  });

  test('the only namespace-wide policy of a platform namespace is its default-deny', () => {
    for (const ns of platformNamespaces) {
      const wide = policiesIn(ns).filter((p) => Object.keys((p.spec as Json).podSelector ?? {}).length === 0);
      expect([ns, wide.map((p) => p.metadata.name)]).toEqual([ns, ['default-deny']]);
    }
  });

  test("every app workload (the Deployment, the restic CronJobs) has one policy that selects it by its name label and lists both directions; the namespace's only wide policy is default-deny", () => {
    const apps = clusterAppsOf(cluster, APPS);
    expect(apps.length).toBeGreaterThan(0);
    for (const app of apps) {
      const workloads = objects.filter((o) => ['Deployment', 'CronJob'].includes(o.kind) && o.metadata.namespace === app.name);
      expect(workloads.length).toBeGreaterThan(0);
      for (const w of workloads) {
        const name = podLabelsOf(w)['app.kubernetes.io/name'];
        const own = policiesIn(app.name).filter((p) => (p.spec as Json).podSelector?.matchLabels?.['app.kubernetes.io/name'] === name);
        expect([w.metadata.name, own.length, (own[0]?.spec as Json)?.policyTypes]).toEqual([w.metadata.name, 1, ['Ingress', 'Egress']]);
      }
      const wide = policiesIn(app.name).filter((p) => Object.keys((p.spec as Json).podSelector ?? {}).length === 0);
      expect([app.name, wide.map((p) => p.metadata.name)]).toEqual([app.name, ['default-deny']]);
    }
  });

  test("a port others call is admitted only on the workloads that declare it (Elasticsearch's 9200 not on Kibana)", () => {
    const ingressPorts = (name: string) =>
      new Set(
        ((policiesIn('logging').find((p) => p.metadata.name === name)!.spec as Json).ingress as Json[]).flatMap((r) =>
          (r.ports ?? []).map((p: Json) => p.port),
        ),
      );
    expect(ingressPorts('logs-es-default').has(9200)).toBe(true);
    expect(ingressPorts('logs-kb').has(9200)).toBe(false);
    expect(ingressPorts('logs-kb').has(5601)).toBe(true);
  });
});

test('a namespace that admits a port no workload of it declares fails synth, naming the add-on, the field and the port', () => {
  const original = EckAddOn.prototype.workloads;
  EckAddOn.prototype.workloads = function (ctx) {
    return original.call(this, ctx).map((w) => (w.name.endsWith('-es-default') ? { ...w, ports: [] } : w));
  };
  try {
    const problems = synthProblemsOf(() => buildAll(REAL_INPUT));
    expect(problems.join('\n')).toMatch(
      /add-on "eck-operator": field "network.ingressFromClients" = 9200: no workload declared in namespace logging listens on it/,
    );
  } finally {
    EckAddOn.prototype.workloads = original;
  }
});
