import { staging } from './fixtures/specs/clusters/staging/cluster';
import type { AppSpec } from '../constructs/model/app-spec';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import type { Releases } from '../constructs/model/releases';
import type { SynthInput } from '../constructs/synth/pipeline';

/**
 * A cluster made for the network tests, unlike the real ones: another VPC, an app whose database sits
 * outside the VPC and whose backup hook dumps it, a GeeseFS app (so the csi-s3 add-on is installed), an
 * internal app without storage, and one on Mountpoint without outbound HTTPS.
 */
const base = {
  imageRepository: 'ghcr.io/fixture/app',
  healthCheckPath: '/health',
  resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
  scaling: { min: 2, max: 3 },
} as const;

export const FIXTURE_APPS: readonly AppSpec[] = [
  {
    ...base,
    name: 'ledger',
    description: 'public API with its database outside the VPC, dumped before each backup',
    port: 9000,
    exposure: 'public',
    hosts: { staging: ['ledger.net.example.org'] },
    outboundHttps: true,
    privateServices: [
      { name: 'ledger-db', port: 5432, cidrs: { staging: ['192.168.40.0/24'] } },
      { name: 'ledger-cache', port: 6379, cidrs: { staging: ['172.31.8.0/24', '172.31.9.0/24'] } },
    ],
    storage: { mountPath: '/data', driver: 'geesefs' },
    backup: { preBackup: { image: 'docker.io/library/postgres:17.2', command: ['pg_dump', '-f', '/backup/hook/ledger.sql'] } },
  },
  {
    ...base,
    name: 'intranet',
    description: 'internal tool, no storage',
    port: 8081,
    exposure: 'internal',
    hosts: { staging: ['intranet.net.example.org'] },
  },
  {
    ...base,
    name: 'gallery',
    description: 'public site on Mountpoint, nothing outbound',
    port: 8000,
    exposure: 'public',
    hosts: { staging: ['gallery.net.example.org'] },
    storage: { mountPath: '/srv/images' },
    backup: {},
  },
];

export const FIXTURE_CLUSTER: ClusterSpec = {
  ...staging,
  name: 'net-fixture',
  domain: 'net.example.org',
  network: { vpcCidr: '10.77.0.0/16', natGateways: 'single' },
  apps: { ledger: {}, intranet: {}, gallery: {} },
  appData: { ledger: 'live', intranet: 'live', gallery: 'live' },
  access: { ...staging.access, apps: { ledger: { developers: ['dev-shop'] }, intranet: { loginGroups: ['intranet-staff'] } } },
};

const release = (n: number) => ({ current: { tag: `1.0.${n}`, digest: `sha256:${String(n).repeat(64)}` }, history: [] });

export const FIXTURE_INPUT: SynthInput = {
  clusters: [FIXTURE_CLUSTER],
  apps: FIXTURE_APPS,
  releases: { staging: { apps: { ledger: release(1), intranet: release(2), gallery: release(3) } } } satisfies Releases,
};
