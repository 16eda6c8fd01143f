import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { SECRET_STORE } from '../model/naming';
import { hardenedContainer, restrictedPod, sized } from '../blocks/hardened-container';
import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource, type AddOnKind } from './add-on';
import type { ChartWorkload, WorkloadValueKeys } from './chart-workload';
import { PLATFORM_PRIORITY } from '../model/priority-names';
import { SECRET_CONSUMER_LABEL } from '../model/naming';
import { EXTERNAL_SECRETS_ACCOUNT } from '../model/aws-add-on-accounts';
import type { NamedPort, WorkloadEgress } from './network-needs';
import { BACKUP_LOCK } from '../model/backup-lock';
import { BACKUP_LOCK_EGRESS, BackupLockRenewal } from './backup-lock-renewal';

export const externalSecretsDefaults = {
  name: 'external-secrets',
  namespace: EXTERNAL_SECRETS_ACCOUNT.namespace,
  chart: { repository: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '0.19.2' } as ChartSource,
};
export type ExternalSecretsProps = Partial<typeof externalSecretsDefaults>;

/** The ServiceAccount that the cloud stack's secrets-reader role is bound to through Pod Identity. */
export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = EXTERNAL_SECRETS_ACCOUNT.serviceAccount;

/**
 * Secrets Manager's regional endpoint: on the internet, through NAT, as the VPC has no interface
 * endpoint for it (only S3's gateway endpoint and GuardDuty's).
 */
const SECRETS_MANAGER: readonly NamedPort[] = [{ port: 443, name: 'Secrets Manager' }];
/**
 * Each workload's own egress, read in external-secrets/external-secrets@v0.19.2 (the image chart 0.19.2
 * runs). None calls another of its namespace: the API server calls the webhook.
 * - The controller: the Kubernetes API, Secrets Manager on 443 and the Pod Identity agent. The store names
 *   no role and no auth, so the provider loads the AWS SDK's default chain and assumes nothing
 *   (pkg/provider/aws/auth/auth.go New, createConfiguration: STS only for a role); it reads by
 *   GetSecretValue, and validates the store by retrieving its credentials only
 *   (pkg/provider/aws/secretsmanager/secretsmanager.go Validate).
 * - The cert controller: the Kubernetes API only (cmd/controller/certcontroller.go; pkg/controllers/crds,
 *   pkg/controllers/webhookconfig: it writes the webhook's certificate Secret, patches the CRDs and webhook
 *   configurations, and its readiness reads the webhook's EndpointSlices through the API).
 * - The webhook: its own code calls nothing. It validates ExternalSecrets and stores by their fields alone
 *   (apis/externalsecrets/v1/externalsecret_validator.go, secretstore_validator.go) and checks its
 *   certificate from the mounted files (cmd/controller/webhook.go CheckCerts). It runs in a controller-runtime
 *   manager built on the in-cluster config (ctrl.NewManager(ctrl.GetConfigOrDie())), which may call the API
 *   (its REST mapper, client); that is not settled by ESO's source, so it keeps the namespace's API server.
 * Each also keeps the cluster's DNS (the default).
 */
const CONTROLLER_EGRESS: WorkloadEgress = { egressApiServer: true, egressInternet: SECRETS_MANAGER, awsCredentials: true };
const API_SERVER_ONLY: WorkloadEgress = { egressApiServer: true };

/**
 * External Secrets Operator and one ClusterSecretStore for AWS Secrets Manager, authenticated through
 * the controller's Pod Identity role. Apps reference keys in the store; no secret value is in git.
 */
export class ExternalSecretsAddOn extends HelmAddOn<typeof externalSecretsDefaults> {
  readonly dependsOn: readonly AddOnKind[] = [];
  // The API server calls its webhook (chart 0.19.2, values.yaml webhook.port: 10250). This is the
  // namespace's bound: each workload below declares its own egress within it (`egress`).
  readonly network: AddOnNetwork = {
    ingressFromApiServer: [{ port: 10250, name: 'webhook' }],
    egressApiServer: true,
    egressInternet: SECRETS_MANAGER,
    awsCredentials: true,
  };
  /** The offsite lock renewal runs here too (backup-lock-renewal.ts), with its own, narrower egress. */
  ownPodEgress(): Readonly<Record<string, WorkloadEgress>> {
    return { [BACKUP_LOCK.name]: BACKUP_LOCK_EGRESS };
  }
  /** From the chart at its pinned version. */
  readonly clusterRights =
    'reads and writes Secrets in every namespace (the ones ExternalSecrets fill) and its own resources; the cert controller patches its webhook configurations and CRDs (templates/rbac.yaml, cert-controller-rbac.yaml)';

  constructor(props: ExternalSecretsProps = {}) {
    super(externalSecretsDefaults, props);
  }

  values(): Record<string, unknown> {
    return {
      installCRDs: true,
      // Kept on uninstall, as cert-manager's: without it, deleting the HelmRelease, or changing its release
      // name or target namespace (helm-controller uninstalls first), deletes every ExternalSecret and store,
      // and with them the Secrets they own. The packaged chart's CRD templates are generated at release:
      // external-secrets/external-secrets@helm-chart-0.19.2 hack/helm.generate.sh writes
      // `.Values.crds.annotations` into each CRD's metadata.annotations (values.yaml: `crds.annotations: {}`).
      crds: { annotations: { 'helm.sh/resource-policy': 'keep' } },
      serviceAccount: { create: true, name: EXTERNAL_SECRETS_SERVICE_ACCOUNT },
    };
  }

  /**
   * Source: external-secrets/external-secrets@helm-chart-0.19.2 deploy/charts/external-secrets (values.yaml;
   * templates/deployment.yaml, webhook-deployment.yaml, cert-controller-deployment.yaml, *poddisruptionbudget.yaml).
   */
  workloads(): ChartWorkload[] {
    const keysAt = (prefix: string, container: string): WorkloadValueKeys => ({
      replicas: `${prefix}replicaCount`,
      podSecurityContext: `${prefix}podSecurityContext`,
      containers: { [container]: { securityContext: `${prefix}securityContext`, resources: `${prefix}resources` } },
      disruptionBudget: { path: `${prefix}podDisruptionBudget`, enabledFlag: true },
      priorityClassName: `${prefix}priorityClassName`,
      topologySpreadConstraints: `${prefix}topologySpreadConstraints`,
    });
    const labels = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': this.name });
    const common = { podSecurityContext: restrictedPod(), priorityClassName: PLATFORM_PRIORITY };
    const container = (memory: string, limit: string) => ({ securityContext: hardenedContainer(), resources: sized('10m', memory, limit) });
    return [
      {
        kind: 'Deployment',
        name: 'external-secrets',
        role: 'controller',
        podLabels: labels('external-secrets'),
        podSecurity: 'restricted',
        // More than one needs leader election (leaderElect); a restart only delays the next refresh.
        settings: { ...common, replicas: 1, containers: { 'external-secrets': container('64Mi', '256Mi') } },
        keys: keysAt('', 'external-secrets'),
        ports: [{ port: 8080, purpose: 'metrics' }],
        egress: CONTROLLER_EGRESS,
      },
      {
        kind: 'Deployment',
        name: 'external-secrets-webhook',
        role: 'webhook',
        podLabels: labels('external-secrets-webhook'),
        podSecurity: 'restricted',
        // failurePolicy Fail: no SecretStore or ExternalSecret can be written while it is down.
        settings: { ...common, replicas: 2, spread: true, disruptionBudget: { maxUnavailable: 1 }, containers: { webhook: container('32Mi', '128Mi') } },
        keys: keysAt('webhook.', 'webhook'),
        egress: API_SERVER_ONLY,
        ports: [
          { port: 10250, purpose: 'webhook' },
          { port: 8081, purpose: 'health' },
        ],
      },
      {
        kind: 'Deployment',
        name: 'external-secrets-cert-controller',
        role: 'controller',
        podLabels: labels('external-secrets-cert-controller'),
        podSecurity: 'restricted',
        settings: { ...common, replicas: 1, containers: { 'cert-controller': container('32Mi', '128Mi') } },
        keys: keysAt('certController.', 'cert-controller'),
        egress: API_SERVER_ONLY,
        ports: [{ port: 8081, purpose: 'health' }],
      },
    ];
  }

  configure(scope: Construct, ctx: AddOnContext): void {
    const own = new Construct(scope, this.name);
    new ApiObject(own, 'Store', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name: SECRET_STORE },
      spec: {
        provider: { aws: { service: 'SecretsManager', region: ctx.cluster.region } },
        conditions: [{ namespaceSelector: { matchLabels: { [SECRET_CONSUMER_LABEL]: 'true' } } }],
      },
    });
    new BackupLockRenewal(own, 'BackupLockRenewal', { cluster: ctx.cluster });
  }
}
