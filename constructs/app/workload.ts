import { topologySpreadOf } from '../model/topology-spread';
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IntOrString } from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import type { EnvName } from '../model/app-spec';
import {
  appSecretOf,
  deploymentOf,
  EXPOSURE_LABEL,
  scratchVolumeOf,
  labelsOf,
  namespaceOf,
  selectorLabelsOf,
  serviceAccountOf,
  serviceOf,
} from '../model/naming';
import { parseQuantity } from '../model/quantity';
import type { ResolvedApp } from '../model/resolve';
import {
  exemptionAnnotations,
  HPA_OWNS_REPLICAS,
  lowUidExemptionsOf,
  PINNED_IMAGE_PULL,
  scalingExemptionsOf,
  SPREAD_NOT_ANTI_AFFINITY,
  UNHEALTHY_POD_EVICTION,
} from '../model/scanner-exemptions';
import { hardenedPlusContainer } from '../blocks/hardened-container';
import { APP_PRIORITY } from '../model/priority-names';
import { SERVICE_PORT } from '../model/naming';
import { kubeletAppliesFsGroup, type MountedVolume } from './bucket-volume';

export interface WorkloadProps {
  readonly app: ResolvedApp;
  /** The env the cluster runs: outside prod, an app may run a single replica. */
  readonly env: EnvName;
  /** The volume over the app's bucket, mounted at the spec's storage.mountPath. */
  readonly dataVolume?: MountedVolume;
}

/** Size cap of each writable scratch path, so a runaway app cannot fill the node's disk. */
export const SCRATCH_SIZE_LIMIT = '512Mi';
/** Local disk a container may use besides its scratch volumes: its logs (kubelet rotates them at 5 x 10Mi) and a margin. */
const LOG_ROOM_MI = 256;
/**
 * The app container's local disk limit: its scratch volumes count toward the pod's, so it covers them
 * all and the logs; in whole GiB, the only unit cdk8s-plus 28 writes ephemeral storage in.
 */
export const localDiskGiB = (scratchPaths: number): number => Math.ceil((LOG_ROOM_MI + (scratchPaths * parseQuantity(SCRATCH_SIZE_LIMIT)!) / 2 ** 20) / 1024);
export const CONTAINER_NAME = 'app';
/** Fluent Bit's kubernetes filter (K8S-Logging.Parser On) parses the pod's lines with the parser named here. */
export const LOG_PARSER_ANNOTATION = 'fluentbit.io/parser';

/**
 * The running app: its ServiceAccount, a hardened Deployment, the Service in front of it, an HPA that
 * scales it between the spec's bounds and a PDB that keeps it up while nodes drain.
 */
export class Workload extends Construct {
  readonly deployment: kplus.Deployment;

  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id);
    const { app } = props;
    const namespace = namespaceOf(app.name);
    const labels = labelsOf(app.name);
    const selector = selectorLabelsOf(app.name);

    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: serviceAccountOf(app.name), namespace, labels },
      automountToken: false,
    });

    const user = app.runAsUser;
    // A volume the kubelet would chown file by file on every start gets no fsGroup: its driver shows the files as the app's (bucket-volume.ts).
    const fsGroup = props.dataVolume && app.storage && kubeletAppliesFsGroup(app.storage.driver) ? undefined : user;
    this.deployment = new kplus.Deployment(this, 'Resource', {
      metadata: {
        name: deploymentOf(app.name),
        namespace,
        labels,
        annotations: exemptionAnnotations([...PINNED_IMAGE_PULL, SPREAD_NOT_ANTI_AFFINITY, HPA_OWNS_REPLICAS, ...lowUidExemptionsOf(app)]),
      },
      select: false,
      spread: false,
      serviceAccount,
      automountServiceAccountToken: false,
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.percent(25),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      securityContext: { ensureNonRoot: true, user, group: user, fsGroup },
      terminationGracePeriod: Duration.seconds(30),
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: selector }));
    const placement = props.dataVolume?.placement;
    for (const [key, value] of Object.entries({ ...labels, [EXPOSURE_LABEL]: app.exposure, ...placement?.labels })) {
      this.deployment.podMetadata.addLabel(key, value);
    }
    if (app.logParser) this.deployment.podMetadata.addAnnotation(LOG_PARSER_ANNOTATION, app.logParser);

    const timing = (periodSeconds: number, failureThreshold: number) => ({
      periodSeconds: Duration.seconds(periodSeconds),
      failureThreshold,
      timeoutSeconds: Duration.seconds(3),
    });
    const health = (periodSeconds: number, failureThreshold: number) =>
      kplus.Probe.fromHttpGet(app.healthCheckPath, { port: app.port, ...timing(periodSeconds, failureThreshold) });
    const secret = app.secrets.length > 0 ? kplus.Secret.fromSecretName(this, 'AppSecrets', appSecretOf(app.name)) : undefined;
    const container = this.deployment.addContainer({
      name: CONTAINER_NAME,
      image: app.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ number: app.port, name: 'http' }],
      envVariables: {
        ...Object.fromEntries(
          Object.entries(app.env)
            .sort()
            .map(([k, v]) => [k, kplus.EnvValue.fromValue(v)]),
        ),
        ...Object.fromEntries(app.secrets.map((ref) => [ref.env, kplus.EnvValue.fromSecretValue({ secret: secret!, key: ref.env })])),
      },
      securityContext: hardenedPlusContainer(user),
      resources: {
        cpu: { request: kplus.Cpu.millis(millis(app.resources.cpu.request)), limit: kplus.Cpu.millis(millis(app.resources.cpu.limit)) },
        memory: { request: sizeOf(app.resources.memory.request), limit: sizeOf(app.resources.memory.limit) },
        ephemeralStorage: { request: Size.gibibytes(1), limit: Size.gibibytes(localDiskGiB(app.writablePaths.length)) },
      },
      startup: health(5, 60),
      // Readiness asks the health path whether the app can serve now (it may check its database): a
      // failure only takes the pod out of the Service until it answers again. Liveness asks only
      // whether the process still accepts connections: on the same path, a database outage would
      // restart every pod at once, which makes the outage worse (kube-score pod-probes-identical).
      readiness: health(10, 3),
      liveness: kplus.Probe.fromTcpSocket({ port: app.port, ...timing(20, 3) }),
    });
    if (props.dataVolume && app.storage) {
      const claim = kplus.PersistentVolumeClaim.fromClaimName(this, 'DataClaim', props.dataVolume.claimName);
      container.mount(app.storage.mountPath, kplus.Volume.fromPersistentVolumeClaim(this, 'Data', claim, { name: 'data' }));
    }
    for (const path of app.writablePaths) {
      container.mount(path, kplus.Volume.fromEmptyDir(this, `Scratch${path}`, scratchVolumeOf(path), { sizeLimit: sizeOf(SCRATCH_SIZE_LIMIT) }));
    }

    // cdk8s-plus 28 has no topology spread constraints.
    ApiObject.of(this.deployment).addJsonPatch(
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      JsonPatch.add('/spec/template/spec/priorityClassName', APP_PRIORITY),
      JsonPatch.add('/spec/template/spec/topologySpreadConstraints', topologySpreadOf(selector)),
      ...(placement?.affinity ? [JsonPatch.add('/spec/template/spec/affinity', placement.affinity)] : []),
    );

    const service = new kplus.Service(this, 'Service', {
      metadata: { name: serviceOf(app.name), namespace, labels },
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: 'http', port: SERVICE_PORT, targetPort: app.port }],
    });
    for (const [key, value] of Object.entries(selector)) service.selectLabel(key, value);

    new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
      metadata: { name: app.name, namespace, labels, annotations: exemptionAnnotations(scalingExemptionsOf(app.scaling, props.env)) },
      target: this.deployment,
      minReplicas: app.scaling.min,
      maxReplicas: app.scaling.max,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(app.scaling.targetCpuPercent ?? 70))],
    });

    new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name: app.name, namespace, labels },
      spec: { maxUnavailable: IntOrString.fromNumber(1), selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: UNHEALTHY_POD_EVICTION },
    });
  }
}

const millis = (cpu: string): number => Math.ceil(parseQuantity(cpu)! * 1000);
const sizeOf = (memory: string): Size => Size.mebibytes(Math.ceil(parseQuantity(memory)! / 2 ** 20));
