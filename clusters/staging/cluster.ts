import { LETSENCRYPT_STAGING, type ClusterSpec } from '../../constructs/model/cluster-spec';

/** Staging: the same apps as prod, on smaller spot nodes, with Let's Encrypt's staging CA. */
export const staging: ClusterSpec = {
  name: 'acme-staging',
  env: 'staging',
  domain: 'staging.example.com',
  // Placeholder: the Terraform output dns_zone_id of this cluster's zone (docs/bootstrap.md, step 2).
  dnsZoneId: 'Z0STAGINGEXAMPLE000001',
  region: 'eu-central-1',
  offsiteRegion: 'eu-west-1',
  kubernetesVersion: '1.35',
  nodePool: { instanceTypes: ['t3a.large', 't3.large'], capacityType: 'SPOT', min: 3, max: 5, diskGiB: 50 },
  internalAccess: {
    oidc: {
      issuer: 'https://login.example.com/realms/staff',
      clientId: 'staging-gateway',
      clientSecret: 'oidc-client',
      // Placeholder: jwks_uri of the issuer's /.well-known/openid-configuration. The proxies check the ID token's
      // groups with these keys (docs/access.md, "Who may reach an internal app").
      jwksUri: 'https://login.example.com/realms/staff/protocol/openid-connect/certs',
      // The IdP group of the platform admins: let into every internal app.
      adminGroups: ['platform-admins'],
    },
    allowedCidrs: ['203.0.113.0/24'],
  },
  acme: { server: LETSENCRYPT_STAGING, email: 'ops@example.com' },
  alerting: {
    email: { to: ['ops@example.com'], from: 'alerts-staging@example.com', smtpHost: 'smtp.example.com', smtpPort: 587, credentialsSecret: 'alerting-smtp' },
    chat: { service: 'slack', webhookSecret: 'alerting-chat-webhook' },
  },
  // Placeholders (AWS documentation account ids): the SSO roles of the customer's staff and agency.
  access: {
    people: {
      'ops-lead': { iamRoleArn: 'arn:aws:iam::111122223333:role/AWSReservedSSO_PlatformAdmin_9f8e7d6c5b4a3f2e' },
      'dev-shop': { iamRoleArn: 'arn:aws:iam::111122223333:role/AWSReservedSSO_ShopDeveloper_0a1b2c3d4e5f6a7b' },
      'agency-web': { iamRoleArn: 'arn:aws:iam::111122223333:role/AWSReservedSSO_AgencyWeb_1b2c3d4e5f6a7b8c' },
    },
    platformAdmins: ['ops-lead'],
    // cluster-admin for emergencies: off; docs/break-glass.md says when and how to turn it on.
    breakGlass: { enabled: false, members: ['ops-lead'] },
    apps: {
      shop: { developers: ['dev-shop'], viewers: ['agency-web'] },
      'legacy-site': { developers: ['agency-web'] },
      // Internal: who may pass its login, by IdP group (besides internalAccess.oidc.adminGroups).
      backoffice: { loginGroups: ['backoffice-staff'] },
    },
  },
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
