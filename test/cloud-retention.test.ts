import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import { terraformFileOf } from '../constructs/synth/terraform-file';
import type { AppDataState, ClusterSpec } from '../constructs/model/cluster-spec';
import { appRoleOf, backupRoleOf, bucketOf, namespaceOf } from '../constructs/model/naming';
import { SynthError } from '../constructs/model/spec-error';
import { buildAll, synthesize, type SynthInput } from '../constructs/synth/pipeline';
import { FIXTURE_RELEASES, tempDir, treeHash } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const prod = CLUSTERS.find((c) => c.env === 'prod')!;
const PRD = 'cluster "acme-prod", app "shop"';

/** The fixture input with the prod cluster changed. */
const withProd = (patch: Partial<ClusterSpec>): SynthInput => ({
  clusters: CLUSTERS.map((c) => (c === prod ? { ...c, ...patch } : c)),
  apps: APPS,
  releases: FIXTURE_RELEASES,
});
const { shop: _shop, ...appsWithoutShop } = prod.apps;
/** Retiring an app also takes it out of the access model: no one may be granted an app the cluster does not run. */
const { shop: _shopAccess, ...accessAppsWithoutShop } = prod.access.apps ?? {};
const accessWithoutShop = { ...prod.access, apps: accessAppsWithoutShop };
const ledger = (shop: AppDataState | undefined): Record<string, AppDataState> => {
  const { shop: _old, ...rest } = prod.appData;
  return shop === undefined ? rest : { ...rest, shop };
};
const RETIRED: AppDataState = { retiredOn: '2026-11-27', reason: 'shop moved to a SaaS; keep orders and media for the 10-year retention' };

const problemsOf = (input: SynthInput): string[] => {
  try {
    buildAll(input);
  } catch (e) {
    if (e instanceof SynthError) return e.problems.map(String);
    throw e;
  }
  return [];
};
const terraformOf = (input: SynthInput): Json => JSON.parse(buildAll(input).find((f) => f.path === terraformFileOf('prod'))!.text!);
/** Every resource that configures the app's bucket, by address, without CDKTF's metadata. */
const bucketResourcesOf = (json: Json, app: string): Record<string, Json> => {
  const out: Record<string, Json> = {};
  for (const [type, items] of Object.entries(json.resource as Record<string, Record<string, Json>>)) {
    for (const [name, { '//': _meta, ...config }] of Object.entries(items)) {
      if (name === `app_data_${app}` || name.startsWith(`app_data_${app}_`)) out[`${type}.${name}`] = config;
    }
  }
  return out;
};

describe('removing an app never drops its bucket from the plan silently', () => {
  test('taking an app out of "apps" alone stops synth and says how to keep or give up the data', () => {
    const problems = problemsOf(withProd({ apps: appsWithoutShop }));
    const problem = problems.find((p) => p.startsWith(`${PRD}: field "appData.shop" = "live"`));
    expect(problem).toBeDefined();
    expect(problem).toContain(`its bucket "${bucketOf('acme-prod', 'shop')}" still holds its data`);
    expect(problem).toContain("retire the app: 'shop': { retiredOn: 'YYYY-MM-DD', reason: '...' }");
    expect(problem).toContain('To give the data up on purpose, delete this entry');
  });

  test('the failed synth leaves dist/ untouched', () => {
    const root = tempDir('cloud-retention');
    try {
      fs.mkdirSync(path.join(root, 'dist', 'prod', 'terraform'), { recursive: true });
      fs.writeFileSync(path.join(root, terraformFileOf('prod')), '{"previous": true}\n');
      const before = treeHash(root);
      expect(() => synthesize(root, withProd({ apps: appsWithoutShop }))).toThrow(SynthError);
      expect(treeHash(root)).toBe(before);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('a retired app keeps its bucket, unchanged but for its tag, and loses its roles and bindings', () => {
    const live = terraformOf(withProd({}));
    const retired = terraformOf(withProd({ apps: appsWithoutShop, appData: ledger(RETIRED), access: accessWithoutShop }));
    const before = bucketResourcesOf(live, 'shop');
    const after = bucketResourcesOf(retired, 'shop');
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(Object.keys(after)).toHaveLength(8);
    for (const [address, config] of Object.entries(before)) {
      if (address === 'aws_s3_bucket.app_data_shop') {
        expect(after[address]).toEqual({ ...config, tags: { ...config.tags, 'webapps.platform.io/data': 'retired' } });
      } else {
        expect(after[address]).toEqual(config);
      }
    }
    expect(after['aws_s3_bucket.app_data_shop'].lifecycle).toEqual({ prevent_destroy: true });
    // Its identities go: no association is left in its namespace; the shared roles stay, the other apps hold them.
    expect(Object.values(live.resource.aws_eks_pod_identity_association).filter((a: Json) => a.namespace === namespaceOf('shop'))).toHaveLength(5);
    expect(Object.values(retired.resource.aws_eks_pod_identity_association).filter((a: Json) => a.namespace === namespaceOf('shop'))).toEqual([]);
    expect(Object.values(retired.resource.aws_iam_role).map((r: Json) => r.name)).toEqual(
      expect.arrayContaining([appRoleOf('acme-prod', false), backupRoleOf('acme-prod')]),
    );
  });

  test('the bucket leaves the plan only when its ledger entry is deleted on purpose', () => {
    const released = terraformOf(withProd({ apps: appsWithoutShop, appData: ledger(undefined), access: accessWithoutShop }));
    expect(Object.keys(bucketResourcesOf(released, 'shop'))).toEqual([]);
    expect(Object.keys(bucketResourcesOf(released, 'legacy-site')).length).toBe(8);
  });

  test('an app added to "apps" must be recorded in the ledger', () => {
    expect(problemsOf(withProd({ appData: ledger(undefined) }))).toContainEqual(
      expect.stringContaining(`${PRD}: field "appData.shop" = undefined: is missing: each app in "apps" is recorded here as 'live'`),
    );
  });

  test('a running app cannot be marked retired', () => {
    expect(problemsOf(withProd({ appData: ledger(RETIRED) }))).toContainEqual(
      `${PRD}: field "appData.shop" = ${JSON.stringify(RETIRED)}: marks an app that is in "apps" as retired: set it to 'live'`,
    );
  });

  test('a retirement says when and why', () => {
    const problems = problemsOf(withProd({ apps: appsWithoutShop, appData: ledger({ retiredOn: 'last week', reason: ' ' }) }));
    expect(problems).toContainEqual(`${PRD}: field "appData.shop.retiredOn" = "last week": must be a date, YYYY-MM-DD`);
    expect(problems).toContainEqual(`${PRD}: field "appData.shop.reason" = " ": must say why the data is kept`);
  });

  test("a retirement note names a storage driver there is, in a field of that name: the cluster keeps that driver for the app's volumes", () => {
    const unknown = problemsOf(
      withProd({ apps: appsWithoutShop, access: accessWithoutShop, appData: ledger({ ...RETIRED, storageDriver: 's3fs' as 'geesefs' }) }),
    );
    expect(unknown).toEqual([
      `${PRD}: field "appData.shop.storageDriver" = "s3fs": must be one of mountpoint-s3, geesefs: the storage.driver the app had, whose CSI driver stays for its volumes`,
    ]);
    const misspelt = problemsOf(
      withProd({ apps: appsWithoutShop, access: accessWithoutShop, appData: ledger({ ...RETIRED, storagedriver: 'geesefs' } as AppDataState) }),
    );
    expect(misspelt).toEqual([
      expect.stringContaining(
        `cluster "acme-prod": field "appData.shop.storagedriver" = "geesefs": is not a field of a cluster (retiredOn, reason, storageDriver)`,
      ),
    ]);
    expect(problemsOf(withProd({ apps: appsWithoutShop, access: accessWithoutShop, appData: ledger({ ...RETIRED, storageDriver: 'mountpoint-s3' }) }))).toEqual(
      [],
    );
  });
});
