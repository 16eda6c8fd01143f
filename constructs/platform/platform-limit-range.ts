import * as kplus from 'cdk8s-plus-28';
import { Quantity } from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';

/**
 * A safety net for a platform namespace: a container a chart renders without requests or a memory
 * limit gets these instead of none. The declared workloads set their own; the rules require it.
 */
export class PlatformLimitRange extends Construct {
  constructor(scope: Construct, id: string, namespace: string) {
    super(scope, id);
    new kplus.k8s.KubeLimitRange(this, 'Resource', {
      metadata: { name: 'container-defaults', namespace },
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: { cpu: Quantity.fromString('50m'), memory: Quantity.fromString('64Mi') },
            default: { memory: Quantity.fromString('256Mi') },
          },
        ],
      },
    });
  }
}
