import { CLUSTERS } from '../clusters';
import { clusterNetworkOf } from '../constructs/network/cluster-network';
import type { ClusterNetwork, Endpoint } from '../constructs/network/endpoints';
import { flowsOf } from '../constructs/network/namespace-matrix';
import { PolicyEvaluator } from '../constructs/network/policy-evaluator';
import { clusterAppsOf } from '../constructs/model/resolve';
import { addOnsOf } from '../constructs/platform/default-add-ons';
import { networkObjectsOf, REAL_INPUT, realOutput } from './support';

/*
 * The reachability table asks only the pods a source's egress peers name and whose ingress peers name the
 * source (PolicyEvaluator.egressReach, admittedBy), matches peers through an index of the pods each one
 * selects, and takes the outside flows from a list shared by the pods whose egress rules read alike
 * (outsideFlowsOf). All must give exactly the flows of asking every pair the plain way: here every pair
 * is asked with copies of the endpoints, which the indexes do not know, so the evaluator tests each peer.
 */

function networkOf(env: string): ClusterNetwork {
  const cluster = CLUSTERS.find((c) => c.env === env)!;
  const apps = clusterAppsOf(cluster, REAL_INPUT.apps);
  const objects = networkObjectsOf(realOutput(), env);
  return clusterNetworkOf({ cluster, apps, addOns: addOnsOf({ cluster, apps }), objects });
}

/** Every allowed flow, asking every source about every destination, each end a copy. */
function everyPairFlows(network: ClusterNetwork, evaluator: PolicyEvaluator): string[] {
  const copy = (e: Endpoint): Endpoint => ({ ...e });
  const sources = [...network.pods, ...network.externals.filter((e) => e.sourceAddress)].map(copy);
  const destinations = [...network.pods, ...network.externals.filter((e) => e.addresses.length > 0)].map(copy);
  return sources.flatMap((from) =>
    destinations.flatMap((to) => {
      const ports = evaluator.portsBetween(from, to);
      return ports.isEmpty() ? [] : [`${from.id} -> ${to.id}: ${ports.format()}`];
    }),
  );
}

describe.each(CLUSTERS.map((c) => [c.env] as const))('the %s reachability table', (env) => {
  const network = networkOf(env);

  test('has the flows of asking every pair, in the same order', () => {
    const indexed = flowsOf(network, new PolicyEvaluator(network)).map((f) => `${f.from.id} -> ${f.to.id}: ${f.ports.format()}`);
    expect(indexed.length).toBeGreaterThan(0);
    expect(indexed).toEqual(everyPairFlows(network, new PolicyEvaluator(network)));
  });

  test('asks fewer pairs than every pair: most pods name few peers', () => {
    const evaluator = new PolicyEvaluator(network);
    const reaches = network.pods.map((p) => evaluator.egressReach(p));
    expect(reaches.some((r) => r !== undefined && r.size < network.pods.length)).toBe(true);
  });

  test('a reach that leaves out a pod its peers name would lose flows, and the comparison sees it', () => {
    // Broken index: every reach empty but the DNS server's.
    class Blind extends PolicyEvaluator {
      egressReach(): ReadonlySet<string> {
        return new Set(network.pods.filter((p) => p.namespace === 'kube-system').map((p) => p.id));
      }
    }
    const blind = flowsOf(network, new Blind(network)).map((f) => `${f.from.id} -> ${f.to.id}: ${f.ports.format()}`);
    expect(blind).not.toEqual(everyPairFlows(network, new PolicyEvaluator(network)));
  });

  test('an admitting index that leaves out a pod would lose flows, and the comparison sees it', () => {
    // Broken index: no pod admits anything.
    class Closed extends PolicyEvaluator {
      admittedBy(): ReadonlySet<string> {
        return new Set();
      }
    }
    const closed = flowsOf(network, new Closed(network)).map((f) => `${f.from.id} -> ${f.to.id}: ${f.ports.format()}`);
    expect(closed).not.toEqual(everyPairFlows(network, new PolicyEvaluator(network)));
  });

  test('an index of the pods that admit an outside address that leaves out a pod would lose flows, and the comparison sees it', () => {
    expect(network.externals.some((e) => e.sourceAddress)).toBe(true);
    // Broken index: no pod admits the internet or the API server.
    class Deaf extends PolicyEvaluator {
      admittedFromAddress(): ReadonlySet<string> {
        return new Set();
      }
    }
    const deaf = flowsOf(network, new Deaf(network)).map((f) => `${f.from.id} -> ${f.to.id}: ${f.ports.format()}`);
    expect(deaf).not.toEqual(everyPairFlows(network, new PolicyEvaluator(network)));
  });

  test('has sources admitted by fewer pods than they may reach, whose admitting pods are walked instead', () => {
    const evaluator = new PolicyEvaluator(network);
    const fewer = network.pods.filter((p) => {
      const reach = evaluator.egressReach(p);
      return reach === undefined || evaluator.admittedBy(p).size < reach.size;
    });
    expect(fewer.length).toBeGreaterThan(0);
  });

  test('a shared list of outside flows that is wrong for a pod would show, and the comparison sees it', () => {
    // Broken sharing: every pod gets the outside flows of the first pod.
    const first = network.pods[0];
    class Shared extends PolicyEvaluator {
      outsideFlowsOf(): ReturnType<PolicyEvaluator['outsideFlowsOf']> {
        return super.outsideFlowsOf(first);
      }
    }
    const shared = flowsOf(network, new Shared(network)).map((f) => `${f.from.id} -> ${f.to.id}: ${f.ports.format()}`);
    expect(shared).not.toEqual(everyPairFlows(network, new PolicyEvaluator(network)));
  });

  test('a flow the policies stop disappears from both ways of asking alike', () => {
    // Broken input: the app namespaces' own policies removed, so nothing in them is isolated any more.
    const apps = new Set(network.namespaces.filter((n) => n.kind === 'app').map((n) => n.name));
    expect(apps.size).toBeGreaterThan(0);
    const open = { ...network, policies: network.policies.filter((p) => !apps.has(p.metadata.namespace ?? '')) };
    const indexed = flowsOf(open, new PolicyEvaluator(open)).map((f) => `${f.from.id} -> ${f.to.id}: ${f.ports.format()}`);
    expect(indexed).toEqual(everyPairFlows(open, new PolicyEvaluator(open)));
    expect(indexed).not.toEqual(flowsOf(network, new PolicyEvaluator(network)).map((f) => `${f.from.id} -> ${f.to.id}: ${f.ports.format()}`));
  });
});
