import type { AppSpec, EdgeSpec, EnvName } from './app-spec';
import type { ClusterSpec } from './cluster-spec';

/** An app as one cluster runs it: the app file with that env's overrides applied. */
export interface ResolvedApp extends Omit<AppSpec, 'hosts'> {
  readonly hosts: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly runAsUser: number;
  readonly writablePaths: readonly string[];
  readonly outboundHttps: boolean;
  readonly secrets: readonly NonNullable<AppSpec['secrets']>[number][];
  readonly edge: Required<EdgeSpec>;
}

export const DEFAULT_EDGE: Required<EdgeSpec> = { requestsPerSecond: 100, maxBodySize: '10Mi', timeoutSeconds: 60 };

export const DEFAULT_RUN_AS_USER = 10001;
export const DEFAULT_WRITABLE_PATHS: readonly string[] = ['/tmp'];

export function resolveApp(spec: AppSpec, cluster: ClusterSpec): ResolvedApp {
  const override = cluster.apps[spec.name] ?? {};
  return {
    ...spec,
    hosts: override.hosts ?? spec.hosts[cluster.env as EnvName] ?? [],
    resources: override.resources ?? spec.resources,
    scaling: override.scaling ?? spec.scaling,
    env: { ...spec.env, ...override.env },
    secrets: spec.secrets ?? [],
    runAsUser: spec.runAsUser ?? DEFAULT_RUN_AS_USER,
    writablePaths: spec.writablePaths ?? DEFAULT_WRITABLE_PATHS,
    outboundHttps: spec.outboundHttps ?? false,
    edge: { ...DEFAULT_EDGE, ...spec.edge },
  };
}
