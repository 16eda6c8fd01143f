import { formatCidr, parseCidr, type Ipv4Cidr } from '../model/cidr';

// The model asks about the same few ranges and addresses millions of times: parse each once.
const parsed = new Map<string, Ipv4Cidr>();
function cidrOf(text: string): Ipv4Cidr {
  let cidr = parsed.get(text);
  if (!cidr) {
    cidr = parseCidr(text.includes('/') ? text : `${text}/32`);
    if (!cidr) throw new Error(`network model: "${text}" is not an IPv4 address or CIDR without host bits`);
    parsed.set(text, cidr);
  }
  return cidr;
}

/** Whether the address lies in the range. */
export function cidrContains(cidr: string, address: string): boolean {
  const range = cidrOf(cidr);
  const size = 2 ** (32 - range.prefix);
  const value = cidrOf(address).address;
  return value >= range.address && value < range.address + size;
}

/** The address `offset` places into the range, e.g. a representative host of a subnet. */
export function hostIn(cidr: string, offset: number): string {
  const range = cidrOf(cidr);
  if (offset >= 2 ** (32 - range.prefix)) throw new Error(`network model: offset ${offset} lies outside ${cidr}`);
  return formatCidr({ address: range.address + offset, prefix: 32 }).replace(/\/32$/, '');
}
