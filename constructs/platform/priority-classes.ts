import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PLATFORM_PRIORITY, APP_PRIORITY } from '../model/priority-names';

export class PriorityClasses extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new kplus.k8s.KubePriorityClass(this, 'Platform', {
      metadata: { name: PLATFORM_PRIORITY },
      value: 100000,
      description: 'Platform components: the gateway, certificates, DNS, secrets, autoscaling.',
    });
    new kplus.k8s.KubePriorityClass(this, 'App', {
      metadata: { name: APP_PRIORITY },
      value: 1000,
      preemptionPolicy: 'Never',
      description: 'Web apps: below the platform, and never preempting anything.',
    });
  }
}
