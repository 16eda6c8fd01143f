import { APPS } from '../apps';
import { CLUSTERS } from '../clusters';
import { KIBANA, KIBANA_SERVICE, kibanaHostOf } from '../constructs/model/log-contract';
import { GATEWAY, GATEWAY_PROXY_NAMESPACE, GATEWAY_PROXY_POD_LABELS, httpsListenerOf, namespaceOf, serviceAccountOf } from '../constructs/model/naming';
import { resolveApp } from '../constructs/model/resolve';
import { coverageProblems, hardeningProblems, outputProblems, publicSurfaceProblems, routeProblems } from '../constructs/rules/output-rules';
import { kibanaProblems } from '../constructs/rules/kibana-rules';
import { hostnameMatches } from '../constructs/rules/edge-rules';
import { podLabelsOf, podSpecOf } from '../constructs/rules/pod-template';
import { schemaProblems } from '../constructs/schemas/schema-validation';
import type { KubeObject } from '../constructs/model/kube-object';
import { byKind, realObjects, realObjectsOf } from './support';
import { isHttpRedirect } from '../constructs/platform/envoy-gateway';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = <T>(value: T): Json => JSON.parse(JSON.stringify(value));

const objects = realObjects();

describe('every synthesized object', () => {
  test('passes its upstream schema', () => {
    expect(schemaProblems(objects)).toEqual([]);
  });

  test.each(CLUSTERS.map((c) => [c.env, c] as const))('of cluster %s passes every policy rule', (env, cluster) => {
    expect(outputProblems(realObjectsOf(env), cluster)).toEqual([]);
  });

  test('every workload container is hardened', () => {
    const workloads = objects.filter((o) => podSpecOf(o));
    expect(workloads.length).toBeGreaterThan(0);
    for (const w of workloads) {
      const pod = podSpecOf(w);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.securityContext.runAsUser).toBeGreaterThan(0);
        expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'ephemeral-storage', 'memory']);
        expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'ephemeral-storage', 'memory']);
      }
    }
  });
});

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cluster %s', (env, cluster) => {
  const objects = realObjectsOf(env);
  const apps = Object.keys(cluster.apps).map((name) =>
    resolveApp(
      APPS.find((a) => a.name === name)!,
      cluster,
    ),
  );

  test.each(apps.map((a) => [a.name, a] as const))('app %s has every object it needs', (_name, app) => {
    const ns = namespaceOf(app.name);
    const mine = objects.filter((o) => o.metadata.namespace === ns || (o.kind === 'Namespace' && o.metadata.name === ns));
    const kinds = new Set(mine.map((o) => o.kind));
    for (const kind of [
      'Namespace',
      'ServiceAccount',
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'ResourceQuota',
      'LimitRange',
      'NetworkPolicy',
      'HTTPRoute',
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(byKind(mine, 'Namespace')[0].metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(byKind(mine, 'ServiceAccount').find((s) => s.metadata.name === serviceAccountOf(app.name))).toMatchObject({ automountServiceAccountToken: false });
  });

  test('every host of every app has one HTTPS route, attached to an HTTPS listener for that host (its own or the shared wildcard)', () => {
    const routes = byKind(objects, 'HTTPRoute');
    const gateways = byKind(objects, 'Gateway');
    expect(apps.flatMap((a) => a.hosts).length).toBeGreaterThan(0);
    for (const app of apps) {
      for (const host of app.hosts) {
        // Besides it, an HTTP-01 host is named by a route that only redirects :80 to HTTPS.
        const naming = routes.filter((r) => ((r.spec as Json).hostnames ?? []).includes(host));
        const serving = naming.filter((r) => !isHttpRedirect(r));
        expect(serving).toHaveLength(1);
        const listeners = ((serving[0].spec as Json).parentRefs as Json[]).flatMap((p) =>
          p.namespace === GATEWAY.namespace
            ? ((gateways.find((g) => g.metadata.name === p.name)?.spec as Json)?.listeners ?? []).filter((l: Json) => l.name === p.sectionName)
            : [],
        );
        expect([host, listeners.some((l: Json) => l.protocol === 'HTTPS' && hostnameMatches(l.hostname, host))]).toEqual([host, true]);
      }
    }
  });

  test('HPA bounds and quota follow the cluster overrides', () => {
    for (const app of apps) {
      const hpas = byKind(objects, 'HorizontalPodAutoscaler').filter((h) => h.metadata.namespace === namespaceOf(app.name));
      expect(hpas.map((h) => [(h.spec as Json).minReplicas, (h.spec as Json).maxReplicas])).toContainEqual([app.scaling.min, app.scaling.max]);
    }
  });
});

describe.each(CLUSTERS.map((c) => [c.env, c] as const))("cluster %s: Kibana's route is protected", (env, cluster) => {
  const objects = realObjectsOf(env);
  const toKibana = (o: KubeObject) =>
    o.kind === 'HTTPRoute' && (o.spec as Json).rules.some((r: Json) => r.backendRefs?.some((b: Json) => b.name === KIBANA_SERVICE.name));
  const route = objects.find(toKibana)!;
  const guardOf = (all: readonly KubeObject[]) =>
    all.find(
      (p) =>
        p.kind === 'SecurityPolicy' &&
        p.metadata.namespace === route.metadata.namespace &&
        (p.spec as Json).targetRefs.some((t: Json) => t.kind === 'HTTPRoute' && t.name === route.metadata.name),
    );
  const replaced = (original: KubeObject, broken: KubeObject) => objects.map((o) => (o === original ? broken : o));

  test("one HTTPRoute, on the HTTPS listener of logs.<domain> only, reaches Kibana's Service", () => {
    expect(objects.filter(toKibana)).toEqual([route]);
    expect(route.metadata.namespace).toBe(KIBANA.namespace);
    expect((route.spec as Json).hostnames).toEqual([kibanaHostOf(cluster.domain)]);
    expect((route.spec as Json).parentRefs.map((p: Json) => p.sectionName)).toEqual([httpsListenerOf(kibanaHostOf(cluster.domain))]);
  });
  test('its SecurityPolicy demands the login of internal apps and the staff networks', () => {
    const guard = guardOf(objects)!.spec as Json;
    expect(guard.oidc ?? guard.basicAuth).toBeDefined();
    const { targetRefs: _kibana, ...login } = guard;
    // The same sign-in and staff networks as each internal app's, where the cluster runs any (the fixture clusters do:
    // test/fixtures/specs); an app may also ask for groups (its jwt, cookie name and claim: test/login.test.ts).
    const internal = Object.keys(cluster.apps).filter((name) => APPS.find((a) => a.name === name)?.exposure === 'internal');
    const signIn = (l: Json) => ({
      oidc: l.oidc && { ...l.oidc, redirectURL: undefined, cookieNames: undefined },
      basicAuth: l.basicAuth,
      cidrs: (l.authorization?.rules ?? []).map((r: Json) => r.principal.clientCIDRs),
    });
    for (const app of internal) {
      const { targetRefs: _app, ...appLogin } = byKind(objects, 'SecurityPolicy').find((p) => p.metadata.namespace === namespaceOf(app))!.spec as Json;
      expect(signIn(login)).toEqual(signIn(appLogin));
    }
    expect(guard.authorization.rules[0].principal.clientCIDRs).toEqual(cluster.internalAccess.allowedCidrs);
  });
  test("Kibana's Service is ClusterIP: no object asks for another type", () => {
    expect((byKind(objects, 'Kibana')[0].spec as Json).http?.service?.spec?.type ?? 'ClusterIP').toBe('ClusterIP');
    expect(kibanaProblems(objects, cluster.internalAccess)).toEqual([]);
  });

  const where = `HTTPRoute ${KIBANA.namespace}/${route.metadata.name}`;
  test.each([
    [
      'no SecurityPolicy',
      () => objects.filter((o) => o !== guardOf(objects)),
      `${where}: routes to Kibana without a login SecurityPolicy (OIDC or basic auth)`,
    ],
    [
      'a SecurityPolicy without login',
      () => {
        const guard = clone(guardOf(objects));
        delete guard.spec.oidc;
        return replaced(guardOf(objects)!, guard);
      },
      `${where}: routes to Kibana without a login SecurityPolicy (OIDC or basic auth)`,
    ],
    [
      'a login open to every network',
      () => {
        const guard = clone(guardOf(objects));
        delete guard.spec.authorization;
        return replaced(guardOf(objects)!, guard);
      },
      `${where}: Kibana's login does not limit clients to internalAccess.allowedCidrs (${cluster.internalAccess.allowedCidrs?.join(', ')})`,
    ],
    [
      'a second, unguarded route to Kibana',
      () => {
        const extra = clone(route);
        extra.metadata.name = 'kibana-direct';
        return [...objects, extra];
      },
      `HTTPRoute ${KIBANA.namespace}/kibana-direct: routes to Kibana without a login SecurityPolicy (OIDC or basic auth)`,
    ],
    [
      'a Kibana that asks ECK for a LoadBalancer',
      () => {
        const kibana = clone(byKind(objects, 'Kibana')[0]);
        kibana.spec.http = { ...kibana.spec.http, service: { spec: { type: 'LoadBalancer' } } };
        return replaced(byKind(objects, 'Kibana')[0], kibana);
      },
      `Kibana ${KIBANA.namespace}/${KIBANA.name}: asks ECK for a LoadBalancer Service; Kibana must stay ClusterIP, behind the Gateway`,
    ],
    [
      'a Kibana with its TLS switched off',
      () => {
        const kibana = clone(byKind(objects, 'Kibana')[0]);
        kibana.spec.http = { tls: { selfSignedCertificate: { disabled: true } } };
        return replaced(byKind(objects, 'Kibana')[0], kibana);
      },
      `Kibana ${KIBANA.namespace}/${KIBANA.name}: turns its TLS off; the login and every search would cross the cluster network in clear text`,
    ],
    [
      'no BackendTLSPolicy',
      () => objects.filter((o) => o.kind !== 'BackendTLSPolicy'),
      `${where}: routes to Kibana's HTTPS port without a BackendTLSPolicy that verifies its certificate`,
    ],
    [
      'a BackendTLSPolicy that trusts no CA',
      () => {
        const policy = byKind(objects, 'BackendTLSPolicy')[0];
        const copy = clone(policy);
        copy.spec.validation = { wellKnownCACertificates: 'System', hostname: copy.spec.validation.hostname };
        return replaced(policy, copy);
      },
      `${where}: routes to Kibana's HTTPS port without a BackendTLSPolicy that verifies its certificate`,
    ],
    [
      "a NodePort Service in Kibana's name",
      () => [
        ...objects,
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: KIBANA_SERVICE.name, namespace: KIBANA.namespace },
          spec: { type: 'NodePort' },
        },
      ],
      `Service ${KIBANA.namespace}/${KIBANA_SERVICE.name}: is NodePort; Kibana must stay ClusterIP, behind the Gateway`,
    ],
  ])('the rule catches %s', (_what, broken, problem) => {
    expect(kibanaProblems(broken(), cluster.internalAccess)).toEqual([problem]);
    expect(outputProblems(broken(), cluster)).toContain(`${problem}`);
  });
});

describe('isolation between apps', () => {
  test('every app pod admits traffic only from the Gateway proxies, on its own port', () => {
    const appPolicies = byKind(objects, 'NetworkPolicy').filter((p) => p.metadata.labels?.['app.kubernetes.io/part-of'] === 'webapps');
    expect(appPolicies.length).toBeGreaterThan(0);
    for (const policy of appPolicies.filter((p) => (p.spec as Json).ingress)) {
      for (const rule of (policy.spec as Json).ingress) {
        expect(rule.from).toEqual([
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY_PROXY_NAMESPACE } },
            podSelector: { matchLabels: GATEWAY_PROXY_POD_LABELS },
          },
        ]);
      }
    }
  });

  test('every app namespace caps pods, CPU and memory, and forbids load balancers and node ports', () => {
    const appNamespaces = byKind(objects, 'Namespace').filter((n) => n.metadata.labels?.['app.kubernetes.io/part-of'] === 'webapps');
    expect(appNamespaces.length).toBeGreaterThan(0);
    for (const namespace of appNamespaces) {
      const quota = byKind(objects, 'ResourceQuota').find((q) => q.metadata.namespace === namespace.metadata.name);
      expect([namespace.metadata.name, quota === undefined]).toEqual([namespace.metadata.name, false]);
      expect(Object.keys((quota!.spec as Json).hard).sort()).toEqual([
        'limits.cpu',
        'limits.memory',
        'pods',
        'requests.cpu',
        'requests.memory',
        'services.loadbalancers',
        'services.nodeports',
      ]);
      expect((quota!.spec as Json).hard).toMatchObject({ 'services.loadbalancers': 0, 'services.nodeports': 0 });
    }
  });

  test('no object opens a public endpoint', () => {
    const services = byKind(objects, 'Service');
    expect(services.length).toBeGreaterThan(0);
    expect(services.map((s) => (s.spec as Json).type)).toEqual(services.map(() => 'ClusterIP'));
  });
});

// Each rule must be able to fail: break one real object at a time and expect that rule to say so.
describe('the policy rules catch broken output', () => {
  const deployment = byKind(objects, 'Deployment')[0];
  const ns = deployment.metadata.namespace;
  const where = `Deployment ${ns}/${deployment.metadata.name}`;
  const container = `${where} container app`;
  const breakDeployment = (mutate: (pod: Json, d: Json) => void): KubeObject => {
    const d = clone(deployment);
    mutate(d.spec.template.spec, d);
    return d;
  };

  test.each([
    [
      'a root container',
      (p: Json) => {
        p.securityContext.runAsNonRoot = false;
        p.containers[0].securityContext.runAsNonRoot = false;
      },
      `${container}: runAsNonRoot is not true`,
    ],
    [
      'a writable root filesystem',
      (p: Json) => {
        p.containers[0].securityContext.readOnlyRootFilesystem = false;
      },
      `${container}: readOnlyRootFilesystem is not true`,
    ],
    [
      'privilege escalation',
      (p: Json) => {
        delete p.containers[0].securityContext.allowPrivilegeEscalation;
      },
      `${container}: allowPrivilegeEscalation is not false`,
    ],
    [
      'kept capabilities',
      (p: Json) => {
        p.containers[0].securityContext.capabilities = { drop: ['NET_RAW'] };
      },
      `${container}: does not drop ALL capabilities`,
    ],
    [
      'added SYS_ADMIN',
      (p: Json) => {
        p.containers[0].securityContext.capabilities.add = ['SYS_ADMIN'];
      },
      `${container}: adds capabilities SYS_ADMIN`,
    ],
    [
      'no seccomp profile',
      (p: Json) => {
        delete p.securityContext.seccompProfile;
        delete p.containers[0].securityContext.seccompProfile;
      },
      `${container}: seccompProfile is not RuntimeDefault`,
    ],
    [
      'no memory limit',
      (p: Json) => {
        delete p.containers[0].resources.limits.memory;
      },
      `${container}: has no memory limit`,
    ],
    [
      'no liveness probe',
      (p: Json) => {
        delete p.containers[0].livenessProbe;
      },
      `${container}: lacks a readiness or liveness probe`,
    ],
    [
      'a mounted token',
      (p: Json) => {
        p.automountServiceAccountToken = true;
      },
      `${where}: automountServiceAccountToken is not false`,
    ],
    [
      'host networking',
      (p: Json) => {
        p.hostNetwork = true;
      },
      `${where}: shares a host namespace`,
    ],
  ])('hardening rule catches %s', (_what, mutate, problem) => {
    expect(hardeningProblems([breakDeployment(mutate)])).toContain(problem);
  });

  const rest = objects.filter((o) => o !== deployment);
  test('coverage rule catches a Deployment with no PDB', () => {
    expect(coverageProblems([deployment, ...rest.filter((o) => !(o.kind === 'PodDisruptionBudget' && o.metadata.namespace === ns))])).toContain(
      `${where}: no PodDisruptionBudget selects its pods`,
    );
  });
  test('coverage rule catches a namespace without default deny', () => {
    expect(
      coverageProblems([deployment, ...rest.filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny' && o.metadata.namespace === ns))]),
    ).toContain(`${where}: its namespace has no default-deny NetworkPolicy`);
  });
  test('coverage rule catches pods no policy admits traffic to', () => {
    const relabelled = breakDeployment((_p, d) => {
      d.spec.template.metadata.labels['app.kubernetes.io/name'] = 'other';
    });
    expect(Object.keys(podLabelsOf(relabelled))).toContain('app.kubernetes.io/name');
    expect(coverageProblems([relabelled, ...rest])).toContain(`${where}: no NetworkPolicy admits traffic to its pods`);
  });
  test('coverage rule catches replicas not spread over zones', () => {
    expect(
      coverageProblems([
        breakDeployment((p) => {
          p.topologySpreadConstraints.shift();
        }),
        ...rest,
      ]),
    ).toContain(`${where}: not spread over topology.kubernetes.io/zone`);
  });
  test('route rule catches a host without an HTTPS listener', () => {
    const staging = realObjectsOf('staging');
    const route = clone(byKind(staging, 'HTTPRoute').find((r) => (r.spec as Json).hostnames));
    route.spec.hostnames.push('extra.example.com');
    expect(routeProblems([...byKind(staging, 'Gateway'), route])).toEqual([
      `HTTPRoute ${route.metadata.namespace}/${route.metadata.name}: host extra.example.com is not attached to an HTTPS listener for it`,
    ]);
  });
  test('public surface rule catches a LoadBalancer Service', () => {
    const service = clone(byKind(objects, 'Service')[0]);
    service.spec.type = 'LoadBalancer';
    expect(publicSurfaceProblems([service])).toHaveLength(1);
  });
  test('schema validation catches an invalid object and an unknown kind', () => {
    const broken = clone(deployment);
    broken.spec.template.spec.containers[0].resources.limits.cpu = 'lots';
    expect(schemaProblems([broken])[0]).toMatch(new RegExp(`^${where}: .*limits/cpu must match format "quantity"`));
    expect(schemaProblems([{ apiVersion: 'example.io/v1', kind: 'Widget', metadata: { name: 'w' } }])).toEqual([
      'Widget w: no schema known for example.io/v1 Widget',
    ]);
  });
});
