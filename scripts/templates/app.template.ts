// Template of `npm run new-app -- <name>`, which writes it to apps/<name>.ts with the names filled in.
// It is type-checked with the rest of the repo, so it always matches AppSpec. Keep it in the shape of apps/shop.ts.
// @new-app-cut-above
import type { AppSpec } from '../../constructs/model/app-spec';

/** APP_DESCRIPTION */
export const appIdentifier: AppSpec = {
  name: 'app-name',
  description: 'APP_DESCRIPTION',
  // Where the image lives, without tag or digest. The version each env runs is in clusters/<env>/releases.json:
  // npm run release -- --env staging --app app-name --image <repository>:<tag>@sha256:<digest>
  imageRepository: 'image-repository',
  // The app's GitHub repository, whose pipeline (app-pipeline.yml) may release it to staging; without it, only
  // a release started here is applied (docs/app-pipeline.md). Add `branch: '…'` if it releases from another than main.
  // releasedFrom: { repository: '<owner>/app-name' },
  port: 8080, // the port the container listens on; 1024 or higher, the app runs as non-root
  exposure: 'public', // or 'internal': staff only, behind the login and the office networks (then list its loginGroups: docs/access.md)
  hosts: {
    staging: ['app-name.staging-domain'],
    // prod: ['app-name.prod-domain'], // and name the app in clusters/prod/cluster.ts
  },
  healthCheckPath: '/healthz', // answers 200 when the app can serve
  resources: {
    cpu: { request: '100m', limit: '500m' },
    memory: { request: '128Mi', limit: '256Mi' },
  },
  scaling: { min: 2, max: 3 }, // per-env overrides go in clusters/<env>/cluster.ts
  env: {
    // Plain, non-secret settings, e.g. LOG_FORMAT: 'json',
  },
  secrets: [
    // References into the secret store (webapps/<env>/app-name/<secret>), never values, e.g.
    // { env: 'DATABASE_URL', secret: 'database', key: 'url' },
  ],
  // Optional, see apps/shop.ts and apps/legacy-site.ts:
  // outboundHttps: true,                        // may call HTTPS APIs on the internet
  // outboundSmtp: true,                         // may send mail through a relay on the internet (587, 465)
  // privateServices: [{ name: 'db', port: 5432, cidrs: { staging: ['10.20.128.0/20'] } }], // its database inside the network
  // logParser: 'nginx',                         // how its log lines are parsed into fields
  // storage: {
  //   mountPath: '/app/data',                   // its own bucket (every app has one, backed up nightly), mounted as a folder
  //   driver: 'geesefs',                        // only if it renames, appends or writes in place, which the default 'mountpoint-s3'
  //                                             // cannot; GeeseFS needs an access key stored by hand (docs/storage-drivers.md)
  // },
  // backup: { schedule: '0 2 * * *' },          // every app is backed up; this says when (and preBackup: a database dump)
  // edge: { requestsPerSecond: 100, maxBodySize: '10Mi' },
  // writablePaths: ['/tmp'],                    // the root filesystem is read-only
  // runAsUser: 33, runAsUserReason: '…',      // default 10001; below 10000 only with the image's reason
  // logRetentionDays: 30,
  // logLinesPerSecond: 200,                    // its log lines a second on each node; past them (and a 10 s burst) they are dropped
  // alerts: { email: ['team@example.com'], errorBurst: { count: 10, minutes: 5 } }, // who else gets its alerts; when errors alert
};
