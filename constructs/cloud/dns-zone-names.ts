/*
 * The names of the env's Route53 zone in the Terraform, without cdktf: the main thread's rules read them, and
 * it never loads cdktf (test/main-thread-modules.test.ts).
 */

/** The Terraform addresses of the env's zone and of the output that lists its name servers. */
export const DNS_ZONE_ADDRESS = 'dns_zone';
export const NAME_SERVERS_OUTPUT = 'dns_zone_name_servers';
/** The output whose value goes into the cluster spec's `dnsZoneId` once, for the wildcard certificate's DNS-01. */
export const ZONE_ID_OUTPUT = 'dns_zone_id';

/** The ARN of a Route53 hosted zone, given its id. */
export const hostedZoneArnOf = (zoneId: string): string => `arn:aws:route53:::hostedzone/${zoneId}`;
