import * as kplus from 'cdk8s-plus-28';
import { IntOrString } from 'cdk8s-plus-28/lib/imports/k8s';
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import { clusterDnsEgress } from '../blocks/egress-rules';
import type { ClusterSpec } from '../model/cluster-spec';
import { FLUX_NAMESPACE } from '../model/naming';
import { KUBERNETES_API_PORT, KUBERNETES_SERVICE_IPS, NON_PUBLIC_RANGES } from '../model/network-ranges';
import { controlPlaneRangesOf } from '../model/vpc-layout';
import { FLUX_HTTP_PORT } from './flux-install';

/**
 * `flux bootstrap` installs three NetworkPolicies in flux-system (fluxcd/flux2 v2.9.4 manifests/policies):
 * `allow-egress` lets every Flux pod out anywhere (instance metadata, the VPC's databases), and
 * `allow-scraping` and `allow-webhooks` admit any pod of any namespace to the metrics port 8080 of every
 * controller and to notification-controller's Receiver port 9292. Nothing here scrapes Flux or sends it
 * webhooks, and kube-system (no policies) can reach whatever another namespace's policies admit. So the
 * kustomization.yaml that bootstrap finds beside its manifests deletes them, and these take their place:
 * each controller gets what it calls and nothing else.
 */
export const BOOTSTRAP_POLICIES = ['allow-egress', 'allow-scraping', 'allow-webhooks'] as const;

/** The folder `flux bootstrap --path=clusters/<env>` writes its manifests to, and reads a kustomization.yaml from. */
export const fluxSystemDirOf = (env: string): string => `clusters/${env}/flux-system`;
/** What bootstrap writes (and, on a first install, expects to find, if only empty: docs/bootstrap.md). */
export const BOOTSTRAP_MANIFESTS = ['gotk-components.yaml', 'gotk-sync.yaml'] as const;
export const FLUX_POLICIES_FILE = 'network-policies.yaml';

const controller = (name: string) => ({ matchLabels: { app: name } });
const appliers = ['kustomize-controller', 'helm-controller'];
const http = [{ protocol: 'TCP', port: IntOrString.fromNumber(FLUX_HTTP_PORT) }];

/** Flux's own NetworkPolicies, in flux-system: deny by default, then each controller's calls. */
export class FluxNetworkPolicies extends Chart {
  constructor(scope: Construct, id: string, props: { readonly cluster: ClusterSpec }) {
    super(scope, id, { disableResourceNameHashes: true });
    const labels = { 'app.kubernetes.io/part-of': 'platform' };
    const policy = (name: string, spec: kplus.k8s.NetworkPolicySpec) =>
      new kplus.k8s.KubeNetworkPolicy(this, name, { metadata: { name, namespace: FLUX_NAMESPACE, labels }, spec });
    const inFlux = (names: readonly string[]) => names.map((name) => ({ podSelector: controller(name) }));

    // Every pod of the namespace: nothing in; out to DNS and the API server only.
    policy('flux-default', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      egress: [
        clusterDnsEgress(),
        {
          to: [...controlPlaneRangesOf(props.cluster), ...KUBERNETES_SERVICE_IPS].map((cidr) => ({ ipBlock: { cidr } })),
          ports: [{ protocol: 'TCP', port: IntOrString.fromNumber(KUBERNETES_API_PORT) }],
        },
      ],
    });
    // Fetches git (SSH on 22, the deploy key bootstrap makes; or HTTPS) and charts (HTTPS, OCI); serves the
    // artifacts to the appliers; sends its events.
    policy('flux-source-controller', {
      podSelector: controller('source-controller'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: inFlux(appliers), ports: http }],
      egress: [
        {
          to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...NON_PUBLIC_RANGES] } }],
          ports: [22, 443].map((port) => ({ protocol: 'TCP', port: IntOrString.fromNumber(port) })),
        },
        { to: inFlux(['notification-controller']), ports: http },
      ],
    });
    // Download the artifacts, send their events.
    policy('flux-appliers', {
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: appliers }] },
      policyTypes: ['Egress'],
      egress: [{ to: inFlux(['source-controller', 'notification-controller']), ports: http }],
    });
    // Takes the events; sends none anywhere (no Provider), takes no webhooks (no Receiver).
    policy('flux-notification-controller', {
      podSelector: controller('notification-controller'),
      policyTypes: ['Ingress'],
      ingress: [{ from: inFlux(['source-controller', ...appliers]), ports: http }],
    });
  }
}

/**
 * clusters/<env>/flux-system/kustomization.yaml: bootstrap keeps a kustomization.yaml it finds there and
 * applies through it, on the first install too (fluxcd/flux2 v2.9.4 pkg/bootstrap/bootstrap_plain_git.go,
 * ReconcileComponents; pkg/manifestgen/kustomization/kustomization.go, Generate). Its manifests, then Flux's
 * own policies; each of bootstrap's policies deleted by a patch whose target selects it, which is a no-op
 * where bootstrap ran with --network-policy=false.
 */
export const fluxSystemKustomizationOf = (): Record<string, unknown> => ({
  apiVersion: 'kustomize.config.k8s.io/v1beta1',
  kind: 'Kustomization',
  resources: [...BOOTSTRAP_MANIFESTS, FLUX_POLICIES_FILE],
  patches: BOOTSTRAP_POLICIES.map((name) => ({
    patch: stringify({ $patch: 'delete', apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name } }),
    target: { kind: 'NetworkPolicy', name },
  })),
});
