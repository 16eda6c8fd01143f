import { hardenedContainer, restrictedPod, sized } from '../blocks/hardened-container';
import { EnvoyGatewayAddOn } from './envoy-gateway';
import { HelmAddOn, type AddOnContext, type AddOnNetwork, type ChartSource, type AddOnKind } from './add-on';
import type { ChartWorkload } from './chart-workload';
import type { WorkloadEgress } from './network-needs';
import { PLATFORM_PRIORITY } from '../model/priority-names';
import { EXTERNAL_DNS_ACCOUNT } from '../model/aws-add-on-accounts';
import { externalDnsZoneIdsOf } from '../model/dns-zones';

export const externalDnsDefaults = {
  name: 'external-dns',
  namespace: EXTERNAL_DNS_ACCOUNT.namespace,
  chart: { repository: 'https://kubernetes-sigs.github.io/external-dns/', chart: 'external-dns', version: '1.18.0' } as ChartSource,
  /** `upsert-only` never deletes a record: a removed route leaves its DNS in place until an operator acts. */
  policy: 'upsert-only' as 'upsert-only' | 'sync',
};
export type ExternalDnsProps = Partial<typeof externalDnsDefaults>;

/*
 * Which zones external-dns works in. At v0.18.0 provider/aws/aws.go zones() keeps every hosted zone of the
 * account that passes the zone-id, zone-type and domain filters, and endpoint/domain_filter.go matchFilter
 * lets a domain filter match zones below it too (`example.com` keeps `staging.example.com`, public or
 * private). records() then lists each kept zone and returns the first error, and controller/controller.go
 * RunOnce gives up the whole sync on it: one zone its role may not list (add-on-policies.ts,
 * externalDnsStatements) and no record is written anywhere. So the zone ids its role names
 * (model/dns-zones.ts) filter the zones, and only public ones count. The chart (1.18.0,
 * templates/deployment.yaml) has no value for either flag: it passes each extraArgs key as `--<key>=<value>`,
 * once per item of a list. Flags: pkg/apis/externaldns/types.go at v0.18.0.
 */
export const ZONE_ID_FILTER_ARG = 'zone-id-filter';
export const ZONE_TYPE_ARG = 'aws-zone-type';

/**
 * Where the TXT registry writes the owner record of each host: one label below the host, so in the host's
 * zone even at the zone's apex. At v0.18.0 registry/txt.go toTXTName puts the record type where
 * `%{record_type}` stands and the prefix before the host's first label; without a prefix it writes
 * `<type>-<first label>.<rest>`, for the apex `example.com` `cname-example.com`, outside the zone, which
 * provider/aws/aws.go changesByZone drops, so the apex record has no owner and is never updated again
 * (docs/registry/txt.md asks for a prefix with `%{record_type}` ending in a period for apex domains).
 * Changing it orphans every owner record written before: see docs/bootstrap.md.
 */
export const TXT_OWNER_PREFIX = 'extdns-%{record_type}.';

/** The ServiceAccount that the cloud stack's external-dns role is bound to through Pod Identity. */
export const EXTERNAL_DNS_SERVICE_ACCOUNT = EXTERNAL_DNS_ACCOUNT.serviceAccount;

/*
 * Route53's API only: with the aws provider and the gateway-httproute source, external-dns v0.18.0 sends
 * no DNS query of its own (miekg/dns is used only by its ovh and rfc2136 providers), so no port 53 out.
 * Declared for its workload too, so that its one pod reaches no pod of its own namespace.
 */
const EGRESS = { egressApiServer: true, egressInternet: [{ port: 443, name: 'Route53 API' }], awsCredentials: true } as const satisfies WorkloadEgress;

/**
 * external-dns for Route53: every app host's record points at the Gateway's load balancer with no hand
 * step, which is what lets ACME HTTP-01 (and so TLS) work on its own.
 */
export class ExternalDnsAddOn extends HelmAddOn<typeof externalDnsDefaults> {
  readonly dependsOn: readonly AddOnKind[] = [EnvoyGatewayAddOn];
  readonly network: AddOnNetwork = EGRESS;
  /** From the chart at its pinned version. */
  readonly clusterRights =
    'reads Services, Pods, Nodes, EndpointSlices and Gateway API routes in every namespace; writes nothing in Kubernetes, its records go to Route53 (templates/clusterrole.yaml)';

  constructor(props: ExternalDnsProps = {}) {
    super(externalDnsDefaults, props);
  }

  values(ctx: AddOnContext): Record<string, unknown> {
    const { cluster } = ctx;
    const zoneIds = externalDnsZoneIdsOf(cluster);
    return {
      provider: { name: 'aws' },
      sources: ['gateway-httproute'],
      domainFilters: [cluster.domain, ...(cluster.extraHostDomains ?? [])],
      policy: this.props.policy,
      registry: 'txt',
      txtOwnerId: cluster.name,
      txtPrefix: TXT_OWNER_PREFIX,
      serviceAccount: { create: true, name: EXTERNAL_DNS_SERVICE_ACCOUNT },
      env: [{ name: 'AWS_DEFAULT_REGION', value: cluster.region }],
      extraArgs: { ...(zoneIds && { [ZONE_ID_FILTER_ARG]: zoneIds }), [ZONE_TYPE_ARG]: 'public' },
    };
  }

  /** Source: kubernetes-sigs/external-dns@external-dns-helm-chart-1.18.0 charts/external-dns (values.yaml, templates/deployment.yaml). */
  workloads(): ChartWorkload[] {
    return [
      {
        kind: 'Deployment',
        name: 'external-dns',
        role: 'controller',
        podLabels: { 'app.kubernetes.io/name': 'external-dns', 'app.kubernetes.io/instance': this.name },
        podSecurity: 'restricted',
        settings: {
          // The chart fixes one replica (no leader election); records wait for it, nothing breaks.
          replicas: 1,
          podSecurityContext: restrictedPod(65532),
          containers: { 'external-dns': { securityContext: hardenedContainer(), resources: sized('10m', '64Mi', '256Mi') } },
          priorityClassName: PLATFORM_PRIORITY,
        },
        keys: {
          podSecurityContext: 'podSecurityContext',
          containers: { 'external-dns': { securityContext: 'securityContext', resources: 'resources' } },
          priorityClassName: 'priorityClassName',
          topologySpreadConstraints: 'topologySpreadConstraints',
        },
        ports: [{ port: 7979, purpose: 'metrics' }],
        egress: EGRESS,
      },
    ];
  }
}
