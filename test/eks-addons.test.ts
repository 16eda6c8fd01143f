import { CLUSTERS } from '../clusters';
import { cloudProblems, eksAddonProblems, type TerraformJson } from '../constructs/rules/cloud/cloud-rules';
import { EKS_ADDON_VERSIONS, EXACT_ADDON_VERSION, addonMajorOf, MOUNTPOINT_MIN_MAJOR } from '../constructs/cloud/eks-addon-versions';
import { EKS_ADDONS } from '../constructs/cloud/eks-addon-versions';
import { NETWORK_POLICY_ENFORCING_MODE } from '../constructs/cloud/vpc-cni-config';
import { cloudAppsOf as appsOf, realCloudOf as real } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const prod = CLUSTERS.find((c) => c.env === 'prod')!;
const addonsOf = (json: Json): Json[] => Object.values(json.resource.aws_eks_addon);
/** The one add-on of that name in the Terraform resources. */
const addon = (r: Json, name: string): Json => Object.values(r.aws_eks_addon).find((a: Json) => a.addon_name === name);
const configOf = (a: Json): Json => JSON.parse(a.configuration_values);
/** vpc-cni's configuration_values, changed by one edit. */
const editCniConfig = (r: Json, edit: (config: Json) => void) => {
  const cni = addon(r, 'vpc-cni');
  const config = configOf(cni);
  edit(config);
  cni.configuration_values = JSON.stringify(config);
};

const realProd = real(prod);
/** The real prod JSON, changed by one edit. */
function broken(edit: (r: Json) => void): TerraformJson {
  const json = JSON.parse(JSON.stringify(realProd));
  edit(json.resource);
  return json;
}
const prodPins = EKS_ADDON_VERSIONS[prod.kubernetesVersion];

describe('the add-on pins', () => {
  const tables = Object.entries(EKS_ADDON_VERSIONS);

  test('there is a table for the Kubernetes version of every cluster', () => {
    expect(CLUSTERS.length).toBeGreaterThan(0);
    for (const cluster of CLUSTERS) expect(Object.keys(EKS_ADDON_VERSIONS)).toContain(cluster.kubernetesVersion);
  });

  test.each(tables)('Kubernetes %s: every add-on has an exact version, its source and the day it was read', (minor, pins) => {
    expect(minor).toMatch(/^1\.\d+$/);
    expect(Object.keys(pins).sort()).toEqual(EKS_ADDONS.map((a) => a.name).sort());
    for (const pin of Object.values(pins)) {
      expect(pin.version).toMatch(EXACT_ADDON_VERSION);
      expect(pin.source).toMatch(/https:\/\//);
      expect(pin.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(addonMajorOf(pins['aws-mountpoint-s3-csi-driver'].version)).toBeGreaterThanOrEqual(MOUNTPOINT_MIN_MAJOR);
  });

  test('an exact version is major.minor.patch and an EKS build, nothing looser', () => {
    for (const good of ['v1.21.1-eksbuild.7', 'v2.7.0-eksbuild.1']) expect(good).toMatch(EXACT_ADDON_VERSION);
    for (const bad of ['v1.21.1', '1.21.1-eksbuild.7', 'v1.21-eksbuild.1', 'latest', 'v1.21.1-eksbuild.7 ', 'v1.21.x-eksbuild.1']) {
      expect(bad).not.toMatch(EXACT_ADDON_VERSION);
    }
  });
});

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('the %s stack', (_env, cluster) => {
  const json: Json = real(cluster);

  test('pins every EKS add-on to the version of its Kubernetes version', () => {
    const addons = addonsOf(json);
    expect(addons.map((a) => a.addon_name).sort()).toEqual(EKS_ADDONS.map((a) => a.name).sort());
    for (const a of addons) expect(a.addon_version).toBe(EKS_ADDON_VERSIONS[cluster.kubernetesVersion][a.addon_name as keyof typeof prodPins].version);
  });

  test('turns NetworkPolicy enforcement on in the VPC CNI, in the chosen mode', () => {
    expect(configOf(addon(json.resource, 'vpc-cni'))).toEqual({
      enableNetworkPolicy: 'true',
      env: { NETWORK_POLICY_ENFORCING_MODE },
    });
    for (const a of addonsOf(json).filter((x) => x.addon_name !== 'vpc-cni')) expect(a.configuration_values).toBeUndefined();
  });

  test('passes the add-on rules', () => {
    expect(eksAddonProblems(json, cluster)).toEqual([]);
  });
});

/** Each add-on rule fails when the property it guards is broken. */
const BROKEN: ReadonlyArray<readonly [string, TerraformJson, string]> = [
  [
    "an add-on left to EKS's default version",
    broken((r) => {
      delete addon(r, 'coredns').addon_version;
    }),
    'EKS add-on coredns: addon_version is undefined, not an exact version like v1.21.1-eksbuild.7: EKS would choose one, and what runs would show in no diff',
  ],
  [
    'an add-on pinned to a minor version only',
    broken((r) => {
      addon(r, 'eks-pod-identity-agent').addon_version = 'v1.3';
    }),
    'EKS add-on eks-pod-identity-agent: addon_version is "v1.3", not an exact version like v1.21.1-eksbuild.7',
  ],
  [
    'an add-on off its pin',
    broken((r) => {
      addon(r, 'kube-proxy').addon_version = 'v0.0.1-eksbuild.1';
    }),
    `EKS add-on kube-proxy: runs v0.0.1-eksbuild.1, but constructs/cloud/eks-addon-versions.ts pins ${prodPins['kube-proxy'].version} for Kubernetes ${prod.kubernetesVersion}`,
  ],
  [
    'Mountpoint v1, which cannot mount with the pod credentials',
    broken((r) => {
      addon(r, 'aws-mountpoint-s3-csi-driver').addon_version = 'v1.15.0-eksbuild.1';
    }),
    "EKS add-on aws-mountpoint-s3-csi-driver: is v1.15.0-eksbuild.1: app volumes mount with the pod's own credentials (authenticationSource: pod), which needs v2 or later",
  ],
  [
    'a VPC CNI without configuration',
    broken((r) => {
      delete addon(r, 'vpc-cni').configuration_values;
    }),
    'EKS add-on vpc-cni: configuration_values is not a JSON object: the CNI does not enforce NetworkPolicies',
  ],
  [
    'a VPC CNI with NetworkPolicy enforcement off',
    broken((r) => {
      editCniConfig(r, (c) => {
        c.enableNetworkPolicy = 'false';
      });
    }),
    'EKS add-on vpc-cni: enableNetworkPolicy is "false", not "true": no NetworkPolicy is enforced, every default-deny is void',
  ],
  [
    'enforcement given as a boolean, which the add-on schema does not take',
    broken((r) => {
      editCniConfig(r, (c) => {
        c.enableNetworkPolicy = true;
      });
    }),
    'EKS add-on vpc-cni: enableNetworkPolicy is true, not "true"',
  ],
  [
    'the network policy agent switched off',
    broken((r) => {
      editCniConfig(r, (c) => {
        c.nodeAgent = { enabled: 'false' };
      });
    }),
    'EKS add-on vpc-cni: nodeAgent.enabled is false: without the network policy agent nothing enforces the policies',
  ],
  [
    'an enforcing mode the CNI does not know',
    broken((r) => {
      editCniConfig(r, (c) => {
        c.env.NETWORK_POLICY_ENFORCING_MODE = 'enforcing';
      });
    }),
    'EKS add-on vpc-cni: env.NETWORK_POLICY_ENFORCING_MODE is "enforcing", not one of "standard", "strict"',
  ],
  [
    'no enforcing mode named',
    broken((r) => {
      editCniConfig(r, (c) => {
        delete c.env;
      });
    }),
    'EKS add-on vpc-cni: env.NETWORK_POLICY_ENFORCING_MODE is undefined, not one of "standard", "strict"',
  ],
];

describe('every add-on rule can fail', () => {
  test.each(BROKEN)('%s', (_case, json, expected) => {
    expect(cloudProblems(json, prod, appsOf(prod))).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });

  test('a cluster on a Kubernetes version without pins is a problem that names the file', () => {
    expect(eksAddonProblems(realProd, { ...prod, kubernetesVersion: '1.99' })).toEqual([
      'EKS add-ons: no versions are pinned for Kubernetes 1.99 in constructs/cloud/eks-addon-versions.ts',
    ]);
  });
});
