import { LETSENCRYPT_PRODUCTION, type ClusterSpec } from '../../constructs/model/cluster-spec';

/** Production: on-demand nodes over three zones, the apps at full scale. */
export const prod: ClusterSpec = {
  name: 'acme-prod',
  env: 'prod',
  domain: 'example.com',
  region: 'eu-central-1',
  offsiteRegion: 'eu-west-1',
  kubernetesVersion: '1.35',
  nodePool: { instanceTypes: ['m7i.large'], capacityType: 'ON_DEMAND', min: 3, max: 9, diskGiB: 80 },
  acme: { server: LETSENCRYPT_PRODUCTION, email: 'ops@example.com' },
  apps: {
    'legacy-site': {},
    shop: { scaling: { min: 3, max: 12, targetCpuPercent: 65 } },
    backoffice: {},
  },
};
