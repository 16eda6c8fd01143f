import type { KubeObject } from '../model/kube-object';
import type { Labels } from '../model/label-selector';
import type { Protocol } from './port-set';

/** A port a container declares; a policy's named port resolves against `name`. */
export interface ContainerPortView {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** `app`: an app's own namespace; `platform`: an add-on's; `cluster`: one EKS or Flux's bootstrap runs (kube-system, mount-s3, flux-system). */
export type NamespaceKind = 'app' | 'platform' | 'cluster';

export interface NamespaceView {
  readonly name: string;
  /** Its own labels and `kubernetes.io/metadata.name`. */
  readonly labels: Labels;
  readonly kind: NamespaceKind;
}

/** The pods of one workload: what the policies select them by, and what they listen on. */
export interface PodGroup {
  readonly type: 'pods';
  /** `pod:<namespace>/<kind>/<name>`. */
  readonly id: string;
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  /** The pod template's labels. */
  readonly labels: Labels;
  readonly ports: readonly ContainerPortView[];
  /** A representative pod address: the VPC CNI gives pods addresses of the VPC's private subnets, so ipBlocks match them too. */
  readonly address: string;
  /** What it does, where its add-on declares it (controller, webhook, data-plane, …). */
  readonly role?: string;
  /** Where pods that are not in the synthesized output come from (chart, EKS add-on, upstream source). */
  readonly source?: string;
}

/** An address outside the cluster's pods, as a destination and perhaps as a source. */
export interface ExternalEndpoint {
  readonly type: 'external';
  /** `ext:<name>`. */
  readonly id: string;
  readonly title: string;
  /** Representative addresses as a destination; a flow counts only when it is allowed to every one. */
  readonly addresses: readonly string[];
  /** Its address when it opens connections (the API server, a client on the internet); absent when it does not. */
  readonly sourceAddress?: string;
  /** What the addresses stand for. */
  readonly note: string;
}

export type Endpoint = PodGroup | ExternalEndpoint;

/** Everything the evaluators read: the namespaces, the pods, the outside, and the NetworkPolicy objects as synthesized. */
export interface ClusterNetwork {
  readonly cluster: string;
  readonly namespaces: readonly NamespaceView[];
  readonly pods: readonly PodGroup[];
  readonly externals: readonly ExternalEndpoint[];
  readonly policies: readonly KubeObject[];
}

export const podIdOf = (namespace: string, kind: string, name: string): string => `pod:${namespace}/${kind}/${name}`;
export const externalIdOf = (name: string): string => `ext:${name}`;
