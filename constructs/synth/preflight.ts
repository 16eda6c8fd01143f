/*
 * What must be true before anyone runs Terraform for an env: no value in its specs that only stands in for a
 * real one (the shipped specs are full of them, and AWS refuses several only halfway through an apply), and
 * the prerequisites that no spec can hold. `npm run preflight -- --env <env>` prints them (scripts/preflight.ts).
 */
import { parseCidr, type Ipv4Cidr } from '../model/cidr';
import type { AppSpec } from '../model/app-spec';
import { cloudSettingsOf, type ClusterSpec } from '../model/cluster-spec';
import { placeholderReason, releasesFileOf, type ReleasesFile } from '../model/releases';
import { appFileOf, clusterFileOf } from './source-files';

/** One value to replace, or one thing to do by hand, with the file it lives in. */
export interface PreflightItem {
  /** `placeholder`: a value in a file that stands in for a real one. `prerequisite`: a step outside the repo. */
  readonly kind: 'placeholder' | 'prerequisite';
  readonly file?: string;
  readonly field: string;
  readonly value: string;
  /** Why it stops an apply, and what to do. */
  readonly why: string;
}

/** Names reserved for documentation and testing (RFC 2606, RFC 6761): nobody can own them, Route 53 refuses their zones. */
const RESERVED_DOMAINS = ['example.com', 'example.net', 'example.org'];
const RESERVED_TLDS = ['example', 'test', 'invalid', 'localhost'];
export const isReservedDomain = (name: string): boolean => {
  const host = name.toLowerCase().replace(/\.$/, '');
  return RESERVED_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`)) || RESERVED_TLDS.includes(host.split('.').pop()!);
};

/**
 * The account ids AWS's own documentation uses in its examples (IAM User Guide, EKS and Organizations guides):
 * no customer owns them, and EKS refuses an access entry for a role in them.
 */
const DOCUMENTATION_ACCOUNTS = new Set(['123456789012', '111122223333', '444455556666', '777788889999', '012345678901', '210987654321', '098765432109']);
export const isDocumentationAccount = (account: string): boolean => DOCUMENTATION_ACCOUNTS.has(account) || /^(\d)\1{11}$/.test(account);

/** The address blocks reserved for documentation (RFC 5737, TEST-NET-1 to 3): no office or VPN egresses from them. */
const TEST_NETS = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'].map((c) => parseCidr(c)!);
const overlaps = (a: Ipv4Cidr, b: Ipv4Cidr): boolean => a.address < b.address + 2 ** (32 - b.prefix) && b.address < a.address + 2 ** (32 - a.prefix);
export const isTestNet = (cidr: string): boolean => {
  const parsed = parseCidr(cidr);
  return parsed !== undefined && TEST_NETS.some((net) => overlaps(parsed, net));
};

/**
 * Route 53 hosted zone ids that stand in for real ones: an id with EXAMPLE in it (AWS marks its example ids
 * so, as in AKIAIOSFODNN7EXAMPLE; so do the shipped specs), and the example id this repo's docs and messages
 * use. A real id is a Z and random upper-case letters and digits, where EXAMPLE does not occur by chance.
 */
const DOCUMENTATION_ZONE_ID = 'Z0123456789ABCDEFGHIJ';
export const isPlaceholderZoneId = (id: string): boolean => /EXAMPLE/i.test(id) || id === DOCUMENTATION_ZONE_ID;

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(.*)$/;
/** IAM Identity Center creates its roles under this path; an ARN without it names a role that does not exist. */
const SSO_PATH = /^aws-reserved\/sso\.amazonaws\.com\/([\w-]+\/)?AWSReservedSSO_/;

/** Every placeholder left in the env's cluster spec, the apps it runs and its releases file, then the prerequisites. */
export function preflightOf(cluster: ClusterSpec, apps: readonly AppSpec[], releases: ReleasesFile): PreflightItem[] {
  const items: PreflightItem[] = [];
  const clusterFile = clusterFileOf(cluster.env);
  const placeholder = (file: string, field: string, value: string, why: string) => items.push({ kind: 'placeholder', file, field, value, why });

  const domain = (file: string, field: string, value: string) => {
    if (isReservedDomain(value))
      placeholder(file, field, value, 'a domain reserved for documentation: nobody owns it, Route 53 refuses its zone and no CA issues for it; use yours');
  };
  const mailbox = (file: string, field: string, value: string, consequence = 'no mail reaches it') => {
    if (isReservedDomain(value.split('@').pop() ?? ''))
      placeholder(file, field, value, `an address in a domain reserved for documentation: ${consequence}; use a real mailbox`);
  };

  domain(clusterFile, 'domain', cluster.domain);
  (cluster.extraHostDomains ?? []).forEach((d, i) => domain(clusterFile, `extraHostDomains[${i}]`, d));
  if (cluster.dnsZoneId !== undefined && isPlaceholderZoneId(cluster.dnsZoneId))
    placeholder(
      clusterFile,
      'dnsZoneId',
      cluster.dnsZoneId,
      "a placeholder hosted zone id: external-dns would keep no zone (its --zone-id-filter names this id) and the wildcard certificate's DNS-01 would fail; remove the field until terraform apply has created the zone, then set it to `terraform output -raw dns_zone_id` (docs/bootstrap.md, step 2)",
    );
  for (const [zoneDomain, zoneId] of Object.entries(cluster.extraHostZones ?? {})) {
    if (isPlaceholderZoneId(zoneId))
      placeholder(
        clusterFile,
        `extraHostZones['${zoneDomain}']`,
        zoneId,
        `a placeholder hosted zone id: external-dns's role and --zone-id-filter would name a zone that does not exist, and no record of ${zoneDomain} would be written; use the id of its existing zone (aws route53 list-hosted-zones-by-name --dns-name ${zoneDomain})`,
      );
  }
  mailbox(clusterFile, 'acme.email', cluster.acme.email, 'the ACME CA refuses to register the account');
  const issuer = cluster.internalAccess.oidc?.issuer;
  if (issuer !== undefined) domain(clusterFile, 'internalAccess.oidc.issuer', hostOf(issuer) ?? issuer);
  const jwksUri = cluster.internalAccess.oidc?.jwksUri;
  if (jwksUri !== undefined) domain(clusterFile, 'internalAccess.oidc.jwksUri', hostOf(jwksUri) ?? jwksUri);
  const email = cluster.alerting?.email;
  if (email) {
    email.to.forEach((to, i) => mailbox(clusterFile, `alerting.email.to[${i}]`, to));
    mailbox(clusterFile, 'alerting.email.from', email.from);
    domain(clusterFile, 'alerting.email.smtpHost', email.smtpHost);
  }

  for (const [person, { iamRoleArn }] of Object.entries(cluster.access.people)) {
    const field = `access.people.${person}.iamRoleArn`;
    const match = ROLE_ARN.exec(iamRoleArn);
    if (match && isDocumentationAccount(match[1]))
      placeholder(
        clusterFile,
        field,
        iamRoleArn,
        `account ${match[1]} is one AWS's documentation uses: EKS refuses the access entry once the cluster is built; use your account's role`,
      );
    if (match && match[2].split('/').pop()!.startsWith('AWSReservedSSO_') && !SSO_PATH.test(match[2]))
      placeholder(
        clusterFile,
        field,
        iamRoleArn,
        'an IAM Identity Center role without its path: the real ARN is arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_… (aws iam list-roles --path-prefix /aws-reserved/sso.amazonaws.com/)',
      );
  }

  const ranges: [string, readonly string[] | undefined][] = [
    ['adminCidrs', cluster.adminCidrs],
    ['internalAccess.allowedCidrs', cluster.internalAccess.allowedCidrs],
  ];
  for (const [field, cidrs] of ranges)
    (cidrs ?? []).forEach((cidr, i) => {
      if (isTestNet(cidr))
        placeholder(
          clusterFile,
          `${field}[${i}]`,
          cidr,
          'a range reserved for documentation (RFC 5737): nobody connects from it, so the API or the login would be unreachable; use your office or VPN egress range',
        );
    });

  for (const name of Object.keys(cluster.apps)) {
    const app = apps.find((a) => a.name === name);
    if (!app) continue; // synth names an unknown app; preflight lists placeholders only
    const override = cluster.apps[name].hosts;
    const hosts = override ?? app.hosts[cluster.env] ?? [];
    hosts.forEach((host, i) => domain(override ? clusterFile : appFileOf(name), override ? `apps.${name}.hosts[${i}]` : `hosts.${cluster.env}[${i}]`, host));
    const current = releases.apps[name]?.current;
    const reason = current && placeholderReason(app.imageRepository, current);
    if (current && reason)
      placeholder(
        releasesFileOf(cluster.env),
        `apps.${name}.current`,
        `${current.tag}@${current.digest}`,
        `${reason}: no registry holds it, so the pods could not start; release the real image (npm run release -- --env ${cluster.env} --app ${name} --image <repository>:<tag>@sha256:<digest>)`,
      );
  }

  const state = cloudSettingsOf(cluster).terraformState;
  items.push({
    kind: 'prerequisite',
    file: clusterFile,
    field: 'terraformState.bucket',
    value: state.bucket,
    why: `the Terraform state bucket must exist in ${state.region}, versioned and private, before terraform init: the stack never creates the bucket its own state lives in (docs/bootstrap.md, step 1)`,
  });
  return items;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** `placeholder: file "…", field "…" = "…": why` */
export const describePreflightItem = (item: PreflightItem): string =>
  `${item.kind}: ${item.file ? `file "${item.file}", ` : ''}field "${item.field}" = ${JSON.stringify(item.value)}: ${item.why}`;
