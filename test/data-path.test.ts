import { POD_IDENTITY_SKIP_CONTAINERS, TAR_CONTAINER } from '../constructs/app/backup-jobs';
import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import { BACKUP_CONTAINER, backupJobNameOf } from '../constructs/model/backup-job';
import { GEESEFS_DRIVER, MOUNTPOINT_DRIVER } from '../constructs/app/bucket-volume';
import { FLUX_PRUNE_DISABLED } from '../constructs/model/naming';
import { terraformFileOf } from '../constructs/synth/terraform-file';
import { FLUX_APPS_ACCOUNT } from '../constructs/gitops/flux-apps-identity';
import type { AppSpec } from '../constructs/model/app-spec';
import type { ClusterSpec, RetiredAppData } from '../constructs/model/cluster-spec';
import { MOUNTPOINT_POD_NAMESPACE } from '../constructs/model/mountpoint-pods';
import {
  appSecretOf,
  backupBucketOf,
  backupCheckServiceAccountOf,
  backupJobServiceAccountOf,
  backupPrefixOf,
  backupServiceAccountOf,
  bucketOf,
  bucketVolumeStemsOf,
  namespaceOf,
  restoreServiceAccountOf,
  retentionServiceAccountOf,
} from '../constructs/model/naming';
import { resolveApp } from '../constructs/model/resolve';
import { keepsVolumesOf } from '../constructs/model/kept-volume-drivers';
import { backupCoverageProblems, statefulProblems } from '../constructs/rules/data-rules';
import { podSpecOf } from '../constructs/rules/pod-template';
import { parseQuantity } from '../constructs/model/quantity';
import { volumeOwnershipProblems } from '../constructs/rules/volume-ownership-rules';
import { mountedFileProblems } from '../constructs/rules/mounted-file-rules';
import { BACKUP_PATHS } from '../constructs/app/restic-scripts';
import { allObjects, describe as describeObject, type KubeObject } from '../constructs/model/kube-object';
import { buildAll, type SynthInput } from '../constructs/synth/pipeline';
import { FIXTURE_INPUT, FIXTURE_RELEASES, fixtureOutput } from './support';
import { SETUP_JOB_NAME } from '../constructs/logging/elasticsearch-setup';
import { appLogPolicyOf } from '../constructs/logging/log-retention';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const JOBS = ['backup', 'retention', 'check', 'restore'] as const;
const objectsOf = (files: ReturnType<typeof buildAll>, env: string): KubeObject[] => allObjects(files.filter((f) => f.path.startsWith(`dist/${env}/`)));
const inNamespace = (objects: readonly KubeObject[], kind: string, ns: string) => objects.filter((o) => o.kind === kind && o.metadata.namespace === ns);
const annotated = (o: KubeObject) => Object.entries(FLUX_PRUNE_DISABLED).every(([k, v]) => o.metadata.annotations?.[k] === v);
const byName = new Map(APPS.map((a) => [a.name, a]));
/** The claim the app's Deployment mounts as its data (volume `data`): its name carries the hash of the volume's source. */
const dataClaimOf = (objects: readonly KubeObject[], app: string): string =>
  podSpecOf(inNamespace(objects, 'Deployment', namespaceOf(app))[0]).volumes.find((v: Json) => v.name === 'data').persistentVolumeClaim.claimName;
/** The one object of this kind whose name starts with the stem and a hash (a volume of the app, bucket-volume.ts). */
const volumeOf = (objects: readonly KubeObject[], kind: string, stem: string): KubeObject => {
  const found = objects.filter((o) => o.kind === kind && new RegExp(`^${stem}-[0-9a-f]{8}$`).test(o.metadata.name));
  expect([kind, stem, found.length]).toEqual([kind, stem, 1]);
  return found[0];
};

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: the data path', (env, cluster) => {
  const objects = objectsOf(fixtureOutput(), env);
  const apps = Object.keys(cluster.apps)
    .sort()
    .map((name) => resolveApp(byName.get(name)!, cluster));
  const withStorage = apps.filter((a) => a.storage);
  const withoutStorage = apps.filter((a) => !a.storage);

  test('the real output has apps of both kinds', () => {
    expect(withStorage.length).toBeGreaterThan(0);
    expect(withoutStorage.length).toBeGreaterThan(0);
  });

  test.each(withStorage.map((a) => [a.name, a] as const))('%s: its bucket is a Retain PV bound to its claim, mounted by its pods', (name, app) => {
    const ns = namespaceOf(name);
    const claim = inNamespace(objects, 'PersistentVolumeClaim', ns).find((c) => c.metadata.name === dataClaimOf(objects, name))!;
    expect(claim).toBeDefined();
    const pv = objects.find((o) => o.kind === 'PersistentVolume' && o.metadata.name === (claim.spec as Json).volumeName)!;
    const spec = pv.spec as Json;
    expect(spec.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(spec.claimRef).toEqual({ namespace: ns, name: claim.metadata.name });
    expect(spec.storageClassName).toBe('');
    expect(spec.csi.driver).toBe(MOUNTPOINT_DRIVER);
    expect(spec.csi.volumeAttributes).toMatchObject({ bucketName: bucketOf(cluster.name, name), authenticationSource: 'pod' });
    expect(spec.mountOptions).toEqual(expect.arrayContaining([`region ${cluster.region}`, `uid=${app.runAsUser}`, `gid=${app.runAsUser}`, 'allow-other']));
    expect(spec.mountOptions.includes('allow-delete')).toBe(app.storage!.allowDelete);
    expect(spec.mountOptions.includes('allow-overwrite')).toBe(app.storage!.allowOverwrite);
    expect(annotated(pv) && annotated(claim)).toBe(true);

    const pod = podSpecOf(inNamespace(objects, 'Deployment', ns)[0]);
    const volume = pod.volumes.find((v: Json) => v.persistentVolumeClaim?.claimName === claim.metadata.name);
    expect(pod.containers[0].volumeMounts).toContainEqual(expect.objectContaining({ name: volume.name, mountPath: app.storage!.mountPath }));
    // The CSI driver does the FUSE work: the app stays unprivileged.
    expect(pod.containers[0].securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  test.each(apps.map((a) => [a.name, a] as const))("%s: backup, retention, check and restore CronJobs, hardened, as the job's account", (name, app) => {
    const ns = namespaceOf(name);
    for (const job of JOBS) {
      const cronJob = inNamespace(objects, 'CronJob', ns).find((c) => c.metadata.name === backupJobNameOf(name, job))!;
      expect(cronJob).toBeDefined();
      const spec = cronJob.spec as Json;
      expect(spec).toMatchObject({
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: expect.any(Number),
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
      });
      expect(spec.jobTemplate.spec.backoffLimit).toEqual(expect.any(Number));
      expect(spec.suspend === true).toBe(job === 'restore');
      const pod = podSpecOf(cronJob);
      expect(pod.serviceAccountName).toBe(backupJobServiceAccountOf(name, job));
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: app.runAsUser });
      const [restic] = pod.containers;
      expect(restic.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(restic.resources.limits).toBeDefined();
      const env = Object.fromEntries(restic.env.map((e: Json) => [e.name, e.value]));
      expect(env.RESTIC_REPOSITORY).toBe(`s3:https://s3.${cluster.region}.amazonaws.com/${backupBucketOf(cluster.name)}/${name}`);
      expect(env.RESTIC_PASSWORD).toBeUndefined();
    }
    expect(inNamespace(objects, 'CronJob', ns).find((c) => c.metadata.name === backupJobNameOf(name, 'backup'))!.spec).toMatchObject({
      schedule: app.backup.schedule,
    });
    // Backup adds to the repository; check only reads it; retention alone deletes there; restore alone writes the live bucket.
    expect(JOBS.map((job) => backupJobServiceAccountOf(name, job))).toEqual(
      JOBS.map(
        (job) =>
          ({
            backup: backupServiceAccountOf(name),
            check: backupCheckServiceAccountOf(name),
            retention: retentionServiceAccountOf(name),
            restore: restoreServiceAccountOf(name),
          })[job],
      ),
    );
    const accounts = inNamespace(objects, 'ServiceAccount', ns).map((a) => a.metadata.name);
    for (const account of JOBS.map((job) => backupJobServiceAccountOf(name, job))) expect(accounts).toContain(account);
    // check reads only the repository: it mounts none of the app's bucket volumes.
    const check = inNamespace(objects, 'CronJob', ns).find((c) => c.metadata.name === backupJobNameOf(name, 'check'))!;
    expect((podSpecOf(check).volumes ?? []).filter((v: Json) => v.persistentVolumeClaim)).toEqual([]);
  });

  test.each(apps.map((a) => [a.name] as const))(
    "%s: every restic job keeps its temporary packs (TMPDIR) on a writable scratch volume of its own with room for restic's packs, not the small /tmp",
    (name) => {
      // restic v0.18.1 writes each pack to a temp file in TMPDIR until it is uploaded (packer_manager.go, newPacker):
      // 2 packers per blob type filling, 5 uploads (the S3 backend's connections) and one waiting per packer manager,
      // each pack up to 16 MiB and one more blob of up to 8 MiB.
      const packs = (2 * 2 + 5 + 2) * 24 * 2 ** 20;
      for (const job of JOBS) {
        const cronJob = inNamespace(objects, 'CronJob', namespaceOf(name)).find((c) => c.metadata.name === backupJobNameOf(name, job))!;
        const pod = podSpecOf(cronJob);
        const [restic] = pod.containers;
        const tmpdir = restic.env.find((e: Json) => e.name === 'TMPDIR')?.value;
        const mount = restic.volumeMounts.find((m: Json) => m.mountPath === tmpdir);
        expect([job, tmpdir, mount?.readOnly ?? false]).toEqual([job, expect.stringMatching(/^\//), false]);
        // An emptyDir, which the kubelet makes writable by any uid (empty_dir.go, perm 0777), and no other mount's.
        const volume = pod.volumes.find((v: Json) => v.name === mount.name);
        expect([job, Boolean(volume.emptyDir?.sizeLimit)]).toEqual([job, true]);
        expect([job, parseQuantity(volume.emptyDir.sizeLimit)! >= packs]).toEqual([job, true]);
        expect(restic.volumeMounts.filter((m: Json) => m.name === mount.name || m.mountPath === tmpdir)).toHaveLength(1);
        // The container's local disk limit counts it: the kubelet evicts a pod past its limit.
        expect(parseQuantity(restic.resources.limits['ephemeral-storage'])!).toBeGreaterThan(parseQuantity(volume.emptyDir.sizeLimit)!);
      }
    },
  );

  test.each(withStorage.map((a) => [a.name, a] as const))(
    '%s: the backup reads the bucket through a read-only mount of its own, whose listings answer lookups',
    (name, app) => {
      const ns = namespaceOf(name);
      const backup = inNamespace(objects, 'CronJob', ns).find((c) => c.metadata.name === backupJobNameOf(name, 'backup'))!;
      const pod = podSpecOf(backup);
      const mount = pod.containers[0].volumeMounts.find((m: Json) => m.mountPath === BACKUP_PATHS.data);
      expect(mount.readOnly).toBe(true);
      const claimName = pod.volumes.find((v: Json) => v.name === mount.name).persistentVolumeClaim.claimName;
      expect(pod.volumes.find((v: Json) => v.name === mount.name).persistentVolumeClaim.readOnly).toBe(true);
      expect(pod.containers[0].command.join(' ')).toMatch(/restic backup .*--host "\$APP" --ignore-inode/);

      const pvOf = (claim: string): Json => {
        const volumeName = (inNamespace(objects, 'PersistentVolumeClaim', ns).find((c) => c.metadata.name === claim)!.spec as Json).volumeName;
        return objects.find((o) => o.kind === 'PersistentVolume' && o.metadata.name === volumeName)!.spec as Json;
      };
      const source = pvOf(claimName);
      const own = pvOf(dataClaimOf(objects, name));
      // The same bucket, through the same driver, as the app sees it.
      expect(source.csi.driver).toBe(own.csi.driver);
      expect(source.csi.volumeAttributes.bucketName ?? source.csi.volumeHandle).toBe(own.csi.volumeAttributes.bucketName ?? own.csi.volumeHandle);
      if (app.storage!.driver !== 'mountpoint-s3') return;

      // Mountpoint: read-only at the driver too (it passes --read-only for ReadOnlyMany), never delete or overwrite.
      expect(source.accessModes).toEqual(['ReadOnlyMany']);
      expect(source.mountOptions.filter((o: string) => /^allow-(delete|overwrite)$/.test(o))).toEqual([]);
      // Without a metadata TTL each file's lookup is a HeadObject and a ListObjectsV2, one file after another
      // (bucket-volume.ts cites Mountpoint 1.22.3 and restic 0.18.1); the app's own mount keeps the default, so
      // it sees other writers' files at once.
      const ttl = (spec: Json) => spec.mountOptions.find((o: string) => o.startsWith('metadata-ttl '));
      expect(Number(ttl(source)?.split(' ')[1])).toBeGreaterThan(0);
      expect(ttl(own)).toBeUndefined();
      // Only the backup job mounts it.
      const mounters = objects
        .filter((o) => o.metadata.namespace === ns && ['Deployment', 'StatefulSet', 'CronJob', 'Job'].includes(o.kind))
        .filter((o) => podSpecOf(o).volumes?.some((v: Json) => v.persistentVolumeClaim?.claimName === claimName));
      expect(mounters.map((o) => o.metadata.name)).toEqual([backup.metadata.name]);
    },
  );

  test.each(withoutStorage.map((a) => [a.name, a] as const))(
    '%s has no storage, yet is backed up: its Deployment mounts no bucket, the backup reads it through a read-only Mountpoint volume, the restore writes through one of its own',
    (name, app) => {
      const ns = namespaceOf(name);
      // The app's own pods mount nothing of the bucket.
      const deployment = podSpecOf(inNamespace(objects, 'Deployment', ns)[0]);
      expect((deployment.volumes ?? []).filter((v: Json) => v.persistentVolumeClaim)).toEqual([]);
      expect(deployment.containers[0].volumeMounts?.some((m: Json) => m.name === 'data') ?? false).toBe(false);
      // The four jobs, every one.
      expect(
        inNamespace(objects, 'CronJob', ns)
          .map((c) => c.metadata.name)
          .sort(),
      ).toEqual(JOBS.map((job) => backupJobNameOf(name, job)).sort());

      const claimOf = (job: 'backup' | 'restore', path: string): { claim: Json; mount: Json } => {
        const pod = podSpecOf(inNamespace(objects, 'CronJob', ns).find((c) => c.metadata.name === backupJobNameOf(name, job))!);
        // The backup's restic container reads the bucket; the restore's tar container alone writes it (restic-scripts.ts).
        const [container] = pod.containers.filter((c: Json) => c.volumeMounts.some((m: Json) => m.mountPath === path));
        expect(container.name).toBe(job === 'backup' ? BACKUP_CONTAINER : TAR_CONTAINER);
        const mount = container.volumeMounts.find((m: Json) => m.mountPath === path);
        return { claim: pod.volumes.find((v: Json) => v.name === mount.name).persistentVolumeClaim, mount };
      };
      const pvOf = (claim: string): Json => {
        const pvc = inNamespace(objects, 'PersistentVolumeClaim', ns).find((c) => c.metadata.name === claim)!;
        expect(annotated(pvc)).toBe(true);
        const pv = objects.find((o) => o.kind === 'PersistentVolume' && o.metadata.name === (pvc.spec as Json).volumeName)!;
        expect(annotated(pv)).toBe(true);
        return pv.spec as Json;
      };
      const backup = claimOf('backup', BACKUP_PATHS.data);
      expect([backup.mount.readOnly, backup.claim.readOnly]).toEqual([true, true]);
      expect(backup.claim.claimName).toMatch(new RegExp(`^${name}-backup-[0-9a-f]{8}$`));
      const restore = claimOf('restore', BACKUP_PATHS.restoreTarget);
      expect(restore.mount.readOnly).toBe(false);
      expect(restore.claim.claimName).toMatch(new RegExp(`^${name}-restore-[0-9a-f]{8}$`));

      // Mountpoint's defaults (resolve.ts): the backup's volume read-only, never deleting or overwriting, with the
      // listings' TTL; the restore's writable, deleting and overwriting, as for a Mountpoint app.
      const source = pvOf(backup.claim.claimName);
      const target = pvOf(restore.claim.claimName);
      for (const pv of [source, target]) {
        expect(pv.persistentVolumeReclaimPolicy).toBe('Retain');
        expect(pv.csi.driver).toBe(MOUNTPOINT_DRIVER);
        expect(pv.csi.volumeAttributes).toEqual({ bucketName: bucketOf(cluster.name, name), authenticationSource: 'pod' });
        expect(pv.mountOptions).toEqual(expect.arrayContaining([`region ${cluster.region}`, `uid=${app.runAsUser}`, `gid=${app.runAsUser}`, 'allow-other']));
      }
      expect(source.accessModes).toEqual(['ReadOnlyMany']);
      expect(source.mountOptions.filter((o: string) => /^allow-(delete|overwrite)$/.test(o))).toEqual([]);
      expect(source.mountOptions).toContainEqual(expect.stringMatching(/^metadata-ttl [1-9]/));
      expect(target.accessModes).toEqual(['ReadWriteMany']);
      expect(target.mountOptions).toEqual(expect.arrayContaining(['allow-delete', 'allow-overwrite']));
      // The two volumes and no other of the app's bucket.
      const volumes = objects
        .filter((o) => o.kind === 'PersistentVolume' && o.metadata.labels?.['app.kubernetes.io/name'] === name)
        .map((o) => o.metadata.name);
      expect(volumes.sort()).toEqual([backup.claim.claimName, restore.claim.claimName].sort());
      // The restic password, from the app's own store entry.
      const secret = inNamespace(objects, 'ExternalSecret', ns).find((s) =>
        (s.spec as Json).data?.some((d: Json) => d.remoteRef.key === `webapps/${env}/${name}/restic`),
      );
      expect(secret).toBeDefined();
    },
  );

  test("every app's backup prefix is covered by the offsite replication rule of the bucket its jobs write to", () => {
    const terraform = JSON.parse(fixtureOutput().find((f) => f.path === terraformFileOf(env))!.text!);
    const buckets = terraform.resource.aws_s3_bucket as Record<string, Json>;
    const [nearAddress] = Object.entries(buckets).find(([, b]) => b.bucket === backupBucketOf(cluster.name))!;
    const replications = Object.values(terraform.resource.aws_s3_bucket_replication_configuration as Record<string, Json>).filter(
      (r) => r.bucket === `\${aws_s3_bucket.${nearAddress}.id}`,
    );
    expect(replications).toHaveLength(1);
    const enabled = replications[0].rule.filter((r: Json) => r.status === 'Enabled');
    for (const app of apps) {
      const prefix = backupPrefixOf(app.name);
      const covering = enabled.filter((r: Json) => prefix.startsWith(r.filter?.prefix ?? r.filter?.and?.prefix ?? ''));
      expect(covering.length).toBeGreaterThan(0);
    }
  });
});

describe('the data rules fail on broken objects', () => {
  const objects = objectsOf(fixtureOutput(), 'prod');
  const change = (kind: string, name: string, edit: (o: Json) => void): KubeObject[] =>
    objects.map((o) => {
      if (o.kind !== kind || o.metadata.name !== name) return o;
      const copy = JSON.parse(JSON.stringify(o));
      edit(copy);
      return copy;
    });

  test('the real output passes', () => {
    expect(statefulProblems(objects)).toEqual([]);
    expect(backupCoverageProblems(objects)).toEqual([]);
  });
  test('a PV that would be deleted or pruned', () => {
    const pv = objects.find((o) => o.kind === 'PersistentVolume')!;
    const broken = change('PersistentVolume', pv.metadata.name, (o) => {
      o.spec.persistentVolumeReclaimPolicy = 'Delete';
      delete o.metadata.annotations;
    });
    expect(statefulProblems(broken)).toEqual([
      `${describeObject(pv)}: reclaim policy is Delete, not Retain`,
      `${describeObject(pv)}: lacks kustomize.toolkit.fluxcd.io/prune: disabled, so Flux would delete it with its app`,
    ]);
  });
  test("a Mountpoint PV with the driver's own credentials", () => {
    const broken = change('PersistentVolume', dataClaimOf(objects, 'shop'), (o) => {
      o.spec.csi.volumeAttributes.authenticationSource = 'driver';
    });
    expect(statefulProblems(broken)).toEqual([expect.stringContaining('authenticationSource: pod')]);
  });
  test('a claim bound to another volume', () => {
    const broken = change('PersistentVolumeClaim', dataClaimOf(objects, 'shop'), (o) => {
      o.spec.volumeName = dataClaimOf(objects, 'legacy-site');
    });
    expect(statefulProblems(broken)).toEqual([expect.stringContaining('not bound both ways')]);
  });
  test('a missing backup job, and a restore job that would fire on its own', () => {
    const withoutCheck = objects.filter((o) => !(o.kind === 'CronJob' && o.metadata.name === 'shop-check'));
    expect(backupCoverageProblems(withoutCheck)).toEqual([expect.stringContaining('has no check CronJob')]);
    const armed = change('CronJob', 'shop-restore', (o) => {
      o.spec.suspend = false;
    });
    expect(backupCoverageProblems(armed)).toEqual([expect.stringContaining('must be suspended')]);
  });
});

describe('nothing is lost when an app leaves a cluster', () => {
  const prod = CLUSTERS.find((c) => c.env === 'prod')!;
  const { shop: _shop, ...otherApps } = prod.apps;
  const { shop: _shopAccess, ...otherAccess } = prod.access.apps ?? {};
  const retired: ClusterSpec = {
    ...prod,
    apps: otherApps,
    access: { ...prod.access, apps: otherAccess },
    appData: { ...prod.appData, shop: { retiredOn: '2026-11-27', reason: 'drill' } },
  };
  const before = objectsOf(fixtureOutput(), 'prod');
  const after = objectsOf(buildAll({ clusters: CLUSTERS.map((c) => (c === prod ? retired : c)), apps: APPS, releases: FIXTURE_RELEASES }), 'prod');
  const key = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const kept = new Set(after.map(key));
  const vanished = before.filter((o) => !kept.has(key(o)));

  test("the app's objects vanish from git, so Flux would prune them", () => {
    expect(vanished.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'PersistentVolume', 'PersistentVolumeClaim', 'CronJob']));
  });
  test('every stateful object among them is marked so Flux leaves it in place, and the PV keeps the bucket', () => {
    const stateful = vanished.filter((o) => ['PersistentVolume', 'PersistentVolumeClaim', 'Namespace'].includes(o.kind));
    const volumes = bucketVolumeStemsOf('shop', resolveApp(byName.get('shop')!, prod).storage!.driver).map(
      (stem) => volumeOf(before, 'PersistentVolume', stem).metadata.name,
    );
    expect(stateful.map((o) => `${o.kind} ${o.metadata.name}`).sort()).toEqual(
      ['Namespace shop', ...volumes.flatMap((v) => [`PersistentVolume ${v}`, `PersistentVolumeClaim ${v}`])].sort(),
    );
    for (const o of stateful) expect([describeObject(o), annotated(o)]).toEqual([describeObject(o), true]);
  });
  test("the apps layer can still remove the app's workloads: flux-apps keeps its Role in the namespace the platform layer let go", () => {
    // Flux reconciles the platform layer first; without these, the apps layer's prune would be forbidden.
    const access = vanished.filter((o) => (o.kind === 'Role' || o.kind === 'RoleBinding') && o.metadata.name === FLUX_APPS_ACCOUNT);
    expect(access.map((o) => `${o.kind} ${o.metadata.namespace}`).sort()).toEqual(['Role shop', 'RoleBinding shop']);
    for (const o of access) expect([describeObject(o), annotated(o)]).toEqual([describeObject(o), true]);
    // The fences and the people's bindings go with the app.
    expect(vanished.filter((o) => o.kind === 'NetworkPolicy' && annotated(o))).toEqual([]);
    expect(vanished.filter((o) => o.kind === 'RoleBinding' && o.metadata.name !== FLUX_APPS_ACCOUNT && annotated(o))).toEqual([]);
  });
  test('its logs keep the retention they were promised: the Elasticsearch setup keeps its policy and template, and no longer writes them', () => {
    const setupOf = (objects: readonly KubeObject[]) => {
      const script: string = (objects.find((o) => o.kind === 'Job' && o.metadata.name === SETUP_JOB_NAME)!.spec as any).template.spec.containers[0].command[2]; // eslint-disable-line @typescript-eslint/no-explicit-any
      return { script, keep: /^keep='([^']*)'$/m.exec(script)![1].split('\n') };
    };
    expect(resolveApp(byName.get('shop')!, prod).logRetentionDays).toBeDefined();
    for (const objects of [before, after]) expect(setupOf(objects).keep).toContain(appLogPolicyOf('shop'));
    expect(setupOf(before).script).toContain(`"_ilm/policy/${appLogPolicyOf('shop')}"`);
    expect(setupOf(after).script).not.toContain(`"_ilm/policy/${appLogPolicyOf('shop')}"`);
  });
});

describe('GeeseFS, for apps that rename, append or write in place', () => {
  const staging = CLUSTERS.find((c) => c.env === 'staging')!;
  const shop = byName.get('shop')!;
  const geesefsShop: AppSpec = { ...shop, storage: { ...shop.storage!, driver: 'geesefs' } };
  const input: SynthInput = { clusters: CLUSTERS, apps: APPS.map((a) => (a === shop ? geesefsShop : a)), releases: FIXTURE_RELEASES };
  const objects = objectsOf(buildAll(input), 'staging');
  const real = objectsOf(fixtureOutput(), 'staging');
  const csiS3 = (list: readonly KubeObject[]) => list.filter((o) => o.kind === 'HelmRelease' && o.metadata.name === 'csi-s3');
  const dataClaim = dataClaimOf(objects, 'shop');

  test('its CSI driver is installed only in a cluster that runs such an app', () => {
    expect(csiS3(real)).toEqual([]);
    expect(csiS3(objects)).toHaveLength(1);
    expect(objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'csi-s3')?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe(
      'privileged',
    );
  });
  test("its PV follows k8s-csi-s3's static contract, with keys from External Secrets", () => {
    const pv = objects.find((o) => o.kind === 'PersistentVolume' && o.metadata.name === dataClaim)!;
    const csi = (pv.spec as Json).csi;
    expect(csi).toMatchObject({ driver: GEESEFS_DRIVER, volumeHandle: bucketOf(staging.name, 'shop'), volumeAttributes: { mounter: 'geesefs' } });
    const secret = csi.nodePublishSecretRef;
    expect(secret.namespace).toBe(namespaceOf('shop'));
    const external = inNamespace(objects, 'ExternalSecret', namespaceOf('shop')).find((o) => o.metadata.name === secret.name) as Json;
    expect(external.spec.data.map((d: Json) => d.secretKey).sort()).toEqual(['accessKeyID', 'secretAccessKey']);
    expect(external.spec.target.template.data.endpoint).toBe(`https://s3.${staging.region}.amazonaws.com`);
  });
  describe('no pod start makes the kubelet chown the bucket (k8s-csi-s3: fsGroupPolicy File, no VOLUME_MOUNT_GROUP)', () => {
    const ns = namespaceOf('shop');
    const mountsClaim = (o: KubeObject, writable: boolean) =>
      (podSpecOf(o)?.volumes ?? []).some((v: Json) => v.persistentVolumeClaim?.claimName === dataClaim && !v.persistentVolumeClaim.readOnly === writable);
    const inShop = objects.filter((o) => o.metadata.namespace === ns && podSpecOf(o));

    test('no pod template that mounts its claim writable has an fsGroup that makes the kubelet walk the volume', () => {
      const writers = inShop.filter((o) => mountsClaim(o, true)).map(describeObject);
      expect(writers).toEqual(expect.arrayContaining(['Deployment shop/shop', 'CronJob shop/shop-restore']));
      expect(volumeOwnershipProblems(objects)).toEqual([]);
      for (const o of inShop.filter((x) => mountsClaim(x, true)))
        expect([describeObject(o), podSpecOf(o).securityContext.fsGroup]).toEqual([describeObject(o), undefined]);
    });

    test("the files show as the app's through GeeseFS's own options, and every file a pod reads stays readable", () => {
      const pv = objects.find((o) => o.kind === 'PersistentVolume' && o.metadata.name === dataClaim)!;
      const user = resolveApp(geesefsShop, staging).runAsUser;
      expect((pv.spec as Json).csi.volumeAttributes.options).toContain(`--uid ${user} --gid ${user} --dir-mode 0770 --file-mode 0660`);
      // The restore's password file: without fsGroup it is root's, so it must be readable through the other bits.
      const restore = inShop.find((o) => o.metadata.name === 'shop-restore')!;
      expect(podSpecOf(restore).volumes.find((v: Json) => v.secret)?.secret.defaultMode).toBe(0o444);
      expect(mountedFileProblems(inShop)).toEqual([]);
    });

    test('a pod that mounts it read-only (the backup) keeps its fsGroup: the kubelet skips read-only volumes', () => {
      const backup = inShop.find((o) => o.metadata.name === 'shop-backup')!;
      expect(mountsClaim(backup, false)).toBe(true);
      expect(podSpecOf(backup).securityContext.fsGroup).toBeDefined();
    });

    test('the rule fails on a pod that sets fsGroup and mounts the claim writable, naming the object, claim and fix', () => {
      const deployment = structuredClone(inShop.find((o) => o.kind === 'Deployment')!) as Json;
      deployment.spec.template.spec.securityContext.fsGroup = 1000;
      const pv = objects.find((o) => o.kind === 'PersistentVolume' && o.metadata.name === dataClaim)!;
      expect(volumeOwnershipProblems([pv, deployment])).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Deployment shop/shop: fsGroup 1000 with claim ${dataClaim} \\(volume "data"\\) mounted writable: the kubelet would chown every file of that ru\\.yandex\\.s3\\.csi volume`,
          ),
        ),
      ]);
    });

    test('Mountpoint volumes are unchanged: its driver has VOLUME_MOUNT_GROUP, so the app and its restore keep fsGroup', () => {
      const mountpoint = real.filter((o) => o.metadata.namespace === ns && ['Deployment shop/shop', 'CronJob shop/shop-restore'].includes(describeObject(o)));
      expect(mountpoint).toHaveLength(2);
      for (const o of mountpoint) expect(podSpecOf(o).securityContext.fsGroup).toBeDefined();
      expect(volumeOwnershipProblems(real)).toEqual([]);
    });
  });
  test("it restores through the app's own claim: GeeseFS overwrites by itself", () => {
    expect(objects.some((o) => o.kind === 'PersistentVolume' && o.metadata.name.startsWith('shop-restore'))).toBe(false);
    const restore = inNamespace(objects, 'CronJob', namespaceOf('shop')).find((c) => c.metadata.name === 'shop-restore')!;
    expect(podSpecOf(restore).volumes.some((v: Json) => v.persistentVolumeClaim?.claimName === dataClaim)).toBe(true);
  });
});

describe("a retired app's volumes keep their CSI driver while its retirement note names it", () => {
  // Staging with shop on GeeseFS and legacy-site on Mountpoint, each its driver's only app, both retired.
  const staging = CLUSTERS.find((c) => c.env === 'staging')!;
  const shop = byName.get('shop')!;
  const apps = APPS.map((a) => (a === shop ? { ...shop, storage: { ...shop.storage!, driver: 'geesefs' as const } } : a));
  const live = Object.keys(staging.apps).filter((name) => name !== 'shop' && name !== 'legacy-site');
  const retiredWith = (notes: { shop: RetiredAppData; 'legacy-site': RetiredAppData }): KubeObject[] => {
    const cluster: ClusterSpec = {
      ...staging,
      apps: Object.fromEntries(live.map((name) => [name, staging.apps[name]])),
      access: { ...staging.access, apps: Object.fromEntries(live.map((name) => [name, staging.access.apps![name]])) },
      appData: { ...staging.appData, ...notes },
    };
    return objectsOf(buildAll({ clusters: [cluster], apps, releases: FIXTURE_RELEASES }), 'staging');
  };
  const note = { retiredOn: '2026-11-27', reason: 'drill' };
  const csiS3 = (objects: readonly KubeObject[]) =>
    objects.filter((o) => (o.kind === 'HelmRelease' && o.metadata.name === 'csi-s3') || (o.kind === 'Namespace' && o.metadata.name === 'csi-s3'));
  const mountS3Fences = (objects: readonly KubeObject[]) => inNamespace(objects, 'NetworkPolicy', MOUNTPOINT_POD_NAMESPACE).map(describeObject).sort();

  test('the notes that name the drivers keep GeeseFS (csi-s3) and the fences of the Mountpoint pods (mount-s3)', () => {
    // What stays live has no storage: only the notes can keep GeeseFS.
    expect(live.length).toBeGreaterThan(0);
    for (const name of live) expect([name, resolveApp(byName.get(name)!, staging).storage]).toEqual([name, undefined]);
    const kept = retiredWith({ shop: { ...note, storageDriver: 'geesefs' }, 'legacy-site': { ...note, storageDriver: 'mountpoint-s3' } });
    expect(csiS3(kept).map(describeObject).sort()).toEqual(['HelmRelease flux-system/csi-s3', 'Namespace csi-s3']);
    expect(mountS3Fences(kept)).toEqual(['NetworkPolicy mount-s3/default-deny', 'NetworkPolicy mount-s3/mountpoint']);
    // A Mountpoint note alone keeps the Mountpoint pods' fences, with no live app at all.
    const alone = (appData: ClusterSpec['appData']): ClusterSpec => ({ ...staging, apps: {}, appData });
    expect(keepsVolumesOf(alone({ 'legacy-site': { ...note, storageDriver: 'mountpoint-s3' } }), [], 'mountpoint-s3')).toBe(true);
    expect(keepsVolumesOf(alone({ 'legacy-site': note }), [], 'mountpoint-s3')).toBe(false);
  });

  test("notes without a storage driver keep no GeeseFS; the live app without storage keeps Mountpoint's fences: its backup jobs mount its bucket through Mountpoint", () => {
    const gone = retiredWith({ shop: note, 'legacy-site': note });
    expect(csiS3(gone)).toEqual([]);
    expect(mountS3Fences(gone)).toEqual(['NetworkPolicy mount-s3/default-deny', 'NetworkPolicy mount-s3/mountpoint']);
    for (const name of live) {
      const drivers = gone
        .filter((o) => o.kind === 'PersistentVolume' && o.metadata.labels?.['app.kubernetes.io/name'] === name)
        .map((o) => (o.spec as Json).csi.driver);
      expect([name, [...new Set(drivers)]]).toEqual([name, [MOUNTPOINT_DRIVER]]);
    }
  });
});

describe('the pre-backup hook', () => {
  const shop = APPS.find((a) => a.name === 'shop')!;
  const input: SynthInput = {
    ...FIXTURE_INPUT,
    apps: APPS.map((a) =>
      a === shop ? { ...a, backup: { ...a.backup, preBackup: { image: 'postgres:17.2', command: ['pg_dump', '-f', `${BACKUP_PATHS.hook}/orders.sql`] } } } : a,
    ),
  };
  const objects = objectsOf(buildAll(input), 'staging');

  test('runs on a read-only root, with its home and temp dir on the writable /tmp, so a dump tool that writes there works', () => {
    const backup = inNamespace(objects, 'CronJob', namespaceOf('shop')).find((c) => c.metadata.name === backupJobNameOf('shop', 'backup'))!;
    const hook = podSpecOf(backup).initContainers.find((c: Json) => c.name === 'pre-backup');
    expect(hook.securityContext.readOnlyRootFilesystem).toBe(true);
    for (const name of ['HOME', 'TMPDIR']) {
      const dir = hook.env.find((e: Json) => e.name === name)?.value;
      const mount = hook.volumeMounts.find((m: Json) => m.mountPath === dir);
      expect([name, dir, mount?.readOnly ?? false]).toEqual([name, BACKUP_PATHS.tmp, false]);
    }
  });

  test('shares nothing it can write with restic but its output, which restic reads only', () => {
    // restic runs what a credentials file in its home names, with the backup role's credentials at hand.
    const backup = inNamespace(objects, 'CronJob', namespaceOf('shop')).find((c) => c.metadata.name === backupJobNameOf('shop', 'backup'))!;
    const pod = podSpecOf(backup);
    const writable = new Set(pod.initContainers.flatMap((c: Json) => c.volumeMounts.filter((m: Json) => !m.readOnly).map((m: Json) => m.name)));
    const restic = pod.containers.find((c: Json) => c.name === 'restic');
    const shared = restic.volumeMounts.filter((m: Json) => writable.has(m.name));
    expect(shared).toEqual([expect.objectContaining({ mountPath: BACKUP_PATHS.hook, readOnly: true })]);
    expect(restic.env).toEqual(
      expect.arrayContaining([
        { name: 'AWS_SHARED_CREDENTIALS_FILE', value: '/dev/null' },
        { name: 'MINIO_SHARED_CREDENTIALS_FILE', value: '/dev/null' },
      ]),
    );
  });
});

describe('the pre-backup hook of an app without storage', () => {
  // backoffice has no storage, only its bucket and a database (DATABASE_URL) that a hook dumps.
  const backoffice = byName.get('backoffice')!;
  const hook = { image: 'docker.io/library/postgres:17.2', command: ['pg_dump', '-f', `${BACKUP_PATHS.hook}/backoffice.sql`] };
  const input: SynthInput = { ...FIXTURE_INPUT, apps: APPS.map((a) => (a === backoffice ? { ...a, backup: { schedule: '15 3 * * *', preBackup: hook } } : a)) };

  test('the fixture app has no storage and secrets', () => {
    expect(backoffice.storage).toBeUndefined();
    expect(backoffice.secrets?.length).toBeGreaterThan(0);
  });

  test.each(CLUSTERS.filter((c) => 'backoffice' in c.apps).map((c) => [c.env] as const))(
    "%s: is accepted; the hook runs first with the app's secrets, and the backup saves what it wrote besides the bucket",
    (env) => {
      const objects = objectsOf(buildAll(input), env);
      const backup = inNamespace(objects, 'CronJob', namespaceOf('backoffice')).find((c) => c.metadata.name === backupJobNameOf('backoffice', 'backup'))!;
      expect((backup.spec as Json).schedule).toBe('15 3 * * *');
      const pod = podSpecOf(backup);
      const [init] = pod.initContainers;
      expect(init).toMatchObject({ name: 'pre-backup', image: hook.image, command: hook.command });
      expect(init.envFrom).toEqual([{ secretRef: { name: appSecretOf('backoffice') } }]);
      // Without the backup role's credentials: EKS's Pod Identity webhook skips the containers named here.
      expect((backup.spec as Json).jobTemplate.spec.template.metadata.annotations).toEqual({ [POD_IDENTITY_SKIP_CONTAINERS]: 'pre-backup' });
      expect(init.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: BACKUP_PATHS.hook }));
      // restic reads the hook's output and the bucket's read-only volume.
      const restic = pod.containers[0];
      expect(restic.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: BACKUP_PATHS.hook, readOnly: true }));
      expect(restic.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: BACKUP_PATHS.data, readOnly: true }));
      expect(restic.command.join(' ')).toContain(BACKUP_PATHS.hook);
    },
  );
});
