import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';

import { DNS_ZONE_ADDRESS, NAME_SERVERS_OUTPUT, ZONE_ID_OUTPUT } from './dns-zone-names';

export { DNS_ZONE_ADDRESS, hostedZoneArnOf, NAME_SERVERS_OUTPUT, ZONE_ID_OUTPUT } from './dns-zone-names';

export interface DnsZoneProps {
  readonly clusterName: string;
  /** The cluster's domain: every app host sits under it unless the cluster allows an extra domain. */
  readonly domain: string;
  /** The spec's `dnsZoneId`, once copied from the output: the apply fails when it is not this zone's id. */
  readonly specZoneId?: string;
  /** The file that holds it. */
  readonly specFile: string;
}

/**
 * The env's public Route53 zone for the cluster's domain, where external-dns writes each app host's
 * record and cert-manager the wildcard certificate's DNS-01 challenge. Terraform never destroys it: its records and the parent domain's delegation would go with it.
 * Its name servers are an output, so that an operator can delegate the domain to them once.
 */
export class DnsZone extends Construct {
  readonly resource: Route53Zone;

  constructor(scope: Construct, id: string, props: DnsZoneProps) {
    super(scope, id);
    this.resource = new Route53Zone(this, 'Resource', {
      name: props.domain,
      comment: `App hosts of ${props.clusterName}, written by external-dns`,
      forceDestroy: false,
      lifecycle: {
        preventDestroy: true,
        // cert-manager's DNS-01 and external-dns's zone filter take the id from the spec, not from here: a
        // wrong one leaves the wildcard certificate unissued and every record unwritten, without an error.
        postcondition: props.specZoneId
          ? [
              {
                condition: `\${self.zone_id == "${props.specZoneId}"}`,
                errorMessage: `dnsZoneId in ${props.specFile} is ${props.specZoneId}, but the zone of ${props.domain} is another: set it to the output ${ZONE_ID_OUTPUT}`,
              },
            ]
          : undefined,
      },
    });
    this.resource.overrideLogicalId(DNS_ZONE_ADDRESS);

    new TerraformOutput(this, 'NameServers', {
      value: this.resource.nameServers,
      description: `Delegate ${props.domain} to these name servers (NS records in the parent zone)`,
    }).overrideLogicalId(NAME_SERVERS_OUTPUT);

    new TerraformOutput(this, 'ZoneId', {
      value: this.resource.zoneId,
      description: `Set dnsZoneId in clusters/<env>/cluster.ts to this id: the wildcard certificate of ${props.domain} is solved by DNS-01 in this zone`,
    }).overrideLogicalId(ZONE_ID_OUTPUT);
  }
}
