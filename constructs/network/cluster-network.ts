import type { ClusterSpec } from '../model/cluster-spec';
import { NAMESPACE_NAME_LABEL } from '../model/network-ranges';
import type { ResolvedApp } from '../model/resolve';
import type { AddOn } from '../platform/add-on';
import type { KubeObject } from '../model/kube-object';
import { clusterNamespacesOf, clusterPodsOf } from './cluster-pods';
import type { ClusterNetwork, NamespaceKind, NamespaceView } from './endpoints';
import { externalEndpointsOf, vpcAddressesOf } from './external-endpoints';
import { outputPodsOf } from './output-workloads';
import { platformPodsOf } from './platform-pods';

export interface ClusterNetworkInput {
  readonly cluster: ClusterSpec;
  readonly apps: readonly ResolvedApp[];
  /** The cluster's add-ons, in install order. */
  readonly addOns: readonly AddOn[];
  /** Every object synthesized for the cluster (all layers and apps). */
  readonly objects: readonly KubeObject[];
}

const KIND_ORDER: readonly NamespaceKind[] = ['app', 'platform', 'cluster'];
const PART_OF = 'app.kubernetes.io/part-of';

/** What the evaluators need of one cluster: namespaces, pods and the outside, and its NetworkPolicies as synthesized. */
export function clusterNetworkOf(input: ClusterNetworkInput): ClusterNetwork {
  const { cluster, apps, addOns, objects } = input;
  const address = vpcAddressesOf(cluster).pod;
  const pods = [...outputPodsOf(objects, address), ...platformPodsOf(addOns, { cluster, apps }, address), ...clusterPodsOf(cluster, apps, address)].sort(
    (a, b) => a.id.localeCompare(b.id),
  );
  const declared: NamespaceView[] = objects
    .filter((o) => o.kind === 'Namespace')
    .map((o) => {
      const labels: Record<string, string> = { ...(o.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: o.metadata.name };
      const kind: NamespaceKind = labels[PART_OF] === 'platform' ? 'platform' : labels[PART_OF] === 'webapps' ? 'app' : 'cluster';
      return { name: o.metadata.name, labels, kind };
    });
  // Looked up by name: a thousand apps make a thousand namespaces.
  const declaredNames = new Set(declared.map((d) => d.name));
  const known = [...declared, ...clusterNamespacesOf(cluster, apps).filter((n) => !declaredNames.has(n.name))];
  const knownNames = new Set(known.map((n) => n.name));
  const undeclared = [...new Set(pods.map((p) => p.namespace))]
    .filter((ns) => !knownNames.has(ns))
    .map((name): NamespaceView => ({ name, labels: { [NAMESPACE_NAME_LABEL]: name }, kind: 'cluster' }));
  const namespaces = [...known, ...undeclared].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
  return {
    cluster: cluster.name,
    namespaces,
    pods,
    externals: externalEndpointsOf(cluster, apps),
    policies: objects.filter((o) => o.kind === 'NetworkPolicy'),
  };
}
