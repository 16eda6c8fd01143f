import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../model/cluster-spec';
import { GATEWAY } from '../model/naming';

export interface PlatformProps {
  readonly cluster: ClusterSpec;
}

/**
 * What every app stands on, applied by Flux before any app. For now the namespace of the shared
 * Gateway that app routes attach to; the add-ons (Gateway, cert-manager, logging) grow here.
 */
export class Platform extends Chart {
  constructor(scope: Construct, id: string, _props: PlatformProps) {
    super(scope, id, { disableResourceNameHashes: true });
    new kplus.Namespace(this, 'GatewayNamespace', {
      metadata: {
        name: GATEWAY.namespace,
        labels: {
          'app.kubernetes.io/part-of': 'platform',
          'pod-security.kubernetes.io/enforce': 'restricted',
        },
      },
    });
  }
}
