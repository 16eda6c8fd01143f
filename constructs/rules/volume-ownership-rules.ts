import { csiDriversKubeletChowns } from '../app/bucket-volume';
import { describe, type KubeObject } from '../model/kube-object';
import { ofKind } from './objects-of-kind';
import { podSpecOf } from './pod-template';

/*
 * No pod makes the kubelet walk a bucket. For a CSI driver whose CSIDriver says `fsGroupPolicy: File`
 * and whose node plugin lacks VOLUME_MOUNT_GROUP (GeeseFS, constructs/app/bucket-volume.ts), the kubelet
 * chowns and chmods every file of the volume itself on each pod start when the pod sets an fsGroup and
 * mounts the volume writable (kubernetes pkg/volume/csi/csi_mounter.go, SetUpAt and supportsFSGroup: a
 * read-only volume, from the pod's claim or the PV's csi.readOnly, is skipped).
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every pod template that sets an fsGroup and mounts, writable, a claim the kubelet would walk. */
export function volumeOwnershipProblems(objects: readonly KubeObject[]): string[] {
  const chowned = csiDriversKubeletChowns();
  const walked = new Map<string, string>();
  for (const pv of ofKind(objects, 'PersistentVolume')) {
    const spec = pv.spec as Json;
    if (!chowned.has(spec.csi?.driver) || spec.csi.readOnly || !spec.claimRef) continue;
    walked.set(`${spec.claimRef.namespace}/${spec.claimRef.name}`, spec.csi.driver);
  }
  const problems: string[] = [];
  for (const obj of objects) {
    const pod = podSpecOf(obj);
    const fsGroup = pod?.securityContext?.fsGroup;
    if (fsGroup === undefined) continue;
    for (const volume of pod.volumes ?? []) {
      const claim = volume.persistentVolumeClaim;
      const driver = claim && !claim.readOnly && walked.get(`${obj.metadata.namespace}/${claim.claimName}`);
      if (!driver) continue;
      problems.push(
        `${describe(obj)}: fsGroup ${fsGroup} with claim ${claim.claimName} (volume "${volume.name}") mounted writable: ` +
          `the kubelet would chown every file of that ${driver} volume on each pod start; leave fsGroup out (the driver's --uid/--gid show the files as the app's)`,
      );
    }
  }
  return problems;
}
