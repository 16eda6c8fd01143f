import type { ClusterSpec } from '../../model/cluster-spec';
import type { KubeObject } from '../../model/kube-object';
import { addOnRoleAddressOf } from '../../cloud/add-on-identities';
import { DNS_ZONE_ADDRESS } from '../../cloud/dns-zone-names';
import { asList, ref, type Json, type TerraformJson } from '../../cloud/terraform-json';
import { ZONE_ID_FILTER_ARG, ZONE_TYPE_ARG } from '../../platform/external-dns';

const ZONE_ARN = /^arn:aws:route53:::hostedzone\/(.+)$/;
const LISTS_RECORDS = 'route53:ListResourceRecordSets';

/**
 * The cloud side against external-dns's HelmRelease in one cluster: the zones its `--zone-id-filter` keeps
 * are exactly those whose records its role may list (the env's zone, by the spec's `dnsZoneId`, and each
 * extra host zone by its ARN), and it keeps public zones only. A zone it keeps but may not list stops every
 * sync; a zone it may list but does not keep gets no records (constructs/platform/external-dns.ts says why).
 * While `dnsZoneId` is unset the filter must be absent: the env's zone has no id to name yet.
 */
export function externalDnsZoneProblems(json: TerraformJson, objects: readonly KubeObject[], cluster: Pick<ClusterSpec, 'dnsZoneId'>): string[] {
  const release = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'external-dns') as Json;
  const policy = json.resource?.aws_iam_role_policy?.[`${addOnRoleAddressOf('external-dns')}_policy`];
  if (!release || !policy) return []; // an add-on without its role, or the reverse: addOnIdentityProblems names it
  const say = (problem: string) => `add-on external-dns: ${problem}`;
  const problems: string[] = [];
  const extraArgs = release.spec?.values?.extraArgs ?? {};

  const ownZone = ref('aws_route53_zone', DNS_ZONE_ADDRESS, 'arn');
  // The env's zone counts as the spec's dnsZoneId: the zone's postcondition holds the apply to that.
  problems.push(...zoneIdPostconditionProblems(json, cluster).map(say));
  const listable = (JSON.parse(policy.policy).Statement as Json[])
    .filter((s) => s.Effect === 'Allow' && asList(s.Action).includes(LISTS_RECORDS))
    .flatMap((s) => asList(s.Resource) as string[])
    .map((arn) => (arn === ownZone ? (cluster.dnsZoneId ?? arn) : (ZONE_ARN.exec(arn)?.[1] ?? arn)));
  const expected = cluster.dnsZoneId === undefined ? [] : [...new Set(listable)].sort();
  const filtered = [...new Set(asList(extraArgs[ZONE_ID_FILTER_ARG]) as string[])].sort();
  if (filtered.join() !== expected.join()) {
    const want = cluster.dnsZoneId === undefined ? 'none while dnsZoneId is unset' : `those its role may list records in: ${expected.join(', ')}`;
    problems.push(say(`extraArgs.${ZONE_ID_FILTER_ARG} keeps zones ${filtered.join(', ') || '(all)'}, but must keep ${want}`));
  }
  if (extraArgs[ZONE_TYPE_ARG] !== 'public') {
    problems.push(
      say(`extraArgs.${ZONE_TYPE_ARG} is ${JSON.stringify(extraArgs[ZONE_TYPE_ARG])}, but must be "public": a private zone of the same name would be kept too`),
    );
  }
  return problems;
}

/** The env's zone fails the apply unless its id is the spec's `dnsZoneId` (constructs/cloud/dns-zone.ts). */
function zoneIdPostconditionProblems(json: TerraformJson, cluster: Pick<ClusterSpec, 'dnsZoneId'>): string[] {
  const zone = json.resource?.aws_route53_zone?.[DNS_ZONE_ADDRESS];
  if (!zone || cluster.dnsZoneId === undefined) return [];
  const expected = `\${self.zone_id == "${cluster.dnsZoneId}"}`;
  const conditions = asList(zone.lifecycle?.postcondition).map((p: Json) => p.condition);
  return conditions.includes(expected)
    ? []
    : [`the zone aws_route53_zone.${DNS_ZONE_ADDRESS} has no postcondition ${expected}: a dnsZoneId that is not its id would go unnoticed`];
}
