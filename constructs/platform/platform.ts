import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { AddOn, AddOnContext } from './add-on';
import { FluxHelmRelease } from './helm-release';
import { PlatformNetworkPolicies } from './platform-network-policies';
import { PriorityClasses } from './priority-classes';
import { PublicSurfaceGuard } from './public-surface-guard';

export interface PlatformProps {
  readonly ctx: AddOnContext;
  /** In install order. */
  readonly addOns: readonly AddOn[];
}

/**
 * The platform's controllers: per add-on its namespace, its NetworkPolicies and its Flux HelmRelease;
 * plus the PriorityClasses and the admission guard. Flux applies this layer first and waits for it.
 */
export class PlatformControllers extends Chart {
  constructor(scope: Construct, id: string, props: PlatformProps) {
    super(scope, id, { disableResourceNameHashes: true });
    new PriorityClasses(this, 'PriorityClasses');
    new PublicSurfaceGuard(this, 'PublicSurfaceGuard', props.ctx.cluster);
    const namespaces = new Set<string>();
    for (const addOn of props.addOns) {
      if (!namespaces.has(addOn.namespace)) {
        namespaces.add(addOn.namespace);
        new kplus.Namespace(this, `${addOn.namespace}-namespace`, {
          metadata: {
            name: addOn.namespace,
            labels: {
              'app.kubernetes.io/part-of': 'platform',
              'pod-security.kubernetes.io/enforce': addOn.podSecurity,
              'pod-security.kubernetes.io/warn': 'restricted',
            },
          },
        });
        new PlatformNetworkPolicies(this, `${addOn.namespace}-network`, addOn);
      }
      new FluxHelmRelease(this, addOn.name, addOn, props.ctx);
    }
  }
}

/** The custom resources the add-ons read (Gateway, issuer, certificates, secret store). Needs their CRDs. */
export class PlatformConfigs extends Chart {
  constructor(scope: Construct, id: string, props: PlatformProps) {
    super(scope, id, { disableResourceNameHashes: true });
    for (const addOn of props.addOns) addOn.configure?.(this, props.ctx);
  }
}
