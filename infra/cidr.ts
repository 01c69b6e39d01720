/**
 * IPv4 ranges in CIDR notation: the arithmetic the network config checks need (host bits, containment,
 * overlap). The syntax itself is checked by the config schema (`z.cidrv4`). Pure.
 */

/** An IPv4 range as the first and last address (32-bit unsigned integers) and its prefix length. */
export interface Ipv4Range {
  readonly first: number;
  readonly last: number;
  readonly prefixLength: number;
}

const toNumber = (address: string) => address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
const toAddress = (n: number) => [24, 16, 8, 0].map(shift => Math.floor(n / 2 ** shift) % 256).join(".");

/** Parses `a.b.c.d/n` (already syntax-checked); host bits are dropped, as Azure would refuse them. */
export function parseCidr(cidr: string): Ipv4Range {
  const [address, length] = cidr.split("/");
  const prefixLength = Number(length);
  const size = 2 ** (32 - prefixLength);
  // Plain arithmetic, not bitwise operators: those work on signed 32-bit integers.
  const first = toNumber(address) - (toNumber(address) % size);
  return { first, last: first + size - 1, prefixLength };
}

/** The range's network address in CIDR notation: `10.40.0.9/24` -> `10.40.0.0/24`. */
export function networkAddress(cidr: string): string {
  const { first, prefixLength } = parseCidr(cidr);
  return `${toAddress(first)}/${prefixLength}`;
}

/** Whether the address part has bits set below the prefix (`10.40.0.9/24`), which Azure refuses. */
export function hasHostBits(cidr: string): boolean {
  return networkAddress(cidr) !== cidr;
}

/** The `n`-th address of a range (`10.40.1.0/26`, 4 -> `10.40.1.4`). */
export function hostAddress(cidr: string, n: number): string {
  return toAddress(parseCidr(cidr).first + n);
}

export function contains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return o.first <= i.first && i.last <= o.last;
}

export function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x.first <= y.last && y.first <= x.last;
}
