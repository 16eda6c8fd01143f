import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { FLUX_NAMESPACE } from '../model/naming';
import type { AddOn, AddOnContext } from './add-on';
import { mergeValues, workloadValuesOf } from './workload-values';

export const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/**
 * Installs one add-on through Flux: its chart source (a HelmRepository, of type oci for oci:// URLs)
 * and a HelmRelease pinned to the exact chart version, with CRDs managed on install and upgrade,
 * remediation on failure, and dependsOn for the add-ons it needs. Its values are the add-on's own merged
 * with those its declared workloads generate; settings a chart offers no key for are post-renderer patches.
 */
export class FluxHelmRelease extends Construct {
  /** `dependsOn`: the names of the add-ons it needs (dependencyNamesOf). */
  constructor(scope: Construct, id: string, addOn: AddOn, ctx: AddOnContext, dependsOn: readonly string[]) {
    super(scope, id);
    const { chart } = addOn;
    if (!EXACT_VERSION.test(chart.version)) {
      throw new Error(`add-on "${addOn.name}": field "chart.version" = "${chart.version}": must be an exact version`);
    }
    const oci = chart.repository.startsWith('oci://');
    const generated = workloadValuesOf(addOn.name, addOn.workloads(ctx));
    const values = mergeValues(addOn.values(ctx), generated.values, `add-on "${addOn.name}"`);
    const patches = generated.patches;
    const source = `${addOn.name}-chart`;
    new ApiObject(this, 'Source', {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: source, namespace: FLUX_NAMESPACE },
      spec: { interval: '12h', url: chart.repository, ...(oci ? { type: 'oci' } : {}) },
    });
    new ApiObject(this, 'Resource', {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: addOn.name, namespace: FLUX_NAMESPACE },
      spec: {
        interval: '30m',
        releaseName: addOn.name,
        targetNamespace: addOn.namespace,
        storageNamespace: addOn.namespace,
        chart: { spec: { chart: chart.chart, version: chart.version, sourceRef: { kind: 'HelmRepository', name: source, namespace: FLUX_NAMESPACE } } },
        ...(dependsOn.length > 0 ? { dependsOn: [...dependsOn].sort().map((name) => ({ name, namespace: FLUX_NAMESPACE })) } : {}),
        ...(addOn.releaseTimeout ? { timeout: addOn.releaseTimeout(ctx) } : {}),
        // CRDs come with the chart and are upgraded with it; Helm alone never upgrades them.
        install: { crds: 'CreateReplace', remediation: { retries: 3 } },
        upgrade: { crds: 'CreateReplace', cleanupOnFail: true, remediation: { retries: 3, strategy: 'rollback' } },
        rollback: { cleanupOnFail: true },
        driftDetection: { mode: 'enabled' },
        values,
        ...(patches.length > 0 ? { postRenderers: [{ kustomize: { patches: patches.map((p) => ({ target: p.target, patch: p.patch })) } }] } : {}),
      },
    });
  }
}
