import { CLUSTERS } from '../clusters';
import { crossCheckProblems } from '../constructs/cloud/cross-check';
import { terraformFileOf } from '../constructs/cloud/synth-cloud';
import { fluxPathsOf } from '../constructs/gitops/flux-entry';
import { appRoleOf, bucketOf, namespaceOf, serviceAccountOf } from '../constructs/model/naming';
import type { KubeObject } from '../constructs/synth/kube-object';
import { realOutput } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What one synth really wrote for a cluster: its Terraform and its app YAML. */
function sidesOf(env: string): { terraform: Json; objects: KubeObject[] } {
  const files = realOutput();
  const terraform = files.find((f) => f.path === terraformFileOf(env));
  if (!terraform?.text) throw new Error(`no ${terraformFileOf(env)} in the synth output`);
  const objects = files.filter((f) => f.path.startsWith(`dist/${env}/`)).flatMap((f) => f.objects ?? []);
  return { terraform: JSON.parse(terraform.text), objects };
}
const all = (json: Json, type: string): Json[] => Object.values(json.resource[type] ?? {});

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: the cloud side matches the Kubernetes side', (env, cluster) => {
  const { terraform, objects } = sidesOf(env);

  test.each(Object.keys(cluster.apps).sort().map((a) => [a] as const))('app %s has exactly one bucket and one role', (app) => {
    expect(all(terraform, 'aws_s3_bucket').filter((b) => b.bucket === bucketOf(cluster.name, app))).toHaveLength(1);
    expect(all(terraform, 'aws_iam_role').filter((r) => r.name === appRoleOf(cluster.name, app))).toHaveLength(1);
  });

  test.each(Object.keys(cluster.apps).sort().map((a) => [a] as const))(
    'app %s: its role is bound to the ServiceAccount the YAML really contains, in its namespace',
    (app) => {
      const [roleAddress] = Object.entries(terraform.resource.aws_iam_role).find(([, r]: [string, Json]) => r.name === appRoleOf(cluster.name, app))!;
      const bindings = all(terraform, 'aws_eks_pod_identity_association').filter((a) => a.role_arn === `\${aws_iam_role.${roleAddress}.arn}`);
      expect(bindings).toHaveLength(1);
      const [binding] = bindings;
      const account = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === binding.service_account && o.metadata.namespace === binding.namespace);
      expect(account).toBeDefined();
      expect([binding.namespace, binding.service_account]).toEqual([namespaceOf(app), serviceAccountOf(app)]);
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.namespace === namespaceOf(app)) as Json;
      expect(deployment?.spec.template.spec.serviceAccountName).toBe(binding.service_account);
    },
  );

  test('every bucket that a volume mounts exists in the Terraform', () => {
    const buckets = new Set(all(terraform, 'aws_s3_bucket').map((b) => b.bucket));
    const mounted = objects
      .filter((o) => o.kind === 'PersistentVolume')
      .map((o) => (o as Json).spec?.csi?.volumeAttributes?.bucketName)
      .filter((b): b is string => typeof b === 'string');
    for (const bucket of mounted) expect(buckets).toContain(bucket);
  });

  test('the cross-check rule passes, and fails when either side drifts', () => {
    const apps = Object.keys(cluster.apps).sort();
    expect(crossCheckProblems(terraform, objects, apps)).toEqual([]);

    const renamed = objects.map((o) => (o.kind === 'ServiceAccount' && o.metadata.name === serviceAccountOf('shop')
      ? { ...o, metadata: { ...o.metadata, name: 'shop-renamed' } } : o));
    expect(crossCheckProblems(terraform, renamed, apps)).toEqual(expect.arrayContaining([
      `Pod Identity association ${namespaceOf('shop')}/${serviceAccountOf('shop')}: the Kubernetes YAML has no such ServiceAccount`,
    ]));

    const unbound = JSON.parse(JSON.stringify(terraform));
    delete unbound.resource.aws_eks_pod_identity_association['app_pod_identity_shop'];
    expect(crossCheckProblems(unbound, objects, apps)).toEqual([`app shop: ServiceAccount shop/shop has 0 Pod Identity associations, not 1`]);
  });

  test('the Terraform is written outside every Flux path', () => {
    for (const fluxPath of Object.values(fluxPathsOf(env))) {
      expect(`./${terraformFileOf(env)}`.startsWith(`${fluxPath}/`)).toBe(false);
    }
    expect(terraformFileOf(env)).toBe(`dist/${env}/terraform/main.tf.json`);
  });
});
