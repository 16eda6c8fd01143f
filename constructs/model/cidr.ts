/* IPv4 CIDR arithmetic for the VPC layout and the checks on it. Plain data, no cdktf. */

import { PRIVATE_RANGES } from './network-ranges';
export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit number. */
  readonly address: number;
  readonly prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; undefined when it is malformed or has host bits set. */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (address % 2 ** (32 - prefix) !== 0) return undefined;
  return { address, prefix };
}

export function formatCidr(cidr: Ipv4Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(cidr.address / 2 ** shift) % 256);
  return `${octets.join('.')}/${cidr.prefix}`;
}

/** The `index`-th subnet of `newPrefix` inside `parent`, like Terraform's cidrsubnet(). */
export function subnetOf(parent: Ipv4Cidr, newPrefix: number, index: number): Ipv4Cidr {
  const size = 2 ** (32 - newPrefix);
  if (newPrefix < parent.prefix || (index + 1) * size > 2 ** (32 - parent.prefix)) {
    throw new Error(`subnet ${index} of /${newPrefix} does not fit in ${formatCidr(parent)}`);
  }
  return { address: parent.address + index * size, prefix: newPrefix };
}

const PRIVATE = PRIVATE_RANGES.map((r) => parseCidr(r)!);

/** Whether the whole range lies in RFC 1918 private space. */
export const isPrivateCidr = (cidr: Ipv4Cidr): boolean =>
  PRIVATE.some((r) => cidr.prefix >= r.prefix && Math.floor(cidr.address / 2 ** (32 - r.prefix)) === r.address / 2 ** (32 - r.prefix));
