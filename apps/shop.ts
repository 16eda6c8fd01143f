import type { AppSpec } from '../constructs/model/app-spec';

/** The online shop's storefront and API; it calls the payment provider over HTTPS. */
export const shop: AppSpec = {
  name: 'shop',
  description: 'Public online shop and its JSON API (Node.js)',
  imageRepository: 'ghcr.io/acme-web/shop',
  // The app's repository, whose pipeline (app-pipeline.yml) may release it to staging from main.
  releasedFrom: { repository: 'acme-web/shop' },
  port: 3000,
  exposure: 'public',
  hosts: {
    staging: ['shop.staging.example.com'],
    prod: ['shop.example.com'],
  },
  healthCheckPath: '/api/health',
  resources: {
    cpu: { request: '200m', limit: '1' },
    memory: { request: '384Mi', limit: '768Mi' },
  },
  scaling: { min: 2, max: 10, targetCpuPercent: 65 },
  outboundHttps: true,
  // The orders database (PostgreSQL on RDS, run outside this repo): its subnets in each env.
  privateServices: [{ name: 'orders-db', port: 5432, cidrs: { staging: ['10.20.128.0/20'], prod: ['10.10.128.0/20'] } }],
  env: {
    NODE_ENV: 'production',
    MEDIA_DIR: '/app/media',
  },
  secrets: [
    { env: 'DATABASE_URL', secret: 'database', key: 'url' },
    { env: 'PAYMENT_API_KEY', secret: 'payment', key: 'api-key' },
  ],
  storage: { mountPath: '/app/media', expectedGiB: 300 },
  edge: { requestsPerSecond: 200 },
  backup: { schedule: '0 2 * * *' },
  // Orders are disputed up to half a year later: keep the shop's logs that long.
  logRetentionDays: 180,
};
