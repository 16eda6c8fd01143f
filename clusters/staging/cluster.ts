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
  internalAccess: {
    oidc: { issuer: 'https://login.example.com/realms/staff', clientId: 'staging-gateway', clientSecret: 'oidc-client' },
    allowedCidrs: ['203.0.113.0/24'],
  },
  acme: { server: LETSENCRYPT_STAGING, email: 'ops@example.com' },
  apps: {
    'legacy-site': { scaling: { min: 1, max: 2 } },
    shop: { scaling: { min: 1, max: 2 }, env: { NODE_ENV: 'staging' } },
    backoffice: { scaling: { min: 1, max: 1 } },
  },
  appData: {
    'legacy-site': 'live',
    shop: 'live',
    backoffice: 'live',
  },
  // Placeholder (TEST-NET-3): the office VPN's egress range, the only place the API is reachable from.
  adminCidrs: ['203.0.113.0/24'],
  network: { vpcCidr: '10.20.0.0/16', natGateways: 'single' },
  data: { noncurrentVersionDays: 7, accessLogDays: 90 },
  backupVault: { nearNoncurrentDays: 7, objectLockMode: 'GOVERNANCE', objectLockDays: 7 },
  terraformState: { bucket: 'acme-webapps-tfstate', region: 'eu-central-1' },
};
