/**
 * IPv4 address sets as sorted, disjoint [first, last] intervals: what a firewall or a NetworkPolicy
 * admits of a source range is what is left of it after each rule takes its part.
 */
export type Interval = readonly [number, number];
export type AddressSet = readonly Interval[];

/** `35.191.0.0/16` (or a bare address) as its interval; undefined for IPv6 or anything not an IPv4 CIDR. */
export function parseCidr(cidr: string): Interval | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(cidr.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = match[5] === undefined ? 32 : Number(match[5]);
  if (octets.some((octet) => octet > 255) || bits > 32) return undefined;
  const address = octets.reduce((value, octet) => value * 256 + octet, 0);
  const size = 2 ** (32 - bits);
  const first = Math.floor(address / size) * size;
  return [first, first + size - 1];
}

/** The IPv4 CIDRs among `cidrs` as one set (IPv6 ones are left out: they never hold an IPv4 source). */
export function addressSet(cidrs: readonly string[]): AddressSet {
  return union(cidrs.map(parseCidr).filter((interval): interval is Interval => interval !== undefined).map((interval) => [interval]));
}

export function union(sets: readonly AddressSet[]): AddressSet {
  const all = sets.flat().slice().sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [first, last] of all) {
    const previous = merged[merged.length - 1];
    if (previous && first <= previous[1] + 1) previous[1] = Math.max(previous[1], last);
    else merged.push([first, last]);
  }
  return merged;
}

export function intersect(a: AddressSet, b: AddressSet): AddressSet {
  const result: Interval[] = [];
  for (const [aFirst, aLast] of a) {
    for (const [bFirst, bLast] of b) {
      const first = Math.max(aFirst, bFirst);
      const last = Math.min(aLast, bLast);
      if (first <= last) result.push([first, last]);
    }
  }
  return union([result]);
}

export function subtract(a: AddressSet, b: AddressSet): AddressSet {
  let rest: Interval[] = [...a];
  for (const [bFirst, bLast] of b) {
    rest = rest.flatMap(([first, last]): Interval[] => {
      if (bLast < first || bFirst > last) return [[first, last]];
      return [...(first < bFirst ? [[first, bFirst - 1] as Interval] : []), ...(bLast < last ? [[bLast + 1, last] as Interval] : [])];
    });
  }
  return rest;
}

export function isEmpty(set: AddressSet): boolean {
  return set.length === 0;
}

/** `35.191.0.0-35.191.127.255`, or the CIDR when the set is one whole block. */
export function describeAddresses(set: AddressSet): string {
  return set.map(([first, last]) => cidrOf(first, last) ?? `${dotted(first)}-${dotted(last)}`).join(', ');
}

function cidrOf(first: number, last: number): string | undefined {
  const size = last - first + 1;
  const bits = 32 - Math.log2(size);
  return Number.isInteger(bits) && first % size === 0 ? `${dotted(first)}/${bits}` : undefined;
}

function dotted(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}
