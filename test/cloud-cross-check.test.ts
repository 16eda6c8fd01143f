import { CLUSTERS } from './fixtures/specs/clusters';
import { accessEntryAddressOf } from '../constructs/cloud/access-entries';
import { ADD_ON_IDENTITIES, addOnPodIdentityAddressOf } from '../constructs/cloud/add-on-identities';
import { secretStorePrefixOf } from '../constructs/cloud/add-on-policies';
import { backupRepositoryProblems } from '../constructs/rules/cloud/backup-repository-check';
import { accessEntryGroupProblems, addOnIdentityProblems, crossCheckProblems } from '../constructs/rules/cloud/cross-check';
import { externalDnsZoneProblems } from '../constructs/rules/cloud/external-dns-zones-check';
import { apiServerRangeProblems } from '../constructs/rules/cloud/api-server-ranges-check';
import { controlPlaneRangesOf } from '../constructs/model/vpc-layout';
import { cloudSettingsOf } from '../constructs/model/cluster-spec';
import { KUBERNETES_API_PORT, KUBERNETES_SERVICE_IPS } from '../constructs/model/network-ranges';
import { ExternalDnsAddOn } from '../constructs/platform/external-dns';
import { terraformFileOf } from '../constructs/synth/terraform-file';
import { DNS_ZONE_ADDRESS, ZONE_ID_OUTPUT } from '../constructs/cloud/dns-zone';
import { fluxPathsOf } from '../constructs/gitops/flux-entry';
import { appGroupOf, groupsOf, PLATFORM_ADMINS_GROUP } from '../constructs/model/access-spec';
import { BACKUP_JOB_NAMES } from '../constructs/model/naming';
import { BACKUP_JOB_ROLES, backupJobPodIdentityAddressOf, backupJobRoleAddressOf } from '../constructs/cloud/backup-job-identities';
import { appRoleAddressOf, storageDeletes } from '../constructs/cloud/app-role';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import {
  appRoleOf,
  backupCheckRoleOf,
  backupRoleOf,
  backupServiceAccountOf,
  bucketOf,
  namespaceOf,
  restoreServiceAccountOf,
  retentionRoleOf,
  retentionServiceAccountOf,
  SECRET_STORE,
  serviceAccountOf,
} from '../constructs/model/naming';
import type { KubeObject } from '../constructs/model/kube-object';
import { fixtureCloudAppsOf, fixtureOutput } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** An app of a cluster as the fixtures resolve it (its storage says which app role it gets). */
const appIn = (cluster: ClusterSpec, app: string) => fixtureCloudAppsOf(cluster).find((a) => a.name === app)!;

/** What one synth really wrote for a cluster: its Terraform and its app YAML. */
function sidesOf(env: string): { terraform: Json; objects: KubeObject[] } {
  const files = fixtureOutput();
  const terraform = files.find((f) => f.path === terraformFileOf(env));
  if (!terraform?.text) throw new Error(`no ${terraformFileOf(env)} in the synth output`);
  const objects = files.filter((f) => f.path.startsWith(`dist/${env}/`)).flatMap((f) => f.objects ?? []);
  return { terraform: JSON.parse(terraform.text), objects };
}
const all = (json: Json, type: string): Json[] => Object.values(json.resource[type] ?? {});
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));
/** The objects with one add-on's HelmRelease changed in place. */
const withRelease = (objects: readonly KubeObject[], addOn: string, edit: (release: Json) => void): KubeObject[] =>
  objects.map((o) => {
    if (o.kind !== 'HelmRelease' || o.metadata.name !== addOn) return o;
    const release = copy(o);
    edit(release);
    return release;
  });
/** The objects with one CronJob's restic container changed in place. */
const withCronJob = (objects: readonly KubeObject[], name: string, edit: (pod: Json) => void): KubeObject[] =>
  objects.map((o) => {
    if (o.kind !== 'CronJob' || o.metadata.name !== name) return o;
    const cronJob = copy(o) as Json;
    edit(cronJob.spec.jobTemplate.spec.template.spec);
    return cronJob;
  });
const setEnv = (pod: Json, name: string, value: string) => {
  pod.containers[0].env.find((e: Json) => e.name === name).value = value;
};

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: the cloud side matches the Kubernetes side', (env, cluster) => {
  const { terraform, objects } = sidesOf(env);

  test.each(
    Object.keys(cluster.apps)
      .sort()
      .map((a) => [a] as const),
  )('app %s has exactly one bucket, and its ServiceAccount exactly one association, to the app role of its storage', (app) => {
    expect(all(terraform, 'aws_s3_bucket').filter((b) => b.bucket === bucketOf(cluster.name, app))).toHaveLength(1);
    const bindings = all(terraform, 'aws_eks_pod_identity_association').filter(
      (a) => a.namespace === namespaceOf(app) && a.service_account === serviceAccountOf(app),
    );
    const roleAddress = appRoleAddressOf(storageDeletes(appIn(cluster, app).storage));
    expect(bindings.map((b) => b.role_arn)).toEqual([`\${aws_iam_role.${roleAddress}.arn}`]);
    expect(terraform.resource.aws_iam_role[roleAddress].name).toBe(appRoleOf(cluster.name, storageDeletes(appIn(cluster, app).storage)));
  });

  test.each(
    Object.keys(cluster.apps)
      .sort()
      .map((a) => [a] as const),
  )('app %s: its association is of the ServiceAccount the YAML really contains, in its namespace, which its Deployment runs as', (app) => {
    const bindings = all(terraform, 'aws_eks_pod_identity_association').filter(
      (a) => a.namespace === namespaceOf(app) && a.service_account === serviceAccountOf(app),
    );
    expect(bindings).toHaveLength(1);
    const [binding] = bindings;
    const account = objects.find(
      (o) => o.kind === 'ServiceAccount' && o.metadata.name === binding.service_account && o.metadata.namespace === binding.namespace,
    );
    expect(account).toBeDefined();
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.namespace === namespaceOf(app)) as Json;
    expect(deployment?.spec.template.spec.serviceAccountName).toBe(binding.service_account);
  });

  // Every app is backed up, with storage or without.
  test.each(
    Object.keys(cluster.apps)
      .sort()
      .map((a) => [a] as const),
  )(
    "app %s: each backup job's ServiceAccount, which the YAML really contains, is associated with exactly the role of its kind, and the app's with none of them",
    (app) => {
      const roleArnsOf = (account: string) =>
        all(terraform, 'aws_eks_pod_identity_association')
          .filter((a) => a.namespace === namespaceOf(app) && a.service_account === account)
          .map((a) => a.role_arn);
      for (const kind of BACKUP_JOB_ROLES) {
        const { roleOf, serviceAccountOf: accountOf } = BACKUP_JOB_NAMES[kind];
        const roleAddress = backupJobRoleAddressOf(kind);
        expect(terraform.resource.aws_iam_role[roleAddress].name).toBe(roleOf(cluster.name));
        expect(roleArnsOf(accountOf(app))).toEqual([`\${aws_iam_role.${roleAddress}.arn}`]);
        expect(roleArnsOf(serviceAccountOf(app))).not.toContain(`\${aws_iam_role.${roleAddress}.arn}`);
        const account = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === accountOf(app) && o.metadata.namespace === namespaceOf(app));
        expect(account).toBeDefined();
      }
    },
  );

  test.each(ADD_ON_IDENTITIES.map((i) => [i.addOn, i] as const))(
    'add-on %s: its role is bound to the namespace and ServiceAccount its HelmRelease really installs',
    (addOn, identity) => {
      const release = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === addOn) as Json;
      const binding = terraform.resource.aws_eks_pod_identity_association[addOnPodIdentityAddressOf(addOn)];
      const account = identity.serviceAccountValues.reduce((v: Json, key) => v?.[key], release.spec.values);
      expect(account).toMatchObject({ create: true });
      expect([binding.namespace, binding.service_account]).toEqual([release.spec.targetNamespace, account.name]);
    },
  );

  test('every key the YAML reads from the secret store sits below the prefix the secrets role may read', () => {
    const keys = objects
      .filter((o) => o.kind === 'ExternalSecret' && (o as Json).spec.secretStoreRef?.name === SECRET_STORE)
      .flatMap((o) => ((o as Json).spec.data ?? []).map((d: Json) => d.remoteRef.key as string));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.startsWith(secretStorePrefixOf(cluster.env))).toBe(true);
    const policy = JSON.parse(terraform.resource.aws_iam_role_policy['addon_role_external-secrets_policy'].policy);
    expect(policy.Statement[0].Resource).toMatch(new RegExp(`:secret:${secretStorePrefixOf(cluster.env)}\\*$`));
  });

  test('every secret the YAML reads from the secret store is read by key alone, which GetSecretValue serves: no metadataPolicy Fetch, no dataFrom, no PushSecret', () => {
    // External Secrets v0.19.2, pkg/provider/aws/secretsmanager/secretsmanager.go: metadataPolicy Fetch calls
    // DescribeSecret, dataFrom.find ListSecrets or BatchGetSecretValue, PushSecret writes; the role grants none of them.
    const externalSecrets = (objects.filter((o) => o.kind === 'ExternalSecret') as Json[]).filter((es) => es.spec.secretStoreRef?.name === SECRET_STORE);
    expect(externalSecrets.length).toBeGreaterThan(0);
    for (const es of externalSecrets) {
      expect([es.metadata.name, es.spec.dataFrom]).toEqual([es.metadata.name, undefined]);
      for (const item of es.spec.data) {
        expect([es.metadata.name, item.remoteRef.metadataPolicy ?? 'None']).toEqual([es.metadata.name, 'None']);
        expect([es.metadata.name, Object.keys(item.remoteRef).filter((k) => k !== 'key' && k !== 'property')]).toEqual([es.metadata.name, []]);
      }
    }
    expect(objects.filter((o) => o.kind === 'PushSecret')).toEqual([]);
    // The one store on AWS: the pod's own role, no role to assume, no other auth.
    const awsStores = (objects.filter((o) => o.kind === 'ClusterSecretStore' || o.kind === 'SecretStore') as Json[]).filter((st) => st.spec.provider.aws);
    expect(awsStores.map((st) => [st.metadata.name, Object.keys(st.spec.provider.aws).sort()])).toEqual([[SECRET_STORE, ['region', 'service']]]);
  });

  test('cluster-autoscaler discovers the node groups of the cluster whose tag its role may scale', () => {
    const release = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'cluster-autoscaler') as Json;
    expect(release.spec.values.autoDiscovery.clusterName).toBe(cluster.name);
    expect(terraform.resource.aws_eks_cluster.cluster.name).toBe(cluster.name);
    const policy = JSON.parse(terraform.resource.aws_iam_role_policy['addon_role_cluster-autoscaler_policy'].policy);
    const scale = policy.Statement.find((s: Json) => s.Sid === 'ScaleOwnNodeGroups');
    expect(scale.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${cluster.name}`]: 'owned' } });
  });

  test('the add-on cross-check passes, and fails when either side drifts', () => {
    expect(addOnIdentityProblems(terraform, objects)).toEqual([]);
    const problemsOf = (json: Json, yaml: readonly KubeObject[]) => addOnIdentityProblems(json, yaml);

    expect(
      problemsOf(
        terraform,
        withRelease(objects, 'external-dns', (r) => {
          r.spec.values.serviceAccount.name = 'dns';
        }),
      ),
    ).toEqual(['add-on external-dns: Pod Identity binds external-dns/external-dns, but its HelmRelease installs ServiceAccount external-dns/dns']);
    expect(
      problemsOf(
        terraform,
        withRelease(objects, 'external-secrets', (r) => {
          r.spec.targetNamespace = 'eso';
        }),
      ),
    ).toEqual([
      'add-on external-secrets: Pod Identity binds external-secrets/external-secrets, but its HelmRelease installs ServiceAccount eso/external-secrets',
    ]);
    expect(
      problemsOf(
        terraform,
        withRelease(objects, 'cluster-autoscaler', (r) => {
          r.spec.values.rbac.serviceAccount.name = 'autoscaler';
        }),
      ),
    ).toEqual([
      'add-on cluster-autoscaler: Pod Identity binds cluster-autoscaler/cluster-autoscaler, but its HelmRelease installs ServiceAccount cluster-autoscaler/autoscaler',
    ]);
    expect(
      problemsOf(
        terraform,
        withRelease(objects, 'external-dns', (r) => {
          r.spec.values.serviceAccount.create = false;
        }),
      ),
    ).toEqual(['add-on external-dns: its HelmRelease does not create its ServiceAccount (serviceAccount.create is not true)']);
    expect(
      problemsOf(
        terraform,
        withRelease(objects, 'cluster-autoscaler', (r) => {
          r.spec.values.autoDiscovery.clusterName = 'other';
        }),
      ),
    ).toEqual([
      `add-on cluster-autoscaler: autoDiscovery.clusterName is "other", but its role may scale only Auto Scaling groups tagged k8s.io/cluster-autoscaler/${cluster.name}`,
    ]);
    expect(
      problemsOf(
        terraform,
        objects.filter((o) => !(o.kind === 'HelmRelease' && o.metadata.name === 'external-secrets')),
      ),
    ).toEqual(['add-on external-secrets: Pod Identity binds external-secrets/external-secrets, but the Kubernetes YAML has no HelmRelease external-secrets']);

    const rebound = copy(terraform);
    rebound.resource.aws_eks_pod_identity_association['addon_pod_identity_external-dns'].service_account = 'default';
    expect(problemsOf(rebound, objects)).toEqual([
      'add-on external-dns: Pod Identity binds external-dns/default, but its HelmRelease installs ServiceAccount external-dns/external-dns',
    ]);
    const unbound = copy(terraform);
    delete unbound.resource.aws_eks_pod_identity_association['addon_pod_identity_cluster-autoscaler'];
    expect(problemsOf(unbound, objects)).toEqual([
      'add-on cluster-autoscaler: its HelmRelease installs ServiceAccount cluster-autoscaler/cluster-autoscaler, but no Pod Identity association binds it',
    ]);
    const retagged = copy(terraform);
    const policy = JSON.parse(retagged.resource.aws_iam_role_policy['addon_role_cluster-autoscaler_policy'].policy);
    policy.Statement.find((s: Json) => s.Sid === 'ScaleOwnNodeGroups').Condition = {
      StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/other': 'owned' },
    };
    retagged.resource.aws_iam_role_policy['addon_role_cluster-autoscaler_policy'].policy = JSON.stringify(policy);
    expect(problemsOf(retagged, objects)).toEqual([
      `add-on cluster-autoscaler: autoDiscovery.clusterName is "${cluster.name}", but its role may scale only Auto Scaling groups tagged k8s.io/cluster-autoscaler/other`,
    ]);
  });

  test('external-dns keeps exactly the public zones its role may list records in, and the check fails when either side drifts', () => {
    const release = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'external-dns') as Json;
    const extraZoneIds = Object.values(cluster.extraHostZones ?? {});
    expect(cluster.dnsZoneId).toBeDefined();
    expect(release.spec.values.extraArgs).toEqual({ 'zone-id-filter': [cluster.dnsZoneId, ...extraZoneIds], 'aws-zone-type': 'public' });
    expect(externalDnsZoneProblems(terraform, objects, cluster)).toEqual([]);
    const keeps = [cluster.dnsZoneId, ...extraZoneIds].sort().join(', ');

    const withFilter = (zoneIds: string[]) =>
      withRelease(objects, 'external-dns', (r) => {
        r.spec.values.extraArgs['zone-id-filter'] = zoneIds;
      });
    expect(externalDnsZoneProblems(terraform, withFilter([cluster.dnsZoneId!, 'Z9OTHERZONE']), cluster)).toEqual([
      `add-on external-dns: extraArgs.zone-id-filter keeps zones ${[cluster.dnsZoneId, 'Z9OTHERZONE'].sort().join(', ')}, but must keep those its role may list records in: ${keeps}`,
    ]);
    expect(externalDnsZoneProblems(terraform, withFilter([]), cluster)).toEqual([
      `add-on external-dns: extraArgs.zone-id-filter keeps zones (all), but must keep those its role may list records in: ${keeps}`,
    ]);
    const widened = copy(terraform);
    const policy = JSON.parse(widened.resource.aws_iam_role_policy['addon_role_external-dns_policy'].policy);
    policy.Statement.find((s: Json) => s.Sid === 'ChangeOwnZones').Resource.push('arn:aws:route53:::hostedzone/Z9OTHERZONE');
    widened.resource.aws_iam_role_policy['addon_role_external-dns_policy'].policy = JSON.stringify(policy);
    expect(externalDnsZoneProblems(widened, objects, cluster)).toEqual([
      `add-on external-dns: extraArgs.zone-id-filter keeps zones ${keeps}, but must keep those its role may list records in: ${[cluster.dnsZoneId, ...extraZoneIds, 'Z9OTHERZONE'].sort().join(', ')}`,
    ]);
    const anyType = withRelease(objects, 'external-dns', (r) => {
      delete r.spec.values.extraArgs['aws-zone-type'];
    });
    expect(externalDnsZoneProblems(terraform, anyType, cluster)).toEqual([
      'add-on external-dns: extraArgs.aws-zone-type is undefined, but must be "public": a private zone of the same name would be kept too',
    ]);
  });

  test("the API server's subnets are exactly the ranges the NetworkPolicies name for it, a /28 per zone holding no node and no load balancer; the check fails when either side drifts", () => {
    const ranges = controlPlaneRangesOf(cluster);
    const [eks] = all(terraform, 'aws_eks_cluster');
    const subnetOf = (id: string) => terraform.resource.aws_subnet[/^\$\{aws_subnet\.([^.]+)\.id\}$/.exec(id)![1]];
    const subnets = eks.vpc_config.subnet_ids.map(subnetOf);
    expect(subnets.map((s: Json) => s.cidr_block).sort()).toEqual([...ranges].sort());
    expect(new Set(subnets.map((s: Json) => s.availability_zone))).toEqual(new Set(cloudSettingsOf(cluster).network.zones));
    expect(ranges.every((r) => r.endsWith('/28'))).toBe(true);
    // Out of each platform policy, the API server on 443 is those ranges and the Service IP only; into a webhook, those ranges only.
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as Json[];
    const toPrivate = (r: Json) => r.to?.every((t: Json) => t.ipBlock && !t.ipBlock.cidr.startsWith('0.0.0.0/'));
    const apiRules = policies.flatMap((p) =>
      (p.spec.egress ?? []).filter((r: Json) => r.ports?.some((port: Json) => port.port === KUBERNETES_API_PORT) && toPrivate(r)),
    );
    expect(apiRules.length).toBeGreaterThan(0);
    for (const rule of apiRules) expect(rule.to.map((t: Json) => t.ipBlock.cidr)).toEqual([...ranges, ...KUBERNETES_SERVICE_IPS]);
    const vpc = cloudSettingsOf(cluster).network.vpcCidr;
    for (const p of policies) for (const rule of p.spec.ingress ?? []) expect((rule.from ?? []).map((f: Json) => f.ipBlock?.cidr)).not.toContain(vpc);
    expect(apiServerRangeProblems(terraform, cluster)).toEqual([]);

    const onPrivateSubnets = copy(terraform);
    const [address] = Object.keys(onPrivateSubnets.resource.aws_eks_cluster);
    const nodeSubnets = all(onPrivateSubnets, 'aws_eks_node_group').flatMap((g) => g.subnet_ids);
    onPrivateSubnets.resource.aws_eks_cluster[address].vpc_config.subnet_ids = nodeSubnets;
    expect(apiServerRangeProblems(onPrivateSubnets, cluster)).toEqual([
      expect.stringMatching(
        new RegExp(`^aws_eks_cluster\\.${address}: its subnets are .*, but the NetworkPolicies name the API server by ${ranges.join(', ')}`),
      ),
      ...all(onPrivateSubnets, 'aws_eks_node_group').map(() => expect.stringContaining("the API server's subnets: its pods would pass for the API server")),
      ...nodeSubnets.map(() => expect.stringContaining('carries kubernetes.io/role/internal-elb')),
    ]);
  });

  test("the env's zone fails the apply when the spec's dnsZoneId is not its id, and the check fails without that postcondition", () => {
    const zone = terraform.resource.aws_route53_zone[DNS_ZONE_ADDRESS];
    expect(zone.lifecycle.postcondition).toEqual([
      {
        condition: `\${self.zone_id == "${cluster.dnsZoneId}"}`,
        error_message: `dnsZoneId in clusters/${cluster.env}/cluster.ts is ${cluster.dnsZoneId}, but the zone of ${cluster.domain} is another: set it to the output ${ZONE_ID_OUTPUT}`,
      },
    ]);
    const unguarded = copy(terraform);
    delete unguarded.resource.aws_route53_zone[DNS_ZONE_ADDRESS].lifecycle.postcondition;
    expect(externalDnsZoneProblems(unguarded, objects, cluster)).toEqual([
      `add-on external-dns: the zone aws_route53_zone.${DNS_ZONE_ADDRESS} has no postcondition \${self.zone_id == "${cluster.dnsZoneId}"}: a dnsZoneId that is not its id would go unnoticed`,
    ]);
    expect(externalDnsZoneProblems(unguarded, objects, { ...cluster, dnsZoneId: undefined }).filter((p) => p.includes('postcondition'))).toEqual([]);
  });

  test('until dnsZoneId is set, external-dns keeps zones by domain alone (the env zone has no id to name yet), and the check holds it to that', () => {
    const { dnsZoneId } = cluster;
    const unset = { ...cluster, dnsZoneId: undefined };
    expect(dnsZoneId).toBeDefined();
    const values = new ExternalDnsAddOn().values({ cluster: unset, apps: [] }) as Json;
    expect(values.extraArgs).toEqual({ 'aws-zone-type': 'public' });
    const beforeZoneId = withRelease(objects, 'external-dns', (r) => {
      r.spec.values.extraArgs = values.extraArgs;
    });
    expect(externalDnsZoneProblems(terraform, beforeZoneId, unset)).toEqual([]);
    expect(externalDnsZoneProblems(terraform, objects, unset)).toEqual([
      `add-on external-dns: extraArgs.zone-id-filter keeps zones ${[dnsZoneId, ...Object.values(cluster.extraHostZones ?? {})].sort().join(', ')}, but must keep none while dnsZoneId is unset`,
    ]);
  });

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

    const renamed = objects.map((o) =>
      o.kind === 'ServiceAccount' && o.metadata.name === serviceAccountOf('shop') ? { ...o, metadata: { ...o.metadata, name: 'shop-renamed' } } : o,
    );
    expect(crossCheckProblems(terraform, renamed, apps)).toEqual(
      expect.arrayContaining([`Pod Identity association ${namespaceOf('shop')}/${serviceAccountOf('shop')}: the Kubernetes YAML has no such ServiceAccount`]),
    );

    const unbound = JSON.parse(JSON.stringify(terraform));
    delete unbound.resource.aws_eks_pod_identity_association['app_pod_identity_shop'];
    expect(crossCheckProblems(unbound, objects, apps)).toEqual([`app shop: ServiceAccount shop/shop has 0 Pod Identity associations, not 1`]);

    const backupRenamed = objects.map((o) =>
      o.kind === 'ServiceAccount' && o.metadata.name === backupServiceAccountOf('shop') ? { ...o, metadata: { ...o.metadata, name: 'shop-jobs' } } : o,
    );
    expect(crossCheckProblems(terraform, backupRenamed, apps)).toEqual([
      `Pod Identity association ${namespaceOf('shop')}/${backupServiceAccountOf('shop')}: the Kubernetes YAML has no such ServiceAccount`,
    ]);
    const backupUnbound = JSON.parse(JSON.stringify(terraform));
    delete backupUnbound.resource.aws_eks_pod_identity_association['backup_pod_identity_shop'];
    expect(crossCheckProblems(backupUnbound, objects, apps)).toEqual([
      `app shop: backup job ServiceAccount shop/shop-backup has 0 Pod Identity associations, not 1`,
    ]);
    const restoreTwice = JSON.parse(JSON.stringify(terraform));
    const restore = restoreTwice.resource.aws_eks_pod_identity_association[backupJobPodIdentityAddressOf('shop', 'restore')];
    restoreTwice.resource.aws_eks_pod_identity_association[backupJobPodIdentityAddressOf('shop', 'retention')] = { ...restore };
    expect(crossCheckProblems(restoreTwice, objects, apps)).toEqual([
      `app shop: backup job ServiceAccount shop/${retentionServiceAccountOf('shop')} has 0 Pod Identity associations, not 1`,
      `app shop: backup job ServiceAccount shop/${restoreServiceAccountOf('shop')} has 2 Pod Identity associations, not 1`,
    ]);
  });

  test("every backup job's repository is the Terraform's near backup bucket, in the cluster's region, below the prefix the app's backup role may write", () => {
    const apps = Object.keys(cluster.apps).sort();
    const jobs = objects.filter((o) => o.kind === 'CronJob' && apps.some((a) => o.metadata.name.startsWith(`${a}-`)));
    // Four per app, with storage or without.
    expect(jobs.length).toBe(4 * apps.length);
    expect(backupRepositoryProblems(terraform, objects, cluster, apps)).toEqual([]);
  });

  test('the backup repository check fails when either side drifts', () => {
    const apps = Object.keys(cluster.apps).sort();
    const check = (json: Json, yaml: readonly KubeObject[]) => backupRepositoryProblems(json, yaml, cluster, apps);
    const at = `cluster "${cluster.name}", app "shop": field "CronJob shop/shop-backup: containers[restic].env.RESTIC_REPOSITORY"`;
    const s3 = `s3:https://s3.${cluster.region}.amazonaws.com`;

    expect(
      check(
        terraform,
        withCronJob(objects, 'shop-backup', (pod) => setEnv(pod, 'RESTIC_REPOSITORY', `${s3}/${cluster.name}-backup-offsite/shop`)),
      ),
    ).toEqual([
      `${at} = "${s3}/${cluster.name}-backup-offsite/shop": names bucket "${cluster.name}-backup-offsite", not the near backup bucket "${cluster.name}-backup"`,
    ]);
    expect(
      check(
        terraform,
        withCronJob(objects, 'shop-backup', (pod) => setEnv(pod, 'RESTIC_REPOSITORY', `${s3}/${cluster.name}-backup/legacy-site`)),
      ),
    ).toEqual([`${at} = "${s3}/${cluster.name}-backup/legacy-site": names prefix "legacy-site", not the app's backup prefix "shop/"`]);
    expect(
      check(
        terraform,
        withCronJob(objects, 'shop-restore', (pod) => setEnv(pod, 'RESTIC_REPOSITORY', `${s3}/${cluster.name}-backup`)),
      ),
    ).toEqual([
      `cluster "${cluster.name}", app "shop": field "CronJob shop/shop-restore: containers[restic].env.RESTIC_REPOSITORY" = "${s3}/${cluster.name}-backup": must be a plain value of the form ${s3}/${cluster.name}-backup/shop`,
    ]);
    expect(
      check(
        terraform,
        withCronJob(objects, 'shop-check', (pod) => setEnv(pod, 'RESTIC_REPOSITORY', `s3:https://s3.us-east-1.amazonaws.com/${cluster.name}-backup/shop`)),
      ),
    ).toEqual([
      `cluster "${cluster.name}", app "shop": field "CronJob shop/shop-check: containers[restic].env.RESTIC_REPOSITORY" = "s3:https://s3.us-east-1.amazonaws.com/${cluster.name}-backup/shop": talks to s3.us-east-1.amazonaws.com, not to s3.${cluster.region}.amazonaws.com, the S3 endpoint of the cluster's region ${cluster.region}`,
    ]);
    expect(
      check(
        terraform,
        withCronJob(objects, 'shop-retention', (pod) => setEnv(pod, 'AWS_DEFAULT_REGION', 'us-east-1')),
      ),
    ).toEqual([
      `cluster "${cluster.name}", app "shop": field "CronJob shop/shop-retention: containers[restic].env.AWS_DEFAULT_REGION" = "us-east-1": must be the cluster's region ${cluster.region}`,
    ]);
    expect(
      check(
        terraform,
        withCronJob(objects, 'shop-backup', (pod) => {
          pod.serviceAccountName = 'shop';
        }),
      ),
    ).toEqual([
      `cluster "${cluster.name}", app "shop": field "CronJob shop/shop-backup: spec.jobTemplate.spec.template.spec.serviceAccountName" = "shop": the backup job must run as shop-backup, the account of its role ${backupRoleOf(cluster.name)}`,
      `cluster "${cluster.name}", app "shop": field "CronJob shop/shop-backup: spec.jobTemplate.spec.template.spec.serviceAccountName" = "shop": Pod Identity binds shop/shop to ${appRoleOf(cluster.name, storageDeletes(appIn(cluster, 'shop').storage))}, not to exactly the role ${backupRoleOf(cluster.name)}`,
    ]);
    // The retention job run as the backup account would prune with a role that cannot delete backups.
    expect(
      check(
        terraform,
        withCronJob(objects, 'shop-retention', (pod) => {
          pod.serviceAccountName = backupServiceAccountOf('shop');
        }),
      ),
    ).toEqual([
      `cluster "${cluster.name}", app "shop": field "CronJob shop/shop-retention: spec.jobTemplate.spec.template.spec.serviceAccountName" = "shop-backup": the retention job must run as shop-retention, the account of its role ${retentionRoleOf(cluster.name)}`,
      `cluster "${cluster.name}", app "shop": field "CronJob shop/shop-retention: spec.jobTemplate.spec.template.spec.serviceAccountName" = "shop-backup": Pod Identity binds shop/shop-backup to ${backupRoleOf(cluster.name)}, not to exactly the role ${retentionRoleOf(cluster.name)}`,
    ]);
    // The check job run as the backup account would hold a role that reads the live bucket and adds to the backups.
    expect(
      check(
        terraform,
        withCronJob(objects, 'shop-check', (pod) => {
          pod.serviceAccountName = backupServiceAccountOf('shop');
        }),
      ),
    ).toEqual([
      `cluster "${cluster.name}", app "shop": field "CronJob shop/shop-check: spec.jobTemplate.spec.template.spec.serviceAccountName" = "shop-backup": the check job must run as shop-backup-check, the account of its role ${backupCheckRoleOf(cluster.name)}`,
      `cluster "${cluster.name}", app "shop": field "CronJob shop/shop-check: spec.jobTemplate.spec.template.spec.serviceAccountName" = "shop-backup": Pod Identity binds shop/shop-backup to ${backupRoleOf(cluster.name)}, not to exactly the role ${backupCheckRoleOf(cluster.name)}`,
    ]);

    const renamed = copy(terraform);
    renamed.resource.aws_s3_bucket.backup_near.bucket = `${cluster.name}-backups`;
    expect(check(renamed, objects)).toEqual(
      expect.arrayContaining([`${at} = "${s3}/${cluster.name}-backup/shop": names bucket "${cluster.name}-backup", which the Terraform does not define`]),
    );
    const elsewhere = copy(terraform);
    elsewhere.resource.aws_s3_bucket.backup_near.provider = 'aws.offsite';
    expect(check(elsewhere, objects)).toEqual(
      expect.arrayContaining([
        `${at} = "${s3}/${cluster.name}-backup/shop": names bucket "${cluster.name}-backup", which the Terraform puts in ${cluster.offsiteRegion}, not in the cluster's region ${cluster.region}`,
      ]),
    );
    // A role cut too far: without its lock deletes, the backup would leave its locks behind.
    const withoutStatement = (role: string, sid: string) => {
      const json = copy(terraform);
      const policy = JSON.parse(json.resource.aws_iam_role_policy[`${role}_policy`].policy);
      policy.Statement = policy.Statement.filter((st: Json) => st.Sid !== sid);
      json.resource.aws_iam_role_policy[`${role}_policy`].policy = JSON.stringify(policy);
      return json;
    };
    // The role is every app's: cut, it fails every app's job of its kind.
    const cutTooFar = (job: string, role: string, actions: string[]) =>
      Object.keys(cluster.apps)
        .sort()
        .flatMap((app) =>
          actions.map(
            (action) =>
              `cluster "${cluster.name}", app "${app}": field "CronJob ${app}/${app}-${job}: RESTIC_REPOSITORY" = "${s3}/${cluster.name}-backup/${app}": the ${job} job's role ${role} may not ${action} ${cluster.name}-backup/${app}/locks/<id>, which restic does for it`,
          ),
        );
    expect(check(withoutStatement(backupJobRoleAddressOf('backup'), 'RemoveOwnLocks'), objects)).toEqual(
      cutTooFar('backup', backupRoleOf(cluster.name), ['s3:DeleteObject']),
    );
    // Without its locks, check could not take the exclusive lock it runs under.
    expect(check(withoutStatement(backupJobRoleAddressOf('check'), 'HoldOwnLocks'), objects)).toEqual(
      cutTooFar('check', backupCheckRoleOf(cluster.name), ['s3:PutObject', 's3:DeleteObject']),
    );
    // A listing condition that admits every folder of the repository but not its config: S3 would answer 403 for the
    // missing config of a new app, restic init would stop there, and the app would never get a first backup.
    const foldersOnly = copy(terraform);
    const backupPolicy = foldersOnly.resource.aws_iam_role_policy[`${backupJobRoleAddressOf('backup')}_policy`];
    const statements = JSON.parse(backupPolicy.policy);
    const listing = statements.Statement.find((st: Json) => st.Sid === 'ListOwnBackups');
    listing.Condition.StringLike['s3:prefix'] = listing.Condition.StringLike['s3:prefix'].map((p: string) => p.replace(/\/\*$/, '/*/*'));
    backupPolicy.policy = JSON.stringify(statements);
    expect(check(foldersOnly, objects)).toEqual(
      apps.map(
        (app) =>
          `cluster "${cluster.name}", app "${app}": field "CronJob ${app}/${app}-backup: RESTIC_REPOSITORY" = "${s3}/${cluster.name}-backup/${app}": the backup job's role ${backupRoleOf(cluster.name)} may not s3:ListBucket ${cluster.name}-backup with s3:prefix "${app}/config": S3 would answer 403, not 404, for the missing config of a new repository, and restic init would fail on every run`,
      ),
    );

    const stray = withCronJob(objects, 'shop-backup', () => undefined).map((o) =>
      o.kind === 'CronJob' && o.metadata.name === 'shop-backup' ? { ...o, metadata: { ...o.metadata, name: 'shop-copy' } } : o,
    );
    expect(check(terraform, stray)).toEqual([
      `cluster "${cluster.name}": field "CronJob shop/shop-copy: containers[restic].env.RESTIC_REPOSITORY" = "${s3}/${cluster.name}-backup/shop": is set, but CronJob shop/shop-copy is no backup job of a running app, so nothing checks which repository it writes`,
    ]);
  });

  test('every group an access entry names is bound by the RBAC in the YAML; a bound group no entry reaches is fine', () => {
    expect(accessEntryGroupProblems(terraform, objects)).toEqual([]);
    const entryGroups = all(terraform, 'aws_eks_access_entry').flatMap((e) => e.kubernetes_groups as string[]);
    expect(new Set(entryGroups)).toEqual(new Set(Object.keys(cluster.access.people).flatMap((p) => groupsOf(cluster.access, p))));

    const developers = appGroupOf('shop', 'developers');
    const devShop = terraform.resource.aws_eks_access_entry[accessEntryAddressOf('dev-shop')];
    const unbound = objects.filter((o) => !(o.kind === 'RoleBinding' && (o as Json).subjects.some((sub: Json) => sub.name === developers)));
    expect(accessEntryGroupProblems(terraform, unbound)).toEqual([
      `EKS access entry ${accessEntryAddressOf('dev-shop')}: puts ${devShop.principal_arn} in group ${developers}, which no RoleBinding or ClusterRoleBinding in the Kubernetes YAML binds`,
    ]);
    const noAdmins = objects.filter(
      (o) => !((o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') && (o as Json).subjects.some((sub: Json) => sub.name === PLATFORM_ADMINS_GROUP)),
    );
    expect(accessEntryGroupProblems(terraform, noAdmins)).toEqual([
      `EKS access entry ${accessEntryAddressOf('ops-lead')}: puts ${cluster.access.people['ops-lead'].iamRoleArn} in group ${PLATFORM_ADMINS_GROUP}, which no RoleBinding or ClusterRoleBinding in the Kubernetes YAML binds`,
    ]);
    const typo = copy(terraform);
    typo.resource.aws_eks_access_entry[accessEntryAddressOf('dev-shop')].kubernetes_groups = ['webapps:shop:developer'];
    expect(accessEntryGroupProblems(typo, objects)).toEqual([
      `EKS access entry ${accessEntryAddressOf('dev-shop')}: puts ${devShop.principal_arn} in group webapps:shop:developer, which no RoleBinding or ClusterRoleBinding in the Kubernetes YAML binds`,
    ]);
    // backoffice's groups are bound in its namespace, but nobody is in them: not a disagreement.
    expect(entryGroups).not.toContain(appGroupOf('backoffice', 'viewers'));
    expect(objects.some((o) => o.kind === 'RoleBinding' && (o as Json).subjects.some((sub: Json) => sub.name === appGroupOf('backoffice', 'viewers')))).toBe(
      true,
    );
  });

  test('the Terraform is written outside every Flux path', () => {
    for (const fluxPath of Object.values(fluxPathsOf(env))) {
      expect(`./${terraformFileOf(env)}`.startsWith(`${fluxPath}/`)).toBe(false);
    }
    expect(terraformFileOf(env)).toBe(`dist/${env}/terraform/main.tf.json`);
  });
});
