import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { clusterAppsOf } from '../constructs/model/resolve';
import type { ChartWorkload, DeclaredWorkload } from '../constructs/platform/chart-workload';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { evictionsAllowed } from '../constructs/rules/disruption-budget';
import { parseRendered, RenderedInputError, renderedProblems, type RenderedObject } from '../constructs/rules/rendered-check';
import { declaredWorkloadsOfCluster } from '../constructs/synth/declared-workloads-of-cluster';
import { REAL_RELEASES, REPO_ROOT } from './support';

/* The checker over rendered charts (constructs/rules/rendered-check.ts, `npm run check:rendered`). The
   declarations are given to it here, so these tests do not depend on what the add-ons declare today. */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const FIXTURES = path.join(__dirname, 'fixtures', 'rendered');
const readFixture = (dir: string): RenderedObject[] =>
  fs
    .readdirSync(path.join(FIXTURES, dir))
    .sort()
    .flatMap((f) => parseRendered(`${dir}/${f}`, fs.readFileSync(path.join(FIXTURES, dir, f), 'utf8')));

const restrictedPod = {
  podSecurityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' as const } },
  container: {
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    resources: { requests: { cpu: '50m', memory: '300Mi' }, limits: { memory: '600Mi' } },
  },
};

/** How cluster-autoscaler 9.50.1 should be declared: one restricted controller, one replica. */
const AUTOSCALER: DeclaredWorkload = {
  addOn: 'cluster-autoscaler',
  namespace: 'cluster-autoscaler',
  workload: {
    kind: 'Deployment',
    name: 'cluster-autoscaler-aws-cluster-autoscaler',
    role: 'controller',
    podLabels: { 'app.kubernetes.io/instance': 'cluster-autoscaler', 'app.kubernetes.io/name': 'aws-cluster-autoscaler' },
    podSecurity: 'restricted',
    settings: {
      replicas: 1,
      podSecurityContext: restrictedPod.podSecurityContext,
      containers: { 'aws-cluster-autoscaler': restrictedPod.container },
      disruptionBudget: { maxUnavailable: 1 },
      priorityClassName: 'platform-critical',
    },
  },
};

const CERT_MANAGER: DeclaredWorkload = {
  addOn: 'cert-manager',
  namespace: 'cert-manager',
  workload: {
    kind: 'Deployment',
    name: 'cert-manager',
    role: 'controller',
    podLabels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/instance': 'cert-manager', 'app.kubernetes.io/component': 'controller' },
    podSecurity: 'restricted',
    settings: {
      replicas: 1,
      podSecurityContext: restrictedPod.podSecurityContext,
      containers: { 'cert-manager-controller': restrictedPod.container },
      disruptionBudget: { minAvailable: 1 },
      priorityClassName: 'platform-critical',
    },
  },
};

describe('the hand-rendered charts (test/fixtures/rendered)', () => {
  const where =
    'cluster-autoscaler-today/cluster-autoscaler.yaml (cluster-autoscaler/templates/deployment.yaml): Deployment cluster-autoscaler/cluster-autoscaler-aws-cluster-autoscaler';

  test('cluster-autoscaler 9.50.1 with the values we pass today is rejected: Pod Security "restricted", and no requests or memory limit', () => {
    const pod = 'spec.template.spec.containers[0]';
    expect(renderedProblems(readFixture('cluster-autoscaler-today'), [AUTOSCALER])).toEqual([
      `${where}: violates PodSecurity "restricted" (declared by add-on "cluster-autoscaler"): allowPrivilegeEscalation != false (container "aws-cluster-autoscaler" must set securityContext.allowPrivilegeEscalation=false)`,
      `${where}: violates PodSecurity "restricted" (declared by add-on "cluster-autoscaler"): unrestricted capabilities (container "aws-cluster-autoscaler" must set securityContext.capabilities.drop=["ALL"])`,
      `${where}: violates PodSecurity "restricted" (declared by add-on "cluster-autoscaler"): runAsNonRoot != true (pod or container "aws-cluster-autoscaler" must set securityContext.runAsNonRoot=true)`,
      `${where}: violates PodSecurity "restricted" (declared by add-on "cluster-autoscaler"): seccompProfile (pod or container "aws-cluster-autoscaler" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`,
      `${where}: container "aws-cluster-autoscaler": ${pod}.resources.requests.cpu is not set`,
      `${where}: container "aws-cluster-autoscaler": ${pod}.resources.requests.memory is not set`,
      `${where}: container "aws-cluster-autoscaler": ${pod}.resources.limits.memory is not set`,
    ]);
  });

  test('the same chart with the hardening values (non-root, seccomp, drop ALL, no escalation, requests and limits) passes', () => {
    expect(renderedProblems(readFixture('cluster-autoscaler-hardened'), [AUTOSCALER])).toEqual([]);
  });

  test('cert-manager v1.18.2 with one replica and the chart default budget (minAvailable: 1) fails the drain rule', () => {
    const problems = renderedProblems(readFixture('cert-manager-single-replica'), [CERT_MANAGER]);
    expect(problems.filter((p) => p.includes('PodDisruptionBudget'))).toEqual([
      'cert-manager-single-replica/cert-manager.yaml (cert-manager/templates/poddisruptionbudget.yaml): PodDisruptionBudget cert-manager/cert-manager: ' +
        'spec.minAvailable 1 allows no eviction at the fewest pods it selects, 1 (Deployment cert-manager: 1 (spec.replicas)): a node drain blocks',
    ]);
    // Its pods meet "restricted" (the chart's defaults), so Pod Security finds nothing.
    expect(problems.filter((p) => p.includes('PodSecurity'))).toEqual([]);
  });

  test('the cert-manager budget passes once the controller runs 2 replicas', () => {
    const objects = readFixture('cert-manager-single-replica').map((r) =>
      r.object.kind === 'Deployment' ? { ...r, object: { ...r.object, spec: { ...(r.object.spec as Json), replicas: 2 } } } : r,
    );
    expect(renderedProblems(objects, [CERT_MANAGER]).filter((p) => p.includes('PodDisruptionBudget'))).toEqual([]);
  });
});

describe('reading rendered files', () => {
  test("keeps Helm's # Source: template, flattens a List and skips empty documents and kustomization files", () => {
    const text = [
      '---\n# Source: chart/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
      '---\n',
      '---\napiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\n',
      '---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n',
    ].join('');
    const objects = parseRendered('r/x.yaml', text);
    expect(objects.map((o) => [o.object.metadata.name, o.template])).toEqual([
      ['a', 'chart/templates/a.yaml'],
      ['b', undefined],
      ['c', undefined],
    ]);
  });

  test.each([
    ['not YAML', 'a: [1, 2\n', 'file "r/x.yaml", document 1: not valid YAML'],
    ['no kind', 'apiVersion: v1\nmetadata: {name: a}\n', 'file "r/x.yaml", document 1: not a Kubernetes object: it needs a kind and a metadata.name'],
    ['no name, second document', 'kind: A\nmetadata: {name: a}\n---\nkind: B\nmetadata: {}\n', 'file "r/x.yaml", document 2: not a Kubernetes object'],
  ])('%s is an input error naming the file and document', (_what, text, message) => {
    expect(() => parseRendered('r/x.yaml', text)).toThrow(RenderedInputError);
    expect(() => parseRendered('r/x.yaml', text)).toThrow(message);
  });
});

/** A small chart render that passes every rule: a restricted, spread, 2-replica webhook with a budget and a priority. */
function goodRender(): Json[] {
  const labels = { app: 'hook' };
  const hardened = restrictedPod.container;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
    { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'platform-critical' }, value: 1000 },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'hook', namespace: 'ns' },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            priorityClassName: 'platform-critical',
            securityContext: structuredClone(restrictedPod.podSecurityContext),
            topologySpreadConstraints: [
              {
                topologyKey: 'topology.kubernetes.io/zone',
                maxSkew: 1,
                whenUnsatisfiable: 'DoNotSchedule',
                nodeTaintsPolicy: 'Honor',
                labelSelector: { matchLabels: labels },
              },
            ],
            initContainers: [{ name: 'init', image: 'x', ...structuredClone(hardened) }],
            containers: [{ name: 'hook', image: 'x', ...structuredClone(hardened) }],
          },
        },
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'hook', namespace: 'ns' },
      spec: { selector: { matchLabels: labels }, maxUnavailable: 1 },
    },
  ];
}
const hookDeclaration = (overrides: Partial<ChartWorkload> = {}): DeclaredWorkload => ({
  addOn: 'hooks',
  namespace: 'ns',
  workload: {
    kind: 'Deployment',
    name: 'hook',
    role: 'webhook',
    podLabels: { app: 'hook' },
    podSecurity: 'restricted',
    settings: { replicas: 2, podSecurityContext: {}, containers: {}, priorityClassName: 'platform-critical' },
    ...overrides,
  },
});
const asRendered = (objects: Json[], source?: 'synth'): RenderedObject[] =>
  parseRendered('hooks/hooks.yaml', objects.map((o) => `---\n${stringify(o)}`).join(''), source);
const deployment = (objects: Json[]): Json => objects.find((o) => o.kind === 'Deployment');
const podSpec = (objects: Json[]): Json => deployment(objects).spec.template.spec;
const budget = (objects: Json[]): Json => objects.find((o) => o.kind === 'PodDisruptionBudget');
const HOOK = 'hooks/hooks.yaml: Deployment ns/hook';

/** Each rule: how to break the good render, and the finding it must print. */
const RULES: readonly (readonly [string, (o: Json[]) => Json[] | void, string, DeclaredWorkload[]?])[] = [
  [
    'a workload no add-on declares',
    () => {},
    `${HOOK}: is not declared: no add-on lists a Deployment "hook" in namespace "ns" (add it to the add-on's workloads())`,
    [],
  ],
  [
    'a declared workload the output does not contain',
    () => {},
    'add-on "hooks": declares Deployment ns/other, which the rendered output does not contain (check its name against the chart)',
    [hookDeclaration(), hookDeclaration({ name: 'other' })],
  ],
  [
    'a pod that fails its declared level, in a namespace that enforces less',
    (o) => {
      o[0].metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline';
      delete podSpec(o).securityContext.runAsNonRoot;
    },
    `${HOOK}: violates PodSecurity "restricted" (declared by add-on "hooks"): runAsNonRoot != true (pod or containers "init", "hook" must set securityContext.runAsNonRoot=true)`,
  ],
  [
    'a pod declared baseline in a namespace that enforces restricted',
    (o) => delete podSpec(o).initContainers[0].securityContext.allowPrivilegeEscalation,
    `${HOOK}: violates PodSecurity "restricted" (enforced by namespace "ns"): allowPrivilegeEscalation != false (container "init" must set securityContext.allowPrivilegeEscalation=false)`,
    [hookDeclaration({ podSecurity: 'baseline', podSecurityReason: 'test' })],
  ],
  [
    'a privileged pod declared baseline',
    (o) => (podSpec(o).containers[0].securityContext.privileged = true),
    `${HOOK}: violates PodSecurity "baseline" (declared by add-on "hooks"): privileged (container "hook" must not set securityContext.privileged=true)`,
    [hookDeclaration({ podSecurity: 'baseline', podSecurityReason: 'test' })],
  ],
  [
    'a container without a memory limit',
    (o) => delete podSpec(o).containers[0].resources.limits,
    `${HOOK}: container "hook": spec.template.spec.containers[0].resources.limits.memory is not set`,
  ],
  [
    'an init container without a CPU request',
    (o) => delete podSpec(o).initContainers[0].resources.requests.cpu,
    `${HOOK}: init container "init": spec.template.spec.initContainers[0].resources.requests.cpu is not set`,
  ],
  ['a pod without a priority class', (o) => delete podSpec(o).priorityClassName, `${HOOK}: spec.template.spec.priorityClassName is not set`],
  [
    'a priority class the output does not define',
    (o) => (podSpec(o).priorityClassName = 'platform-critcal'),
    `${HOOK}: spec.template.spec.priorityClassName "platform-critcal" names no PriorityClass of the rendered output`,
  ],
  [
    'a webhook with one replica',
    (o) => {
      deployment(o).spec.replicas = 1;
      delete budget(o).spec.maxUnavailable;
    },
    `${HOOK}: needs at least 2 replicas (its role is "webhook"); it can run 1 (spec.replicas)`,
  ],
  [
    'a data-plane workload whose HPA goes down to one',
    (o) => {
      o.push({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'hook-hpa', namespace: 'ns' },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hook' }, minReplicas: 1, maxReplicas: 4 },
      });
    },
    `${HOOK}: needs at least 2 replicas (its role is "data-plane"); it can run 1 (HorizontalPodAutoscaler hook-hpa)`,
    [hookDeclaration({ role: 'data-plane' })],
  ],
  [
    'a webhook without a zone spread',
    (o) => (podSpec(o).topologySpreadConstraints = [{ ...podSpec(o).topologySpreadConstraints[0], topologyKey: 'kubernetes.io/hostname' }]),
    `${HOOK}: spec.template.spec.topologySpreadConstraints has no topology.kubernetes.io/zone constraint whose labelSelector selects its pods (its role is "webhook")`,
  ],
  [
    'a controller with 3 replicas whose zone spread selects other pods',
    (o) => {
      deployment(o).spec.replicas = 3;
      podSpec(o).topologySpreadConstraints[0].labelSelector = { matchLabels: { app: 'other' } };
    },
    `${HOOK}: spec.template.spec.topologySpreadConstraints has no topology.kubernetes.io/zone constraint whose labelSelector selects its pods (it runs up to 3 replicas)`,
    [hookDeclaration({ role: 'controller' })],
  ],
  [
    'a hard zone spread that ignores node taints',
    (o) => delete podSpec(o).topologySpreadConstraints[0].nodeTaintsPolicy,
    `${HOOK}: spec.template.spec.topologySpreadConstraints[0]: a DoNotSchedule zone constraint needs nodeTaintsPolicy: Honor (it is "unset"), or a dead zone's nodes block every new pod`,
  ],
  [
    'a chart pod whose Secret file its user cannot read (0440, no fsGroup)',
    (o) => {
      podSpec(o).volumes = [{ name: 'certs', secret: { secretName: 'ca', defaultMode: 0o440 } }];
      podSpec(o).containers[0].volumeMounts = [{ name: 'certs', mountPath: '/certs' }];
    },
    `${HOOK} container hook: file /certs/* (volume "certs", Secret ca) has mode 0440, owner 0, group 0; it runs as uid 65534, gid (not set), groups [], so the other bits apply and forbid reading it`,
  ],
  [
    'a budget with maxUnavailable 0',
    (o) => (budget(o).spec.maxUnavailable = 0),
    'hooks/hooks.yaml: PodDisruptionBudget ns/hook: spec.maxUnavailable is 0: no pod it selects can ever be evicted (a node drain blocks)',
  ],
  [
    'a budget with minAvailable equal to the replicas',
    (o) => {
      delete budget(o).spec.maxUnavailable;
      budget(o).spec.minAvailable = 2;
    },
    'hooks/hooks.yaml: PodDisruptionBudget ns/hook: spec.minAvailable 2 allows no eviction at the fewest pods it selects, 2 (Deployment hook: 2 (spec.replicas)): a node drain blocks',
  ],
  [
    'a budget with minAvailable 51%, rounded up to all of 2 pods',
    (o) => {
      delete budget(o).spec.maxUnavailable;
      budget(o).spec.minAvailable = '51%';
    },
    'hooks/hooks.yaml: PodDisruptionBudget ns/hook: spec.minAvailable "51%" allows no eviction at the fewest pods it selects, 2',
  ],
  [
    'a budget whose selector matches no pod',
    (o) => (budget(o).spec.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['hoook'] }] }),
    'hooks/hooks.yaml: PodDisruptionBudget ns/hook: spec.selector selects no pod of the rendered workloads in namespace "ns"',
  ],
  [
    'a chart workload without a namespace',
    (o) => delete deployment(o).metadata.namespace,
    "hooks/hooks.yaml: Deployment <no namespace>/hook: metadata.namespace is not set (render it into its release's namespace, as Helm installs it)",
  ],
  [
    'an undeclared workload in a namespace without an enforce label',
    (o) => o.splice(0, 1),
    `${HOOK}: has no Pod Security level to be judged at: no declaration, and no Namespace "ns" with an enforce label in the input`,
    [],
  ],
];

describe('each rule fails on a broken render and passes on the good one', () => {
  test('the good render passes', () => {
    expect(renderedProblems(asRendered(goodRender()), [hookDeclaration()])).toEqual([]);
  });

  test.each(RULES.map(([what, breakIt, finding, declared]) => [what, breakIt, finding, declared] as const))('%s', (_what, breakIt, finding, declared) => {
    const objects = goodRender();
    breakIt(objects);
    expect(renderedProblems(asRendered(objects), declared ?? [hookDeclaration()]).join('\n')).toContain(finding);
  });

  test('a budget on an HPA-scaled workload counts the HPA minimum, and allows one eviction there', () => {
    const objects = goodRender();
    deployment(objects).spec.replicas = 1;
    objects.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'hook', namespace: 'ns' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'hook' }, minReplicas: 3, maxReplicas: 6 },
    });
    budget(objects).spec = { selector: budget(objects).spec.selector, minAvailable: 2 };
    expect(renderedProblems(asRendered(objects), [hookDeclaration()])).toEqual([]);
  });

  test('a CronJob is declared as its Job, and an operator-managed workload by the prefix of its name', () => {
    const objects = goodRender();
    const template = deployment(objects).spec.template;
    objects.push(
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'sweep', namespace: 'ns' },
        spec: { schedule: '@daily', jobTemplate: { spec: { template } } },
      },
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'store-es-default', namespace: 'ns' }, spec: { replicas: 1, template } },
    );
    const declared = [
      hookDeclaration(),
      hookDeclaration({ kind: 'Job', name: 'sweep', role: 'job' }),
      hookDeclaration({ kind: 'StatefulSet', name: 'store-es', role: 'datastore', managedBy: 'Elasticsearch ns/store' }),
    ];
    expect(renderedProblems(asRendered(objects), declared)).toEqual([]);
    // Without managedBy, a prefix is not a match.
    const exact = [...declared.slice(0, 2), hookDeclaration({ kind: 'StatefulSet', name: 'store-es', role: 'datastore' })];
    expect(renderedProblems(asRendered(objects), exact).join('\n')).toContain('StatefulSet ns/store-es-default: is not declared');
  });

  test("a budget over an operator's pods, which no chart renders, counts the declared replicas of that workload", () => {
    const kibana = (replicas: number) =>
      hookDeclaration({
        kind: 'Deployment',
        name: 'logs-kb',
        role: 'ui',
        podLabels: { kb: 'logs' },
        managedBy: 'Kibana ns/logs',
        settings: { ...hookDeclaration().workload.settings, replicas },
      });
    const objects = [
      ...goodRender(),
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'logs-kb', namespace: 'ns' },
        spec: { selector: { matchLabels: { kb: 'logs' } }, minAvailable: 1 },
      },
    ];
    expect(renderedProblems(asRendered(objects), [hookDeclaration(), kibana(1)])).toEqual([
      'hooks/hooks.yaml: PodDisruptionBudget ns/logs-kb: spec.minAvailable 1 allows no eviction at the fewest pods it selects, 1 (Deployment logs-kb: 1 (declared by add-on "hooks", Kibana ns/logs)): a node drain blocks',
    ]);
    expect(renderedProblems(asRendered(objects), [hookDeclaration(), kibana(2)])).toEqual([]);
  });

  test('a missing priority class is accepted only where the declaration exempts it, with a reason', () => {
    const objects = goodRender();
    delete podSpec(objects).priorityClassName;
    expect(renderedProblems(asRendered(objects), [hookDeclaration({ exemptions: { priorityClassName: 'the chart has no key for it' } })])).toEqual([]);
    expect(renderedProblems(asRendered(objects), [hookDeclaration({ exemptions: { priorityClassName: ' ' } })])).toEqual([
      `${HOOK}: spec.template.spec.priorityClassName is not set`,
    ]);
  });

  test("synth's own objects (dist/) need no declaration and are judged at their namespace's level", () => {
    const objects = goodRender();
    expect(renderedProblems(asRendered(objects, 'synth'), [])).toEqual([]);
    delete podSpec(objects).securityContext.seccompProfile;
    expect(renderedProblems(asRendered(objects, 'synth'), [])).toEqual([
      `${HOOK}: violates PodSecurity "restricted" (enforced by namespace "ns"): seccompProfile (pod or containers "init", "hook" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`,
    ]);
  });
});

describe('evictions a budget allows, as the disruption controller computes them', () => {
  test.each([
    [{ minAvailable: 1 }, 1, 0],
    [{ minAvailable: 1 }, 2, 1],
    [{ minAvailable: 3 }, 2, 0],
    [{ minAvailable: '50%' }, 1, 0], // ceil(0.5) = 1
    [{ minAvailable: '50%' }, 3, 1], // ceil(1.5) = 2
    [{ minAvailable: '100%' }, 5, 0],
    [{ maxUnavailable: 0 }, 3, 0],
    [{ maxUnavailable: 1 }, 1, 1],
    [{ maxUnavailable: 5 }, 2, 2],
    [{ maxUnavailable: '10%' }, 3, 1], // ceil(0.3) = 1
    [{ maxUnavailable: '0%' }, 3, 0],
    [{}, 2, 2],
  ] as const)('%j with %i pods allows %i', (spec, pods, allowed) => {
    expect(evictionsAllowed(spec, pods)).toBe(allowed);
  });

  test('a value that is neither a number nor a percentage is named', () => {
    expect(evictionsAllowed({ minAvailable: 'one' }, 2)).toBe('minAvailable "one" is neither a number nor a percentage');
  });
});

describe('npm run check:rendered', () => {
  const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const run = (...args: string[]) => spawnSync(TSX, [path.join(REPO_ROOT, 'scripts', 'check-rendered.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });

  test('exits 2 with the findings on the cluster-autoscaler render of today', () => {
    const result = run(path.join(FIXTURES, 'cluster-autoscaler-today'), '--env', 'staging');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'cluster-autoscaler-today/cluster-autoscaler.yaml (cluster-autoscaler/templates/deployment.yaml): Deployment cluster-autoscaler/',
    );
  });

  test("exits 0 with a one-line summary on synth's own output of each env", () => {
    for (const cluster of CLUSTERS) {
      const result = run(path.join('dist', cluster.env), '--env', cluster.env);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(`^check:rendered: ${cluster.env}: \\d+ files, \\d+ objects, \\d+ workloads, \\d+ disruption budgets: no findings\\n$`),
      );
    }
  });

  test.each([
    [['dist/staging', '--env', 'nowhere'], '--env "nowhere" is not an env (known: staging, prod)'],
    [['--env', 'staging'], 'give at least one folder'],
    [['no-such-folder', '--env', 'staging'], 'folder "no-such-folder" does not exist'],
    [['dist/staging', '--env', 'staging', '--bogus'], "Unknown option '--bogus'"],
  ])('bad usage %j exits 2 with one line', (args, message) => {
    const result = run(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe("the real clusters' declarations", () => {
  const perCluster = CLUSTERS.map((cluster) => {
    const ctx = { cluster, apps: clusterAppsOf(cluster, APPS, (name) => REAL_RELEASES[cluster.env].apps[name].current) };
    return { cluster, addOns: addOnsOf(ctx), declared: declaredWorkloadsOfCluster(cluster, APPS, REAL_RELEASES) };
  });

  test('every add-on of every cluster declares at least one workload (skipped, loudly, until the add-ons declare any)', () => {
    expect(perCluster.length).toBeGreaterThan(0);
    if (perCluster.every((c) => c.declared.length === 0)) {
      console.warn(
        'SKIPPED: no add-on declares its workloads yet (AddOn.workloads()); check:rendered will call every chart workload undeclared. ' +
          'Make this test strict once the declarations land.',
      );
      return;
    }
    for (const { cluster, addOns, declared } of perCluster) {
      expect(addOns.length).toBeGreaterThan(0);
      const without = addOns.filter((a) => !declared.some((d) => d.addOn === a.name)).map((a) => a.name);
      expect(`${cluster.name}: ${without.join(', ')}`).toBe(`${cluster.name}: `);
    }
  });

  test('no two declarations name the same workload', () => {
    for (const { cluster, declared } of perCluster) {
      const keys = declared.map((d) => `${d.namespace}/${d.workload.kind}/${d.workload.name}`);
      expect(`${cluster.name}: ${keys.filter((k, i) => keys.indexOf(k) !== i).join(', ')}`).toBe(`${cluster.name}: `);
    }
  });
});
