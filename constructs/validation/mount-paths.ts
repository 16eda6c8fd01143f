import type { AppSpec } from '../model/app-spec';
import { scratchVolumeOf } from '../model/naming';
import { DEFAULT_WRITABLE_PATHS } from '../model/resolve';
import { SpecProblem } from '../model/spec-error';

/**
 * Folders of the image and the runtime that a volume must never cover: mounting over one hides the
 * image's programs and libraries (/bin, /usr, /lib…), its configuration (/etc) or the kernel's and the
 * runtime's own mounts (/proc, /sys, /dev). A path equal to one or under it is refused.
 */
const SYSTEM_FOLDERS: readonly string[] = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/sbin', '/sys', '/usr'];
/**
 * Where the kubelet mounts the pod's credentials: the EKS Pod Identity token
 * (/var/run/secrets/pods.eks.amazonaws.com/serviceaccount) and the ServiceAccount token. /var/run is a
 * link to /run in the images; a volume on one of these, or on a folder holding them (/, /var, /run,
 * /var/run), would hide the app's AWS credentials. Folders of their own below /run (e.g.
 * /var/run/apache2 for a PID file) are fine.
 */
const CREDENTIAL_MOUNTS: readonly string[] = ['/var/run/secrets', '/run/secrets'];

const isUnder = (path: string, folder: string): boolean => path === folder || path.startsWith(`${folder}/`);

/** Why a mount path is refused, or undefined. */
export function mountPathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('/')) return 'must be an absolute path, e.g. "/var/www/html/uploads"';
  if (path === '/') return 'must not be / (the whole image)';
  if (path.endsWith('/')) return 'must not end with "/"';
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s === '')) return 'must not contain "//"';
  if (segments.some((s) => s === '.' || s === '..')) return 'must be normalized: no "." or ".." segments';
  if (!/^[A-Za-z0-9._/-]+$/.test(path)) return 'may hold only letters, digits, ".", "_", "-" and "/"';
  const system = SYSTEM_FOLDERS.find((folder) => isUnder(path, folder));
  if (system) return `lies in the system folder ${system}: a volume there hides the image's own files`;
  const credentials = CREDENTIAL_MOUNTS.find((mount) => isUnder(path, mount) || isUnder(mount, path));
  if (credentials) return `covers ${credentials}, where Kubernetes mounts the pod's credentials (the EKS Pod Identity token)`;
  return undefined;
}

/** Every path the app spec mounts a volume at in the app's container: its storage and its writable scratch folders. */
export function checkMountPaths(app: AppSpec): SpecProblem[] {
  const at = { app: app.name };
  const problems: SpecProblem[] = [];
  const mounts: { field: string; path: string }[] = [
    ...(app.storage ? [{ field: 'storage.mountPath', path: app.storage.mountPath }] : []),
    ...(app.writablePaths ?? DEFAULT_WRITABLE_PATHS).map((path, i) => ({ field: app.writablePaths ? `writablePaths[${i}]` : 'writablePaths', path })),
  ];
  const valid: typeof mounts = [];
  for (const mount of mounts) {
    const problem = mountPathProblem(mount.path);
    if (problem) problems.push(new SpecProblem(at, mount.field, mount.path, problem));
    else valid.push(mount);
  }
  for (const [i, mount] of valid.entries()) {
    const earlier = valid.slice(0, i);
    const same = earlier.find((other) => other.path === mount.path);
    const nested = earlier.find((other) => isUnder(mount.path, other.path) || isUnder(other.path, mount.path));
    const sameVolume = earlier.find((other) => other.field !== 'storage.mountPath' && scratchVolumeOf(other.path) === scratchVolumeOf(mount.path));
    if (same) problems.push(new SpecProblem(at, mount.field, mount.path, `is also the mount path of ${same.field}: each volume needs a path of its own`));
    else if (nested) {
      problems.push(
        new SpecProblem(at, mount.field, mount.path, `lies inside or over ${nested.field} ("${nested.path}"): one volume would hide part of the other`),
      );
    } else if (mount.field !== 'storage.mountPath' && sameVolume) {
      problems.push(
        new SpecProblem(
          at,
          mount.field,
          mount.path,
          `gets the same volume name "${scratchVolumeOf(mount.path)}" as ${sameVolume.field} ("${sameVolume.path}"): rename one folder`,
        ),
      );
    } else if (mount.field !== 'storage.mountPath' && scratchVolumeOf(mount.path).length > 63) {
      problems.push(new SpecProblem(at, mount.field, mount.path, `makes the volume name "${scratchVolumeOf(mount.path)}" longer than 63 characters`));
    }
  }
  return problems;
}
