import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../model/cluster-spec';
import { CLUSTER_ISSUER, GATEWAY, HTTP_LISTENER } from '../model/naming';
import { hardenedContainer, restrictedPod, sized } from '../blocks/hardened-container';
import { EnvoyGatewayAddOn } from './envoy-gateway';
import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource, type AddOnKind } from './add-on';
import type { ChartWorkload, WorkloadValueKeys } from './chart-workload';
import { clusterGatewaysOf } from './cluster-gateways';
import { PLATFORM_PRIORITY } from '../model/priority-names';
import { CERT_MANAGER_ACCOUNT } from '../model/aws-add-on-accounts';
import type { NamedPort, WorkloadEgress } from './network-needs';

/** The port cert-manager's HTTP-01 solver pods serve the challenge on (pkg/issuer/acme/http/http.go, v1.18.2). */
export const ACME_SOLVER_PORT = 8089;

export const certManagerDefaults = {
  name: 'cert-manager',
  namespace: CERT_MANAGER_ACCOUNT.namespace,
  chart: { repository: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.18.2' } as ChartSource,
};
/** The controller's ServiceAccount (chart default), bound to the cloud stack's cert-manager role. */
export const CERT_MANAGER_SERVICE_ACCOUNT = CERT_MANAGER_ACCOUNT.serviceAccount;
export type CertManagerProps = Partial<typeof certManagerDefaults>;

/**
 * What the controller calls on the internet, all of it (cert-manager v1.18.2): the ACME server and Route53's
 * API on 443 (pkg/issuer/acme/dns/route53/route53.go); each host's HTTP-01 self-check, a GET of
 * http://<host>/.well-known/acme-challenge/<token> through the load balancer's public address, on 80
 * (pkg/issuer/acme/http/http.go buildChallengeUrl, testReachability); DNS-01's self-check, which asks the
 * zone's authoritative name servers directly (pkg/issuer/acme/dns/util/wait.go checkDNSPropagation,
 * checkAuthoritativeNss, DNSQuery: port 53, UDP then TCP; dns01-recursive-nameservers-only defaults to false,
 * internal/apis/config/controller/v1alpha1/defaults.go).
 */
const CONTROLLER_INTERNET: readonly NamedPort[] = [
  { port: 80, name: 'HTTP-01 self-check' },
  { port: 443, name: 'ACME, Route53 API' },
  { port: 53, protocol: 'UDP', name: 'DNS-01 self-check' },
  { port: 53, protocol: 'TCP', name: 'DNS-01 self-check' },
];
/**
 * Each workload's own egress, read in cert-manager/cert-manager@v1.18.2. None calls another of its
 * namespace: the API server calls the webhook, not the controller.
 * - The controller: the Kubernetes API, the internet above, and the Pod Identity agent for Route53's
 *   credentials (ambient credentials through the AWS SDK's default chain, see dns01SolverOf).
 * - The webhook: the Kubernetes API only. It keeps its serving CA in the Secret cert-manager-webhook-ca
 *   (internal/webhook/webhook.go buildCertificateSource, pkg/server/tls/authority/authority.go DynamicAuthority:
 *   a Secret informer, Create, Update) and asks SubjectAccessReviews for the approval check
 *   (internal/webhook/webhook.go buildAdmissionChain); it serves, and calls nothing else.
 * - The cainjector: the Kubernetes API only, through a controller-runtime manager on the in-cluster config
 *   (cmd/cainjector/app/controller.go): it reads Certificates and Secrets and patches webhook
 *   configurations, APIServices and CRDs.
 * - startupapicheck: the Kubernetes API only: a dry-run create of a Certificate, which the API server sends
 *   to the webhook itself (cmd/startupapicheck/pkg/check/api/api.go, pkg/util/cmapichecker/cmapichecker.go).
 * Each also keeps the cluster's DNS (the default), as Envoy Gateway's certgen does.
 */
const CONTROLLER_EGRESS: WorkloadEgress = { egressApiServer: true, egressInternet: CONTROLLER_INTERNET, awsCredentials: true };
const API_SERVER_ONLY: WorkloadEgress = { egressApiServer: true };

/**
 * cert-manager with Gateway API support, an ACME ClusterIssuer that solves DNS-01 in the cluster's zone for
 * the wildcard of its domain and HTTP-01 through the first Gateway's HTTP listener for every other name,
 * and one explicit Certificate for the wildcard and for each host it does not cover.
 * Explicit Certificates rather than the Gateway annotation: they are checked against their schema at
 * synth time, reviewers see each one in the diff, and a certificate outlives a listener edit instead of
 * vanishing with it.
 */
export class CertManagerAddOn extends HelmAddOn<typeof certManagerDefaults> {
  /** Its Gateway API support needs the Gateway API CRDs, which Envoy Gateway's chart installs. */
  readonly dependsOn: readonly AddOnKind[] = [EnvoyGatewayAddOn];
  // The API server calls its webhook (chart v1.18.2, values.yaml webhook.securePort: 10250). On the
  // internet: what the controller calls (CONTROLLER_INTERNET). This is the namespace's bound: each
  // workload below declares its own egress within it (`egress`).
  readonly network: AddOnNetwork = {
    ingressFromApiServer: [{ port: 10250, name: 'webhook' }],
    egressApiServer: true,
    egressInternet: CONTROLLER_INTERNET,
    awsCredentials: true,
  };
  /** From the chart at its pinned version. */
  readonly clusterRights =
    'reads and writes Secrets (the certificates) in every namespace, creates and deletes Pods, Services and HTTPRoutes for ACME HTTP-01 challenges; the cainjector patches webhook configurations, APIServices and CRDs (templates/rbac.yaml, cainjector-rbac.yaml)';

  constructor(props: CertManagerProps = {}) {
    super(certManagerDefaults, props);
  }

  values(): Record<string, unknown> {
    return {
      crds: { enabled: true, keep: true },
      // The controller's account, which the cloud stack's Pod Identity role (DNS-01 in the cluster's zone) is bound to.
      serviceAccount: { create: true, name: CERT_MANAGER_SERVICE_ACCOUNT },
      config: {
        apiVersion: 'controller.config.cert-manager.io/v1alpha1',
        kind: 'ControllerConfiguration',
        enableGatewayAPI: true,
      },
    };
  }

  /**
   * Source: cert-manager/cert-manager@v1.18.2 deploy/charts/cert-manager (values.yaml; templates/deployment.yaml,
   * webhook-deployment.yaml, cainjector-deployment.yaml, startupapicheck-job.yaml, *poddisruptionbudget.yaml), and
   * pkg/issuer/acme/http/pod.go for the HTTP-01 solver pods it creates beside the Gateway.
   */
  workloads(): ChartWorkload[] {
    const labels = (name: string, component: string) => ({
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/instance': this.name,
      'app.kubernetes.io/component': component,
    });
    // Every part has the same keys under its own prefix (the controller's at the top level).
    const keysAt = (prefix: string, container: string, job = false): WorkloadValueKeys => ({
      ...(job ? {} : { replicas: `${prefix}replicaCount`, topologySpreadConstraints: `${prefix}topologySpreadConstraints` }),
      ...(job ? {} : { disruptionBudget: { path: `${prefix}podDisruptionBudget`, enabledFlag: true } }),
      podSecurityContext: `${prefix}securityContext`,
      containers: { [container]: { securityContext: `${prefix}containerSecurityContext`, resources: `${prefix}resources` } },
      priorityClassName: 'global.priorityClassName',
    });
    const part = (memory: string, limit: string) => ({ securityContext: hardenedContainer(), resources: sized('10m', memory, limit) });
    const common = { podSecurityContext: restrictedPod(), priorityClassName: PLATFORM_PRIORITY };
    return [
      {
        kind: 'Deployment',
        name: 'cert-manager',
        role: 'controller',
        podLabels: labels('cert-manager', 'controller'),
        podSecurity: 'restricted',
        // One replica, leader-elected: a drain moves it, and certificates renew 30 days early.
        settings: { ...common, replicas: 1, containers: { 'cert-manager-controller': part('64Mi', '256Mi') } },
        keys: keysAt('', 'cert-manager-controller'),
        ports: [{ port: 9402, purpose: 'metrics' }],
        egress: CONTROLLER_EGRESS,
      },
      {
        kind: 'Deployment',
        name: 'cert-manager-webhook',
        role: 'webhook',
        podLabels: labels('webhook', 'webhook'),
        podSecurity: 'restricted',
        // failurePolicy Fail: while no replica answers, no certificate object can be written.
        settings: {
          ...common,
          replicas: 2,
          spread: true,
          disruptionBudget: { maxUnavailable: 1 },
          containers: { 'cert-manager-webhook': part('32Mi', '128Mi') },
        },
        keys: keysAt('webhook.', 'cert-manager-webhook'),
        egress: API_SERVER_ONLY,
        ports: [
          { port: 10250, purpose: 'webhook' },
          { port: 6080, purpose: 'health' },
        ],
      },
      {
        kind: 'Deployment',
        name: 'cert-manager-cainjector',
        role: 'controller',
        podLabels: labels('cainjector', 'cainjector'),
        podSecurity: 'restricted',
        settings: { ...common, replicas: 1, containers: { 'cert-manager-cainjector': part('64Mi', '256Mi') } },
        keys: keysAt('cainjector.', 'cert-manager-cainjector'),
        egress: API_SERVER_ONLY,
      },
      {
        kind: 'Job',
        name: 'cert-manager-startupapicheck',
        role: 'job',
        hook: true,
        podLabels: labels('startupapicheck', 'startupapicheck'),
        podSecurity: 'restricted',
        settings: { ...common, replicas: 1, containers: { 'cert-manager-startupapicheck': part('32Mi', '64Mi') } },
        keys: keysAt('startupapicheck.', 'cert-manager-startupapicheck', true),
        egress: API_SERVER_ONLY,
      },
      {
        // The HTTP-01 solver pods, created beside the Gateway while a challenge is open; the issuer's podTemplate sets their priority.
        kind: 'Pod',
        name: 'cm-acme-http-solver-',
        namespace: GATEWAY.namespace,
        role: 'job',
        managedBy: `ClusterIssuer ${CLUSTER_ISSUER}`,
        podLabels: { 'acme.cert-manager.io/http01-solver': 'true' },
        podSecurity: 'restricted',
        settings: {
          replicas: 1,
          podSecurityContext: restrictedPod(),
          containers: {
            acmesolver: {
              securityContext: hardenedContainer(),
              resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
            },
          },
          priorityClassName: PLATFORM_PRIORITY,
        },
        // The challenge's HTTPRoute sends the proxies here.
        ports: [{ port: ACME_SOLVER_PORT, purpose: 'backend' }],
        // It only answers: an HTTP server that writes the challenge's key and calls nothing, not even DNS
        // (cert-manager v1.18.2 cmd/acmesolver/app/app.go, pkg/issuer/acme/http/solver/solver.go). Without
        // this it would have the Gateway namespace's egress: every app backend, Kibana, the internet.
        egress: { dns: false },
      },
    ];
  }

  configure(scope: Construct, ctx: AddOnContext): void {
    const c = new Construct(scope, this.name);
    const layout = clusterGatewaysOf(ctx);
    const http01 = {
      http01: {
        gatewayHTTPRoute: {
          // The solver's Service, reached only by the proxies through the route: ClusterIP, not the default
          // NodePort (pkg/issuer/acme/http/service.go and http.go getServiceType, v1.18.2), which would open a
          // port on every node and need a NodePort exemption in the public-services guard.
          serviceType: 'ClusterIP',
          parentRefs: [{ kind: 'Gateway', name: GATEWAY.name, namespace: GATEWAY.namespace, sectionName: HTTP_LISTENER }],
          podTemplate: { spec: { priorityClassName: PLATFORM_PRIORITY } },
        },
      },
    };
    new ApiObject(c, 'Issuer', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: CLUSTER_ISSUER },
      spec: {
        acme: {
          server: ctx.cluster.acme.server,
          email: ctx.cluster.acme.email,
          privateKeySecretRef: { name: `${CLUSTER_ISSUER}-account-key` },
          // The wildcard only by DNS-01 (a dnsNames selector matches exactly); every other name by HTTP-01.
          solvers: layout.wildcard ? [dns01SolverOf(ctx.cluster, layout.wildcard.hostname), http01] : [http01],
        },
      },
    });
  }

  /** The hosts' certificates: each waits on DNS (HTTP-01: the host's record; DNS-01: the zone) and the CA. */
  credentials(scope: Construct, ctx: AddOnContext): void {
    const c = new Construct(scope, this.name);
    const layout = clusterGatewaysOf(ctx);
    const certificates = [
      ...(layout.wildcard ? [{ secret: layout.wildcard.secret, dnsName: layout.wildcard.hostname }] : []),
      ...[...layout.placements.values()].filter((p) => p.ownCertificate).map((p) => ({ secret: p.certificateSecret, dnsName: p.host })),
    ].sort((a, b) => a.dnsName.localeCompare(b.dnsName));
    for (const { secret, dnsName } of certificates) {
      new ApiObject(c, `Certificate-${dnsName}`, {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: secret, namespace: GATEWAY.namespace },
        spec: {
          secretName: secret,
          dnsNames: [dnsName],
          issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: CLUSTER_ISSUER },
          privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
          renewBefore: '720h',
        },
      });
    }
  }
}

/**
 * DNS-01 in the cluster's own zone, for the wildcard only. With `hostedZoneID` set, cert-manager v1.18.2
 * (pkg/issuer/acme/dns/route53/route53.go) calls ChangeResourceRecordSets (UPSERT, then DELETE, of the TXT
 * record `_acme-challenge.<domain>`) and GetChange until the change is INSYNC, and never
 * ListHostedZonesByName (getHostedZoneID returns the set id). No keys: a ClusterIssuer may use ambient
 * credentials (ClusterIssuerAmbientCredentials defaults to true, internal/apis/config/controller/v1alpha1/
 * defaults.go), so the AWS SDK's default chain (aws-sdk-go-v2/config v1.27.36) finds the Pod Identity
 * agent's credentials that EKS injects. The region is only for signing: Route53 is global.
 */
export const dns01SolverOf = (cluster: ClusterSpec, wildcard: string) => ({
  selector: { dnsNames: [wildcard] },
  dns01: { route53: { region: cluster.region, hostedZoneID: cluster.dnsZoneId } },
});
