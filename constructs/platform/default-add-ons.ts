import type { ClusterSpec } from '../model/cluster-spec';
import { SpecProblem, SynthError } from '../model/spec-error';
import type { AddOn, AddOnContext } from './add-on';
import { orderAddOns } from './add-on-order';
import { CertManagerAddOn } from './cert-manager';
import { ClusterAutoscalerAddOn } from './cluster-autoscaler';
import { EnvoyGatewayAddOn } from './envoy-gateway';
import { ExternalDnsAddOn } from './external-dns';
import { EckAddOn } from './eck';
import { ElastAlertAddOn } from './elastalert';
import { ExternalSecretsAddOn } from './external-secrets';
import { FluentBitAddOn } from './fluent-bit';
import { GeesefsCsiAddOn } from './geesefs-csi';
import { MetricsServerAddOn } from './metrics-server';
import { platformNamespacesOf } from './platform-namespaces';

/** The add-ons a cluster gets unless its spec disables one (or, for some, unless an app needs them, live or retired). */
export const defaultAddOns = (): AddOn[] => [
  new EnvoyGatewayAddOn(),
  new CertManagerAddOn(),
  new ExternalDnsAddOn(),
  new ExternalSecretsAddOn(),
  new MetricsServerAddOn(),
  new ClusterAutoscalerAddOn(),
  new GeesefsCsiAddOn(),
  new EckAddOn(),
  new ElastAlertAddOn(),
  new FluentBitAddOn({ unmeteredNamespaces: platformNamespaces }),
  new FluentBitAddOn({ name: 'fluent-bit-events', role: 'events' }),
];

/**
 * Every namespace the platform may run in, whatever the cluster's apps (platform-namespaces.ts). No app may have
 * one of them (constructs/validation/reserved-names.ts), and Fluent Bit meters none of them against a log budget.
 */
export const platformNamespaces = (): string[] => platformNamespacesOf(defaultAddOns());

/** The cluster's add-ons in install order; fails on an unknown name or a broken dependency. Without apps, the always-on ones and those its retired apps keep. */
export function addOnsOf(ctx: AddOnContext | ClusterSpec, available: readonly AddOn[] = defaultAddOns()): AddOn[] {
  const { cluster, apps } = 'cluster' in ctx ? ctx : { cluster: ctx, apps: [] };
  const disabled = cluster.disabledAddOns ?? [];
  const unknown = disabled.filter((name) => !available.some((a) => a.name === name));
  if (unknown.length > 0) {
    throw new SynthError(
      unknown.map(
        (name) =>
          new SpecProblem(
            { cluster: cluster.name },
            'disabledAddOns',
            name,
            `is not an add-on (known: ${available
              .map((a) => a.name)
              .sort()
              .join(', ')})`,
          ),
      ),
    );
  }
  const wanted = available.filter((a) => !disabled.includes(a.name) && (a.neededBy?.({ cluster, apps }) ?? true));
  return orderAddOns(wanted);
}
