import { LETSENCRYPT_PRODUCTION, type ClusterSpec } from '../../constructs/model/cluster-spec';

/** Production: on-demand nodes over three zones, the apps at full scale. */
export const prod: ClusterSpec = {
  name: 'acme-prod',
  env: 'prod',
  domain: 'example.com',
  // Placeholder: the Terraform output dns_zone_id of this cluster's zone (docs/bootstrap.md, step 2).
  dnsZoneId: 'Z0PRODEXAMPLE000000001',
  region: 'eu-central-1',
  offsiteRegion: 'eu-west-1',
  kubernetesVersion: '1.35',
  nodePool: { instanceTypes: ['m7i.large'], capacityType: 'ON_DEMAND', min: 5, max: 9, diskGiB: 80 },
  internalAccess: {
    oidc: {
      issuer: 'https://login.example.com/realms/staff',
      clientId: 'prod-gateway',
      clientSecret: 'oidc-client',
      // Placeholder: jwks_uri of the issuer's /.well-known/openid-configuration. The proxies check the ID token's
      // groups with these keys (docs/access.md, "Who may reach an internal app").
      jwksUri: 'https://login.example.com/realms/staff/protocol/openid-connect/certs',
      // The IdP group of the platform admins: let into every internal app.
      adminGroups: ['platform-admins'],
    },
    allowedCidrs: ['203.0.113.0/24'],
  },
  acme: { server: LETSENCRYPT_PRODUCTION, email: 'ops@example.com' },
  alerting: {
    email: { to: ['ops@example.com'], from: 'alerts-prod@example.com', smtpHost: 'smtp.example.com', smtpPort: 587, credentialsSecret: 'alerting-smtp' },
    chat: { service: 'slack', webhookSecret: 'alerting-chat-webhook' },
  },
  // Set it to what the servers this env replaces cost a month, in USD: AWS Budgets then emails
  // alerting.email.to as the month nears it (docs/alerts.md), and `npm run cost` compares its estimate.
  // costBudget: { monthlyUsd: 1500 },
  // Placeholders (AWS documentation account ids): the SSO roles of the customer's staff and agency.
  access: {
    people: {
      'ops-lead': { iamRoleArn: 'arn:aws:iam::444455556666:role/AWSReservedSSO_PlatformAdmin_9f8e7d6c5b4a3f2e' },
      'dev-shop': { iamRoleArn: 'arn:aws:iam::444455556666:role/AWSReservedSSO_ShopDeveloper_2c3d4e5f6a7b8c9d' },
      'agency-web': { iamRoleArn: 'arn:aws:iam::444455556666:role/AWSReservedSSO_AgencyWeb_3d4e5f6a7b8c9d0e' },
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
    'legacy-site': {},
    shop: { scaling: { min: 3, max: 12, targetCpuPercent: 65 } },
    backoffice: {},
  },
  appData: {
    'legacy-site': 'live',
    shop: 'live',
    backoffice: 'live',
  },
  // Placeholder (TEST-NET-3): the office VPN's egress range, the only place the API is reachable from.
  adminCidrs: ['203.0.113.0/24'],
  network: { vpcCidr: '10.10.0.0/16', natGateways: 'perZone' },
  data: { noncurrentVersionDays: 30, accessLogDays: 365 },
  backupVault: { nearNoncurrentDays: 30, objectLockMode: 'COMPLIANCE', objectLockDays: 30 },
  terraformState: { bucket: 'acme-webapps-tfstate', region: 'eu-central-1' },
};
