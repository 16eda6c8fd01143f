import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { clusterAppsOf } from '../constructs/model/resolve';
import type { ChartWorkload, DeclaredWorkload } from '../constructs/platform/chart-workload';
import { ClusterAutoscalerAddOn } from '../constructs/platform/cluster-autoscaler';
import { declaredWorkloadsOf } from '../constructs/platform/declared-workloads';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { realObjectsOf } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
import { evictionsAllowed } from '../constructs/rules/disruption-budget';
import { namespaceLevelProblems, workloadProblems } from '../constructs/rules/workload-rules';
import { workloadValuesOf } from '../constructs/platform/workload-values';
import type { KubeObject } from '../constructs/model/kube-object';

/* The rules over the workloads the charts render, on fixture declarations made for these tests: a
   sound one passes, and each broken field fails with a message that names it. */

const hardened = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' as const },
};
const resources = { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } };

const webhook: ChartWorkload = {
  kind: 'Deployment',
  name: 'fixture-webhook',
  role: 'webhook',
  podLabels: { 'app.kubernetes.io/name': 'fixture-webhook' },
  podSecurity: 'restricted',
  settings: {
    replicas: 2,
    podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: { webhook: { securityContext: hardened, resources } },
    disruptionBudget: { maxUnavailable: 1 },
    priorityClassName: 'platform-critical',
    spread: true,
  },
  keys: {
    replicas: 'webhook.replicaCount',
    podSecurityContext: 'webhook.securityContext',
    containers: { webhook: { securityContext: 'webhook.containerSecurityContext', resources: 'webhook.resources' } },
    disruptionBudget: { path: 'webhook.podDisruptionBudget', enabledFlag: true },
    priorityClassName: 'global.priorityClassName',
    topologySpreadConstraints: 'webhook.topologySpreadConstraints',
  },
};
const hostDaemon: ChartWorkload = {
  kind: 'DaemonSet',
  name: 'fixture-agent',
  role: 'daemon',
  podLabels: { app: 'fixture-agent' },
  podSecurity: 'privileged',
  podSecurityReason: 'reads /var/log on the node',
  settings: {
    replicas: 'perNode',
    podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    containers: { agent: { securityContext: { ...hardened, runAsNonRoot: false, runAsUser: 0 }, resources } },
    priorityClassName: 'platform-critical',
  },
  traits: { hostPathVolumes: ['/var/log'] },
  keys: {
    podSecurityContext: 'podSecurityContext',
    containers: { agent: { securityContext: 'securityContext', resources: 'resources' } },
    priorityClassName: 'priorityClassName',
  },
};

const declared = (workload: ChartWorkload): DeclaredWorkload => ({ addOn: 'fixture', namespace: 'fixture', workload });
const broken = (patch: (w: Json) => void, base: ChartWorkload = webhook): ChartWorkload => {
  const copy = structuredClone(base) as Json;
  patch(copy);
  return copy;
};

describe('rules over declared chart workloads', () => {
  test('sound fixture declarations pass', () => {
    expect(workloadProblems([declared(webhook), declared(hostDaemon)])).toEqual([]);
  });

  test.each<[string, (w: Json) => void, string, ChartWorkload?]>([
    [
      'a chart default with empty security contexts',
      (w) => ((w.settings.podSecurityContext = {}), (w.settings.containers.webhook.securityContext = {})),
      'field "podSecurity" = "restricted"',
    ],
    [
      'seccomp unset',
      (w) => (delete w.settings.podSecurityContext.seccompProfile, delete w.settings.containers.webhook.securityContext.seccompProfile),
      'seccompProfile',
    ],
    ['privilege escalation allowed', (w) => (w.settings.containers.webhook.securityContext.allowPrivilegeEscalation = true), 'allowPrivilegeEscalation'],
    ['a host path in a restricted pod', (w) => (w.traits = { hostPathVolumes: ['/var/run'] }), 'hostPath'],
    ['no memory limit', (w) => delete w.settings.containers.webhook.resources.limits.memory, 'resources.limits.memory'],
    ['no CPU request', (w) => delete w.settings.containers.webhook.resources.requests.cpu, 'resources.requests.cpu'],
    ['a webhook with one replica', (w) => ((w.settings.replicas = 1), (w.settings.disruptionBudget = { maxUnavailable: 1 })), 'needs at least 2 replicas'],
    ['a webhook without a budget', (w) => delete w.settings.disruptionBudget, 'needs a budget'],
    ['a webhook not spread', (w) => (w.settings.spread = false), 'must spread over zones'],
    ['minAvailable equal to the replicas', (w) => (w.settings.disruptionBudget = { minAvailable: 2 }), 'allows no eviction'],
    ['maxUnavailable 0', (w) => (w.settings.disruptionBudget = { maxUnavailable: 0 }), 'allows no eviction'],
    ['minAvailable 100%', (w) => (w.settings.disruptionBudget = { minAvailable: '100%' }), 'allows no eviction'],
    ['no priority class', (w) => (w.settings.priorityClassName = ''), 'priorityClassName'],
    ['privileged without a reason', (w) => delete w.podSecurityReason, 'podSecurityReason', hostDaemon],
    [
      'declared privileged but meets restricted',
      (w) => ((w.traits = {}), (w.settings.containers.agent.securityContext = hardened)),
      'declare restricted',
      hostDaemon,
    ],
    ['a budget on a DaemonSet', (w) => (w.settings.disruptionBudget = { maxUnavailable: 1 }), 'takes no budget', hostDaemon],
  ])('%s fails', (_name, patch, message, ...base) => {
    const problems = workloadProblems([declared(broken(patch, base[0]))]);
    expect(problems.join('\n')).toContain(message);
    expect(problems.join('\n')).toContain('add-on "fixture", workload');
  });

  test('evictions follow the disruption controller: percentages round up', () => {
    expect(evictionsAllowed({ maxUnavailable: 1 }, 1)).toBe(1);
    expect(evictionsAllowed({ minAvailable: 1 }, 1)).toBe(0);
    expect(evictionsAllowed({ minAvailable: 1 }, 2)).toBe(1);
    expect(evictionsAllowed({ minAvailable: '50%' }, 3)).toBe(1);
    expect(evictionsAllowed({ maxUnavailable: '10%' }, 2)).toBe(1);
    expect(evictionsAllowed({ maxUnavailable: 0 }, 3)).toBe(0);
  });

  test('a namespace enforces the most permissive declared level, with the reason', () => {
    const namespace = (labels: Record<string, string>, annotations?: Record<string, string>): KubeObject =>
      ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fixture', labels, annotations } }) as KubeObject;
    const both = [declared(webhook), declared(hostDaemon)];
    const reason = { 'webapps.platform.io/pod-security-reason': 'DaemonSet fixture-agent: reads /var/log on the node' };
    expect(namespaceLevelProblems([namespace({ 'pod-security.kubernetes.io/enforce': 'privileged' }, reason)], both)).toEqual([]);
    expect(namespaceLevelProblems([namespace({ 'pod-security.kubernetes.io/enforce': 'restricted' }, reason)], both).join()).toContain('needs "privileged"');
    expect(namespaceLevelProblems([namespace({ 'pod-security.kubernetes.io/enforce': 'privileged' })], both).join()).toContain('without the');
    expect(namespaceLevelProblems([namespace({ 'pod-security.kubernetes.io/enforce': 'privileged' }, reason)], [declared(webhook)]).join()).toContain(
      'needs "restricted"',
    );
  });
});

describe('values generated from the declarations', () => {
  test('each setting lands at the key the declaration names', () => {
    const { values, patches } = workloadValuesOf('fixture', [webhook]);
    expect(values).toEqual({
      webhook: {
        replicaCount: 2,
        securityContext: webhook.settings.podSecurityContext,
        containerSecurityContext: hardened,
        resources,
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        topologySpreadConstraints: [
          expect.objectContaining({ topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: webhook.podLabels } }),
          expect.objectContaining({ topologyKey: 'kubernetes.io/hostname' }),
        ],
      },
      global: { priorityClassName: 'platform-critical' },
    });
    expect(patches).toEqual([]);
  });

  test('a setting the chart has no key for becomes a post-renderer patch of that workload', () => {
    const { values, patches } = workloadValuesOf('fixture', [broken((w) => (delete w.keys.podSecurityContext, delete w.keys.containers.webhook.resources))]);
    expect((values as Json).webhook.securityContext).toBeUndefined();
    expect(patches).toHaveLength(1);
    expect(patches[0].target).toEqual({ kind: 'Deployment', name: 'fixture-webhook' });
    expect(JSON.parse(patches[0].patch).spec.template.spec).toEqual({
      securityContext: webhook.settings.podSecurityContext,
      containers: [{ name: 'webhook', resources }],
    });
  });

  test('a pod without a service account token gets it by a patch, and a hook, which is not post-rendered, is refused it', () => {
    const tokenless = broken((w) => (w.settings.automountServiceAccountToken = false));
    const [patch] = workloadValuesOf('fixture', [tokenless]).patches;
    expect(JSON.parse(patch.patch).spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(() => workloadValuesOf('fixture', [broken((w) => ((w.settings.automountServiceAccountToken = false), (w.hook = true)))])).toThrow(
      /a Helm hook is not post-rendered, so the chart needs values keys for: automountServiceAccountToken/,
    );
  });

  test('a budget bound other than the one the chart defaults to is refused: the chart would render both', () => {
    const minDefault = broken((w) => (w.keys.disruptionBudget = { path: 'podDisruptionBudget', defaultBound: 'minAvailable' }));
    expect(() => workloadValuesOf('fixture', [minDefault])).toThrow(/uses maxUnavailable, but the chart's defaults set minAvailable/);
    const matching = broken(
      (w) => ((w.keys.disruptionBudget = { path: 'podDisruptionBudget', defaultBound: 'minAvailable' }), (w.settings.disruptionBudget = { minAvailable: 1 })),
    );
    expect(workloadValuesOf('fixture', [matching]).values.podDisruptionBudget).toEqual({ minAvailable: 1 });
  });

  test('two workloads writing one key differently is an error that names both', () => {
    const twin = broken((w) => ((w.name = 'fixture-twin'), (w.settings.priorityClassName = 'other')));
    expect(() => workloadValuesOf('fixture', [webhook, twin])).toThrow(/fixture-twin: values key "global.priorityClassName" is set twice/);
  });
});

describe("the add-ons' own declarations", () => {
  // Every cluster spec, with its apps' buckets on GeeseFS too, so that the on-demand csi-s3 add-on is judged.
  const contexts = CLUSTERS.flatMap((cluster) => {
    const apps = clusterAppsOf(cluster, APPS);
    const geesefs = apps.map((a) => (a.storage ? { ...a, storage: { ...a.storage, driver: 'geesefs' as const } } : a));
    return [
      { name: cluster.name, ctx: { cluster, apps } },
      { name: `${cluster.name} with GeeseFS`, ctx: { cluster, apps: geesefs } },
    ];
  });

  test.each(contexts.map((c) => [c.name, c.ctx] as const))('%s: every add-on declares its workloads, and each passes the rules', (_name, ctx) => {
    const addOns = addOnsOf(ctx);
    expect(addOns.length).toBeGreaterThan(0);
    for (const addOn of addOns) expect(addOn.workloads(ctx).length).toBeGreaterThan(0);
    expect(workloadProblems(declaredWorkloadsOf(addOns, ctx))).toEqual([]);
  });

  test('with GeeseFS, csi-s3 is declared privileged with a reason, and its keyless settings are post-rendered', () => {
    const { ctx } = contexts.find((c) => c.name.endsWith('with GeeseFS') && c.ctx.apps.some((a) => a.storage))!;
    const csi = addOnsOf(ctx).find((a) => a.name === 'csi-s3')!;
    expect(csi).toBeDefined();
    const node = csi.workloads(ctx).find((w) => w.kind === 'DaemonSet')!;
    expect(node.podSecurity).toBe('privileged');
    expect(node.podSecurityReason).toMatch(/FUSE/);
    const { patches } = workloadValuesOf(csi.name, csi.workloads(ctx));
    expect(patches.map((p) => `${p.target.kind}/${p.target.name}`).sort()).toEqual(['DaemonSet/csi-s3', 'StatefulSet/csi-s3-provisioner']);
  });

  test("cluster-autoscaler with the chart's default contexts (empty) fails restricted, as admission would reject it", () => {
    const { ctx } = contexts[0];
    const autoscaler = new ClusterAutoscalerAddOn().workloads()[0];
    const asChartDefaults = broken(
      (w) => ((w.settings.podSecurityContext = {}), (w.settings.containers['aws-cluster-autoscaler'].securityContext = {})),
      autoscaler,
    );
    const problems = workloadProblems([{ addOn: 'cluster-autoscaler', namespace: 'cluster-autoscaler', workload: asChartDefaults }]).join('\n');
    for (const field of ['allowPrivilegeEscalation', 'runAsNonRoot', 'seccompProfile', 'capabilities']) expect(problems).toContain(field);
    expect(
      workloadProblems(
        declaredWorkloadsOf(
          addOnsOf(ctx).filter((a) => a.name === 'cluster-autoscaler'),
          ctx,
        ),
      ),
    ).toEqual([]);
  });

  test('each platform Namespace in the output enforces what its workloads declare', () => {
    for (const env of CLUSTERS.map((c) => c.env)) {
      const cluster = CLUSTERS.find((c) => c.env === env)!;
      const ctx = { cluster, apps: clusterAppsOf(cluster, APPS) };
      const declared = declaredWorkloadsOf(addOnsOf(ctx), ctx);
      const namespaces = realObjectsOf(env).filter((o) => o.kind === 'Namespace' && declared.some((d) => d.namespace === o.metadata.name));
      expect(namespaces.length).toBeGreaterThan(0);
      expect(namespaceLevelProblems(realObjectsOf(env), declared)).toEqual([]);
    }
  });
});

test('a Helm hook whose settings need a post-renderer is refused: Helm does not post-render hooks', () => {
  const hook = broken(
    (w) => ((w.kind = 'Job'), (w.hook = true), delete w.keys.priorityClassName, (w.settings.disruptionBudget = undefined), delete w.keys.disruptionBudget),
  );
  expect(() => workloadValuesOf('fixture', [hook])).toThrow(/a Helm hook is not post-rendered, so the chart needs values keys for: priorityClassName/);
});
