import type { EnvName, ResourceSpec, ScalingSpec } from './app-spec';

export const LETSENCRYPT_PRODUCTION = 'https://acme-v02.api.letsencrypt.org/directory';
export const LETSENCRYPT_STAGING = 'https://acme-staging-v02.api.letsencrypt.org/directory';

export interface NodePoolSpec {
  readonly instanceTypes: readonly string[];
  readonly capacityType: 'ON_DEMAND' | 'SPOT';
  /** At least 3: one node per availability zone. */
  readonly min: number;
  readonly max: number;
  readonly diskGiB: number;
}

/** What one env may change about an app. Anything left out keeps the app file's value. */
export interface AppOverride {
  readonly hosts?: readonly string[];
  readonly resources?: ResourceSpec;
  readonly scaling?: ScalingSpec;
  readonly env?: Readonly<Record<string, string>>;
}

export interface ClusterSpec {
  /** DNS-1123 label; names the EKS cluster and prefixes its cloud resources. */
  readonly name: string;
  readonly env: EnvName;
  /** Every app host sits under this domain unless listed in `extraHostDomains`. */
  readonly domain: string;
  /** Further domains whose hosts this cluster may serve (customer vanity domains). @default [] */
  readonly extraHostDomains?: readonly string[];
  readonly region: string;
  /** Where backups are replicated; must differ from `region`. */
  readonly offsiteRegion: string;
  readonly kubernetesVersion: string;
  readonly nodePool: NodePoolSpec;
  readonly acme: { readonly server: string; readonly email: string };
  /** The apps this cluster runs, by name, with this env's overrides. */
  readonly apps: Readonly<Record<string, AppOverride>>;
}
