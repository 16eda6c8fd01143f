import { LETSENCRYPT_STAGING, type ClusterSpec } from '../../constructs/model/cluster-spec';

/** Staging: the same apps as prod, on smaller spot nodes, with Let's Encrypt's staging CA. */
export const staging: ClusterSpec = {
  name: 'acme-staging',
  env: 'staging',
  domain: 'staging.example.com',
  region: 'eu-central-1',
  offsiteRegion: 'eu-west-1',
  kubernetesVersion: '1.35',
  nodePool: { instanceTypes: ['t3a.large', 't3.large'], capacityType: 'SPOT', min: 3, max: 5, diskGiB: 50 },
  acme: { server: LETSENCRYPT_STAGING, email: 'ops@example.com' },
  apps: {
    'legacy-site': { scaling: { min: 1, max: 2 } },
    shop: { scaling: { min: 1, max: 2 }, env: { NODE_ENV: 'staging' } },
    backoffice: { scaling: { min: 1, max: 1 } },
  },
};
