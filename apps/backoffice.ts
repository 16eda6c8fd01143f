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
  env: {
    LOG_FORMAT: 'json',
  },
  secrets: [
    { env: 'DATABASE_URL', secret: 'database', key: 'url' },
    { env: 'SESSION_SECRET', secret: 'session', key: 'secret' },
  ],
};
