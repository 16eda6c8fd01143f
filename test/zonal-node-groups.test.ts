import { CLUSTERS } from './fixtures/specs/clusters';
import { SPANNING_NODE_GROUP_ADDRESS } from '../constructs/cloud/node-group';
import { cloudSettingsOf } from '../constructs/model/cluster-spec';
import type { KubeObject } from '../constructs/model/kube-object';
import { zoneNodeGroupsOf } from '../constructs/model/zone-node-groups';
import { nodeProblems } from '../constructs/rules/cloud/cloud-rules';
import { EBS_CSI_PROVISIONER, zonalNodeGroupProblems } from '../constructs/rules/cloud/zonal-node-groups-check';
import { terraformFileOf } from '../constructs/synth/terraform-file';
import { fixtureOutput } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/*
 * cluster-autoscaler (kubernetes/autoscaler@cluster-autoscaler-1.33.0, the appVersion of chart 9.50.1)
 * builds the template node of an Auto Scaling group in asg.AvailabilityZones[0] (cloudprovider/aws/
 * aws_manager.go getAsgTemplate): a group over three zones can never be grown for a pod whose EBS volume
 * is in the second or third. Its AWS README asks for an ASG per AZ with --balance-similar-node-groups.
 */

/** What one synth really wrote for a cluster: its Terraform and its objects. */
function sidesOf(env: string): { terraform: Json; objects: KubeObject[] } {
  const files = fixtureOutput();
  const terraform = files.find((f) => f.path === terraformFileOf(env));
  if (!terraform?.text) throw new Error(`no ${terraformFileOf(env)} in the synth output`);
  return { terraform: JSON.parse(terraform.text), objects: files.filter((f) => f.path.startsWith(`dist/${env}/`)).flatMap((f) => f.objects ?? []) };
}
const groupsOf = (json: Json): [string, Json][] => Object.entries(json.resource.aws_eks_node_group ?? {});
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** The stack as it was before each zone had a group: one group over every private subnet, at the pool's min and max. */
function withSpanningGroup(json: Json, pool: { min: number; max: number }): Json {
  const spanning = copy(json);
  const groups = groupsOf(spanning);
  const [, first] = groups[0];
  first.subnet_ids = groups.flatMap(([, g]) => g.subnet_ids);
  first.scaling_config = { min_size: pool.min, max_size: pool.max, desired_size: pool.min };
  spanning.resource.aws_eks_node_group = { Nodes_66C30434: first };
  return spanning;
}

describe.each(CLUSTERS.map((c) => [c.env, c] as const))('cluster %s: a node group per zone', (env, cluster) => {
  const { terraform, objects } = sidesOf(env);
  const zones = cloudSettingsOf(cluster).network.zones;
  const subnetZones = new Map(
    Object.entries(terraform.resource.aws_subnet).map(([name, s]: [string, Json]) => [`\${aws_subnet.${name}.id}`, s.availability_zone]),
  );

  test('the platform keeps data on EBS volumes and runs cluster-autoscaler, so the rule applies', () => {
    expect(objects.filter((o) => o.kind === 'StorageClass' && (o as Json).provisioner === EBS_CSI_PROVISIONER)).not.toEqual([]);
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'cluster-autoscaler')).toBe(true);
  });

  test('every node group has exactly one subnet, and together they cover every zone', () => {
    const groups = groupsOf(terraform);
    expect(groups).toHaveLength(zones.length);
    for (const [, group] of groups) expect(group.subnet_ids).toHaveLength(1);
    expect(groups.map(([, g]) => subnetZones.get(g.subnet_ids[0])).sort()).toEqual([...zones].sort());
    expect(zonalNodeGroupProblems(terraform, objects)).toEqual([]);
    expect(nodeProblems(terraform)).toEqual([]);
  });

  test("the groups hold the node pool's min and max between them, at least one node in each zone", () => {
    const scaling = groupsOf(terraform).map(([, g]) => g.scaling_config);
    expect(scaling.reduce((n, s) => n + s.min_size, 0)).toBe(cluster.nodePool.min);
    expect(scaling.reduce((n, s) => n + s.max_size, 0)).toBe(cluster.nodePool.max);
    for (const s of scaling) expect(s.min_size).toBeGreaterThanOrEqual(1);
  });

  test('cluster-autoscaler balances the similar groups of the zones', () => {
    const release = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'cluster-autoscaler') as Json;
    expect(release.spec.values.extraArgs['balance-similar-node-groups']).toBe(true);
  });

  test('the one group over all zones fails the rule, naming the group and why', () => {
    const spanning = withSpanningGroup(terraform, cluster.nodePool);
    expect(zonalNodeGroupProblems(spanning, objects)).toEqual([
      `node group Nodes_66C30434: runs in 3 subnets (${zones.join(', ')}), not one: StorageClass gp3-retain makes zonal EBS volumes, and cluster-autoscaler builds a group's template node in its first zone only; give each zone a node group of its own`,
    ]);
    // Without zonal volumes, or without the autoscaler, a group may span the zones.
    expect(
      zonalNodeGroupProblems(
        spanning,
        objects.filter((o) => o.kind !== 'StorageClass'),
      ),
    ).toEqual([]);
    expect(
      zonalNodeGroupProblems(
        spanning,
        objects.filter((o) => !(o.kind === 'HelmRelease' && o.metadata.name === 'cluster-autoscaler')),
      ),
    ).toEqual([]);
  });

  test('a zone without a node group fails the rule', () => {
    const json = copy(terraform);
    const [name] = groupsOf(json).find(([, g]) => subnetZones.get(g.subnet_ids[0]) === zones[2])!;
    delete json.resource.aws_eks_node_group[name];
    expect(zonalNodeGroupProblems(json, objects)).toEqual([
      `nodes: no node group runs in ${zones[2]}: cluster-autoscaler could add no node for a pod whose EBS volume is there`,
    ]);
  });

  test("the switch from the spanning group: zone 0's group takes its address and comes up after the others, each create-before-destroy", () => {
    const [firstName, first] = groupsOf(terraform).find(([, g]) => subnetZones.get(g.subnet_ids[0]) === zones[0])!;
    expect(terraform.moved).toEqual([{ from: SPANNING_NODE_GROUP_ADDRESS, to: `aws_eks_node_group.${firstName}` }]);
    const others = groupsOf(terraform).filter(([name]) => name !== firstName);
    expect(first.depends_on).toEqual(expect.arrayContaining(others.map(([name]) => `aws_eks_node_group.${name}`)));
    for (const [, group] of groupsOf(terraform)) expect(group.lifecycle.create_before_destroy).toBe(true);
  });
});

describe('the node pool split over the zones', () => {
  const zones = ['z-1a', 'z-1b', 'z-1c'];
  test.each([
    [3, 5, [1, 1, 1], [2, 2, 1]],
    [3, 9, [1, 1, 1], [3, 3, 3]],
    [4, 4, [2, 1, 1], [2, 1, 1]],
    [7, 20, [3, 2, 2], [7, 7, 6]],
  ])('min %p, max %p: mins %p, maxes %p', (min, max, mins, maxes) => {
    const groups = zoneNodeGroupsOf({ min, max }, zones);
    expect(groups.map((g) => g.zone)).toEqual(zones);
    expect(groups.map((g) => g.min)).toEqual(mins);
    expect(groups.map((g) => g.max)).toEqual(maxes);
  });
});
