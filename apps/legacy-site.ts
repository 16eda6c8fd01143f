import type { AppSpec } from '../constructs/model/app-spec';

/** The customer's long-running PHP site; editors upload images and PDFs into uploads/. */
export const legacySite: AppSpec = {
  name: 'legacy-site',
  description: 'Public PHP website (Apache + mod_php) with editor uploads',
  imageRepository: 'ghcr.io/acme-web/legacy-site',
  // The app's repository, whose pipeline (app-pipeline.yml) may release it to staging from main.
  releasedFrom: { repository: 'acme-web/legacy-site' },
  port: 8080,
  exposure: 'public',
  hosts: {
    staging: ['www.staging.example.com'],
    prod: ['www.example.com', 'example.com'],
  },
  healthCheckPath: '/healthz.php',
  resources: {
    cpu: { request: '250m', limit: '1' },
    memory: { request: '256Mi', limit: '512Mi' },
  },
  scaling: { min: 2, max: 6 },
  runAsUser: 33,
  runAsUserReason: "www-data in the Debian php image: Apache's folders and the site's files belong to it",
  writablePaths: ['/tmp', '/var/run/apache2', '/var/lock/apache2'],
  // The site's MySQL (RDS, run outside this repo) in the database subnets; its contact form mails through the customer's relay.
  privateServices: [{ name: 'site-db', port: 3306, cidrs: { staging: ['10.20.128.0/20'], prod: ['10.10.128.0/20'] } }],
  outboundSmtp: true,
  env: {
    APP_ENV: 'production',
    PHP_MEMORY_LIMIT: '256M',
    UPLOAD_DIR: '/var/www/html/uploads',
  },
  secrets: [
    { env: 'DB_PASSWORD', secret: 'database', key: 'password' },
    { env: 'SMTP_PASSWORD', secret: 'smtp', key: 'password' },
  ],
  storage: { mountPath: '/var/www/html/uploads', expectedGiB: 2500 },
  edge: { maxBodySize: '64Mi', timeoutSeconds: 120 },
  backup: { schedule: '30 1 * * *' },
  logParser: 'apache2',
};
