import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { keptPartsOf, type AppCloudPart } from '../constructs/cloud/app-cloud-part';
import { cloudAppOf, cloudClusterOf, type CloudApp, type CloudCluster } from '../constructs/model/cloud-input';
import { appPartKeysOf } from '../constructs/synth/kept-or-built';
import { synthCloud, type AppPartsKept } from '../constructs/synth/synth-cloud';
import { readEntryFile, writeEntryFile } from '../constructs/synth/synth-cache';
import { FIXTURE_CLUSTERS, fixtureCloudAppsOf, scopedTempDirs } from './support';

// Each app's part of the Terraform (its bucket, roles and user, and what it adds to the keys' policies and
// the audit trail) is kept between runs (constructs/cloud/app-cloud-part.ts), so that an app's arrival or
// departure builds that app and the shared resources only. These hold that the Terraform made from kept
// parts is, byte for byte, the one built afresh, whatever changed; that kept parts are read back; and
// that a part's key moves only with its app, its ledger entry and the cluster's settings.

const tempDir = scopedTempDirs();
const prod = FIXTURE_CLUSTERS.find((c) => c.env === 'prod')!;
const baseApps = fixtureCloudAppsOf(prod).map(cloudAppOf);
const RETIRED = { retiredOn: '2026-11-27', reason: 'moved to a SaaS' };

interface Scenario {
  readonly cluster: CloudCluster;
  readonly apps: readonly CloudApp[];
}
const base: Scenario = { cluster: cloudClusterOf(prod), apps: baseApps };
const [first, second] = baseApps.filter((a) => a.storage);
const SCENARIOS: Record<string, Scenario> = {
  'an app arrives': {
    cluster: { ...base.cluster, appData: { ...base.cluster.appData, arrival: 'live' } },
    apps: [...baseApps, { name: 'arrival', storage: first.storage }],
  },
  'an app retires, its data kept': {
    cluster: { ...base.cluster, appData: { ...base.cluster.appData, [first.name]: RETIRED } },
    apps: baseApps.filter((a) => a !== first),
  },
  "an app's bucket is given up": {
    cluster: { ...base.cluster, appData: Object.fromEntries(Object.entries(base.cluster.appData).filter(([app]) => app !== first.name)) },
    apps: baseApps.filter((a) => a !== first),
  },
  'an app moves to GeeseFS': {
    cluster: base.cluster,
    apps: baseApps.map((a) => (a === second ? { ...a, storage: { ...a.storage!, driver: 'geesefs' as const } } : a)),
  },
  "the cluster's settings change": {
    cluster: { ...base.cluster, data: { ...base.cluster.data!, noncurrentVersionDays: 7 } },
    apps: baseApps,
  },
};

const partsIn = (cache: string, s: Scenario): AppPartsKept => ({ cache, folder: 'terraform-apps/prod', keys: appPartKeysOf(s.cluster, s.apps) });
const partFiles = (cache: string): string[] => fs.readdirSync(path.join(cache, 'terraform-apps/prod')).sort();

/** A cache filled by the Terraform of the base scenario. */
function filled(): string {
  const cache = tempDir('cloud-parts-');
  synthCloud(base.cluster, base.apps, partsIn(cache, base));
  return cache;
}

test.each(Object.entries(SCENARIOS))('%s: the Terraform made from the kept parts is the one built afresh', (_name, s) => {
  const cache = filled();
  expect(synthCloud(s.cluster, s.apps, partsIn(cache, s)).text).toBe(synthCloud(s.cluster, s.apps).text);
  // And once more, every part now kept.
  expect(synthCloud(s.cluster, s.apps, partsIn(cache, s)).text).toBe(synthCloud(s.cluster, s.apps).text);
  // One entry holds every app's part under its key.
  const [file] = partFiles(cache);
  const entry = readEntryFile(path.join(cache, 'terraform-apps/prod', file)) as Record<string, { key: string }>;
  expect(Object.fromEntries(Object.entries(entry).map(([app, { key }]) => [app, key]))).toEqual(partsIn(cache, s).keys);
  expect(partFiles(cache)).toHaveLength(1);
});

test("a kept part is read back, not built again: an app's arrival leaves the others' parts as they were", () => {
  const cache = filled();
  const [file] = partFiles(cache);
  const entry = readEntryFile(path.join(cache, 'terraform-apps/prod', file)) as Record<string, { key: string; part: AppCloudPart }>;
  const { part } = entry[first.name];
  const resources = part.terraform.resource as Record<string, Record<string, { tags: Record<string, string> }>>;
  const bucket = resources.aws_s3_bucket[`app_data_${first.name}`];
  const edited = {
    ...part,
    terraform: {
      ...part.terraform,
      resource: { ...resources, aws_s3_bucket: { [`app_data_${first.name}`]: { ...bucket, tags: { ...bucket.tags, kept: 'read back' } } } },
    },
  };
  writeEntryFile(path.join(cache, 'terraform-apps/prod', file), { ...entry, [first.name]: { ...entry[first.name], part: edited } });
  const arrival = SCENARIOS['an app arrives'];
  const json = synthCloud(arrival.cluster, arrival.apps, partsIn(cache, arrival)).json;
  expect(json.resource!.aws_s3_bucket[`app_data_${first.name}`]).toMatchObject({ tags: { kept: 'read back' } });
  expect(json.resource!.aws_s3_bucket.app_data_arrival).toBeDefined();
});

test("the ledger's order in the spec changes no part, and keeps the entry", () => {
  const cache = filled();
  const [before] = partFiles(cache);
  const reordered = { ...base.cluster, appData: Object.fromEntries(Object.entries(base.cluster.appData).reverse()) };
  expect(synthCloud(reordered, base.apps, partsIn(cache, { cluster: reordered, apps: base.apps })).text).toBe(synthCloud(base.cluster, base.apps).text);
  expect(partFiles(cache)).toEqual([before]);
});

test("a part's key moves with its app and its ledger entry, and every part's with the cluster's settings; never with another app", () => {
  const keys = appPartKeysOf(base.cluster, base.apps);
  const moved = (s: Scenario) =>
    Object.keys(keys)
      .filter((app) => appPartKeysOf(s.cluster, s.apps)[app] !== keys[app])
      .sort();
  expect(moved(SCENARIOS['an app arrives'])).toEqual([]);
  expect(moved(SCENARIOS['an app retires, its data kept'])).toEqual([first.name]);
  expect(moved(SCENARIOS['an app moves to GeeseFS'])).toEqual([second.name]);
  expect(moved(SCENARIOS["the cluster's settings change"])).toEqual(Object.keys(keys).sort());
});

test("an app's part may hold resources and outputs only: the stack merges nothing else of it", () => {
  const stack = new TerraformStack(new App({ outdir: tempDir('cloud-parts-') }), 'prod');
  const app = new Construct(stack, 'AppRole-shop');
  new DataAwsCallerIdentity(app, 'Account');
  const built = new Map([['shop', { constructs: [app], dataKeyUses: [], backupKeyUses: [] }]]);
  expect(() => keptPartsOf(built, { resource: {} })).toThrow("prod/AppRole-shop/Account: an app's part of the Terraform may hold resources and outputs only");
});
