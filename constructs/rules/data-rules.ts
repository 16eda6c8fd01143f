import { MOUNTPOINT_DRIVER } from '../app/bucket-volume';
import { FLUX_PRUNE_DISABLED } from '../model/naming';
import { backupJobNameOf, type BackupJob } from '../model/backup-job';
import { describe, type KubeObject } from '../model/kube-object';
import type { NamespaceCheck } from './object-verdicts';
import { ofKind } from './objects-of-kind';
import { podSpecOf } from './pod-template';

/* The data path's properties: nothing stateful is ever pruned or deleted with its claim, and every app
   whose pods mount a bucket has its backup, retention, check and restore jobs. */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const BACKUP_JOBS: readonly BackupJob[] = ['backup', 'retention', 'check', 'restore'];
const [PRUNE_KEY, PRUNE_VALUE] = Object.entries(FLUX_PRUNE_DISABLED)[0];
const unprunable = (o: KubeObject): boolean => o.metadata.annotations?.[PRUNE_KEY] === PRUNE_VALUE;

/** PVs are Retain and bound both ways to their claim; PVs and PVCs carry Flux's prune: disabled. */
export function statefulProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  const volumes = new Map(ofKind(objects, 'PersistentVolume').map((pv) => [pv.metadata.name, pv]));
  for (const pv of volumes.values()) {
    const spec = pv.spec as Json;
    if (spec.persistentVolumeReclaimPolicy !== 'Retain')
      problems.push(`${describe(pv)}: reclaim policy is ${spec.persistentVolumeReclaimPolicy ?? 'unset'}, not Retain`);
    if (!unprunable(pv)) problems.push(`${describe(pv)}: lacks ${PRUNE_KEY}: ${PRUNE_VALUE}, so Flux would delete it with its app`);
    if (spec.csi?.driver === MOUNTPOINT_DRIVER && spec.csi.volumeAttributes?.authenticationSource !== 'pod') {
      problems.push(`${describe(pv)}: Mountpoint must mount with the pod's own credentials (authenticationSource: pod)`);
    }
  }
  for (const pvc of ofKind(objects, 'PersistentVolumeClaim')) {
    if (!unprunable(pvc)) problems.push(`${describe(pvc)}: lacks ${PRUNE_KEY}: ${PRUNE_VALUE}, so Flux would delete it with its app`);
    const pv = volumes.get((pvc.spec as Json).volumeName);
    const ref = (pv?.spec as Json)?.claimRef;
    if (!pv || ref?.name !== pvc.metadata.name || ref?.namespace !== pvc.metadata.namespace) {
      problems.push(`${describe(pvc)}: not bound both ways to a PersistentVolume of this cluster`);
    }
  }
  return problems;
}

/** Each Deployment that mounts a claim has the four backup CronJobs of its app; the restore one is suspended. */
export const backupCoverageProblems = (objects: readonly KubeObject[]): string[] => objects.flatMap(backupCoverageCheckOver(objects));

/** backupCoverageProblems of one object, a Deployment, in the light of its namespace's CronJobs among these objects. */
export const backupCoverageCheckOver: NamespaceCheck = (objects) => {
  const cronJobs = new Map(ofKind(objects, 'CronJob').map((c) => [`${c.metadata.namespace}/${c.metadata.name}`, c]));
  return (deployment) => {
    const problems: string[] = [];
    if (deployment.kind !== 'Deployment') return problems;
    if (!(podSpecOf(deployment).volumes ?? []).some((v: Json) => v.persistentVolumeClaim)) return problems;
    const ns = deployment.metadata.namespace;
    for (const job of BACKUP_JOBS) {
      const cronJob = cronJobs.get(`${ns}/${backupJobNameOf(deployment.metadata.name, job)}`);
      if (!cronJob) problems.push(`${describe(deployment)}: mounts a bucket but has no ${job} CronJob`);
      else if ((job === 'restore') !== ((cronJob.spec as Json).suspend === true)) {
        problems.push(`${describe(cronJob)}: ${job === 'restore' ? 'must be suspended: it runs only by hand' : 'is suspended'}`);
      }
    }
    return problems;
  };
};
