import { renderAccessTable } from '../reports/access-table';
import { clusterWriteProblems, clusterWritersOf } from '../reports/cluster-writers';
import { overviewFile } from '../reports/overview-files';
import { backupRepositoryProblems } from '../rules/cloud/backup-repository-check';
import { accessEntryGroupProblems, addOnIdentityProblems, crossCheckProblems } from '../rules/cloud/cross-check';
import { zonalNodeGroupProblems } from '../rules/cloud/zonal-node-groups-check';
import { externalDnsZoneProblems } from '../rules/cloud/external-dns-zones-check';
import { apiServerRangeProblems } from '../rules/cloud/api-server-ranges-check';
import { terraformFileOf } from './terraform-file';
import type { TerraformJson } from '../cloud/terraform-json';
import type { Pending } from './in-worker';
import { tenantFileOf } from '../gitops/app-layers';
import { FluxEntry, fluxPathsOf } from '../gitops/flux-entry';
import { FLUX_POLICIES_FILE, FluxNetworkPolicies, fluxSystemDirOf, fluxSystemKustomizationOf } from '../gitops/flux-network-policies';
import type { AppSpec } from '../model/app-spec';
import type { ClusterSpec } from '../model/cluster-spec';
import { releasesFileOf, type Releases, type ReleaseVersion } from '../model/releases';
import { clusterAppsOf, type ResolvedApp } from '../model/resolve';
import { addOnsOf } from '../platform/default-add-ons';
import { clusterGatewaysOf } from '../platform/cluster-gateways';
import { platformEndpointsOf } from '../platform/internal-endpoint';
import { EMPTY_LEDGER, gatewayLedgerFileOf, type GatewayLedger } from '../model/gateway-layout';
import { appsLayerOf, EMPTY_FLUX_SHARD_LEDGER, fluxShardsFileOf, fluxShardsOf, tenantsLayerOf, type FluxShardLedger } from '../model/flux-shards';
import type { PodGroup } from '../platform/pod-groups';
import { podLabelsOf, podSpecOf } from '../rules/pod-template';
import { declaredWorkloadsOf } from '../platform/declared-workloads';
import { namespaceLevelProblems, workloadProblems } from '../rules/workload-rules';
import { fluxInventoryProblems } from '../rules/flux-inventory-rules';
import { PlatformConfigs, PlatformControllers, PlatformCredentials, PlatformServices, PlatformSetup } from '../platform/platform';
import { clusterNetworkOf } from '../network/cluster-network';
import { renderNetworkTable } from '../reports/network-table';
import { PolicyEvaluator } from '../network/policy-evaluator';
import { unreachableWebhooksOf, webhookPortsOf } from '../network/webhook-ports';
import type { AddOn, AddOnContext } from '../platform/add-on';
import { publicSurfaceOf, renderPublicSurface } from '../reports/public-surface';
import { SpecProblem, SynthError } from '../model/spec-error';
import { synthChart } from './chart-synth';
import type { KubeObject, OutputFile } from '../model/kube-object';
import { kustomizationFileOf, kustomizationFor } from './render';
import { keptOrBuiltAppFiles, keptOrBuiltTerraform, keptOrJudgedPlatformObjects, keptOrRenderedRules } from './kept-or-built';
import { keptOrMade } from './synth-cache';
import { keepRenderedRules } from '../alerts/render';
import { groupedBy } from '../model/grouped-by';

/** The file that points Flux at dist/<env>/; it sits beside the cluster spec. */
export const fluxEntryFileOf = (env: string): string => `clusters/${env}/flux-kustomizations.yaml`;

/**
 * Every file of one cluster: its Flux entry point, the platform layer, one file per app and the Terraform.
 * Each app runs the current version of the env's releases file.
 */
export function buildCluster(
  cluster: ClusterSpec,
  apps: readonly AppSpec[],
  releases: Releases,
  ledger: GatewayLedger = EMPTY_LEDGER,
  cache?: string,
  shardLedger: FluxShardLedger = EMPTY_FLUX_SHARD_LEDGER,
): OutputFile[] {
  const env = cluster.env;
  const appNames = Object.keys(cluster.apps).sort();
  // Which Kustomizations apply each app, kept stable by the ledger.
  const fluxShards = fluxShardsOf(appNames, shardLedger);
  const resolved = clusterAppsOf(cluster, apps, (name) => currentRelease(releases, env, name));
  const cloud = keptOrBuiltTerraform(cluster, resolved, cache);
  keepRenderedRules(resolved, keptOrRenderedRules(resolved, env, cache));
  const addOns = addOnsOf({ cluster, apps: resolved });
  // Where each host is served, kept stable by the ledger; every chart below reads this one layout.
  const gateways = clusterGatewaysOf({ cluster, apps: resolved, endpoints: platformEndpointsOf({ cluster, apps: resolved }, addOns) }, ledger);
  const ctx = { cluster, apps: resolved, gateways };
  // The configs and setup layers first: their jobs' pods need network policies in the controllers layer.
  const configs = synthChart((scope) => new PlatformConfigs(scope, 'configs', { ctx, addOns }));
  const setup = synthChart((scope) => new PlatformSetup(scope, 'setup', { ctx, addOns }));
  const platform = { ctx, addOns, ownPods: ownPodsOf([...configs, ...setup]) };
  const { files: appFiles, keep: keepAppFilesBuilt } = keptOrBuiltAppFiles(
    appNames.map((name) => resolved.find((a) => a.name === name)!),
    cluster,
    gateways,
    fluxShards.shardOf,
    cache,
  );
  const appsOfShard = groupedBy(appNames, (name) => fluxShards.shardOf.get(name)!);
  const inShard = (shard: number) => appsOfShard.get(shard) ?? [];
  const fluxPolicies: OutputFile = {
    path: `${fluxSystemDirOf(env)}/${FLUX_POLICIES_FILE}`,
    objects: synthChart((scope) => new FluxNetworkPolicies(scope, 'flux-policies', { cluster })),
  };
  const files: OutputFile[] = [
    { path: fluxEntryFileOf(env), objects: synthChart((scope) => new FluxEntry(scope, 'flux', { cluster, shards: fluxShards.shards })) },
    kustomizationFileOf(`${fluxSystemDirOf(env)}/kustomization.yaml`, fluxSystemKustomizationOf()),
    fluxPolicies,
    { path: gatewayLedgerFileOf(env), text: `${JSON.stringify(gateways.ledger, null, 2)}\n` },
    { path: fluxShardsFileOf(env), text: `${JSON.stringify(fluxShards.ledger, null, 2)}\n` },
    { path: `dist/${env}/platform-controllers/controllers.yaml`, objects: synthChart((scope) => new PlatformControllers(scope, 'controllers', platform)) },
    ...appFiles.map((f) => f.tenant),
    kustomizationFor(`dist/${env}/platform-controllers/kustomization.yaml`, [
      'controllers.yaml',
      ...inShard(0).map((name) => tenantFileOf(env, name).slice(`dist/${env}/platform-controllers/`.length)),
    ]),
    { path: `dist/${env}/platform-configs/configs.yaml`, objects: configs },
    kustomizationFor(`dist/${env}/platform-configs/kustomization.yaml`, ['configs.yaml']),
    { path: `dist/${env}/platform-credentials/credentials.yaml`, objects: synthChart((scope) => new PlatformCredentials(scope, 'credentials', platform)) },
    kustomizationFor(`dist/${env}/platform-credentials/kustomization.yaml`, ['credentials.yaml']),
    { path: `dist/${env}/platform-setup/setup.yaml`, objects: setup },
    kustomizationFor(`dist/${env}/platform-setup/kustomization.yaml`, ['setup.yaml']),
    { path: `dist/${env}/platform-services/services.yaml`, objects: synthChart((scope) => new PlatformServices(scope, 'services', platform)) },
    kustomizationFor(`dist/${env}/platform-services/kustomization.yaml`, ['services.yaml']),
    ...appFiles.map((f) => f.apps),
    ...fluxShards.shards.flatMap((shard) => [
      ...(shard > 0
        ? [
            kustomizationFor(
              `dist/${env}/${tenantsLayerOf(shard)}/kustomization.yaml`,
              inShard(shard).map((name) => `${name}.yaml`),
            ),
          ]
        : []),
      kustomizationFor(
        `dist/${env}/${appsLayerOf(shard)}/kustomization.yaml`,
        inShard(shard).map((name) => `${name}.yaml`),
      ),
    ]),
  ];
  const objects = files.filter((f) => f.path.startsWith(`dist/${env}/`)).flatMap((f) => f.objects ?? []);
  const ofApps = new Set(appFiles.flatMap((f) => [f.tenant, f.apps]));
  keptOrJudgedPlatformObjects(
    files.filter((f) => !ofApps.has(f)).flatMap((f) => f.objects ?? []),
    env,
    cache,
  );
  const declared = declaredWorkloadsOf(platform.addOns, ctx);
  const unsafeCharts = [...workloadProblems(declared), ...namespaceLevelProblems(objects, declared)];
  if (unsafeCharts.length > 0) throw new SynthError(unsafeCharts, `the platform's workloads in ${cluster.name} break the policy rules`);
  const everything = files.flatMap((f) => f.objects ?? []);
  const writers = clusterWritersOf(everything, platform.addOns, appNames);
  const clusterWriters = clusterWriteProblems(writers);
  if (clusterWriters.length > 0) throw new SynthError(clusterWriters, `someone besides break-glass and Flux can write across ${cluster.name}`);
  const inventories = fluxInventoryProblems(fluxLayersOf(env, files, fluxShards.shards));
  if (inventories.length > 0) throw new SynthError(inventories, `Flux could not record what it applies in ${cluster.name}`);
  const built = [
    ...files,
    { path: `dist/${env}/public-endpoints.md`, text: renderPublicSurface(cluster.name, publicSurfaceOf(objects)) },
    { path: `dist/${env}/access.md`, text: renderAccessTable(cluster.name, cluster.access, everything, platform.addOns, writers) },
    networkFile(ctx, platform.addOns, [...objects, ...fluxPolicies.objects!], cache),
    overviewFile(cluster, apps),
    terraformFile(cluster, cloud, resolved, objects),
  ];
  keepAppFilesBuilt();
  cloud.keep();
  return built;
}

/**
 * dist/<env>/network.md, from the cluster's NetworkPolicies as synthesized. Synth stops when the API server
 * could not reach an add-on's webhook: the add-on's declared network needs do not cover its chart. The
 * table is kept between runs by the network model it is made of (most changes to an app leave it as it is).
 */
function networkFile(ctx: AddOnContext, addOns: readonly AddOn[], objects: readonly KubeObject[], cache?: string): OutputFile {
  const { cluster, apps } = ctx;
  const network = clusterNetworkOf({ cluster, apps, addOns, objects });
  const webhooks = webhookPortsOf(addOns, ctx);
  const text = keptOrMade(cache, `network/${cluster.env}`, 'network', [network, webhooks], () => {
    const evaluator = new PolicyEvaluator(network);
    const unreachable = unreachableWebhooksOf(network, evaluator, webhooks);
    if (unreachable.length > 0) {
      throw new SynthError(
        unreachable.map(
          (w) =>
            new SpecProblem(
              { cluster: cluster.name },
              `addOns.${w.addOn}.network.ingressFromApiServer`,
              w.port,
              `the API server cannot reach this webhook port of ${w.source}`,
            ),
        ),
        'the platform network policies lock out a webhook',
      );
    }
    return renderNetworkTable(network, evaluator);
  });
  return { path: `dist/${cluster.env}/network.md`, text };
}

/** The cluster's CDKTF stack as Terraform JSON, checked against the YAML (apps and add-ons) it must agree with. */
function terraformFile(cluster: ClusterSpec, pending: Pending<string>, apps: readonly ResolvedApp[], objects: readonly KubeObject[]): OutputFile {
  const text = pending.result();
  const json = JSON.parse(text) as TerraformJson;
  const disagreements = [
    ...crossCheckProblems(
      json,
      objects,
      apps.map((a) => a.name),
    ),
    ...addOnIdentityProblems(json, objects),
    ...externalDnsZoneProblems(json, objects, cluster),
    ...apiServerRangeProblems(json, cluster),
    ...accessEntryGroupProblems(json, objects),
    ...zonalNodeGroupProblems(json, objects),
    ...backupRepositoryProblems(
      json,
      objects,
      cluster,
      apps.map((a) => a.name),
    ),
  ];
  if (disagreements.length > 0) throw new SynthError(disagreements, `the cloud and Kubernetes sides of ${cluster.name} disagree`);
  return { path: terraformFileOf(cluster.env), text };
}

/** The objects each Flux Kustomization of the env applies, by its name: those of the files below its path. */
export function fluxLayersOf(env: string, files: readonly OutputFile[], shards?: readonly number[]): Map<string, KubeObject[]> {
  return new Map(
    Object.entries(fluxPathsOf(env, shards)).map(([layer, fluxPath]) => {
      const below = `${fluxPath.replace(/^\.\//, '')}/`;
      return [layer, files.filter((f) => f.path.startsWith(below)).flatMap((f) => f.objects ?? [])];
    }),
  );
}

/** The pods our own platform objects run: each a group of its namespace, by its pod labels and container ports. */
function ownPodsOf(objects: readonly KubeObject[]): PodGroup[] {
  return objects
    .filter((o) => podSpecOf(o))
    .map((o) => ({
      namespace: o.metadata.namespace!,
      name: o.metadata.name,
      podLabels: podLabelsOf(o),
      ports: [...(podSpecOf(o).initContainers ?? []), ...(podSpecOf(o).containers ?? [])].flatMap((c: { ports?: { containerPort: number }[] }) =>
        (c.ports ?? []).map((p) => p.containerPort),
      ),
    }));
}

/** The version the env runs; validateReleases has checked that it is there. */
function currentRelease(releases: Releases, env: string, app: string): ReleaseVersion {
  const current = releases[env]?.apps?.[app]?.current;
  if (!current) throw new SynthError([`file "${releasesFileOf(env)}", env "${env}", app "${app}": has no release`], 'invalid releases');
  return current;
}
