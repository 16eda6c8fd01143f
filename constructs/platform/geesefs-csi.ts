import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource } from './add-on';
import { PLATFORM_PRIORITY } from './priority-classes';

export const geesefsCsiDefaults = {
  name: 'csi-s3',
  namespace: 'csi-s3',
  chart: { repository: 'https://yandex-cloud.github.io/k8s-csi-s3/charts', chart: 'csi-s3', version: '0.43.2' } as ChartSource,
};
export type GeesefsCsiProps = Partial<typeof geesefsCsiDefaults>;

/**
 * k8s-csi-s3 with GeeseFS, for apps whose storage asks for `geesefs` (they rename, append or write in
 * place, which Mountpoint cannot). Installed only in clusters that run such an app. Its node plugin
 * mounts FUSE on the host, so its namespace is privileged; the app pods stay restricted.
 */
export class GeesefsCsiAddOn extends HelmAddOn<typeof geesefsCsiDefaults> {
  readonly dependsOn: readonly string[] = [];
  readonly podSecurity = 'privileged' as const;
  readonly network: AddOnNetwork = { egressApiServer: true, egressInternet: [{ port: 443, name: 'S3' }] };

  constructor(props: GeesefsCsiProps = {}) {
    super(geesefsCsiDefaults, props);
  }

  neededBy(ctx: AddOnContext): boolean {
    return ctx.apps.some((app) => app.storage?.driver === 'geesefs');
  }

  values(): Record<string, unknown> {
    // Volumes are static PVs with per-app keys: no shared StorageClass, no shared secret.
    return { storageClass: { create: false }, secret: { create: false }, priorityClassName: PLATFORM_PRIORITY };
  }
}
