import type { ClusterSpec } from './cluster-spec';
import { keepsVolumesOf } from './kept-volume-drivers';
import type { ResolvedApp } from './resolve';

/*
 * Mountpoint for S3 CSI driver v2 runs one Mountpoint pod per volume and node in a namespace of its own; the
 * bucket traffic of a `mountpoint-s3` volume leaves from there, with the app pod's credentials.
 * Source: awslabs/mountpoint-s3-csi-driver v2.0.0 (b72b810), deploy/kubernetes/base/mount-s3-namespace.yaml
 * (namespace `mount-s3`, label `name: mount-s3`) and pkg/podmounter/mppod/creator.go (pod labels
 * `s3.csi.aws.com/mountpoint-version` and `s3.csi.aws.com/mounted-by-csi-driver-version`, no ports);
 * the same at v2.7.0 (a2d4b06), where the chart's templates/mount-s3-namespace.yaml makes the namespace.
 */

export const MOUNTPOINT_POD_NAMESPACE = 'mount-s3';
/** Every Mountpoint pod carries it, its value the Mountpoint version (creator.go, LabelMountpointVersion); the Headroom pods beside them do not. */
export const MOUNTPOINT_POD_LABEL_KEY = 's3.csi.aws.com/mountpoint-version';
/** The driver's own version, on every Mountpoint pod. */
export const MOUNTPOINT_DRIVER_LABEL_KEY = 's3.csi.aws.com/mounted-by-csi-driver-version';

/**
 * Whether the cluster holds Mountpoint volumes, so that Mountpoint pods run in mount-s3: a live app's, or a
 * retired app's that its retirement note names (its pods are unmounted after the platform layer changed,
 * and the volume is mounted again should the app come back). The EKS add-on itself is always installed.
 */
export const usesMountpoint = (cluster: ClusterSpec, apps: readonly ResolvedApp[]): boolean => keepsVolumesOf(cluster, apps, 'mountpoint-s3');
