import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CLUSTERS } from '../clusters';
import { FLUX_HTTP_PORT } from '../constructs/gitops/flux-install';
import { BACKUP_COMPONENT_LABEL } from '../constructs/model/backup-job';
import { BACKUP_LOCK } from '../constructs/model/backup-lock';
import { cloudSettingsOf, type ClusterSpec } from '../constructs/model/cluster-spec';
import { ELASTICSEARCH, ELASTICSEARCH_PORT, KIBANA, KIBANA_SERVICE } from '../constructs/model/log-contract';
import { FLUX_NAMESPACE, GATEWAY, GATEWAY_PROXY_NAMESPACE, namespaceOf, serviceAccountOf } from '../constructs/model/naming';
import { CLUSTER_DNS, KUBERNETES_API_PORT, METADATA_ENDPOINT, NAMESPACE_NAME_LABEL, POD_IDENTITY_AGENT } from '../constructs/model/network-ranges';
import { clusterAppsOf, type ResolvedApp } from '../constructs/model/resolve';
import { MOUNTPOINT_POD_NAMESPACE } from '../constructs/model/mountpoint-pods';
import { clusterNetworkOf } from '../constructs/network/cluster-network';
import { podIdOf, type ClusterNetwork } from '../constructs/network/endpoints';
import { cidrContains } from '../constructs/network/ipv4';
import { candidatePortsOf, literalCell, LiteralEvaluator } from '../constructs/network/literal-evaluator';
import { namespaceMatrixOf, sourceFlowsOf } from '../constructs/network/namespace-matrix';
import { renderNetworkTable } from '../constructs/reports/network-table';
import { PolicyEvaluator, type FlowEvaluator } from '../constructs/network/policy-evaluator';
import { PROTOCOLS, type Protocol } from '../constructs/network/port-set';
import { failedProbes, probeAllows, type Probe } from '../constructs/network/probes';
import { webhookPortsOf, webhookProbeOf } from '../constructs/network/webhook-ports';
import type { AddOn } from '../constructs/platform/add-on';
import { ACME_SOLVER_PORT, certManagerDefaults } from '../constructs/platform/cert-manager';
import { SMTP_PORTS } from '../constructs/alerts/receivers';
import { CERTIFICATE_CHECK } from '../constructs/alerts/certificate-check';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { declaredWorkloadsOf } from '../constructs/platform/declared-workloads';
import type { WorkloadEgress } from '../constructs/platform/network-needs';
import { elastAlertDefaults } from '../constructs/platform/elastalert';
import { EnvoyGatewayAddOn, GATEWAY_METRICS_PORT, PROXY_PORTS, XDS_PORT } from '../constructs/platform/envoy-gateway';
import { externalSecretsDefaults } from '../constructs/platform/external-secrets';
import { fluentBitDefaults } from '../constructs/platform/fluent-bit';
import { platformEndpointsOf } from '../constructs/platform/internal-endpoint';
import type { KubeObject, OutputFile } from '../constructs/model/kube-object';
import { buildAll } from '../constructs/synth/pipeline';
import { FIXTURE_INPUT } from './network-fixture';
import { networkObjectsOf, REAL_INPUT, realOutput, synthProblemsOf } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One cluster as built, and its network model. */
interface Scenario {
  readonly name: string;
  readonly cluster: ClusterSpec;
  readonly apps: readonly ResolvedApp[];
  readonly addOns: readonly AddOn[];
  readonly objects: readonly KubeObject[];
  readonly terraform: Json;
  readonly network: ClusterNetwork;
  /** What synth wrote for it. */
  readonly files: readonly OutputFile[];
}

function scenarioOf(name: string, cluster: ClusterSpec, files: readonly OutputFile[], appSpecs = REAL_INPUT.apps): Scenario {
  const apps = clusterAppsOf(cluster, appSpecs);
  const addOns = addOnsOf({ cluster, apps });
  const objects = networkObjectsOf(files, cluster.env);
  const terraform = JSON.parse(files.find((f) => f.path === `dist/${cluster.env}/terraform/main.tf.json`)!.text!);
  return { name, cluster, apps, addOns, objects, terraform, files, network: clusterNetworkOf({ cluster, apps, addOns, objects }) };
}

/** The same cluster with its NetworkPolicies edited: what a broken change to the policies would give. */
const withPolicies = (s: Scenario, edit: (policies: readonly KubeObject[]) => readonly KubeObject[]): Scenario => ({
  ...s,
  network: { ...s.network, policies: edit(s.network.policies) },
});
const policy = (namespace: string, name: string, spec: Json): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace },
  spec,
});
const without = (namespace: string, name: string) => (policies: readonly KubeObject[]) =>
  policies.filter((p) => !(p.metadata.namespace === namespace && p.metadata.name === name));
const adding =
  (...extra: KubeObject[]) =>
  (policies: readonly KubeObject[]) => [...policies, ...extra];
/** In from every pod of its own namespace on every port, as each platform policy admitted before the siblings' calls were declared. */
const sameNamespaceIngress = (namespace: string): KubeObject =>
  policy(namespace, 'siblings', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] });

const SCENARIOS: readonly Scenario[] = [
  ...CLUSTERS.map((c) => scenarioOf(c.env, c, realOutput())),
  scenarioOf('fixture', FIXTURE_INPUT.clusters[0], buildAll(FIXTURE_INPUT), FIXTURE_INPUT.apps),
];

// ---------------------------------------------------------------------------------------------------
// The intended flows, as probes (data). Each rule gives the probes of one scenario.

type Rule = (s: Scenario) => Probe[];
const probe = (from: string, to: string, protocol: Protocol, port: number, expected: Probe['expected'], rule: string): Probe => ({
  from,
  to,
  protocol,
  port,
  expected,
  rule,
});
const namespacesOf = (s: Scenario, kind: 'app' | 'platform' | 'cluster') => s.network.namespaces.filter((n) => n.kind === kind).map((n) => n.name);
/** Every candidate port of every protocol: each port a policy or container names, its neighbours, and a few nobody names. */
const everyPort = (s: Scenario) => PROTOCOLS.flatMap((protocol) => candidatePortsOf(s.network).map((port) => ({ protocol, port })));
/** The pods of a namespace with this role, where its add-on declares roles; otherwise the whole namespace. */
const withRole = (s: Scenario, namespace: string, role: string): string[] => {
  const pods = s.network.pods.filter((p) => p.namespace === namespace && p.role === role);
  return pods.length > 0 ? pods.map((p) => p.id) : [`ns:${namespace}`];
};
const proxiesOf = (s: Scenario) => withRole(s, GATEWAY_PROXY_NAMESPACE, 'data-plane');
const backupPodsOf = (s: Scenario) => s.network.pods.filter((p) => p.labels[BACKUP_COMPONENT_LABEL] === 'backup').map((p) => p.id);
/** The namespace of an add-on the cluster runs (none when it runs no such add-on). */
const namespacesOfAddOn = (s: Scenario, addOn: string): string[] => s.addOns.filter((a) => a.name === addOn).map((a) => `ns:${a.namespace}`);
const sourceRows = (s: Scenario) => [
  ...s.network.namespaces.map((n) => `ns:${n.name}`),
  ...s.network.externals.filter((e) => e.sourceAddress).map((e) => e.id),
];
const columns = (s: Scenario) => [
  ...s.network.namespaces.map((n) => `ns:${n.name}`),
  ...s.network.externals.filter((e) => e.addresses.length > 0).map((e) => e.id),
];

/** The pods that call AWS with a Pod Identity role, read from the Terraform's associations. */
function awsCallersOf(s: Scenario): string[] {
  const associations: Json[] = Object.values(s.terraform.resource?.aws_eks_pod_identity_association ?? {});
  const platform = namespacesOf(s, 'platform');
  return associations.flatMap((a): string[] => {
    const app = s.apps.find((x) => namespaceOf(x.name) === a.namespace && serviceAccountOf(x.name) === a.service_account);
    // An app's role serves its volume (the Mountpoint pods, in mount-s3, call AWS with it) and, where the app
    // may reach S3 (HTTPS out), the app's own calls to its bucket.
    if (app)
      return [
        ...(app.storage?.driver === 'mountpoint-s3' ? [`ns:${MOUNTPOINT_POD_NAMESPACE}`] : []),
        ...(app.outboundHttps ? [podIdOf(a.namespace, 'Deployment', app.name)] : []),
      ];
    const running = s.objects.filter((o) => o.metadata.namespace === a.namespace && templateOf(o)?.spec?.serviceAccountName === a.service_account);
    if (running.length > 0) return running.map((o) => podIdOf(a.namespace, o.kind, o.metadata.name));
    return platform.includes(a.namespace) ? [`ns:${a.namespace}`] : [];
  });
}
const templateOf = (o: KubeObject): Json => (o.kind === 'CronJob' ? (o.spec as Json)?.jobTemplate?.spec?.template : (o.spec as Json)?.template);

/** The pods of the Gateway's namespace that are not its proxies: the controller, certgen, the HTTP-01 solver. */
const gatewayPodsBesideProxies = (s: Scenario) =>
  s.network.pods.filter((p) => p.namespace === GATEWAY_PROXY_NAMESPACE && p.role !== 'data-plane').map((p) => p.id);
const acmeSolversOf = (s: Scenario) => s.network.pods.filter((p) => p.labels['acme.cert-manager.io/http01-solver'] === 'true').map((p) => p.id);
const certgenOf = (s: Scenario) => s.network.pods.filter((p) => p.namespace === GATEWAY_PROXY_NAMESPACE && p.labels.app === 'certgen').map((p) => p.id);
/** Whether a column has addresses in the VPC, which the API server's rule names on 443: its pods, the nodes, a private service there. */
const apiServerRangeHolds = (s: Scenario, column: string) => {
  const vpc = cloudSettingsOf(s.cluster).network.vpcCidr;
  return column.startsWith('ns:') || s.network.externals.some((e) => e.id === column && e.addresses.some((a) => cidrContains(vpc, a)));
};

/** cert-manager's and External Secrets' namespaces: in each, the controller is the Deployment named as its add-on. */
const CONTROLLER_ADD_ONS = [certManagerDefaults.name, externalSecretsDefaults.name];
const podsOfAddOn = (s: Scenario, addOn: string) => {
  const namespace = s.addOns.find((a) => a.name === addOn)?.namespace;
  return s.network.pods.filter((p) => p.namespace === namespace);
};
const controllerOf = (s: Scenario, addOn: string) => podsOfAddOn(s, addOn).filter((p) => p.kind === 'Deployment' && p.name === addOn);
/** Their webhooks, cert-manager's cainjector and startupapicheck, ESO's cert controller. */
const besideControllers = (s: Scenario) =>
  CONTROLLER_ADD_ONS.flatMap((addOn) => podsOfAddOn(s, addOn).filter((p) => !(p.kind === 'Deployment' && p.name === addOn) && p.name !== BACKUP_LOCK.name));
/** The offsite lock renewal, which runs in External Secrets' namespace with its own egress. */
const lockRenewalOf = (s: Scenario) => s.network.pods.filter((p) => p.namespace === BACKUP_LOCK.namespace && p.name === BACKUP_LOCK.name);
/** Everything outside the VPC and the cluster's DNS: the internet, AWS's public endpoints, the name servers, the Pod Identity agent. */
const outsideColumns = (s: Scenario) => ['ext:internet', 'ext:s3', 'ext:route53', 'ext:name-servers', 'ext:pod-identity'].filter((c) => columns(s).includes(c));

/** The logging namespace's pods: the ECK operator, Elasticsearch, Kibana, and the rest (the setup Job and CronJob). */
const loggingPods = (s: Scenario) => s.network.pods.filter((p) => p.namespace === ELASTICSEARCH.namespace);
const eckOperatorOf = (s: Scenario) => loggingPods(s).filter((p) => p.name === 'elastic-operator');
const elasticsearchOf = (s: Scenario) => loggingPods(s).filter((p) => p.role === 'datastore');
const kibanaOf = (s: Scenario) => loggingPods(s).filter((p) => p.role === 'ui');
const setupJobsOf = (s: Scenario) => loggingPods(s).filter((p) => p.kind === 'Job' || p.kind === 'CronJob');
const ES_TRANSPORT_PORT = 9300;

/** ElastAlert2 and its watchdog: the pods of its namespace but the certificate check, which calls the proxies only (its own test below). */
const isCertificateCheck = (p: { namespace: string; name: string }) => p.namespace === elastAlertDefaults.namespace && p.name === CERTIFICATE_CHECK.name;
const alertingPodsOf = (s: Scenario) => s.network.pods.filter((p) => p.namespace === elastAlertDefaults.namespace && !isCertificateCheck(p));

/**
 * ElastAlert2's and its watchdog's calls out: the SMTP port of the cluster's mail relay (587 unless set), and 443
 * only with a chat webhook; no other mail port, and no HTTPS without chat.
 */
function alertingInternetProbes(s: Scenario): Probe[] {
  const alerting = s.cluster.alerting!;
  const needed = [alerting.email.smtpPort ?? 587, ...(alerting.chat ? [443] : [])];
  return alertingPodsOf(s).flatMap((p) =>
    [25, 443, ...SMTP_PORTS, 2525].map((port) =>
      probe(p.id, 'ext:internet', 'TCP', port, needed.includes(port) ? 'allowed' : 'denied', `${p.name} to the receivers only`),
    ),
  );
}

/** The platform namespaces where every pod has its own egress (its workload's or its object's), and none calls a pod of the namespace. */
function quietNamespacesOf(s: Scenario): string[] {
  const ctx = { cluster: s.cluster, apps: s.apps };
  const declared = declaredWorkloadsOf(s.addOns, ctx);
  const own: Record<string, WorkloadEgress> = Object.assign({}, ...s.addOns.map((a) => a.ownPodEgress?.(ctx) ?? {}));
  const egressOf = (p: Scenario['network']['pods'][number]) =>
    declared.find((d) => d.namespace === p.namespace && d.workload.name === p.name)?.workload.egress ?? own[p.name];
  return namespacesOf(s, 'platform').filter((ns) => {
    const pods = s.network.pods.filter((p) => p.namespace === ns);
    return pods.length > 0 && pods.every((p) => egressOf(p) && (egressOf(p)!.egressToOwnNamespace ?? []).length === 0 && !egressOf(p)!.egressToRouteBackends);
  });
}

const RULES: Readonly<Record<string, Rule>> = {
  'no app namespace reaches another app namespace or a platform namespace (apps declare no port in them)': (s) =>
    namespacesOf(s, 'app').flatMap((app) =>
      [...namespacesOf(s, 'app'), ...namespacesOf(s, 'platform')]
        .filter((other) => other !== app)
        .flatMap((other) => everyPort(s).map(({ protocol, port }) => probe(`ns:${app}`, `ns:${other}`, protocol, port, 'denied', 'app isolation'))),
    ),

  'no pod of an app or platform namespace reaches the instance metadata endpoint': (s) =>
    [...namespacesOf(s, 'app'), ...namespacesOf(s, 'platform')].flatMap((ns) =>
      [...everyPort(s), { protocol: 'TCP' as const, port: METADATA_ENDPOINT.port }].map(({ protocol, port }) =>
        probe(`ns:${ns}`, 'ext:metadata', protocol, port, 'denied', 'no IMDS'),
      ),
    ),

  'the pods that call AWS with a Pod Identity role reach its agent, and no other pod of an app or platform namespace does': (s) => {
    const callers = awsCallersOf(s);
    const agent = (from: string, expected: Probe['expected']) =>
      probe(from, 'ext:pod-identity', 'TCP', POD_IDENTITY_AGENT.port, expected, 'Pod Identity agent');
    const others = s.network.pods
      .filter((p) => [...namespacesOf(s, 'app'), ...namespacesOf(s, 'platform')].includes(p.namespace))
      .filter((p) => !callers.includes(p.id) && !callers.includes(`ns:${p.namespace}`));
    return [...callers.map((c) => agent(c, 'allowed')), ...others.map((p) => agent(p.id, 'denied'))];
  },

  "the Gateway's proxies reach each app's port and nothing else of it, each platform endpoint's port, and on the internet 443 only": (s) =>
    proxiesOf(s).flatMap((proxy) => [
      ...s.apps.flatMap((app) =>
        everyPort(s)
          .filter(({ protocol, port }) => !(protocol === 'TCP' && port === app.port))
          .map(({ protocol, port }) => probe(proxy, `ns:${namespaceOf(app.name)}`, protocol, port, 'denied', 'proxies: only the app port'))
          .concat(probe(proxy, `ns:${namespaceOf(app.name)}`, 'TCP', app.port, 'allowed', 'proxies: the app port')),
      ),
      ...platformEndpointsOf({ cluster: s.cluster, apps: s.apps }, s.addOns).map((e) =>
        probe(proxy, `ns:${e.namespace}`, 'TCP', e.port, 'allowed', `proxies: ${e.name}`),
      ),
      probe(proxy, 'ext:internet', 'TCP', 443, 'allowed', 'proxies: the OIDC token endpoint'),
      ...everyPort(s)
        .filter(({ protocol, port }) => !(protocol === 'TCP' && port === 443))
        .map(({ protocol, port }) => probe(proxy, 'ext:internet', protocol, port, 'denied', 'proxies: the internet on 443 only')),
    ]),

  "the Gateway's metrics port (the proxies' stats, the controller's metrics) is closed to everything outside its namespace": (s) =>
    s.network.pods
      .filter((p) => p.namespace === GATEWAY_PROXY_NAMESPACE && p.ports.some((port) => port.port === GATEWAY_METRICS_PORT))
      .flatMap((pod) =>
        sourceRows(s)
          .filter((row) => row !== `ns:${GATEWAY_PROXY_NAMESPACE}`)
          .map((row) => probe(row, pod.id, 'TCP', GATEWAY_METRICS_PORT, 'denied', 'Gateway metrics: its namespace only')),
      ),

  'the Envoy Gateway controller reaches the API server': (s) =>
    withRole(s, GATEWAY_PROXY_NAMESPACE, 'controller').map((c) => probe(c, 'ext:api-server', 'TCP', KUBERNETES_API_PORT, 'allowed', 'controller to API')),

  // Each workload of the Gateway's namespace has its own egress (constructs/platform/envoy-gateway.ts,
  // cert-manager.ts: what each calls, read in envoyproxy/gateway@v1.5.1 and cert-manager@v1.18.2).
  "in the Gateway's namespace only the proxies reach an app's port or a platform endpoint's": (s) =>
    gatewayPodsBesideProxies(s).flatMap((pod) => [
      ...s.apps.map((app) => probe(pod, `ns:${namespaceOf(app.name)}`, 'TCP', app.port, 'denied', 'only the proxies reach the apps')),
      ...platformEndpointsOf({ cluster: s.cluster, apps: s.apps }, s.addOns).map((e) =>
        probe(pod, `ns:${e.namespace}`, 'TCP', e.port, 'denied', `only the proxies reach ${e.name}`),
      ),
    ]),

  "the HTTP-01 solver opens no connection at all, and Envoy Gateway's certgen only to the API server and DNS": (s) => [
    ...acmeSolversOf(s).flatMap((solver) =>
      columns(s).flatMap((to) => everyPort(s).map(({ protocol, port }) => probe(solver, to, protocol, port, 'denied', 'HTTP-01 solver: no egress'))),
    ),
    ...certgenOf(s).flatMap((job) => [
      probe(job, 'ext:api-server', 'TCP', KUBERNETES_API_PORT, 'allowed', 'certgen to API'),
      probe(job, `ns:${CLUSTER_DNS.namespace}`, 'UDP', CLUSTER_DNS.port, 'allowed', 'certgen: DNS'),
      ...columns(s)
        .filter((to) => to !== 'ext:api-server' && to !== `ns:${CLUSTER_DNS.namespace}`)
        .flatMap((to) =>
          everyPort(s)
            // The API server's rule names the VPC on 443 (its private endpoint's interfaces sit there): pods of
            // the VPC on 443 and private services inside it, which nothing listens on for certgen.
            .filter(({ protocol, port }) => !(protocol === 'TCP' && port === KUBERNETES_API_PORT && apiServerRangeHolds(s, to)))
            .map(({ protocol, port }) => probe(job, to, protocol, port, 'denied', 'certgen: the API server only')),
        ),
    ]),
  ],

  "the proxies reach their controller's xDS port and the HTTP-01 solver's, nothing else in their namespace, and not the API server; the load balancer reaches them":
    (s) =>
      proxiesOf(s).flatMap((proxy) => [
        ...withRole(s, GATEWAY_PROXY_NAMESPACE, 'controller').flatMap((controller) =>
          everyPort(s).map(({ protocol, port }) =>
            probe(proxy, controller, protocol, port, protocol === 'TCP' && port === XDS_PORT ? 'allowed' : 'denied', 'proxies: xDS only'),
          ),
        ),
        ...acmeSolversOf(s).flatMap((solver) =>
          everyPort(s).map(({ protocol, port }) =>
            probe(proxy, solver, protocol, port, protocol === 'TCP' && port === ACME_SOLVER_PORT ? 'allowed' : 'denied', 'proxies: the challenge only'),
          ),
        ),
        ...everyPort(s).map(({ protocol, port }) => probe(proxy, 'ext:api-server', protocol, port, 'denied', 'proxies: not the API server')),
        ...everyPort(s).map(({ protocol, port }) => probe(proxy, 'ext:nodes', protocol, port, 'denied', 'proxies: not the nodes')),
        ...PROXY_PORTS.map((port) => probe('ext:internet', proxy, 'TCP', port, 'allowed', 'clients through the load balancer')),
      ]),

  'the Envoy Gateway controller reaches the OIDC issuer on 443 with an OIDC login, and the internet on no other port': (s) =>
    withRole(s, GATEWAY_PROXY_NAMESPACE, 'controller').flatMap((controller) =>
      everyPort(s).map(({ protocol, port }) =>
        probe(
          controller,
          'ext:internet',
          protocol,
          port,
          protocol === 'TCP' && port === 443 && s.cluster.internalAccess.oidc ? 'allowed' : 'denied',
          'controller: OIDC discovery',
        ),
      ),
    ),

  // Each workload of cert-manager's and External Secrets' namespaces has its own egress
  // (constructs/platform/cert-manager.ts, external-secrets.ts: read in cert-manager@v1.18.2 and external-secrets@v0.19.2).
  "in cert-manager's and External Secrets' namespaces no workload but the controller reaches the internet or the Pod Identity agent": (s) =>
    besideControllers(s).flatMap((pod) =>
      outsideColumns(s).flatMap((to) => everyPort(s).map(({ protocol, port }) => probe(pod.id, to, protocol, port, 'denied', 'the controller only'))),
    ),

  "cert-manager's webhook, cainjector and startupapicheck, and External Secrets' webhook and cert controller, reach the API server and DNS only": (s) =>
    besideControllers(s).flatMap((pod) => [
      probe(pod.id, 'ext:api-server', 'TCP', KUBERNETES_API_PORT, 'allowed', `${pod.name} to API`),
      probe(pod.id, `ns:${CLUSTER_DNS.namespace}`, 'UDP', CLUSTER_DNS.port, 'allowed', `${pod.name}: DNS`),
      probe(pod.id, `ns:${CLUSTER_DNS.namespace}`, 'TCP', CLUSTER_DNS.port, 'allowed', `${pod.name}: DNS`),
      ...[...columns(s), ...s.network.pods.filter((p) => p.namespace === pod.namespace && p.id !== pod.id).map((p) => p.id)]
        .filter((to) => to !== 'ext:api-server' && to !== `ns:${CLUSTER_DNS.namespace}`)
        .flatMap((to) =>
          everyPort(s)
            // The API server's rule names the VPC on 443 (its private endpoint's interfaces sit there): pods of the VPC on 443
            // and private services inside it, which nothing listens on for these.
            .filter(({ protocol, port }) => !(protocol === 'TCP' && port === KUBERNETES_API_PORT && (apiServerRangeHolds(s, to) || to.startsWith('pod:'))))
            .map(({ protocol, port }) => probe(pod.id, to, protocol, port, 'denied', `${pod.name}: the API server and DNS only`)),
        ),
    ]),

  "cert-manager's controller reaches the API server, ACME and Route53 on 443, the hosts on 80, the name servers on 53, the Pod Identity agent, and nothing else outside or in its namespace":
    (s) =>
      controllerOf(s, certManagerDefaults.name).flatMap((controller) => [
        probe(controller.id, 'ext:api-server', 'TCP', KUBERNETES_API_PORT, 'allowed', 'cert-manager to API'),
        probe(controller.id, `ns:${CLUSTER_DNS.namespace}`, 'UDP', CLUSTER_DNS.port, 'allowed', 'cert-manager: DNS'),
        probe(controller.id, 'ext:internet', 'TCP', 443, 'allowed', 'ACME'),
        probe(controller.id, 'ext:route53', 'TCP', 443, 'allowed', 'Route53 API'),
        probe(controller.id, 'ext:internet', 'TCP', 80, 'allowed', 'HTTP-01 self-check'),
        probe(controller.id, 'ext:name-servers', 'UDP', 53, 'allowed', 'DNS-01 self-check'),
        probe(controller.id, 'ext:name-servers', 'TCP', 53, 'allowed', 'DNS-01 self-check'),
        probe(controller.id, 'ext:pod-identity', 'TCP', POD_IDENTITY_AGENT.port, 'allowed', 'Route53 credentials'),
        ...everyPort(s)
          .filter(({ protocol, port }) => !((protocol === 'TCP' && [80, 443].includes(port)) || (protocol !== 'SCTP' && port === 53)))
          .map(({ protocol, port }) => probe(controller.id, 'ext:internet', protocol, port, 'denied', 'cert-manager: the internet on 80, 443, 53 only')),
        ...podsOfAddOn(s, certManagerDefaults.name)
          .filter((p) => p.id !== controller.id)
          .flatMap((p) => p.ports.map(({ port }) => probe(controller.id, p.id, 'TCP', port, 'denied', 'cert-manager: no other workload of its namespace'))),
      ]),

  "External Secrets' controller reaches the API server, Secrets Manager on 443 and the Pod Identity agent, and nothing else outside or in its namespace": (s) =>
    controllerOf(s, externalSecretsDefaults.name).flatMap((controller) => [
      probe(controller.id, 'ext:api-server', 'TCP', KUBERNETES_API_PORT, 'allowed', 'ESO to API'),
      probe(controller.id, `ns:${CLUSTER_DNS.namespace}`, 'UDP', CLUSTER_DNS.port, 'allowed', 'ESO: DNS'),
      probe(controller.id, 'ext:internet', 'TCP', 443, 'allowed', 'Secrets Manager'),
      probe(controller.id, 'ext:pod-identity', 'TCP', POD_IDENTITY_AGENT.port, 'allowed', 'Secrets Manager credentials'),
      ...everyPort(s)
        .filter(({ protocol, port }) => !(protocol === 'TCP' && port === 443))
        .flatMap(({ protocol, port }) =>
          ['ext:internet', 'ext:name-servers'].map((to) => probe(controller.id, to, protocol, port, 'denied', 'ESO: the internet on 443 only')),
        ),
      ...podsOfAddOn(s, externalSecretsDefaults.name)
        .filter((p) => p.id !== controller.id)
        .flatMap((p) => p.ports.map(({ port }) => probe(controller.id, p.id, 'TCP', port, 'denied', 'ESO: no other workload of its namespace'))),
    ]),

  'the offsite lock renewal reaches DNS, HTTPS on public addresses and the Pod Identity agent, not the API server nor another workload of its namespace': (s) =>
    lockRenewalOf(s).flatMap((job) => [
      probe(job.id, `ns:${CLUSTER_DNS.namespace}`, 'UDP', CLUSTER_DNS.port, 'allowed', 'renewal: DNS'),
      probe(job.id, `ns:${CLUSTER_DNS.namespace}`, 'TCP', CLUSTER_DNS.port, 'allowed', 'renewal: DNS'),
      probe(job.id, 'ext:internet', 'TCP', 443, 'allowed', 'S3 of the offsite region'),
      probe(job.id, 'ext:pod-identity', 'TCP', POD_IDENTITY_AGENT.port, 'allowed', 'renewal: credentials'),
      probe(job.id, 'ext:api-server', 'TCP', KUBERNETES_API_PORT, 'denied', 'renewal: no Kubernetes API'),
      ...everyPort(s)
        .filter(({ protocol, port }) => !(protocol === 'TCP' && port === 443))
        .flatMap(({ protocol, port }) =>
          ['ext:internet', 'ext:name-servers'].map((to) => probe(job.id, to, protocol, port, 'denied', 'renewal: the internet on 443 only')),
        ),
      ...podsOfAddOn(s, externalSecretsDefaults.name)
        .filter((p) => p.id !== job.id)
        .flatMap((p) => p.ports.map(({ port }) => probe(job.id, p.id, 'TCP', port, 'denied', 'renewal: no other workload of its namespace'))),
    ]),

  "Elasticsearch's 9200 is reached by Fluent Bit, ElastAlert2 and its own namespace (Kibana, the ECK operator, the setup job), by nothing else": (s) => {
    const clients = [fluentBitDefaults.namespace, elastAlertDefaults.namespace, ELASTICSEARCH.namespace].map((ns) => `ns:${ns}`);
    const besideIt = s.network.pods.filter((p) => p.namespace === ELASTICSEARCH.namespace && p.role !== 'datastore').map((p) => p.id);
    return withRole(s, ELASTICSEARCH.namespace, 'datastore').flatMap((es) => [
      ...sourceRows(s).map((row) => probe(row, es, 'TCP', ELASTICSEARCH_PORT, clients.includes(row) ? 'allowed' : 'denied', 'Elasticsearch clients')),
      ...besideIt.map((pod) => probe(pod, es, 'TCP', ELASTICSEARCH_PORT, 'allowed', 'Kibana, the operator and the setup job')),
    ]);
  },

  // Each pod of logging has its own egress (constructs/platform/eck.ts: read in elastic/cloud-on-k8s@v3.2.0).
  'in logging only the ECK operator reaches the API server: Elasticsearch, Kibana and the setup jobs reach DNS and nothing else outside their namespace': (s) =>
    [...elasticsearchOf(s), ...kibanaOf(s), ...setupJobsOf(s)].flatMap((pod) => [
      probe(pod.id, `ns:${CLUSTER_DNS.namespace}`, 'UDP', CLUSTER_DNS.port, 'allowed', `${pod.name}: DNS`),
      probe(pod.id, `ns:${CLUSTER_DNS.namespace}`, 'TCP', CLUSTER_DNS.port, 'allowed', `${pod.name}: DNS`),
      ...columns(s)
        .filter((to) => to !== `ns:${ELASTICSEARCH.namespace}`)
        .flatMap((to) =>
          everyPort(s)
            .filter(({ protocol, port }) => !(to === `ns:${CLUSTER_DNS.namespace}` && port === CLUSTER_DNS.port && protocol !== 'SCTP'))
            .map(({ protocol, port }) => probe(pod.id, to, protocol, port, 'denied', `${pod.name}: DNS only outside logging`)),
        ),
    ]),

  "the ECK operator reaches the API server and Elasticsearch's 9200": (s) =>
    eckOperatorOf(s).flatMap((operator) => [
      probe(operator.id, 'ext:api-server', 'TCP', KUBERNETES_API_PORT, 'allowed', 'ECK to API'),
      ...elasticsearchOf(s).map((es) => probe(operator.id, es.id, 'TCP', ELASTICSEARCH_PORT, 'allowed', 'ECK to Elasticsearch')),
    ]),

  "inside logging, Elasticsearch's 9300 is reached by its nodes only, Kibana's 5601 by the setup jobs only, the operator's webhook by none of them": (s) => {
    const mayCall = (from: Scenario['network']['pods'][number], to: Scenario['network']['pods'][number], port: number): boolean => {
      if (to.role === 'datastore' && port === ELASTICSEARCH_PORT) return true; // the operator, Kibana, the setup jobs, the pre-stop hook
      if (to.role === 'datastore' && port === ES_TRANSPORT_PORT) return from.role === 'datastore';
      if (to.role === 'ui' && port === KIBANA_SERVICE.port) return setupJobsOf(s).includes(from);
      return false;
    };
    return loggingPods(s).flatMap((from) =>
      loggingPods(s).flatMap((to) =>
        to.ports.map(({ port }) => probe(from.id, to.id, 'TCP', port, mayCall(from, to, port) ? 'allowed' : 'denied', `${from.name} to ${to.name}`)),
      ),
    );
  },

  // Their workloads declare their own egress (constructs/platform/fluent-bit.ts, elastalert.ts): none calls a pod of its namespace.
  "Fluent Bit's two releases and ElastAlert2 reach no pod of their own namespace": (s) =>
    [fluentBitDefaults.namespace, elastAlertDefaults.namespace].flatMap((namespace) => {
      const pods = s.network.pods.filter((p) => p.namespace === namespace);
      return pods.flatMap((from) =>
        pods.flatMap((to) => to.ports.map(({ port }) => probe(from.id, to.id, 'TCP', port, 'denied', `${from.name} to ${to.name}`))),
      );
    }),

  "the log pipeline's flows pass: Fluent Bit's pods and ElastAlert2 to Elasticsearch, ElastAlert2 to mail and chat (only where its receivers need them), the Gateway's proxies to Kibana":
    (s) => [
      ...elasticsearchOf(s).flatMap((es) =>
        s.network.pods
          .filter((p) => p.namespace === fluentBitDefaults.namespace || (p.namespace === elastAlertDefaults.namespace && !isCertificateCheck(p)))
          .map((client) => probe(client.id, es.id, 'TCP', ELASTICSEARCH_PORT, 'allowed', `${client.name} to Elasticsearch`)),
      ),
      ...alertingInternetProbes(s),
      ...kibanaOf(s).flatMap((kb) => proxiesOf(s).map((proxy) => probe(proxy, kb.id, 'TCP', KIBANA_SERVICE.port, 'allowed', 'the Gateway to Kibana'))),
    ],

  "cert-manager reaches the ACME server and the API server, and the Gateway's proxies its HTTP-01 solver": (s) => [
    ...namespacesOfAddOn(s, 'cert-manager').flatMap((ns) => [
      probe(ns, 'ext:internet', 'TCP', 443, 'allowed', 'ACME'),
      probe(ns, 'ext:api-server', 'TCP', KUBERNETES_API_PORT, 'allowed', 'cert-manager to API'),
    ]),
    ...s.network.pods
      .filter((p) => p.labels['acme.cert-manager.io/http01-solver'] === 'true')
      .flatMap((solver) => proxiesOf(s).map((proxy) => probe(proxy, solver.id, 'TCP', ACME_SOLVER_PORT, 'allowed', 'HTTP-01 challenge'))),
  ],

  'external-dns reaches Route53 on 443; only a DNS-01 solver reaches name servers on 53': (s) => {
    const dns01 = s.objects.filter((o) => o.kind === 'ClusterIssuer').some((i) => ((i.spec as Json).acme?.solvers ?? []).some((x: Json) => x.dns01));
    return [
      ...namespacesOfAddOn(s, 'external-dns').map((ns) => probe(ns, 'ext:route53', 'TCP', 443, 'allowed', 'Route53 API')),
      ...[...namespacesOf(s, 'app'), ...namespacesOf(s, 'platform')].flatMap((ns) =>
        (['TCP', 'UDP'] as const).map((protocol) =>
          probe(
            `ns:${ns}`,
            'ext:name-servers',
            protocol,
            53,
            dns01 && namespacesOfAddOn(s, 'cert-manager').includes(`ns:${ns}`) ? 'allowed' : 'denied',
            'name servers: DNS-01 only',
          ),
        ),
      ),
    ];
  },

  'each backup job reaches S3, and nothing inside the cluster but DNS': (s) =>
    backupPodsOf(s).flatMap((job) => [
      probe(job, 'ext:s3', 'TCP', 443, 'allowed', 'backup to S3'),
      ...s.network.namespaces.flatMap((ns) =>
        everyPort(s).map(({ protocol, port }) =>
          probe(
            job,
            `ns:${ns.name}`,
            protocol,
            port,
            ns.name === CLUSTER_DNS.namespace && port === CLUSTER_DNS.port && protocol !== 'SCTP' ? 'allowed' : 'denied',
            'backup: DNS only inside',
          ),
        ),
      ),
    ]),

  // cluster-autoscaler, external-dns, metrics-server and the GeeseFS driver declare it for their workloads
  // (constructs/platform/*.ts, each with its source): their replicas do not call each other.
  'a platform namespace whose workloads each declare their egress, none of it inside the namespace, has no traffic inside it': (s) => {
    const quiet = quietNamespacesOf(s);
    expect(quiet.length).toBeGreaterThan(0);
    return quiet.flatMap((ns) => everyPort(s).map(({ protocol, port }) => probe(`ns:${ns}`, `ns:${ns}`, protocol, port, 'denied', `${ns}: nothing inside`)));
  },

  "the API server reaches every add-on's webhook port": (s) => webhookPortsOf(s.addOns, { cluster: s.cluster, apps: s.apps }).map(webhookProbeOf),

  // The API server has subnets of its own (constructs/model/vpc-layout.ts): a VPC address is not the API server.
  "only the API server reaches the webhook ports, not kube-system's pods, whose egress is open; and no platform pod reaches a node's 443": (s) => [
    ...webhookPortsOf(s.addOns, { cluster: s.cluster, apps: s.apps }).map((w) =>
      probe(`ns:${CLUSTER_DNS.namespace}`, w.target, 'TCP', w.port, 'denied', `kube-system to ${w.addOn}'s webhook`),
    ),
    ...namespacesOf(s, 'platform').map((ns) => probe(`ns:${ns}`, 'ext:nodes', 'TCP', KUBERNETES_API_PORT, 'denied', `${ns}: the API rule is not the VPC`)),
  ],

  "every platform namespace's egress names its ports: a port nobody names is closed to everything outside it": (s) =>
    namespacesOf(s, 'platform').flatMap((ns) =>
      columns(s)
        .filter((c) => c !== `ns:${ns}`)
        .flatMap((column) =>
          PROTOCOLS.flatMap((protocol) => [1, 12345, 65535].map((port) => probe(`ns:${ns}`, column, protocol, port, 'denied', 'named ports only'))),
        ),
    ),
};

const main = new Map<Scenario, PolicyEvaluator>();
const evaluatorOf = (s: Scenario): PolicyEvaluator => main.get(s) ?? main.set(s, new PolicyEvaluator(s.network)).get(s)!;

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('cluster %s: the intended flows hold', (_name, s) => {
  test('the model sees the namespaces it must judge', () => {
    expect(namespacesOf(s, 'app').length).toBeGreaterThan(0);
    expect(namespacesOf(s, 'platform').length).toBeGreaterThan(0);
    expect(backupPodsOf(s).length).toBeGreaterThan(0);
  });

  test.each(Object.entries(RULES))('%s', (_rule, rule) => {
    const probes = rule(s);
    expect(probes.length).toBeGreaterThan(0);
    expect(failedProbes(s.network, evaluatorOf(s), probes)).toEqual([]);
  });

  test('network.md is the matrix of this model', () => {
    const file = s.files.find((f) => f.path === `dist/${s.cluster.env}/network.md`)!.text!;
    expect(file).toBe(renderNetworkTable(s.network));
    for (const ns of s.network.namespaces) expect(file).toContain(`### \`${ns.name}\``);
    for (const app of s.apps) expect(file).toMatch(new RegExp(`\\| \`${GATEWAY_PROXY_NAMESPACE}\` \\|[^\\n]*\\b${app.port}\\b`));
  });

  test("network.md's matrix rows print each cell of the matrix, column by column", () => {
    const rows = plainMatrixRows(s.network);
    expect(rows.length).toBeGreaterThan(0);
    expect(matrixRowsIn(renderNetworkTable(s.network))).toEqual(rows);
  });
});

test('above its limit of namespaces, network.md leaves the matrix out, says so, and keeps every other line', () => {
  const { network } = SCENARIOS[0];
  const count = network.namespaces.length;
  const withMatrix = renderNetworkTable(network, undefined, count);
  expect(withMatrix).toBe(renderNetworkTable(network));
  const withoutMatrix = renderNetworkTable(network, undefined, count - 1);
  expect(matrixRowsIn(withMatrix).length).toBe(count + network.externals.filter((e) => e.sourceAddress).length);
  expect(withoutMatrix).not.toContain('## Matrix');
  expect(withoutMatrix).toContain(`more namespaces than the ${count - 1} a readable matrix holds`);
  const fromOutside = (table: string) => table.slice(table.indexOf('## Outside the pods'));
  expect(fromOutside(withoutMatrix)).toBe(fromOutside(withMatrix));
  expect(withoutMatrix.split('\n').slice(0, 4)).toEqual(withMatrix.split('\n').slice(0, 4));
});

/** The rows of the table's matrix: the lines after its heading, the blank line, the header and the separator, up to the next blank line. */
function matrixRowsIn(table: string): string[] {
  const lines = table.split('\n');
  const heading = lines.indexOf('## Matrix (rows: from, columns: to)');
  expect(heading).toBeGreaterThan(0);
  return lines.slice(heading + 4, lines.indexOf('', heading + 2));
}

/**
 * The matrix rows as the table would print them cell by cell: the table prints the runs of empty cells
 * and the outside part that rows share once, which must come to the same text.
 */
function plainMatrixRows(network: ClusterNetwork): string[] {
  const matrix = namespaceMatrixOf(network, sourceFlowsOf(network, new PolicyEvaluator(network)));
  const titleOf = (a: { id: string; title: string }) => (a.id.startsWith('ns:') ? `\`${a.title}\`` : a.title);
  return matrix.rows.map((row) => {
    const cells = matrix.columns.map((column) => matrix.cell(row.id, column.id)).map((ports) => (ports.isEmpty() ? '·' : ports.format()));
    return `| ${titleOf(row)} | ${cells.join(' | ')} |`;
  });
}

test('the plain matrix rows tell a table of other policies apart', () => {
  const real = SCENARIOS[0];
  const [app] = namespacesOf(real, 'app');
  const opened = withPolicies(real, adding(policy(app, 'oops', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] })));
  expect(matrixRowsIn(renderNetworkTable(opened.network))).not.toEqual(plainMatrixRows(real.network));
});

// ---------------------------------------------------------------------------------------------------
// Each rule can fail: a broken policy set flips its probes.

describe('each rule fails on a broken policy set', () => {
  const real = SCENARIOS[0];
  const [app, otherApp] = namespacesOf(real, 'app');
  const backedUp = real.network.pods.find((p) => p.labels[BACKUP_COMPONENT_LABEL] === 'backup')!.namespace;
  const egressOf = (s: Scenario, namespace: string, name: string): Json =>
    (s.network.policies.find((p) => p.metadata.namespace === namespace && p.metadata.name === name)!.spec as Json).egress;
  const proxyEgress = (s: Scenario) => egressOf(s, GATEWAY_PROXY_NAMESPACE, `envoy-${GATEWAY.className}`);
  const proxyLabels = { 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/managed-by': 'envoy-gateway' };
  const failures = (s: Scenario, rule: string) => failedProbes(s.network, new PolicyEvaluator(s.network), RULES[rule](s));
  const rule = (start: string) => Object.keys(RULES).find((r) => r.startsWith(start))!;

  test.each<[string, string, (s: Scenario) => Scenario]>([
    [
      'an allow-all egress policy in one app namespace',
      'no app namespace',
      (s) => withPolicies(s, adding(policy(app, 'oops', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] }))),
    ],
    [
      'an ingress policy in another app namespace that admits every namespace but the Gateway (matchExpressions NotIn)',
      'no app namespace',
      (s) =>
        withPolicies(
          s,
          adding(
            policy(app, 'egress-oops', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }] }] }),
            policy(otherApp, 'ingress-oops', {
              podSelector: {},
              ingress: [
                { from: [{ namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [GATEWAY_PROXY_NAMESPACE] }] } }] },
              ],
            }),
          ),
        ),
    ],
    [
      'metadata opened to pods that have a name label (matchExpressions Exists)',
      'no pod of an app',
      (s) =>
        withPolicies(
          s,
          adding(
            policy(app, 'imds', {
              podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'Exists' }] },
              policyTypes: ['Egress'],
              egress: [{ to: [{ ipBlock: { cidr: `${METADATA_ENDPOINT.address}/32` } }], ports: [{ protocol: 'TCP', port: 80 }] }],
            }),
          ),
        ),
    ],
    ['the agent taken from external-dns', 'the pods that call AWS', (s) => withPolicies(s, without('external-dns', 'external-dns'))],
    [
      "the agent opened to an app's own pods",
      'the pods that call AWS',
      (s) =>
        withPolicies(
          s,
          adding(
            policy(app, 'agent', {
              podSelector: { matchExpressions: [{ key: BACKUP_COMPONENT_LABEL, operator: 'DoesNotExist' }] },
              policyTypes: ['Egress'],
              egress: [{ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [{ port: POD_IDENTITY_AGENT.port }] }],
            }),
          ),
        ),
    ],
    [
      'the proxies allowed every port to the internet',
      "the Gateway's proxies",
      (s) =>
        withPolicies(
          s,
          adding(policy(GATEWAY_PROXY_NAMESPACE, 'oops', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })),
        ),
    ],
    ["the proxies' policy lost", "the Gateway's proxies", (s) => withPolicies(s, without(GATEWAY_PROXY_NAMESPACE, `envoy-${GATEWAY.className}`))],
    [
      "every pod of the Gateway's namespace given the proxies' egress, and the apps and endpoints admitting the whole namespace (as before)",
      "in the Gateway's namespace only the proxies",
      (s) =>
        withPolicies(
          s,
          adding(
            policy(GATEWAY_PROXY_NAMESPACE, 'union', { podSelector: {}, policyTypes: ['Egress'], egress: proxyEgress(s) }),
            ...[
              ...new Set([
                ...s.apps.map((a) => namespaceOf(a.name)),
                ...platformEndpointsOf({ cluster: s.cluster, apps: s.apps }, s.addOns).map((e) => e.namespace),
              ]),
            ].map((namespace) =>
              policy(namespace, 'gateway-namespace', {
                podSelector: {},
                policyTypes: ['Ingress'],
                ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY_PROXY_NAMESPACE } } }] }],
              }),
            ),
          ),
        ),
    ],
    [
      "the HTTP-01 solver given the proxies' egress",
      'the HTTP-01 solver opens no connection',
      (s) =>
        withPolicies(
          s,
          adding(
            policy(GATEWAY_PROXY_NAMESPACE, 'union', {
              podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } },
              policyTypes: ['Egress'],
              egress: proxyEgress(s),
            }),
          ),
        ),
    ],
    [
      "certgen given the controller's egress (the internet on 443)",
      'the HTTP-01 solver opens no connection',
      (s) =>
        withPolicies(
          s,
          adding(
            policy(GATEWAY_PROXY_NAMESPACE, 'union', {
              podSelector: { matchLabels: { app: 'certgen' } },
              policyTypes: ['Egress'],
              egress: egressOf(s, GATEWAY_PROXY_NAMESPACE, 'envoy-gateway'),
            }),
          ),
        ),
    ],
    [
      'the proxies given their whole namespace',
      "the proxies reach their controller's xDS port",
      (s) =>
        withPolicies(
          s,
          adding(
            policy(GATEWAY_PROXY_NAMESPACE, 'own', {
              podSelector: { matchLabels: proxyLabels },
              policyTypes: ['Egress'],
              egress: [{ to: [{ podSelector: {} }] }],
            }),
            sameNamespaceIngress(GATEWAY_PROXY_NAMESPACE),
          ),
        ),
    ],
    [
      "the proxies' policy lost (no xDS)",
      "the proxies reach their controller's xDS port",
      (s) => withPolicies(s, without(GATEWAY_PROXY_NAMESPACE, `envoy-${GATEWAY.className}`)),
    ],
    [
      "the controller's policy lost (no OIDC discovery)",
      'the Envoy Gateway controller reaches the OIDC',
      (s) => withPolicies(s, without(GATEWAY_PROXY_NAMESPACE, 'envoy-gateway')),
    ],
    ...CONTROLLER_ADD_ONS.flatMap((addOn): [string, string, (s: Scenario) => Scenario][] => {
      const namespace = real.addOns.find((a) => a.name === addOn)!.namespace;
      const controllerRule = addOn === certManagerDefaults.name ? "cert-manager's controller" : "External Secrets' controller";
      // The namespace's egress, as every pod of it had before: its own namespace, and what its controller calls.
      const asBefore = (s: Scenario) =>
        withPolicies(
          s,
          adding(
            policy(namespace, 'union', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: {} }] }, ...egressOf(s, namespace, addOn)] }),
            sameNamespaceIngress(namespace),
          ),
        );
      const union = `every pod of ${namespace} given the namespace's egress (as before)`;
      return [
        [`${union}: the others reach the internet and the agent`, "in cert-manager's and External Secrets' namespaces no workload", asBefore],
        [`${union}: the others reach more than the API server and DNS`, "cert-manager's webhook, cainjector", asBefore],
        [`${union}: the controller reaches the other workloads`, controllerRule, asBefore],
        [`the ${addOn} controller's policy lost`, controllerRule, (s) => withPolicies(s, without(namespace, addOn))],
      ];
    }),
    ["the controller's policy lost", 'the Envoy Gateway controller', (s) => withPolicies(s, without(GATEWAY_PROXY_NAMESPACE, 'envoy-gateway'))],
    [
      "the Gateway's metrics opened to every namespace",
      "the Gateway's metrics port",
      (s) =>
        withPolicies(
          s,
          adding(
            policy(GATEWAY_PROXY_NAMESPACE, 'scrape', {
              podSelector: {},
              policyTypes: ['Ingress'],
              ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: GATEWAY_METRICS_PORT }] }],
            }),
          ),
        ),
    ],
    [
      '9200 opened to kube-system (matchExpressions In)',
      "Elasticsearch's 9200",
      (s) =>
        withPolicies(
          s,
          adding(
            policy(ELASTICSEARCH.namespace, 'oops', {
              podSelector: {},
              policyTypes: ['Ingress'],
              ingress: [
                {
                  from: [{ namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: ['kube-system'] }] } }],
                  ports: [{ port: 9200 }],
                },
              ],
            }),
          ),
        ),
    ],
    ["the lock renewal's policy lost", 'the offsite lock renewal', (s) => withPolicies(s, without(BACKUP_LOCK.namespace, BACKUP_LOCK.name))],
    [
      "the lock renewal given its namespace's egress (the Kubernetes API)",
      'the offsite lock renewal',
      (s) =>
        withPolicies(
          s,
          adding(
            policy(BACKUP_LOCK.namespace, 'union', {
              podSelector: { matchLabels: { 'app.kubernetes.io/name': BACKUP_LOCK.name } },
              policyTypes: ['Egress'],
              egress: egressOf(s, BACKUP_LOCK.namespace, externalSecretsDefaults.name),
            }),
          ),
        ),
    ],
    ["Elasticsearch's policy lost", "Elasticsearch's 9200", (s) => withPolicies(s, without(ELASTICSEARCH.namespace, `${ELASTICSEARCH.name}-es-default`))],
    ...((): [string, string, (s: Scenario) => Scenario][] => {
      const logging = ELASTICSEARCH.namespace;
      // The namespace's egress, as every pod of it had before: its own namespace, DNS and the API server.
      const asBefore = (s: Scenario) =>
        withPolicies(
          s,
          adding(
            policy(logging, 'union', {
              podSelector: {},
              policyTypes: ['Egress'],
              egress: [{ to: [{ podSelector: {} }] }, ...egressOf(s, logging, 'elastic-operator')],
            }),
            sameNamespaceIngress(logging),
          ),
        );
      const union = `every pod of ${logging} given the namespace's egress (as before)`;
      return [
        [`${union}: Elasticsearch, Kibana and the setup jobs reach the API server`, 'in logging only the ECK operator', asBefore],
        [`${union}: Kibana and the operator reach Elasticsearch's 9300 and each other`, 'inside logging', asBefore],
        ["the ECK operator's policy lost", 'the ECK operator reaches', (s) => withPolicies(s, without(logging, 'elastic-operator'))],
        ["Elasticsearch's policy lost: its nodes lose 9300", 'inside logging', (s) => withPolicies(s, without(logging, `${ELASTICSEARCH.name}-es-default`))],
        ["the setup Job's policy lost: it loses Kibana", 'inside logging', (s) => withPolicies(s, without(logging, 'elasticsearch-setup-apply'))],
        ["Kibana's policy lost", "the log pipeline's flows", (s) => withPolicies(s, without(logging, `${ELASTICSEARCH.name}-kb`))],
        ["ElastAlert2's policy lost", "the log pipeline's flows", (s) => withPolicies(s, without(elastAlertDefaults.namespace, elastAlertDefaults.name))],
        [
          "Fluent Bit's pods given their own namespace again (as before)",
          "Fluent Bit's two releases and ElastAlert2",
          (s) =>
            withPolicies(
              s,
              adding(
                policy(fluentBitDefaults.namespace, 'union', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: {} }] }] }),
                sameNamespaceIngress(fluentBitDefaults.namespace),
              ),
            ),
        ],
      ];
    })(),
    [
      "cert-manager's workload policies lost",
      'cert-manager reaches',
      (s) => withPolicies(s, (policies) => policies.filter((p) => !(p.metadata.namespace === 'cert-manager' && p.metadata.name !== 'default-deny'))),
    ],
    [
      'external-dns given port 53 out',
      'external-dns reaches Route53',
      (s) =>
        withPolicies(
          s,
          adding(
            policy('external-dns', 'dns-out', {
              podSelector: {},
              policyTypes: ['Egress'],
              egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'UDP', port: 53 }] }],
            }),
          ),
        ),
    ],
    [
      'backup jobs given every namespace',
      'each backup job',
      (s) =>
        withPolicies(
          s,
          adding(
            policy(backedUp, 'oops', {
              podSelector: { matchLabels: { [BACKUP_COMPONENT_LABEL]: 'backup' } },
              policyTypes: ['Egress'],
              egress: [{ to: [{ namespaceSelector: {} }] }],
            }),
          ),
        ),
    ],
    [
      "the Envoy Gateway controller's policy (its webhook) lost",
      'the API server reaches',
      (s) => withPolicies(s, without(GATEWAY_PROXY_NAMESPACE, 'envoy-gateway')),
    ],
    [
      "metrics-server's pods given their own namespace again (as before)",
      'a platform namespace whose workloads each declare',
      (s) =>
        withPolicies(
          s,
          adding(
            policy('metrics-server', 'union', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: {} }] }] }),
            sameNamespaceIngress('metrics-server'),
          ),
        ),
    ],
    [
      'a platform namespace allowed every port to private ranges',
      "every platform namespace's egress",
      (s) =>
        withPolicies(
          s,
          adding(policy('metrics-server', 'oops', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] })),
        ),
    ],
  ])('%s', (_what, start, breakIt) => {
    const name = rule(start);
    expect(failures(real, name)).toEqual([]);
    expect(failures(breakIt(real), name).length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------------
// The Mountpoint pods (mount-s3), where an app mounts its bucket with Mountpoint: they run with the app's
// credentials, so they reach what a bucket client needs and nothing else, and nothing reaches them.

const mountpointPodsOf = (s: Scenario) => s.network.pods.filter((p) => p.namespace === MOUNTPOINT_POD_NAMESPACE).map((p) => p.id);
const S3_PORT = 443;
/** The external endpoints at public addresses (constructs/network/external-endpoints.ts). */
const PUBLIC_EXTERNALS = ['ext:internet', 'ext:s3', 'ext:route53', 'ext:name-servers'];

/** Every flow from and to the Mountpoint pods, each expected as allowed or denied. */
function mountpointProbes(s: Scenario): Probe[] {
  const rule = 'Mountpoint pods: DNS, S3 and the Pod Identity agent only';
  const allowedOut = (to: string, protocol: Protocol, port: number): boolean => {
    if (to === `ns:${CLUSTER_DNS.namespace}`) return port === CLUSTER_DNS.port && protocol !== 'SCTP';
    if (to === 'ext:pod-identity') return protocol === 'TCP' && port === POD_IDENTITY_AGENT.port;
    // S3's addresses are public: a policy cannot tell them from the internet's, Route53's among them.
    return PUBLIC_EXTERNALS.includes(to) && protocol === 'TCP' && port === S3_PORT;
  };
  return mountpointPodsOf(s).flatMap((pod) => [
    probe(pod, 'ext:s3', 'TCP', S3_PORT, 'allowed', rule),
    probe(pod, 'ext:pod-identity', 'TCP', POD_IDENTITY_AGENT.port, 'allowed', rule),
    ...columns(s)
      .filter((to) => to !== `ns:${MOUNTPOINT_POD_NAMESPACE}`)
      .flatMap((to) =>
        [...everyPort(s), { protocol: 'TCP' as const, port: METADATA_ENDPOINT.port }].map(({ protocol, port }) =>
          probe(pod, to, protocol, port, allowedOut(to, protocol, port) ? 'allowed' : 'denied', rule),
        ),
      ),
    ...sourceRows(s)
      .filter((from) => from !== `ns:${MOUNTPOINT_POD_NAMESPACE}`)
      .flatMap((from) => everyPort(s).map(({ protocol, port }) => probe(from, pod, protocol, port, 'denied', `${rule}; nothing in`))),
  ]);
}

describe('the Mountpoint pods reach DNS, S3 on 443 and the Pod Identity agent, and nothing reaches them', () => {
  const running = SCENARIOS.filter((s) => mountpointPodsOf(s).length > 0);

  test('the network fixture runs them (an app on Mountpoint)', () => {
    expect(running.map((s) => s.name)).toContain('fixture');
  });

  test.each(running.map((s) => [s.name, s] as const))('cluster %s', (_name, s) => {
    const probes = mountpointProbes(s);
    expect(probes.filter((p) => p.expected === 'allowed').length).toBeGreaterThan(3);
    expect(failedProbes(s.network, evaluatorOf(s), probes)).toEqual([]);
    // The independent model agrees.
    const literal = new LiteralEvaluator(s.network);
    expect(probes.filter((p) => probeAllows(s.network, evaluatorOf(s), p) !== probeAllows(s.network, literal, p))).toEqual([]);
  });

  const fixture = running.find((s) => s.name === 'fixture')!;
  test.each<[string, (s: Scenario) => Scenario]>([
    [
      "mount-s3's policies lost (the add-on's namespace unfiltered)",
      (s) => withPolicies(s, (p) => p.filter((x) => x.metadata.namespace !== MOUNTPOINT_POD_NAMESPACE)),
    ],
    ['the Mountpoint policy lost (default-deny alone: no bucket)', (s) => withPolicies(s, without(MOUNTPOINT_POD_NAMESPACE, 'mountpoint'))],
    [
      'an app private service opened to them',
      (s) =>
        withPolicies(
          s,
          adding(
            policy(MOUNTPOINT_POD_NAMESPACE, 'oops', {
              podSelector: {},
              policyTypes: ['Egress'],
              egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
            }),
          ),
        ),
    ],
  ])('it fails with %s', (_what, breakIt) => {
    expect(failedProbes(fixture.network, evaluatorOf(fixture), mountpointProbes(fixture))).toEqual([]);
    const broken = breakIt(fixture);
    expect(failedProbes(broken.network, new PolicyEvaluator(broken.network), mountpointProbes(broken)).length).toBeGreaterThan(0);
  });
});

describe('ElastAlert2 and its watchdog reach the internet only on the ports their receivers need', () => {
  // A mail relay on 465 and no chat: neither 587 nor 443 stays open.
  const mailOnly: ClusterSpec = { ...FIXTURE_INPUT.clusters[0], alerting: { email: { ...FIXTURE_INPUT.clusters[0].alerting!.email, smtpPort: 465 } } };
  const s = scenarioOf('mail only, on 465', mailOnly, buildAll({ ...FIXTURE_INPUT, clusters: [mailOnly] }), FIXTURE_INPUT.apps);

  test('mail on 465 passes; 587 and 443 do not', () => {
    const probes = alertingInternetProbes(s);
    const pods = [...new Set(probes.map((p) => p.from))].sort();
    expect(pods).toEqual(
      [podIdOf(elastAlertDefaults.namespace, 'CronJob', 'alerting-watchdog'), podIdOf(elastAlertDefaults.namespace, 'Deployment', 'elastalert')].sort(),
    );
    expect(probes.filter((p) => p.expected === 'allowed').map((p) => p.port)).toEqual([465, 465]);
    expect(failedProbes(s.network, new PolicyEvaluator(s.network), probes)).toEqual([]);
  });

  test('with 587 and a chat webhook, as the fixture cluster has, both are open', () => {
    const fixture = SCENARIOS.find((x) => x.name === 'fixture')!;
    expect(fixture.cluster.alerting).toMatchObject({ email: { smtpPort: 587 }, chat: {} });
    const probes = alertingInternetProbes(fixture);
    expect(new Set(probes.filter((p) => p.expected === 'allowed').map((p) => p.port))).toEqual(new Set([443, 587]));
    expect(failedProbes(fixture.network, evaluatorOf(fixture), probes)).toEqual([]);
  });
});

/*
 * The certificate check (constructs/alerts/certificate-check.ts) connects to the Gateway's proxies on their HTTPS
 * port: its own egress names that port in the Gateway's namespace, and the proxies admit it there from anywhere.
 * Every other pod and every place outside, on every port, is closed to it, DNS aside: no Elasticsearch (its
 * lines go through stdout), no app directly, no internet, no API server.
 */
describe('the certificate check reaches the proxies on their HTTPS port, and nothing else but DNS', () => {
  test.each(SCENARIOS.map((s) => [s.name, s] as const))('cluster %s', (_name, s) => {
    const check = podIdOf(elastAlertDefaults.namespace, 'CronJob', CERTIFICATE_CHECK.name);
    expect(s.network.pods.map((p) => p.id)).toContain(check);
    const proxies = new Set(proxiesOf(s));
    expect(proxies.size).toBeGreaterThan(0);
    const dns = podIdOf(CLUSTER_DNS.namespace, 'Deployment', 'coredns');
    const allowed = (to: string, protocol: Protocol, port: number) =>
      (proxies.has(to) && protocol === 'TCP' && port === PROXY_PORTS[1]) || (to === dns && port === CLUSTER_DNS.port && protocol !== 'SCTP');
    const targets = [...s.network.pods.map((p) => p.id).filter((id) => id !== check), ...s.network.externals.map((e) => e.id)];
    const probes = targets.flatMap((to) =>
      everyPort(s).map(({ protocol, port }) => probe(check, to, protocol, port, allowed(to, protocol, port) ? 'allowed' : 'denied', 'certificate check')),
    );
    expect(probes.filter((p) => p.expected === 'allowed' && proxies.has(p.to)).map((p) => p.port)).toEqual([...proxies].map(() => PROXY_PORTS[1]));
    expect(failedProbes(s.network, evaluatorOf(s), probes)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Elasticsearch and Kibana admit their clients' pods, not the clients' namespaces, and the clients reach
// Elasticsearch's pods, not every pod of logging. Each peer names a namespace and the pods' labels in one
// entry, with the labels the charts and operators give those pods at the versions we pin:
// - Fluent Bit (both releases): fluent/helm-charts tag fluent-bit-0.47.0, charts/fluent-bit/templates/_helpers.tpl,
//   `fluent-bit.selectorLabels` (app.kubernetes.io/name: the chart's name, app.kubernetes.io/instance: the release's),
//   which daemonset.yaml and deployment.yaml put on the pod template; the HelmRelease's releaseName is the add-on's name.
// - ElastAlert2: jertel/elastalert2 tag 2.26.0, chart/elastalert2/templates/_labels.tpl `common.labels.matchLabels`
//   (app.kubernetes.io/name: elastalert2, app.kubernetes.io/instance), in templates/deployment.yaml's pod labels.
// - the alerting watchdog and the setup Job and CronJob: our own objects, with the labels we write.
// - Elasticsearch: elastic/cloud-on-k8s tag v3.2.0, pkg/controller/elasticsearch/label/label.go `NewPodLabels`
//   (elasticsearch.k8s.elastic.co/cluster-name); its HTTP Service selects on `NewLabels`, which holds that label
//   (pkg/controller/elasticsearch/services/services.go `NewExternalService`), so the network policy controller
//   adds the Service's ClusterIP to a client's egress (aws/amazon-network-policy-controller-k8s v1.1.7,
//   pkg/resolvers/endpoints.go `getMatchingServiceClusterIPs`: a Service whose selector the peer's podSelector matches).
// - Kibana: the same tag, pkg/controller/kibana/label/label.go (kibana.k8s.elastic.co/name); its Service selects on
//   pkg/apis/kibana/v1/labels.go `GetIdentityLabels`, which holds it.
// - the Gateway's proxies: envoyproxy/gateway tag v1.5.1, internal/infrastructure/kubernetes/proxy/resource.go
//   `EnvoyAppLabel`, and internal/gatewayapi/helpers.go `OwnerLabels` (merged Gateways: owning-gatewayclass).

/** A pod the platform does not declare: in `namespace`, with `labels`, listening on Elasticsearch's and Kibana's ports. */
const strayPod = (s: Scenario, namespace: string, name: string, labels: Record<string, string>): Scenario['network']['pods'][number] => ({
  type: 'pods',
  id: podIdOf(namespace, 'Pod', name),
  namespace,
  kind: 'Pod',
  name,
  labels,
  ports: [ELASTICSEARCH_PORT, KIBANA_SERVICE.port].map((port) => ({ port, protocol: 'TCP' as const })),
  address: s.network.pods[0].address,
});
const CLIENT_NAMESPACES = [fluentBitDefaults.namespace, elastAlertDefaults.namespace];
const esClientsOf = (s: Scenario) => s.network.pods.filter((p) => CLIENT_NAMESPACES.includes(p.namespace) && !isCertificateCheck(p));
/**
 * The scenario with pods nobody declared: one without labels of note in each client namespace, in the proxies'
 * namespace and in logging; and in an app namespace, one with each client's labels and one with the proxies'.
 * Each may send anything (a policy opens its egress), so only the destination's ingress stands in its way.
 */
function withStrays(s: Scenario): Scenario {
  const [app] = namespacesOf(s, 'app');
  const proxy = s.network.pods.find((p) => p.namespace === GATEWAY_PROXY_NAMESPACE && p.role === 'data-plane')!;
  const strays = [
    ...[...CLIENT_NAMESPACES, GATEWAY_PROXY_NAMESPACE, ELASTICSEARCH.namespace].map((ns) => strayPod(s, ns, 'stray', { app: 'stray' })),
    ...esClientsOf(s).map((client) => strayPod(s, app, `like-${client.name}`, client.labels)),
    strayPod(s, app, 'like-the-proxies', proxy.labels),
  ];
  const sendAnything = strays.map((p) =>
    policy(p.namespace, `${p.name}-out`, { podSelector: { matchLabels: { ...p.labels } }, policyTypes: ['Egress'], egress: [{}] }),
  );
  return { ...s, network: { ...s.network, pods: [...s.network.pods, ...strays], policies: [...s.network.policies, ...sendAnything] } };
}
const isStray = (id: string) => /\/Pod\/(stray|like-)/.test(id);

/** Who reaches Elasticsearch's 9200 and Kibana's 5601: the declared clients and proxies, never a stray. */
function logStoreProbes(s: Scenario): Probe[] {
  const es = elasticsearchOf(s);
  const kibana = kibanaOf(s);
  const strays = s.network.pods.filter((p) => isStray(p.id));
  return [
    ...esClientsOf(s)
      .filter((p) => !isStray(p.id))
      .flatMap((client) => es.map((to) => probe(client.id, to.id, 'TCP', ELASTICSEARCH_PORT, 'allowed', `${client.name} to Elasticsearch`))),
    ...proxiesOf(s).flatMap((proxy) => kibana.map((to) => probe(proxy, to.id, 'TCP', KIBANA_SERVICE.port, 'allowed', 'the Gateway to Kibana'))),
    ...strays.flatMap((stray) => [
      ...es.map((to) => probe(stray.id, to.id, 'TCP', ELASTICSEARCH_PORT, 'denied', `${stray.id}: not a client of Elasticsearch`)),
      ...kibana.map((to) => probe(stray.id, to.id, 'TCP', KIBANA_SERVICE.port, 'denied', `${stray.id}: not a client of Kibana`)),
    ]),
  ];
}

/** With logging's ingress opened to all, what the clients' and proxies' own egress lets through beyond Elasticsearch's and Kibana's pods there. */
function clientEgressFailures(s: Scenario): string[] {
  const open = withPolicies(s, adding(policy(ELASTICSEARCH.namespace, 'open', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] })));
  const stray = podIdOf(ELASTICSEARCH.namespace, 'Pod', 'stray');
  const others = loggingPods(s).filter((p) => p.role !== 'datastore' && !isStray(p.id));
  const probes = [
    ...esClientsOf(s)
      .filter((p) => !isStray(p.id))
      .flatMap((client) => [
        ...elasticsearchOf(s).map((es) => probe(client.id, es.id, 'TCP', ELASTICSEARCH_PORT, 'allowed', `${client.name} to Elasticsearch`)),
        probe(client.id, stray, 'TCP', ELASTICSEARCH_PORT, 'denied', `${client.name}: Elasticsearch's pods only`),
        ...others.map((p) => probe(client.id, p.id, 'TCP', ELASTICSEARCH_PORT, 'denied', `${client.name}: not ${p.name}`)),
      ]),
    ...proxiesOf(s).map((proxy) => probe(proxy, stray, 'TCP', KIBANA_SERVICE.port, 'denied', "the proxies: Kibana's pods only")),
  ];
  expect(probes.length).toBeGreaterThan(0);
  return failedProbes(open.network, new PolicyEvaluator(open.network), probes);
}

describe("Elasticsearch's and Kibana's clients are pods, not namespaces", () => {
  test.each(SCENARIOS.map((s) => [s.name, s] as const))('cluster %s: only the client pods reach them, in both evaluators', (_name, real) => {
    const s = withStrays(real);
    const probes = logStoreProbes(s);
    expect(probes.filter((p) => p.expected === 'allowed').length).toBeGreaterThanOrEqual(esClientsOf(real).length);
    expect(probes.filter((p) => p.expected === 'denied').length).toBeGreaterThan(0);
    expect(failedProbes(s.network, new PolicyEvaluator(s.network), probes)).toEqual([]);
    const literal = new LiteralEvaluator(s.network);
    expect(failedProbes(s.network, literal, probes)).toEqual([]);
  });

  test.each(SCENARIOS.map((s) => [s.name, s] as const))(
    "cluster %s: the clients' egress reaches Elasticsearch's pods, not the rest of logging",
    (_name, real) => {
      expect(clientEgressFailures(withStrays(real))).toEqual([]);
    },
  );

  const real = SCENARIOS.find((s) => s.name === 'fixture')!;
  /** The peers of a policy with their podSelector dropped where they also name a namespace: the namespace-wide form. */
  const namespaceWide = (namespace: string, name: string, direction: 'ingress' | 'egress') => (policies: readonly KubeObject[]) =>
    policies.map((p) => {
      if (p.metadata.namespace !== namespace || p.metadata.name !== name) return p;
      const key = direction === 'ingress' ? 'from' : 'to';
      const rules = ((p.spec as Json)[direction] ?? []).map((r: Json) => ({
        ...r,
        ...(r[key] ? { [key]: r[key].map((peer: Json) => (peer.namespaceSelector ? { namespaceSelector: peer.namespaceSelector } : peer)) } : {}),
      }));
      return { ...p, spec: { ...(p.spec as Json), [direction]: rules } };
    });
  test.each<[string, (s: Scenario) => Scenario, (s: Scenario) => number]>([
    [
      "Elasticsearch admitting its clients' whole namespaces",
      (s) => withPolicies(s, namespaceWide(ELASTICSEARCH.namespace, `${ELASTICSEARCH.name}-es-default`, 'ingress')),
      (s) => failedProbes(s.network, new PolicyEvaluator(s.network), logStoreProbes(s)).length,
    ],
    [
      "Kibana admitting the proxies' whole namespace",
      (s) => withPolicies(s, namespaceWide(KIBANA.namespace, `${KIBANA.name}-kb`, 'ingress')),
      (s) => failedProbes(s.network, new PolicyEvaluator(s.network), logStoreProbes(s)).length,
    ],
    [
      'a peer that names the namespace and the labels in two entries (either, not both)',
      (s) =>
        withPolicies(s, (policies) =>
          policies.map((p) =>
            p.metadata.name !== `${ELASTICSEARCH.name}-es-default`
              ? p
              : {
                  ...p,
                  spec: {
                    ...(p.spec as Json),
                    ingress: ((p.spec as Json).ingress as Json[]).map((r) => ({
                      ...r,
                      from: r.from.flatMap((peer: Json) =>
                        peer.namespaceSelector && peer.podSelector
                          ? [{ namespaceSelector: peer.namespaceSelector }, { podSelector: peer.podSelector }]
                          : [peer],
                      ),
                    })),
                  },
                },
          ),
        ),
      (s) => failedProbes(s.network, new PolicyEvaluator(s.network), logStoreProbes(s)).length,
    ],
    [
      "Fluent Bit's egress to the whole of logging",
      (s) => withPolicies(s, namespaceWide(fluentBitDefaults.namespace, fluentBitDefaults.name, 'egress')),
      (s) => clientEgressFailures(s).length,
    ],
  ])('the check fails with %s', (_what, breakIt, failures) => {
    const s = withStrays(real);
    expect(failures(s)).toBe(0);
    expect(failures(breakIt(s))).toBeGreaterThan(0);
  });
});

const fluxPodsOf = (s: Scenario) => s.network.pods.filter((p) => p.namespace === FLUX_NAMESPACE);
/** What a Flux controller calls in its own namespace: the appliers download artifacts, all but notification-controller send events. */
const FLUX_CALLS: Readonly<Record<string, readonly string[]>> = {
  'kustomize-controller': ['source-controller', 'notification-controller'],
  'helm-controller': ['source-controller', 'notification-controller'],
  'source-controller': ['notification-controller'],
  'notification-controller': [],
};

/** Every flow from and to Flux's controllers, each expected as allowed or denied. */
function fluxProbes(s: Scenario): Probe[] {
  const rule = "Flux's controllers: DNS, the API server, each other's 9090 as they call it, git and charts for source-controller";
  const allowedOut = (pod: string, to: string, protocol: Protocol, port: number): boolean => {
    if (to === `ns:${CLUSTER_DNS.namespace}`) return port === CLUSTER_DNS.port && protocol !== 'SCTP';
    if (to === 'ext:api-server') return protocol === 'TCP' && port === KUBERNETES_API_PORT;
    // Git over SSH (bootstrap's deploy key) or HTTPS, charts over HTTPS: public addresses, which a policy cannot tell apart.
    return pod === 'source-controller' && PUBLIC_EXTERNALS.includes(to) && protocol === 'TCP' && (port === 22 || port === 443);
  };
  return fluxPodsOf(s).flatMap((pod) => [
    ...columns(s)
      .filter((to) => to !== `ns:${FLUX_NAMESPACE}`)
      .flatMap((to) =>
        [...everyPort(s), { protocol: 'TCP' as const, port: METADATA_ENDPOINT.port }].map(({ protocol, port }) =>
          probe(pod.id, to, protocol, port, allowedOut(pod.name, to, protocol, port) ? 'allowed' : 'denied', rule),
        ),
      ),
    ...fluxPodsOf(s).flatMap((to) =>
      everyPort(s).map(({ protocol, port }) =>
        probe(
          pod.id,
          to.id,
          protocol,
          port,
          FLUX_CALLS[pod.name].includes(to.name) && protocol === 'TCP' && port === FLUX_HTTP_PORT ? 'allowed' : 'denied',
          rule,
        ),
      ),
    ),
    ...sourceRows(s)
      .filter((from) => from !== `ns:${FLUX_NAMESPACE}`)
      .flatMap((from) => everyPort(s).map(({ protocol, port }) => probe(from, pod.id, protocol, port, 'denied', `${rule}; nothing in from outside`))),
  ]);
}

describe("Flux's controllers reach what they call, and nothing outside flux-system reaches them", () => {
  test.each(SCENARIOS.map((s) => [s.name, s] as const))('cluster %s', (_name, s) => {
    expect(
      fluxPodsOf(s)
        .map((p) => p.name)
        .sort(),
    ).toEqual(Object.keys(FLUX_CALLS).sort());
    const probes = fluxProbes(s);
    expect(failedProbes(s.network, evaluatorOf(s), probes)).toEqual([]);
    const literal = new LiteralEvaluator(s.network);
    expect(probes.filter((p) => probeAllows(s.network, evaluatorOf(s), p) !== probeAllows(s.network, literal, p))).toEqual([]);
  });

  const fixture = SCENARIOS.find((s) => s.name === 'fixture')!;
  const bootstrapPolicies = parseAllDocuments(fs.readFileSync(path.join(__dirname, 'fixtures', 'flux', 'bootstrap-policies.yaml'), 'utf8')).map(
    (d) => d.toJSON() as KubeObject,
  );
  test.each<[string, (s: Scenario) => Scenario]>([
    // What bootstrap installs: every pod of every namespace in to the metrics and Receiver ports, Flux out anywhere.
    [
      "bootstrap's own policies in place of ours",
      (s) => withPolicies(s, (p) => [...p.filter((x) => x.metadata.namespace !== FLUX_NAMESPACE), ...bootstrapPolicies]),
    ],
    ["bootstrap's policies left beside ours (no delete patch)", (s) => withPolicies(s, adding(...bootstrapPolicies))],
    ['the default policy lost', (s) => withPolicies(s, without(FLUX_NAMESPACE, 'flux-default'))],
    ["source-controller's policy lost (no git, no charts)", (s) => withPolicies(s, without(FLUX_NAMESPACE, 'flux-source-controller'))],
    ["the appliers' policy lost (no artifacts)", (s) => withPolicies(s, without(FLUX_NAMESPACE, 'flux-appliers'))],
  ])('it fails with %s', (_what, breakIt) => {
    const broken = breakIt(fixture);
    expect(failedProbes(broken.network, new PolicyEvaluator(broken.network), fluxProbes(broken)).length).toBeGreaterThan(0);
  });
});

describe("platform namespaces' policies name their egress ports", () => {
  /** Egress rules of platform namespaces that open every port beyond the namespace's own pods. */
  const openRules = (objects: readonly KubeObject[], platform: readonly string[]) =>
    objects
      .filter((o) => o.kind === 'NetworkPolicy' && platform.includes(o.metadata.namespace!))
      .flatMap((o) => ((o.spec as Json).egress ?? []).map((rule: Json) => ({ policy: `${o.metadata.namespace}/${o.metadata.name}`, rule })))
      .filter(({ rule }) => {
        const ownPodsOnly = (rule.to ?? []).length > 0 && rule.to.every((peer: Json) => peer.podSelector && !peer.namespaceSelector && !peer.ipBlock);
        const named = (rule.ports ?? []).length > 0 && rule.ports.every((p: Json) => typeof p.port === 'number' && p.endPort === undefined);
        return !ownPodsOnly && !named;
      })
      .map(({ policy: p }) => p);

  test.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: every egress rule names its ports', (_name, s) => {
    const platform = namespacesOf(s, 'platform');
    expect(platform.length).toBeGreaterThan(0);
    expect(openRules(s.objects, platform)).toEqual([]);
  });

  test('a rule to private ranges without ports is caught', () => {
    const s = SCENARIOS[0];
    const broken = [...s.objects, policy('fluent-bit', 'oops', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] })];
    expect(openRules(broken, namespacesOf(s, 'platform'))).toEqual(['fluent-bit/oops']);
  });
});

// ---------------------------------------------------------------------------------------------------
// An independent model of the same policies agrees.

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('cluster %s: the literal evaluator agrees with the policy evaluator', (_name, s) => {
  const literal = new LiteralEvaluator(s.network);

  test('on every probe of every rule', () => {
    const probes = Object.values(RULES).flatMap((rule) => rule(s));
    expect(probes.length).toBeGreaterThan(0);
    const disagreements = probes.filter((p) => probeAllows(s.network, evaluatorOf(s), p) !== probeAllows(s.network, literal, p));
    expect(disagreements).toEqual([]);
  });

  test('on every cell of the matrix, port by port', () => {
    expect(matrixDisagreements(s.network, evaluatorOf(s), literal)).toEqual([]);
  });
});

/** Cells where the two evaluators differ on some candidate port, as `row -> column: protocol/port`. */
function matrixDisagreements(network: ClusterNetwork, evaluator: PolicyEvaluator, literal: LiteralEvaluator, onlyColumn?: string): string[] {
  const matrix = namespaceMatrixOf(network, sourceFlowsOf(network, evaluator));
  const candidates = candidatePortsOf(network);
  expect(matrix.rows.length * matrix.columns.length).toBeGreaterThan(0);
  const out: string[] = [];
  for (const row of matrix.rows) {
    for (const column of matrix.columns.filter((c) => !onlyColumn || c.id === onlyColumn)) {
      const ports = matrix.cell(row.id, column.id);
      const literally = literalCell(network, literal, row.id, column.id, candidates);
      for (const protocol of PROTOCOLS) {
        for (const port of candidates) {
          if (ports.contains(protocol, port) !== literally.has(`${protocol}/${port}`)) out.push(`${row.id} -> ${column.id}: ${protocol}/${port}`);
        }
      }
    }
  }
  return out;
}

test('the agreement check catches an evaluator that reads a rule differently', () => {
  const s = SCENARIOS[0];
  // The literal evaluator reading the policies without their ipBlock exceptions: internet rules then reach the metadata endpoint.
  const noExcept = {
    ...s.network,
    policies: s.network.policies.map((p) => JSON.parse(JSON.stringify(p, (key, value) => (key === 'except' ? undefined : value)))),
  };
  const disagreements = matrixDisagreements(s.network, evaluatorOf(s), new LiteralEvaluator(noExcept), 'ext:metadata');
  expect(disagreements).toContain(`ns:${namespacesOf(s, 'app').find((a) => s.apps.find((x) => x.name === a)?.outboundHttps)} -> ext:metadata: TCP/443`);
});

// ---------------------------------------------------------------------------------------------------
// The semantics, on a network small enough to read: both evaluators answer as the API documents.

describe('NetworkPolicy semantics, in both evaluators', () => {
  const ns = (name: string, labels: Record<string, string> = {}) => ({ name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name }, kind: 'app' as const });
  const pod = (namespace: string, name: string, labels: Record<string, string>, ports: { name?: string; port: number; protocol: Protocol }[] = []) => ({
    type: 'pods' as const,
    id: podIdOf(namespace, 'Deployment', name),
    namespace,
    kind: 'Deployment',
    name,
    labels,
    ports,
    address: '10.1.0.5',
  });
  const tiny = (...policies: KubeObject[]): ClusterNetwork => ({
    cluster: 'tiny',
    namespaces: [ns('a', { team: 'x' }), ns('b', { team: 'y' })],
    pods: [
      pod('a', 'web', { app: 'web', tier: 'front' }, [{ name: 'http', port: 8080, protocol: 'TCP' }]),
      pod('a', 'db', { app: 'db' }),
      pod('b', 'client', { app: 'client' }),
    ],
    externals: [{ type: 'external', id: 'ext:internet', title: 'internet', addresses: ['198.51.100.7'], sourceAddress: '198.51.100.7', note: '' }],
    policies,
  });
  const WEB = 'pod:a/Deployment/web';
  const DB = 'pod:a/Deployment/db';
  const CLIENT = 'pod:b/Deployment/client';
  const ask = (network: ClusterNetwork, evaluator: FlowEvaluator, from: string, to: string, port: number, protocol: Protocol = 'TCP') =>
    probeAllows(network, evaluator, probe(from, to, protocol, port, 'allowed', ''));

  test.each<[string, KubeObject[], [string, string, number, Protocol, boolean][]]>([
    [
      'no policy: everything is allowed',
      [],
      [
        [CLIENT, WEB, 1234, 'TCP', true],
        [WEB, 'ext:internet', 53, 'UDP', true],
      ],
    ],
    [
      'a policy without policyTypes and without egress isolates ingress only',
      [policy('a', 'deny', { podSelector: {} })],
      [
        [CLIENT, WEB, 8080, 'TCP', false],
        [WEB, 'ext:internet', 443, 'TCP', true],
        [WEB, CLIENT, 5, 'TCP', true],
      ],
    ],
    [
      'a policy without policyTypes but with egress rules isolates egress too',
      [policy('a', 'out', { podSelector: {}, egress: [{ ports: [{ port: 443 }] }] })],
      [
        [WEB, 'ext:internet', 443, 'TCP', true],
        [WEB, 'ext:internet', 80, 'TCP', false],
        [CLIENT, WEB, 80, 'TCP', false],
      ],
    ],
    [
      'a named port resolves against the destination container; outside it names nothing',
      [
        policy('a', 'in', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] }),
        policy('b', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] }),
      ],
      [
        [CLIENT, WEB, 8080, 'TCP', true],
        [CLIENT, WEB, 8081, 'TCP', false],
        [CLIENT, DB, 8080, 'TCP', false],
        [CLIENT, 'ext:internet', 8080, 'TCP', false],
      ],
    ],
    [
      'endPort makes a range, both ends included',
      [policy('a', 'in', { podSelector: {}, ingress: [{ ports: [{ port: 8000, endPort: 8080 }] }] })],
      [
        [CLIENT, WEB, 7999, 'TCP', false],
        [CLIENT, WEB, 8000, 'TCP', true],
        [CLIENT, WEB, 8080, 'TCP', true],
        [CLIENT, WEB, 8081, 'TCP', false],
      ],
    ],
    [
      'a port names one protocol (TCP by default)',
      [policy('a', 'in', { podSelector: {}, ingress: [{ ports: [{ port: 53 }, { protocol: 'UDP', port: 5353 }] }] })],
      [
        [CLIENT, WEB, 53, 'TCP', true],
        [CLIENT, WEB, 53, 'UDP', false],
        [CLIENT, WEB, 5353, 'UDP', true],
        [CLIENT, WEB, 5353, 'SCTP', false],
      ],
    ],
    [
      'namespaceSelector and podSelector in one peer mean both; in two peers, either',
      [
        policy('a', 'and', {
          podSelector: { matchLabels: { app: 'web' } },
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } }, podSelector: { matchLabels: { app: 'db' } } }] }],
        }),
        policy('a', 'or', {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } } }, { podSelector: { matchLabels: { app: 'nobody' } } }] }],
        }),
      ],
      [
        [CLIENT, WEB, 80, 'TCP', false],
        [CLIENT, DB, 80, 'TCP', true],
        [WEB, DB, 80, 'TCP', false],
      ],
    ],
    [
      'a podSelector alone means the policy’s own namespace',
      [policy('a', 'in', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }] })],
      [[CLIENT, WEB, 80, 'TCP', false]],
    ],
    [
      'matchExpressions: In, NotIn, Exists, DoesNotExist',
      [
        policy('a', 'in', {
          podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
          ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['y', 'z'] }] } }] }],
        }),
        policy('a', 'db', {
          podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
          ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['y'] }] } }] }],
        }),
      ],
      [
        [CLIENT, WEB, 80, 'TCP', true],
        [CLIENT, DB, 80, 'TCP', false],
        [WEB, DB, 80, 'TCP', true],
      ],
    ],
    [
      'ipBlock with except; it matches pod addresses too',
      [
        policy('a', 'out', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['198.51.100.0/24'] } }] },
            { to: [{ ipBlock: { cidr: '10.1.0.0/16' } }], ports: [{ port: 22 }] },
          ],
        }),
      ],
      [
        [WEB, 'ext:internet', 443, 'TCP', false],
        [WEB, CLIENT, 22, 'TCP', true],
        [WEB, CLIENT, 23, 'TCP', true],
      ],
    ],
    [
      'policies add up; a connection needs egress at the source and ingress at the destination',
      [
        policy('a', 'in-80', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 80 }] }] }),
        policy('a', 'in-81', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 81 }] }] }),
        policy('b', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 81 }, { port: 82 }] }] }),
      ],
      [
        [CLIENT, WEB, 80, 'TCP', false],
        [CLIENT, WEB, 81, 'TCP', true],
        [CLIENT, WEB, 82, 'TCP', false],
        ['ext:internet', WEB, 80, 'TCP', true],
      ],
    ],
    [
      'an empty ingress list admits nothing',
      [policy('a', 'deny', { podSelector: {}, policyTypes: ['Ingress'], ingress: [] })],
      [
        ['ext:internet', WEB, 80, 'TCP', false],
        [DB, WEB, 80, 'TCP', false],
      ],
    ],
  ])('%s', (_what, policies, expectations) => {
    const network = tiny(...policies);
    for (const evaluator of [new PolicyEvaluator(network), new LiteralEvaluator(network)]) {
      const answers = expectations.map(([from, to, port, protocol]) => [from, to, port, protocol, ask(network, evaluator, from, to, port, protocol)]);
      expect(answers).toEqual(expectations);
    }
  });

  test('an unknown selector operator is an error naming it, in both', () => {
    const network = tiny(policy('a', 'bad', { podSelector: { matchExpressions: [{ key: 'app', operator: 'Has' }] } }));
    expect(() => ask(network, new PolicyEvaluator(network), CLIENT, WEB, 80)).toThrow('"Has"');
    expect(() => ask(network, new LiteralEvaluator(network), CLIENT, WEB, 80)).toThrow('"Has"');
  });
});

// ---------------------------------------------------------------------------------------------------
// Synth stops when an add-on's declared webhook is out of the API server's reach.

test("synth fails when an add-on's declared webhook port is not admitted from the API server", () => {
  const proto = EnvoyGatewayAddOn.prototype as Json;
  const declared = proto.workloads;
  proto.workloads = function (this: AddOn, ctx: Json) {
    return declared.call(this, ctx).map((w: Json) => (w.role === 'controller' ? { ...w, ports: [...(w.ports ?? []), { port: 8443, purpose: 'webhook' }] } : w));
  };
  try {
    expect(synthProblemsOf(() => buildAll(REAL_INPUT))).toContain(
      `cluster "${REAL_INPUT.clusters[0].name}": field "addOns.envoy-gateway.network.ingressFromApiServer" = 8443: the API server cannot reach this webhook port of workload Deployment envoy-gateway-system/envoy-gateway`,
    );
  } finally {
    proto.workloads = declared;
  }
});

/**
 * The ports on which the API server calls each chart, read in the chart source at the pinned version;
 * the add-ons' declared webhook ports must be these.
 */
const CHART_WEBHOOK_PORTS: Readonly<Record<string, readonly number[]>> = {
  // envoyproxy/gateway v1.5.1 charts/gateway-helm: templates/envoy-gateway-deployment.yaml (containerPort `webhook` 9443 while
  // topologyInjector.enabled, true in values.tmpl.yaml) and templates/envoy-proxy-topology-injector-webhook.yaml (port 9443).
  'envoy-gateway': [9443],
  // cert-manager/cert-manager v1.18.2 deploy/charts/cert-manager/values.yaml: webhook.securePort: 10250.
  'cert-manager': [10250],
  // external-secrets/external-secrets helm-chart-0.19.2 deploy/charts/external-secrets/values.yaml: webhook.port: 10250.
  'external-secrets': [10250],
  // elastic/cloud-on-k8s v3.2.0 deploy/eck-operator/values.yaml: webhook.port: 9443.
  'eck-operator': [9443],
  // kubernetes-sigs/metrics-server metrics-server-helm-chart-3.13.0 charts/metrics-server/values.yaml: containerPort: 10250 (the APIService's backend).
  'metrics-server': [10250],
};

test('the declared webhook ports are the ones read in each chart at its pinned version, and no other add-on has one', () => {
  const s = SCENARIOS[0];
  const declared = webhookPortsOf(s.addOns, { cluster: s.cluster, apps: s.apps });
  expect(declared.length).toBeGreaterThan(0);
  const byAddOn: Record<string, number[]> = {};
  for (const w of declared) byAddOn[w.addOn] = [...(byAddOn[w.addOn] ?? []), w.port].sort((a, b) => a - b);
  expect(byAddOn).toEqual(CHART_WEBHOOK_PORTS);
});
