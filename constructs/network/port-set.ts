/** The transport protocols a NetworkPolicy port can name. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** Inclusive port ranges, sorted and disjoint. */
type Ranges = readonly (readonly [number, number])[];

/**
 * A set of (protocol, port) pairs, kept as ranges so that "every port" stays one entry. Immutable:
 * every operation returns a new set.
 */
export class PortSet {
  static readonly NONE = new PortSet(new Map());
  static readonly ALL = new PortSet(new Map(PROTOCOLS.map((p) => [p, [[MIN_PORT, MAX_PORT]] as Ranges])));

  /** Ports `from` to `to` (inclusive) of one protocol. */
  static range(protocol: Protocol, from: number, to: number = from): PortSet {
    const lo = Math.max(MIN_PORT, from);
    const hi = Math.min(MAX_PORT, to);
    return lo > hi ? PortSet.NONE : new PortSet(new Map([[protocol, [[lo, hi]] as Ranges]]));
  }

  /** Every port of one protocol. */
  static allOf(protocol: Protocol): PortSet {
    return PortSet.range(protocol, MIN_PORT, MAX_PORT);
  }

  static unionOf(sets: Iterable<PortSet>): PortSet {
    let result = PortSet.NONE;
    for (const set of sets) result = result.union(set);
    return result;
  }

  /** format(), kept: the reachability table prints the same few sets many times. */
  private text?: string;
  /**
   * union() and intersect() with each other set, kept: a cluster's flows combine the same few sets a few
   * hundred thousand times, and a kept result is the same object each time, which the next step then
   * recognizes (`other === this`) and whose format() is already known.
   */
  private unions?: Map<PortSet, PortSet>;
  private intersections?: Map<PortSet, PortSet>;

  private constructor(private readonly byProtocol: ReadonlyMap<Protocol, Ranges>) {}

  union(other: PortSet): PortSet {
    if (other === this || other.isEmpty() || this === PortSet.ALL) return this;
    if (this.isEmpty() || other === PortSet.ALL) return other;
    const unions = (this.unions ??= new Map());
    let result = unions.get(other);
    if (!result) {
      result = this.combine(other, (a, b) => merge([...a, ...b]));
      unions.set(other, result);
    }
    return result;
  }

  intersect(other: PortSet): PortSet {
    if (other === this || this.isEmpty() || other === PortSet.ALL) return this;
    if (other.isEmpty() || this === PortSet.ALL) return other;
    const intersections = (this.intersections ??= new Map());
    let result = intersections.get(other);
    if (!result) {
      result = this.combine(other, intersectRanges);
      intersections.set(other, result);
    }
    return result;
  }

  contains(protocol: Protocol, port: number): boolean {
    return (this.byProtocol.get(protocol) ?? []).some(([lo, hi]) => port >= lo && port <= hi);
  }

  isEmpty(): boolean {
    return this.byProtocol.size === 0;
  }

  /** Whether every port of the protocol is in the set. */
  coversAll(protocol: Protocol): boolean {
    const ranges = this.byProtocol.get(protocol) ?? [];
    return ranges.length === 1 && ranges[0][0] === MIN_PORT && ranges[0][1] === MAX_PORT;
  }

  /** The ranges of one protocol, sorted. */
  rangesOf(protocol: Protocol): Ranges {
    return this.byProtocol.get(protocol) ?? [];
  }

  /** `443, 8080-8090, 53/UDP`; `all TCP`; `all` for every port of every protocol; `` when empty. */
  format(): string {
    return (this.text ??= this.describe());
  }

  private describe(): string {
    if (PROTOCOLS.every((p) => this.coversAll(p))) return 'all';
    return PROTOCOLS.filter((p) => this.byProtocol.has(p))
      .map((p) => {
        const suffix = p === 'TCP' ? '' : `/${p}`;
        if (this.coversAll(p)) return `all ${p}`;
        return this.rangesOf(p)
          .map(([lo, hi]) => `${lo === hi ? lo : `${lo}-${hi}`}${suffix}`)
          .join(', ');
      })
      .join(', ');
  }

  private combine(other: PortSet, op: (a: Ranges, b: Ranges) => Ranges): PortSet {
    const result = new Map<Protocol, Ranges>();
    for (const p of PROTOCOLS) {
      const ranges = op(this.byProtocol.get(p) ?? [], other.byProtocol.get(p) ?? []);
      if (ranges.length > 0) result.set(p, ranges);
    }
    return new PortSet(result);
  }
}

function merge(ranges: Ranges): Ranges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function intersectRanges(a: Ranges, b: Ranges): Ranges {
  const out: [number, number][] = [];
  for (const [alo, ahi] of a) {
    for (const [blo, bhi] of b) {
      const lo = Math.max(alo, blo);
      const hi = Math.min(ahi, bhi);
      if (lo <= hi) out.push([lo, hi]);
    }
  }
  return merge(out);
}
