import { namespaceOf, serviceAccountOf } from '../model/naming';
import type { KubeObject } from '../synth/kube-object';
import { resourcesOf, type TerraformJson } from './cloud-rules';

/**
 * The cloud side against the Kubernetes side of one cluster. Every Pod Identity association names a
 * ServiceAccount that the synthesized YAML really contains, and each running app's ServiceAccount has
 * exactly one association. (Add-on ServiceAccounts are EKS's own: their associations live inside the
 * add-on resources, not here.)
 */
export function crossCheckProblems(json: TerraformJson, objects: readonly KubeObject[], apps: readonly string[]): string[] {
  const problems: string[] = [];
  const accounts = new Set(objects.filter((o) => o.kind === 'ServiceAccount').map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
  const associations = resourcesOf(json, 'aws_eks_pod_identity_association').map(([, a]) => `${a.namespace}/${a.service_account}`);
  for (const association of associations) {
    if (!accounts.has(association)) problems.push(`Pod Identity association ${association}: the Kubernetes YAML has no such ServiceAccount`);
  }
  for (const app of apps) {
    const key = `${namespaceOf(app)}/${serviceAccountOf(app)}`;
    const count = associations.filter((a) => a === key).length;
    if (!accounts.has(key)) problems.push(`app ${app}: the Kubernetes YAML has no ServiceAccount ${key}`);
    if (count !== 1) problems.push(`app ${app}: ServiceAccount ${key} has ${count} Pod Identity associations, not 1`);
  }
  return problems;
}
