import type { ClusterSpec } from '../model/cluster-spec';
import { SpecProblem, SynthError } from '../policy/spec-error';
import type { AddOn } from './add-on';
import { orderAddOns } from './add-on-order';
import { CertManagerAddOn } from './cert-manager';
import { ClusterAutoscalerAddOn } from './cluster-autoscaler';
import { EnvoyGatewayAddOn } from './envoy-gateway';
import { ExternalDnsAddOn } from './external-dns';
import { ExternalSecretsAddOn } from './external-secrets';
import { MetricsServerAddOn } from './metrics-server';

/** The add-ons every cluster gets unless its spec disables one. */
export const defaultAddOns = (): AddOn[] => [
  new EnvoyGatewayAddOn(),
  new CertManagerAddOn(),
  new ExternalDnsAddOn(),
  new ExternalSecretsAddOn(),
  new MetricsServerAddOn(),
  new ClusterAutoscalerAddOn(),
];

/** The cluster's add-ons in install order; fails on an unknown name or a broken dependency. */
export function addOnsOf(cluster: ClusterSpec, available: readonly AddOn[] = defaultAddOns()): AddOn[] {
  const disabled = cluster.disabledAddOns ?? [];
  const unknown = disabled.filter((name) => !available.some((a) => a.name === name));
  if (unknown.length > 0) {
    throw new SynthError(unknown.map((name) => new SpecProblem({ cluster: cluster.name }, 'disabledAddOns', name, `is not an add-on (known: ${available.map((a) => a.name).sort().join(', ')})`)));
  }
  return orderAddOns(available.filter((a) => !disabled.includes(a.name)));
}
