import { describe, type KubeObject } from '../model/kube-object';
import { podSpecOf } from './pod-template';

/*
 * Every file a container reads from a Secret, ConfigMap, downward API or projected volume must be
 * readable by the user and groups the container runs as. The kubelet writes those files owned by root
 * (uid 0); their group is the pod's fsGroup when it sets one, else root's (gid 0); their mode is the
 * item's `mode`, else the volume's `defaultMode`, else 0644 (kubernetes.io/docs/concepts/storage/volumes,
 * "secret", "configMap", "projected"; pkg/volume/util/atomic_writer.go and SetVolumeOwnership). The
 * process reads through the owner bits when it runs as uid 0, through the group bits when its primary or
 * a supplementary group (supplementalGroups, plus fsGroup, which the kubelet adds) is the file's group,
 * else through the "other" bits. A group that is not set cannot be counted on (the image's default may
 * be anything), so without one the file must be world-readable.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const DEFAULT_MODE = 0o644;
const FILE_OWNER = 0;
const ROOT_GROUP = 0;

interface MountedFile {
  readonly path: string;
  readonly mode: number;
  readonly from: string;
}

/** The files of one source of a volume (a Secret, a ConfigMap, the downward API), each with its mode. */
function sourceFiles(kind: string, spec: Json, defaultMode: number | undefined): MountedFile[] {
  const name = spec.name ?? spec.secretName ?? '';
  const from = `${kind} ${name}`.trim();
  const fallback = spec.defaultMode ?? defaultMode ?? DEFAULT_MODE;
  if (spec.items?.length) return spec.items.map((item: Json) => ({ path: item.path, mode: item.mode ?? fallback, from }));
  return [{ path: '*', mode: fallback, from }];
}

/** The files one volume puts in a container, each with its mode; `*` when every key of the source lands. */
function filesOf(volume: Json): MountedFile[] | undefined {
  if (volume.secret) return sourceFiles('Secret', volume.secret, undefined);
  if (volume.configMap) return sourceFiles('ConfigMap', volume.configMap, undefined);
  if (volume.downwardAPI) return sourceFiles('downwardAPI', { ...volume.downwardAPI, name: '' }, undefined);
  if (volume.projected) {
    const defaultMode = volume.projected.defaultMode ?? DEFAULT_MODE;
    return (volume.projected.sources ?? []).flatMap((s: Json) => {
      if (s.secret) return sourceFiles('Secret', { ...s.secret, defaultMode: undefined }, defaultMode);
      if (s.configMap) return sourceFiles('ConfigMap', { ...s.configMap, defaultMode: undefined }, defaultMode);
      if (s.downwardAPI) return sourceFiles('downwardAPI', { ...s.downwardAPI, name: '', defaultMode: undefined }, defaultMode);
      if (s.serviceAccountToken) return [{ path: s.serviceAccountToken.path, mode: defaultMode, from: 'serviceAccountToken' }];
      if (s.clusterTrustBundle) return [{ path: s.clusterTrustBundle.path, mode: defaultMode, from: 'clusterTrustBundle' }];
      return [];
    });
  }
  return undefined;
}

/** Who a container runs as, from its own context over the pod's. */
export interface RunsAs {
  readonly uid?: number;
  readonly gid?: number;
  /** Supplementary groups: the pod's supplementalGroups and its fsGroup. */
  readonly groups: readonly number[];
  /** Root that kept CAP_DAC_OVERRIDE reads whatever the mode says. */
  readonly overridesModes: boolean;
}

export function runsAsOf(pod: Json, container: Json): RunsAs {
  const c = container.securityContext ?? {};
  const p = pod.securityContext ?? {};
  const uid = c.runAsUser ?? p.runAsUser;
  const dropped: string[] = c.capabilities?.drop ?? [];
  return {
    uid,
    gid: c.runAsGroup ?? p.runAsGroup,
    groups: [...(p.supplementalGroups ?? []), ...(p.fsGroup !== undefined ? [p.fsGroup] : [])],
    overridesModes: uid === 0 && !dropped.includes('ALL') && !dropped.includes('DAC_OVERRIDE'),
  };
}

/** Whether a file of `mode`, owned by root and group `fileGroup`, is readable by `who`; the bits that decide it. */
export function readable(mode: number, fileGroup: number, who: RunsAs): { ok: boolean; through: 'owner' | 'group' | 'other' | 'capability' } {
  if (who.overridesModes) return { ok: true, through: 'capability' };
  if (who.uid === FILE_OWNER) return { ok: (mode & 0o400) !== 0, through: 'owner' };
  const inGroup = (who.gid !== undefined && who.gid === fileGroup) || who.groups.includes(fileGroup);
  if (inGroup) return { ok: (mode & 0o040) !== 0, through: 'group' };
  return { ok: (mode & 0o004) !== 0, through: 'other' };
}

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

/** The problems of one pod spec; `where` names the object. */
export function podMountProblems(where: string, pod: Json): string[] {
  const problems: string[] = [];
  const volumes = new Map<string, Json>((pod.volumes ?? []).map((v: Json) => [v.name, v]));
  const fileGroup = pod.securityContext?.fsGroup ?? ROOT_GROUP;
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const who = runsAsOf(pod, c);
    for (const mount of c.volumeMounts ?? []) {
      const files = filesOf(volumes.get(mount.name) ?? {});
      if (!files) continue;
      for (const file of files) {
        if (mount.subPath && file.path !== '*' && file.path !== mount.subPath) continue;
        const { ok, through } = readable(file.mode, fileGroup, who);
        if (ok) continue;
        const path = mount.subPath ? mount.mountPath : `${mount.mountPath}/${file.path}`;
        const identity = `uid ${who.uid ?? '(image default)'}, gid ${who.gid ?? '(not set)'}, groups [${who.groups.join(', ')}]`;
        problems.push(
          `${where} container ${c.name}: file ${path} (volume "${mount.name}", ${file.from}) has mode ${octal(file.mode)}, owner ${FILE_OWNER}, group ${fileGroup}; ` +
            `it runs as ${identity}, so the ${through} bits apply and forbid reading it`,
        );
      }
    }
  }
  return problems;
}

/** Every pod we write: each file it mounts from a Secret or ConfigMap is readable by the container that mounts it. */
export function mountedFileProblems(objects: readonly KubeObject[]): string[] {
  return objects.flatMap((obj) => {
    const pod = podSpecOf(obj);
    return pod ? podMountProblems(describe(obj), pod) : [];
  });
}
