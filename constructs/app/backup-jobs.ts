import { Quantity, type Container, type Volume, type VolumeMount } from 'cdk8s-plus-28/lib/imports/k8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { AppClusterView } from '../model/app-chart-input';
import {
  appSecretOf,
  backupBucketOf,
  backupJobServiceAccountOf,
  backupPrefixOf,
  bucketOf,
  labelsOf,
  namespaceOf,
  resticSecretOf,
  secretStoreKeyOf,
} from '../model/naming';
import { bucketVolumeSettingsOf, type ResolvedApp } from '../model/resolve';
import { formatCpu, formatMemory, parseQuantity } from '../model/quantity';
import { exemptionAnnotations, INSTANCE_IS_THE_APP, lowUidExemptionsOf, PER_FLOW_NETWORK_POLICIES, PINNED_IMAGE_PULL } from '../model/scanner-exemptions';
import { hardenedContainer } from '../blocks/hardened-container';
import { APP_PRIORITY } from '../model/priority-names';
import { StoreSecret } from '../blocks/store-secret';
import { BucketVolume, kubeletAppliesFsGroup, type MountedVolume, type VolumePlacement } from './bucket-volume';
import { FLUX_PRUNE_DISABLED } from '../model/naming';
import { privateServiceEgress } from './network-policies';
import { bucketClientEgress } from '../blocks/egress-rules';
import { BACKUP_PATHS, backupScript, checkScript, extractScript, restoreScript, retentionScript } from './restic-scripts';
import { BACKUP_COMPONENT_LABEL, BACKUP_CONTAINER, backupJobNameOf, type BackupJob } from '../model/backup-job';

/** The official restic image, pinned. */
export const RESTIC_IMAGE = 'docker.io/restic/restic:0.18.1';
/**
 * The restore's extraction: Debian's tar is GNU tar (an Essential package), which reads the PAX `size` record
 * that restic's tar stream gives a file of 8 GiB or more; the restic image's busybox tar does not (restic-scripts.ts).
 */
export const TAR_IMAGE = 'docker.io/library/debian:trixie-20260406-slim';
/** The name of the restore's second container; the report stays the restic container's (BACKUP_CONTAINER). */
export const TAR_CONTAINER = 'tar';
/** What each backup job's pod may use, all its containers together; the namespace quota budgets for it (isolation.ts). */
export const BACKUP_JOB_RESOURCES = { cpu: { request: '100m', limit: '1' }, memory: { request: '256Mi', limit: '2Gi' } } as const;
/**
 * The restore's tar container, which only copies from a pipe to files; the restore's restic container gets the
 * rest of the job's budget, so the quota holds the restore pod as it holds the others.
 */
export const TAR_RESOURCES = { cpu: { request: '50m', limit: '250m' }, memory: { request: '32Mi', limit: '128Mi' } } as const;
/** restic's local cache of the repository's index and trees; it is rebuilt when a job starts on a new pod. */
const CACHE_SIZE_LIMIT = '4Gi';
/** Room for what a pre-backup hook writes, e.g. a database dump. */
const HOOK_SIZE_LIMIT = '20Gi';
/*
 * restic's temporary files, TMPDIR. restic v0.18.1 writes each pack to a temp file before it uploads it
 * (internal/repository/packer_manager.go, newPacker: fs.TempFile("", "restic-temp-pack-"), in TMPDIR), and deletes it
 * once uploaded: two packers each for data and trees fill packs of 16 MiB (DefaultPackSize, a pack may pass it by a
 * blob of up to 8 MiB), and five uploads run at once (the S3 backend's default connections, packer_uploader.go),
 * with one more pack waiting per packer: some 11 packs of up to 24 MiB, about 270 MiB, with prune's repacking the
 * same. In the pod's /tmp (64Mi, for the scripts' own small files) the kubelet would evict the job mid-run; on
 * the cache volume they would eat the cache's room. So they get an emptyDir of their own, which the kubelet makes
 * writable by every user (kubernetes pkg/volume/emptydir/empty_dir.go: `perm` 0777), the app's uid included, with
 * or without an fsGroup.
 */
export const RESTIC_TMP_SIZE_LIMIT = '512Mi';
/** Local disk a job container reserves, and the room its logs get besides the pod's scratch volumes. */
const JOB_DISK_REQUEST = '1Gi';
/** The tar container writes nothing locally but its log. */
const TAR_DISK_REQUEST = '64Mi';
const LOG_ROOM = '256Mi';
/** How long a backup run may take; a run cut short leaves what it uploaded for the next (docs/restore.md, large buckets). */
export const BACKUP_DEADLINE_HOURS = 20;
/*
 * The restic Secret's keys, from the store entry's JSON (External Secrets v0.19.2, pkg/template/v2: the
 * template's data alone makes the Secret, sprig's `dig` reads a property with a default, `fromYaml` parses
 * the JSON, and a missing top-level key is an error). `password` must be there; `nextPassword` only during a
 * key rotation (docs/rotate-a-secret.md), and is empty otherwise: a plain `property: nextPassword` reference
 * would fail the whole Secret while the entry has none.
 */
const RESTIC_STORE_ENTRY = 'storeEntry';
export const RESTIC_SECRET_TEMPLATE = {
  password: `{{ (.${RESTIC_STORE_ENTRY} | fromYaml).password }}`,
  nextPassword: `{{ dig "nextPassword" "" (.${RESTIC_STORE_ENTRY} | fromYaml) }}`,
} as const;
/** The restore CronJob never fires on its own: it is suspended, and only `kubectl create job --from` runs it. */
const NEVER = '0 0 1 1 *';

export interface BackupJobsProps {
  readonly app: ResolvedApp;
  readonly cluster: AppClusterView;
  /**
   * The volume over the app's bucket that the app itself mounts, where it has storage; with GeeseFS, backups
   * and restores use it too. An app without storage mounts nothing: its jobs mount the bucket through
   * Mountpoint volumes of their own.
   */
  readonly dataVolume?: MountedVolume;
}

/**
 * The app's backups with restic, into its own prefix of the cluster's backup bucket (which replicates
 * offsite): a backup CronJob that reads the bucket through a read-only mount, retention and check
 * CronJobs, and a suspended restore CronJob. Every app has them, with storage or without: its bucket is
 * written through the S3 API too, and a pre-backup hook may dump its database. Each kind of job runs as a
 * ServiceAccount of its own, whose role may do only what that job does (constructs/cloud/backup-job-roles.ts):
 * the app cannot delete its own history, backup and check cannot delete backups, check does not reach the
 * live bucket, and only restore writes it.
 */
export class BackupJobs extends Construct {
  constructor(scope: Construct, id: string, props: BackupJobsProps) {
    super(scope, id);
    const { app, cluster } = props;
    const { backup } = app;
    const namespace = namespaceOf(app.name);
    const labels = labelsOf(app.name);
    const accountOf = (job: BackupJob) => backupJobServiceAccountOf(app.name, job);
    for (const name of (['backup', 'check', 'retention', 'restore'] as const).map(accountOf)) {
      new kplus.k8s.KubeServiceAccount(this, name === accountOf('backup') ? 'ServiceAccount' : `ServiceAccount-${name}`, {
        metadata: { name, namespace, labels },
        automountServiceAccountToken: false,
      });
    }

    new StoreSecret(this, 'Password', {
      name: resticSecretOf(app.name),
      namespace,
      labels,
      annotations: { ...FLUX_PRUNE_DISABLED },
      retain: true,
      data: [{ secretKey: RESTIC_STORE_ENTRY, key: secretStoreKeyOf(cluster.env, app.name, 'restic') }],
      template: { data: RESTIC_SECRET_TEMPLATE },
    });

    /*
     * With Mountpoint, each job that touches the bucket gets a volume of its own: a restore needs delete and
     * overwrite, which the app may lack; a backup reads through a read-only mount that caches the listings
     * (bucket-volume.ts says why). An app without storage gets them too, with Mountpoint's defaults
     * (bucketVolumeSettingsOf). GeeseFS does both through the app's own volume.
     */
    const settings = bucketVolumeSettingsOf(app);
    const { dataVolume } = props;
    const ownVolume = (use: 'restore' | 'backup'): MountedVolume => {
      if (settings.driver === 'mountpoint-s3') {
        return new BucketVolume(this, use === 'restore' ? 'RestoreVolume' : 'BackupVolume', {
          app: app.name,
          bucket: bucketOf(cluster.name, app.name),
          region: cluster.region,
          user: app.runAsUser,
          storage: settings,
          use,
        });
      }
      if (!dataVolume) throw new Error(`BackupJobs: app "${app.name}" mounts its bucket with ${settings.driver}, but no data volume was given`);
      return dataVolume;
    };
    const restoreVolume = ownVolume('restore');
    const backupVolume = ownVolume('backup');

    const podLabels = { ...labels, 'app.kubernetes.io/name': `${app.name}-backup`, [BACKUP_COMPONENT_LABEL]: 'backup' };
    // The restic jobs' own policy, by their name label: nothing in; out to DNS, S3 (HTTPS), the Pod Identity agent.
    new kplus.k8s.KubeNetworkPolicy(this, 'Egress', {
      metadata: { name: podLabels['app.kubernetes.io/name'], namespace, labels },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': podLabels['app.kubernetes.io/name'] } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [
          ...bucketClientEgress(),
          // A pre-backup hook dumps from the app's own services, e.g. its database.
          ...(backup.preBackup ? privateServiceEgress(app) : []),
        ],
      },
    });

    const repository = `s3:https://s3.${cluster.region}.amazonaws.com/${backupBucketOf(cluster.name)}/${backupPrefixOf(app.name).replace(/\/$/, '')}`;
    const env = (job: BackupJob, extra: Record<string, string> = {}) =>
      Object.entries({
        JOB: job,
        APP: app.name,
        RESTIC_REPOSITORY: repository,
        RESTIC_CACHE_DIR: BACKUP_PATHS.cache,
        AWS_DEFAULT_REGION: cluster.region,
        HOME: BACKUP_PATHS.tmp,
        TMPDIR: BACKUP_PATHS.resticTmp,
        // restic asks these files for S3 credentials before Pod Identity, and runs a `credential_process`
        // they name (restic v0.18.1 internal/backend/s3/s3.go; minio-go v7.0.95 file_aws_credentials.go).
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        MINIO_SHARED_CREDENTIALS_FILE: '/dev/null',
        ...extra,
      }).map(([name, value]) => ({ name, value }));

    /*
     * A pod that mounts a GeeseFS claim writable (the restore's) sets no fsGroup, or the kubelet would chown
     * the whole bucket on every start (bucket-volume.ts). Its password file is then root's, group root, so it
     * is world-readable instead: only this pod's own container, which runs as the app, sees the mount.
     */
    const walkedClaims = new Set(dataVolume && kubeletAppliesFsGroup(settings.driver) ? [dataVolume.claimName] : []);
    const writesWalkedClaim = (claims: readonly Volume[]): boolean =>
      claims.some((v) => v.persistentVolumeClaim && !v.persistentVolumeClaim.readOnly && walkedClaims.has(v.persistentVolumeClaim.claimName));
    const emptyDir = (name: string, size: string): Volume => ({ name, emptyDir: { sizeLimit: Quantity.fromString(size) } });
    const volumes = {
      data: { name: 'data', persistentVolumeClaim: { claimName: backupVolume.claimName, readOnly: true } },
      restoreTarget: { name: 'restore-target', persistentVolumeClaim: { claimName: restoreVolume.claimName } },
      hook: emptyDir('hook', HOOK_SIZE_LIMIT),
      cache: emptyDir('cache', CACHE_SIZE_LIMIT),
      secret: { name: 'password', secret: { secretName: resticSecretOf(app.name), defaultMode: 0o440 } },
      tmp: emptyDir('tmp', '64Mi'),
      // The hook's own /tmp: restic's home is in `tmp`, and what the hook could write there, restic would read.
      hookTmp: emptyDir('hook-tmp', '64Mi'),
      resticTmp: emptyDir('restic-tmp', RESTIC_TMP_SIZE_LIMIT),
      // The restore's FIFO and a few small files (restic-scripts.ts, the handoff).
      handoff: emptyDir('handoff', '1Mi'),
    } satisfies Record<string, Volume>;
    const mount = (volume: Volume, mountPath: string, readOnly = false): VolumeMount => ({ name: volume.name, mountPath, readOnly });
    const common = [
      mount(volumes.cache, BACKUP_PATHS.cache),
      mount(volumes.secret, BACKUP_PATHS.secret, true),
      mount(volumes.tmp, BACKUP_PATHS.tmp),
      mount(volumes.resticTmp, BACKUP_PATHS.resticTmp),
    ];
    const hook = backup.preBackup;
    const backupPaths = [BACKUP_PATHS.data, ...(hook ? [BACKUP_PATHS.hook] : [])];

    const cronJob = (job: BackupJob, spec: JobShape) => {
      const fsGroup = !writesWalkedClaim(spec.volumes);
      const secret: Volume = { ...volumes.secret, secret: { ...volumes.secret.secret, defaultMode: fsGroup ? 0o440 : 0o444 } };
      const podVolumes = [...new Map([...spec.volumes, volumes.cache, secret, volumes.tmp, volumes.resticTmp].map((v) => [v.name, v])).values()];
      new kplus.k8s.KubeCronJob(this, job, {
        metadata: {
          name: backupJobNameOf(app.name, job),
          namespace,
          labels,
          annotations: exemptionAnnotations([...PINNED_IMAGE_PULL, PER_FLOW_NETWORK_POLICIES, INSTANCE_IS_THE_APP, ...lowUidExemptionsOf(app)]),
        },
        spec: {
          schedule: spec.schedule,
          timeZone: 'Etc/UTC',
          suspend: spec.suspend,
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: 3600,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            metadata: { labels: podLabels },
            spec: {
              backoffLimit: spec.backoffLimit ?? 2,
              activeDeadlineSeconds: spec.deadlineHours * 3600,
              template: {
                metadata: {
                  labels: { ...podLabels, ...spec.placement?.labels },
                  annotations: podAnnotationsOf(spec),
                },
                spec: {
                  affinity: spec.placement?.affinity,
                  serviceAccountName: accountOf(job),
                  automountServiceAccountToken: false,
                  restartPolicy: 'Never',
                  priorityClassName: APP_PRIORITY,
                  securityContext: {
                    runAsNonRoot: true,
                    runAsUser: app.runAsUser,
                    runAsGroup: app.runAsUser,
                    ...(fsGroup ? { fsGroup: app.runAsUser } : {}),
                    seccompProfile: { type: 'RuntimeDefault' },
                  },
                  initContainers: spec.initContainers?.map((c) => ({ ...c, resources: resourcesOf(BACKUP_JOB_RESOURCES, podVolumes) })),
                  containers: [
                    {
                      name: BACKUP_CONTAINER,
                      image: RESTIC_IMAGE,
                      imagePullPolicy: 'IfNotPresent',
                      command: ['/bin/sh', '-c', spec.script],
                      env: env(job, spec.env),
                      volumeMounts: [...spec.mounts, ...common],
                      resources: resourcesOf(spec.sidecars ? budgetLeft(BACKUP_JOB_RESOURCES, TAR_RESOURCES) : BACKUP_JOB_RESOURCES, podVolumes),
                      securityContext: hardenedContainer({ user: app.runAsUser }),
                    },
                    ...(spec.sidecars ?? []).map((c) => ({ ...c, resources: resourcesOf(TAR_RESOURCES, [], TAR_DISK_REQUEST) })),
                  ],
                  volumes: podVolumes,
                },
              },
            },
          },
        },
      });
    };

    cronJob('backup', {
      schedule: backup.schedule,
      deadlineHours: BACKUP_DEADLINE_HOURS,
      script: backupScript(backupPaths),
      mounts: [mount(volumes.data, BACKUP_PATHS.data, true), ...(hook ? [mount(volumes.hook, BACKUP_PATHS.hook, true)] : [])],
      volumes: [volumes.data, ...(hook ? [volumes.hook, volumes.hookTmp] : [])],
      placement: backupVolume.placement,
      initContainers: hook && [
        {
          name: 'pre-backup',
          image: hook.image,
          imagePullPolicy: 'IfNotPresent',
          command: [...hook.command],
          envFrom: app.secrets.length > 0 ? [{ secretRef: { name: appSecretOf(app.name) } }] : undefined,
          // The root filesystem is read-only: a dump tool that writes under its home or the temp dir writes to /tmp.
          env: [
            { name: 'HOME', value: BACKUP_PATHS.tmp },
            { name: 'TMPDIR', value: BACKUP_PATHS.tmp },
          ],
          volumeMounts: [mount(volumes.hook, BACKUP_PATHS.hook), mount(volumes.hookTmp, BACKUP_PATHS.tmp)],
          securityContext: hardenedContainer({ user: app.runAsUser }),
        },
      ],
    });
    cronJob('retention', { schedule: backup.retentionSchedule, deadlineHours: 6, script: retentionScript(backup.retention), mounts: [], volumes: [] });
    cronJob('check', { schedule: backup.checkSchedule, deadlineHours: 12, script: checkScript(backup.checkReadDataSubset), mounts: [], volumes: [] });
    // restic dumps into a FIFO; GNU tar in a second container extracts it, and alone mounts the bucket.
    cronJob('restore', {
      schedule: NEVER,
      suspend: true,
      backoffLimit: 0,
      deadlineHours: 48,
      script: restoreScript([BACKUP_PATHS.data, BACKUP_PATHS.hook], BACKUP_PATHS.restoreTarget),
      env: { RESTORE_SNAPSHOT: 'latest', RESTORE_MODE: 'side' },
      mounts: [mount(volumes.handoff, BACKUP_PATHS.handoff)],
      volumes: [volumes.restoreTarget, volumes.handoff],
      placement: restoreVolume.placement,
      sidecars: [
        {
          name: TAR_CONTAINER,
          image: TAR_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: ['/bin/sh', '-c', extractScript()],
          volumeMounts: [mount(volumes.restoreTarget, BACKUP_PATHS.restoreTarget), mount(volumes.handoff, BACKUP_PATHS.handoff)],
          securityContext: hardenedContainer({ user: app.runAsUser }),
        },
      ],
    });
  }
}

/**
 * The containers EKS's Pod Identity webhook leaves without the role's credentials (no env, no token mount;
 * aws/amazon-eks-pod-identity-webhook v0.6.17 pkg/handler/handler.go, getContainersToSkip, init containers
 * too). A pre-backup hook runs an image of the app team's choosing with the app's secrets: it dumps the
 * database, and never gets the backup role that reads the live bucket and writes the repository.
 */
export const POD_IDENTITY_SKIP_CONTAINERS = 'eks.amazonaws.com/skip-containers';

interface JobShape {
  readonly schedule: string;
  readonly suspend?: boolean;
  readonly backoffLimit?: number;
  readonly deadlineHours: number;
  readonly script: string;
  readonly env?: Record<string, string>;
  readonly mounts: readonly VolumeMount[];
  readonly volumes: readonly Volume[];
  /** What a pod that mounts the bucket's volume carries (bucket-volume.ts). */
  readonly placement?: VolumePlacement;
  /** Their resources are the job's, set with the pod's volumes. */
  readonly initContainers?: Omit<Container, 'resources'>[];
  /** Containers beside restic's, with TAR_RESOURCES; no AWS credentials (POD_IDENTITY_SKIP_CONTAINERS). */
  readonly sidecars?: Omit<Container, 'resources'>[];
}

/**
 * Every container but restic's is left without the job role's credentials, and `kubectl logs` reads restic's,
 * whose last line is the report, without `-c` (kubectl's `kubectl.kubernetes.io/default-container`).
 */
function podAnnotationsOf(spec: JobShape): Record<string, string> | undefined {
  const others = [...(spec.initContainers ?? []), ...(spec.sidecars ?? [])].map((c) => c.name);
  if (others.length === 0) return undefined;
  return {
    [POD_IDENTITY_SKIP_CONTAINERS]: others.join(','),
    ...(spec.sidecars ? { [DEFAULT_CONTAINER]: BACKUP_CONTAINER } : {}),
  };
}

/** The container kubectl logs, exec and attach pick when none is named (kubernetes/kubectl, pkg/cmd/util/podcmd). */
const DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';

type JobResources = Record<'cpu' | 'memory', { readonly request: string; readonly limit: string }>;

/** What is left of a budget once a part of it is given away. */
function budgetLeft(budget: JobResources, part: JobResources): JobResources {
  const left = (a: string, b: string) => parseQuantity(a)! - parseQuantity(b)!;
  return {
    cpu: { request: formatCpu(left(budget.cpu.request, part.cpu.request)), limit: formatCpu(left(budget.cpu.limit, part.cpu.limit)) },
    memory: { request: formatMemory(left(budget.memory.request, part.memory.request)), limit: formatMemory(left(budget.memory.limit, part.memory.limit)) },
  };
}

/** The job's cpu and memory, and local disk for its logs and every scratch volume of its pod (they count toward the pod's). */
function resourcesOf(r: JobResources, podVolumes: readonly Volume[], diskRequest = JOB_DISK_REQUEST) {
  const scratch = podVolumes.reduce((sum, v) => sum + (v.emptyDir?.sizeLimit ? parseQuantity(v.emptyDir.sizeLimit.value as string)! : 0), 0);
  const disk = `${(scratch + parseQuantity(LOG_ROOM)!) / 2 ** 20}Mi`;
  return {
    requests: {
      cpu: Quantity.fromString(r.cpu.request),
      memory: Quantity.fromString(r.memory.request),
      'ephemeral-storage': Quantity.fromString(diskRequest),
    },
    limits: { cpu: Quantity.fromString(r.cpu.limit), memory: Quantity.fromString(r.memory.limit), 'ephemeral-storage': Quantity.fromString(disk) },
  };
}
