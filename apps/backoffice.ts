import type { AppSpec } from '../constructs/model/app-spec';

/** Staff-only admin tool for orders and content; never reachable from the public internet. */
export const backoffice: AppSpec = {
  name: 'backoffice',
  description: 'Internal admin tool for staff (orders, content, reports)',
  imageRepository: 'ghcr.io/acme-web/backoffice',
  // The app's repository, whose pipeline (app-pipeline.yml) may release it to staging from main.
  releasedFrom: { repository: 'acme-web/backoffice' },
  port: 8080,
  exposure: 'internal',
  hosts: {
    staging: ['admin.staging.example.com'],
    prod: ['admin.example.com'],
  },
  healthCheckPath: '/health',
  resources: {
    cpu: { request: '100m', limit: '500m' },
    memory: { request: '192Mi', limit: '384Mi' },
  },
  scaling: { min: 2, max: 3 },
  // The orders database it shares with the shop (PostgreSQL on RDS, run outside this repo): its subnets in each env.
  privateServices: [{ name: 'orders-db', port: 5432, cidrs: { staging: ['10.20.128.0/20'], prod: ['10.10.128.0/20'] } }],
  env: {
    LOG_FORMAT: 'json',
  },
  secrets: [
    { env: 'DATABASE_URL', secret: 'database', key: 'url' },
    { env: 'SESSION_SECRET', secret: 'session', key: 'secret' },
  ],
};
